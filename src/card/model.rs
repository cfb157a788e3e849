//! Serde types for the `card/create` body of a friends' coupon, field for field as the guide
//! names them. Every struct keeps the fields it does not know in `extra`, so importing and
//! exporting a body never drops anything.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::value::{Int, open_enum};

/// Unknown JSON members, kept for the round trip.
pub type Extra = Map<String, Value>;

/// The whole create body: `{"card": {…}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateBody {
    /// The card.
    pub card: Card,
    /// Members beside `card`.
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `card_type`: friends' coupons are cash (代金券) or gift (兑换券) coupons only.
    CardType {
        /// 代金券.
        Cash = "CASH",
        /// 兑换券 (formerly 礼品券).
        Gift = "GIFT",
    }
}

/// The `card` object: the type and the type-specific body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// `card_type`, `None` when missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_type: Option<CardType>,
    /// The `cash` body (CASH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash: Option<CashCard>,
    /// The `gift` body (GIFT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift: Option<GiftCard>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `cash` object of a cash coupon.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CashCard {
    /// Basic information shared by every card type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_info: Option<BaseInfo>,
    /// The friends' coupon fields: thresholds, cover, text-image list, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced_info: Option<AdvancedInfo>,
    /// `reduce_cost`: the amount taken off, in 分 (cents); never 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_cost: Option<Int>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `gift` object of a gift coupon.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GiftCard {
    /// Basic information shared by every card type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_info: Option<BaseInfo>,
    /// The friends' coupon fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced_info: Option<AdvancedInfo>,
    /// `gift_name`: the goods, at most 6 characters (洗手液).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_name: Option<String>,
    /// `gift_num`: how many, 1–999.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_num: Option<Int>,
    /// `gift_unit`: the unit, at most 2 characters (瓶).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_unit: Option<String>,
    /// `gift`: the gift details text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift: Option<String>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `code_type`: how the code is shown on the card.
    CodeType {
        /// 文本.
        Text = "CODE_TYPE_TEXT",
        /// 一维码.
        Barcode = "CODE_TYPE_BARCODE",
        /// 二维码.
        Qrcode = "CODE_TYPE_QRCODE",
        /// 二维码无code显示.
        OnlyQrcode = "CODE_TYPE_ONLY_QRCODE",
        /// 一维码无code显示.
        OnlyBarcode = "CODE_TYPE_ONLY_BARCODE",
        /// 无code类型 (online use only).
        None = "CODE_TYPE_NONE",
    }
}

open_enum! {
    /// `date_info.type`: friends' coupons accept a fixed range only.
    DateType {
        /// A fixed begin and end timestamp.
        FixTimeRange = "DATE_TYPE_FIX_TIME_RANGE",
    }
}

