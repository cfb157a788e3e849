//! The back office's three friends'-coupon templates (无门槛代金券, 满减代金券, 兑换券), filled
//! in except the brand name and the pictures, which hold placeholder URLs on WeChat's image
//! host until the merchant uploads their own.

use super::{Abstract, CardType, CreateBody, Int, TextImage, UseCondition};

/// Placeholder pictures: on WeChat's image host, so the rules take them, and named so they
/// are recognisably not the merchant's.
pub const PLACEHOLDER_LOGO: &str = "http://mmbiz.qpic.cn/mmbiz/coupon-studio-placeholder-logo/0";
/// The placeholder cover (850×350).
pub const PLACEHOLDER_COVER: &str = "http://mmbiz.qpic.cn/mmbiz/coupon-studio-placeholder-cover/0";
/// The placeholder text-image picture.
pub const PLACEHOLDER_IMAGE: &str = "http://mmbiz.qpic.cn/mmbiz/coupon-studio-placeholder-image/0";

/// A template of 新建.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// 无门槛代金券: 10 元 off anything (0.2 coins a unit).
    NoThreshold,
    /// 满减代金券: 50 元 off from 500 元 (0.6 coins a unit).
    Threshold,
    /// 兑换券: one gift.
    Gift,
}

impl Template {
    /// Every template, in the order 新建 offers them.
    pub const ALL: [Self; 3] = [Self::NoThreshold, Self::Threshold, Self::Gift];

    /// The body, valid from `begin` to `end` (Unix seconds), at the first of `stores`.
    pub fn body(self, begin: i64, end: i64, stores: &[i64]) -> CreateBody {
        let kind = match self {
            Self::Gift => CardType::Gift,
            Self::NoThreshold | Self::Threshold => CardType::Cash,
        };
        let mut body = CreateBody::new_friend_coupon(kind);
        let card = &mut body.card;
        let base = card.base_info_mut();
        base.logo_url = Some(PLACEHOLDER_LOGO.to_owned());
        base.notice = Some("请出示二维码核销卡券".to_owned());
        base.description = Some("每单限用一张\n不可与其他优惠同享".to_owned());
        base.get_limit = Some(Int::Num(1));
        base.location_id_list = stores.first().map(|s| vec![Int::Num(*s)]);
        let dates = card.date_info_mut();
        dates.begin_timestamp = Some(Int::Num(begin));
        dates.end_timestamp = Some(Int::Num(end));
        let (summary, detail) = match self {
            Self::NoThreshold => ("到店消费立减10元,全场通用", "全场商品均可使用"),
            Self::Threshold => ("消费满500元立减50元", "满500元可用,特价商品除外"),
            Self::Gift => ("到店即可兑换精美礼品一份", "每人限兑一份,先到先得"),
        };
        let advanced = card.advanced_info_mut();
        advanced.abstract_info = Some(Abstract {
            text: Some(summary.to_owned()),
            icon_url_list: Some(vec![PLACEHOLDER_COVER.to_owned()]),
            ..Abstract::default()
        });
        advanced.text_image_list = Some(vec![TextImage {
            image_url: Some(PLACEHOLDER_IMAGE.to_owned()),
            text: Some(detail.to_owned()),
            ..TextImage::default()
        }]);
        match self {
            Self::NoThreshold => {
                if let Some(cash) = card.cash.as_mut() {
                    cash.reduce_cost = Some(Int::Num(1000));
                }
            }
            Self::Threshold => {
                card.advanced_info_mut().use_condition = Some(UseCondition {
                    least_cost: Some(Int::Num(50_000)),
                    can_use_with_other_discount: Some(false),
                    ..UseCondition::default()
                });
                if let Some(cash) = card.cash.as_mut() {
                    cash.reduce_cost = Some(Int::Num(5000));
                }
            }
            Self::Gift => {
                if let Some(gift) = card.gift.as_mut() {
                    gift.gift_name = Some("精美礼品".to_owned());
                    gift.gift_num = Some(Int::Num(1));
                    gift.gift_unit = Some("份".to_owned());
                    gift.gift = Some("到店兑换精美礼品一份".to_owned());
                }
            }
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::pricing::{Coins, price_per_unit};
    use crate::card::rules::{Context, Mode, Severity, validate};

    #[test]
    fn each_template_lacks_only_the_brand_name() {
        let now = 1_893_427_200;
        for t in Template::ALL {
            let body = t.body(now + 86_400, now + 30 * 86_400, &[272_981_040]);
            let errors: Vec<String> = validate(
                &body,
                &Context {
                    now,
                    mode: Mode::Create,
                },
            )
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.field)
            .collect();
            assert_eq!(errors.len(), 1, "{t:?}: {errors:?}");
            assert!(
                errors[0].ends_with("base_info.brand_name"),
                "{t:?}: {errors:?}"
            );
        }
        let price = |t: Template| price_per_unit(&t.body(now, now + 86_400, &[1]).card);
        assert_eq!(price(Template::NoThreshold), Coins(20));
        assert_eq!(price(Template::Threshold), Coins(60));
        assert_eq!(price(Template::Gift), Coins(20));
    }
}
