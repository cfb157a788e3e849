//! The few words the preview adds itself, in Chinese and English.

use crate::card::BusinessService;
use crate::i18n::T;
use crate::ui::Lang;

/// The UI words of the card preview. WeChat's own text (title, summary, time limits) is not
/// here: it comes from [`crate::card::synth::Synthesis`] and stays Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreviewLabels {
    /// The language these words are in.
    pub lang: Lang,
    /// Before the validity range: "有效期".
    pub valid: &'static str,
    /// The heading of the cover, summary and text-image list: "优惠详情".
    pub details: &'static str,
    /// The heading of the notices and description: "使用须知".
    pub notes: &'static str,
    /// The heading of the business-service icons: "商户服务".
    pub services: &'static str,
    /// The default centre button (the QR code button) when `center_title` is not set.
    pub use_now: &'static str,
    /// Why the centre button is grey before the validity begins.
    pub not_yet_valid: &'static str,
    /// Why the centre button is grey after the validity ends.
    pub expired: &'static str,
    /// Before the service phone: "客服电话".
    pub service_phone: &'static str,
    /// The placeholder of a missing logo image.
    pub logo: &'static str,
    /// The placeholder of a missing cover image.
    pub cover: &'static str,
    /// The placeholder of a missing text-image picture.
    pub image: &'static str,
}

impl PreviewLabels {
    /// 简体中文.
    pub const ZH: Self = Self {
        lang: Lang::Zh,
        valid: T::PvValid.zh(),
        details: T::PvDetails.zh(),
        notes: T::PvNotes.zh(),
        services: T::PvServices.zh(),
        use_now: T::PvUseNow.zh(),
        not_yet_valid: T::PvNotYetValid.zh(),
        expired: T::PvExpired.zh(),
        service_phone: T::PvServicePhone.zh(),
        logo: T::PvLogo.zh(),
        cover: T::PvCover.zh(),
        image: T::PvImage.zh(),
    };

    /// English.
    pub const EN: Self = Self {
        lang: Lang::En,
        valid: T::PvValid.en(),
        details: T::PvDetails.en(),
        notes: T::PvNotes.en(),
        services: T::PvServices.en(),
        use_now: T::PvUseNow.en(),
        not_yet_valid: T::PvNotYetValid.en(),
        expired: T::PvExpired.en(),
        service_phone: T::PvServicePhone.en(),
        logo: T::PvLogo.en(),
        cover: T::PvCover.en(),
        image: T::PvImage.en(),
    };

    /// The words for `lang`.
    pub const fn new(lang: Lang) -> Self {
        match lang {
            Lang::Zh => Self::ZH,
            Lang::En => Self::EN,
        }
    }

    /// "核销后赠送 1 张本券": `n` coupons of this card are given after each use.
    pub fn gift_back_self(&self, n: i64) -> String {
        T::PvGiftBackSelf.fill(self.lang, &[("n", &n)])
    }

    /// "核销后赠送 1 张其他券": `n` coupons of another card are given after each use.
    pub fn gift_back_other(&self, n: i64) -> String {
        T::PvGiftBackOther.fill(self.lang, &[("n", &n)])
    }

    /// The label under a business-service icon.
    pub fn service(&self, service: &BusinessService) -> String {
        let en = match service {
            BusinessService::Deliver => "Delivery",
            BusinessService::FreePark => "Parking",
            BusinessService::WithPet => "Pets welcome",
            BusinessService::FreeWifi => "Free Wi-Fi",
            BusinessService::Other(s) => s,
        };
        match self.lang {
            Lang::Zh => service.label_zh().to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}

impl Default for PreviewLabels {
    fn default() -> Self {
        Self::ZH
    }
}