/// `date_info`: the validity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DateInfo {
    /// `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub date_type: Option<DateType>,
    /// `begin_timestamp`: seconds since the epoch (number or string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_timestamp: Option<Int>,
    /// `end_timestamp`: seconds since the epoch (number or string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_timestamp: Option<Int>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `base_info`: what every card type has.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseInfo {
    /// `logo_url`: the merchant logo, a CDN URL from the upload API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// `code_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_type: Option<CodeType>,
    /// `brand_name`: at most 12 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_name: Option<String>,
    /// `color`: a colour name such as `Color010`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// `notice`: the one-line use reminder, at most 12 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// `description`: the use instructions, at most 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `date_info`: the validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_info: Option<DateInfo>,
    /// `location_id_list`: store (poi) ids; at least one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id_list: Option<Vec<Int>>,
    /// `can_share`: must be false for a friends' coupon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_share: Option<bool>,
    /// `can_give_friend`: must be false for a friends' coupon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_give_friend: Option<bool>,
    /// `service_phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_phone: Option<String>,
    /// `get_limit`: how many times one user may receive the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub get_limit: Option<Int>,
    /// `center_title`: the centred entrance (使用场景入口), at most 9 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_title: Option<String>,
    /// `center_sub_title`: at most 12 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_sub_title: Option<String>,
    /// `center_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center_url: Option<String>,
    /// `custom_url_name`: the service entrance (服务场景入口), at most 5 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url_name: Option<String>,
    /// `custom_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url: Option<String>,
    /// `custom_url_sub_title`: at most 6 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url_sub_title: Option<String>,
    /// `promotion_url_name`: the marketing entrance (营销场景入口).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url_name: Option<String>,
    /// `promotion_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url: Option<String>,
    /// `promotion_url_sub_title`: at most 6 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url_sub_title: Option<String>,
    /// Unknown members (for example `status` in a `card/get` answer).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `use_condition`: the thresholds (门槛), fixed once the card exists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UseCondition {
    /// `accept_category`: the goods it applies to (CASH only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_category: Option<String>,
    /// `reject_category`: the goods it does not apply to (CASH only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_category: Option<String>,
    /// `least_cost`: the minimum spend, in 分.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub least_cost: Option<Int>,
    /// `object_use_for`: the goods that must be bought (GIFT only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_use_for: Option<String>,
    /// `can_use_with_other_discount`: false adds "不与其他优惠共享"; default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_use_with_other_discount: Option<bool>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `abstract`: the cover picture and its summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Abstract {
    /// `abstract`: the summary text.
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `icon_url_list`: at most one cover URL (850×350 suggested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url_list: Option<Vec<String>>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `text_image_list`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TextImage {
    /// `image_url`: a CDN URL from the upload API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// `text`: at most 5000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `time_limit.type`: a weekday or holidays.
    TimeLimitType {
        /// 周一.
        Monday = "MONDAY",
        /// 周二.
        Tuesday = "TUESDAY",
        /// 周三.
        Wednesday = "WEDNESDAY",
        /// 周四.
        Thursday = "THURSDAY",
        /// 周五.
        Friday = "FRIDAY",
        /// 周六.
        Saturday = "SATURDAY",
        /// 周日.
        Sunday = "SUNDAY",
        /// 假期通用.
        Holiday = "HOLIDAY",
    }
}

impl TimeLimitType {
    /// The Chinese label used on the card: 周一 … 周日, 节假日.
    pub fn label_zh(&self) -> &str {
        match self {
            Self::Monday => "周一",
            Self::Tuesday => "周二",
            Self::Wednesday => "周三",
            Self::Thursday => "周四",
            Self::Friday => "周五",
            Self::Saturday => "周六",
            Self::Sunday => "周日",
            Self::Holiday => "节假日",
            Self::Other(s) => s,
        }
    }

    /// Monday = 0 … Sunday = 6; `None` for holidays and unknown values.
    pub fn weekday_index(&self) -> Option<usize> {
        Self::KNOWN[..7].iter().position(|d| d == self)
    }
}

/// One entry of `time_limit`: the hours the card may be used on a day (display only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeLimit {
    /// `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub limit_type: Option<TimeLimitType>,
    /// `begin_hour`, 0–23.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_hour: Option<Int>,
    /// `end_hour`, 0–23.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_hour: Option<Int>,
    /// `begin_minute`, 0–59.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_minute: Option<Int>,
    /// `end_minute`, 0–59.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_minute: Option<Int>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `business_service`: services shown as icons on the card.
    BusinessService {
        /// 外卖服务.
        Deliver = "BIZ_SERVICE_DELIVER",
        /// 停车位.
        FreePark = "BIZ_SERVICE_FREE_PARK",
        /// 可带宠物.
        WithPet = "BIZ_SERVICE_WITH_PET",
        /// 免费wifi.
        FreeWifi = "BIZ_SERVICE_FREE_WIFI",
    }
}

impl BusinessService {
    /// The Chinese label the guide gives.
    pub fn label_zh(&self) -> &str {
        match self {
            Self::Deliver => "外卖服务",
            Self::FreePark => "停车位",
            Self::WithPet => "可带宠物",
            Self::FreeWifi => "免费Wi-Fi",
            Self::Other(s) => s,
        }
    }
}

/// One entry of `consume_share_card_list`: another friends' coupon given after use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShareCard {
    /// `card_id` of the coupon given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    /// `num`: must be 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num: Option<Int>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `advanced_info`: the friends' coupon fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdvancedInfo {
    /// `use_condition`: thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_condition: Option<UseCondition>,
    /// `abstract`: cover and summary.
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_info: Option<Abstract>,
    /// `text_image_list`: at least one entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_image_list: Option<Vec<TextImage>>,
    /// `time_limit`: usable hours per weekday or holiday (display only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<Vec<TimeLimit>>,
    /// `business_service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_service: Option<Vec<BusinessService>>,
    /// `consume_share_self_num`: coupons of this card given after each use, at most 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_share_self_num: Option<Int>,
    /// `consume_share_card_list`: another coupon given after use; excludes the above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_share_card_list: Option<Vec<ShareCard>>,
    /// `share_friends`: must be true for a friends' coupon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_friends: Option<bool>,
    /// Unknown members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Card {
    /// The declared card type; a missing type reads as the body that is present.
    pub fn kind(&self) -> Option<CardType> {
        match (&self.card_type, &self.cash, &self.gift) {
            (Some(t), _, _) => Some(t.clone()),
            (None, Some(_), None) => Some(CardType::Cash),
            (None, None, Some(_)) => Some(CardType::Gift),
            _ => None,
        }
    }

    /// The `base_info` of the body that matches the card type.
    pub fn base_info(&self) -> Option<&BaseInfo> {
        match self.kind()? {
            CardType::Gift => self.gift.as_ref()?.base_info.as_ref(),
            _ => self.cash.as_ref()?.base_info.as_ref(),
        }
    }

    /// The `advanced_info` of the body that matches the card type.
    pub fn advanced_info(&self) -> Option<&AdvancedInfo> {
        match self.kind()? {
            CardType::Gift => self.gift.as_ref()?.advanced_info.as_ref(),
            _ => self.cash.as_ref()?.advanced_info.as_ref(),
        }
    }

    /// The thresholds, when present.
    pub fn use_condition(&self) -> Option<&UseCondition> {
        self.advanced_info()?.use_condition.as_ref()
    }

    /// The JSON key of the type body: `cash` or `gift`.
    pub fn body_key(&self) -> &'static str {
        match self.kind() {
            Some(CardType::Gift) => "gift",
            _ => "cash",
        }
    }
}

/// Mutable access for editors: each accessor creates what is missing, so a form can write
/// any field of a half-filled body.
impl Card {
    /// Sets the card type and moves the shared parts into the matching body.
    pub fn set_kind(&mut self, kind: CardType) {
        let (base, adv) = match self.kind() {
            Some(CardType::Gift) => self
                .gift
                .as_mut()
                .map(|g| (g.base_info.take(), g.advanced_info.take()))
                .unwrap_or_default(),
            _ => self
                .cash
                .as_mut()
                .map(|c| (c.base_info.take(), c.advanced_info.take()))
                .unwrap_or_default(),
        };
        self.card_type = Some(kind.clone());
        match kind {
            CardType::Gift => {
                let g = self.gift.get_or_insert_with(GiftCard::default);
                g.base_info = base.or(g.base_info.take());
                g.advanced_info = adv.or(g.advanced_info.take());
                // An empty cash body would make the card ambiguous; a filled one is kept
                // so switching back restores the amount.
                if self
                    .cash
                    .as_ref()
                    .is_some_and(|c| c.reduce_cost.is_none() && c.extra.is_empty())
                {
                    self.cash = None;
                }
            }
            _ => {
                let c = self.cash.get_or_insert_with(CashCard::default);
                c.base_info = base.or(c.base_info.take());
                c.advanced_info = adv.or(c.advanced_info.take());
                if self.gift.as_ref().is_some_and(|g| {
                    g.gift_name.is_none() && g.gift_num.is_none() && g.gift_unit.is_none()
                }) {
                    self.gift = None;
                }
            }
        }
    }

    /// The `base_info` of the current type, created when missing.
    pub fn base_info_mut(&mut self) -> &mut BaseInfo {
        match self.kind() {
            Some(CardType::Gift) => self
                .gift
                .get_or_insert_with(GiftCard::default)
                .base_info
                .get_or_insert_with(BaseInfo::default),
            _ => self
                .cash
                .get_or_insert_with(CashCard::default)
                .base_info
                .get_or_insert_with(BaseInfo::default),
        }
    }

    /// The `advanced_info` of the current type, created when missing.
    pub fn advanced_info_mut(&mut self) -> &mut AdvancedInfo {
        match self.kind() {
            Some(CardType::Gift) => self
                .gift
                .get_or_insert_with(GiftCard::default)
                .advanced_info
                .get_or_insert_with(AdvancedInfo::default),
            _ => self
                .cash
                .get_or_insert_with(CashCard::default)
                .advanced_info
                .get_or_insert_with(AdvancedInfo::default),
        }
    }

    /// The thresholds, created when missing.
    pub fn use_condition_mut(&mut self) -> &mut UseCondition {
        self.advanced_info_mut()
            .use_condition
            .get_or_insert_with(UseCondition::default)
    }

    /// The `date_info`, created when missing.
    pub fn date_info_mut(&mut self) -> &mut DateInfo {
        self.base_info_mut()
            .date_info
            .get_or_insert_with(DateInfo::default)
    }
}

impl CreateBody {
    /// A new friends' coupon with the fixed values the guide demands already set
    /// (`can_share` and `can_give_friend` false, `share_friends` true, fixed date range),
    /// so a person only fills in what is theirs to choose.
    pub fn new_friend_coupon(kind: CardType) -> Self {
        let mut body = Self::default();
        body.card.set_kind(kind);
        let base = body.card.base_info_mut();
        base.code_type = Some(CodeType::Qrcode);
        base.color = Some("Color010".to_owned());
        base.can_share = Some(false);
        base.can_give_friend = Some(false);
        base.date_info = Some(DateInfo {
            date_type: Some(DateType::FixTimeRange),
            ..DateInfo::default()
        });
        let adv = body.card.advanced_info_mut();
        adv.share_friends = Some(true);
        adv.consume_share_self_num = Some(Int::Num(1));
        adv.text_image_list = Some(vec![TextImage::default()]);
        body
    }
}
