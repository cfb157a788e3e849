//! Every UI string, in Chinese (primary) and English, in one place.
//!
//! `strings!` declares each key with both texts side by side, so a key cannot exist in one
//! language only; `tests` checks that no text is empty and that the two differ where they must.

use serde::{Deserialize, Serialize};

/// UI language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// 简体中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Whether this is English (the rules engine's messages take a bool).
    pub fn is_en(self) -> bool {
        self == Self::En
    }
}

macro_rules! strings {
    ($( $(#[$meta:meta])* $key:ident => $zh:literal, $en:literal; )+) => {
        /// A UI string key; [`T::get`] gives its text in a language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum T {
            $( $(#[$meta])* #[doc = $zh] $key, )+
        }

        impl T {
            /// Every key, for tests.
            pub const ALL: &'static [T] = &[$(T::$key),+];

            /// The Chinese text.
            pub fn zh(self) -> &'static str {
                match self { $(T::$key => $zh,)+ }
            }

            /// The English text.
            pub fn en(self) -> &'static str {
                match self { $(T::$key => $en,)+ }
            }

            /// The text in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => self.zh(),
                    Lang::En => self.en(),
                }
            }
        }
    };
}

strings! {
    AppName => "卡券工作室", "Coupon Studio";
    SandboxBadge => "沙箱模式", "Sandbox";
    SandboxHint => "未配置公众号:所有操作都发往内置的微信接口模拟器,不会影响真实账号。", "No account configured: every call goes to the built-in WeChat API simulator; no real account is touched.";
    NavDesign => "设计", "Design";
    NavSettings => "设置", "Settings";
    Language => "语言", "Language";
    Theme => "主题", "Theme";
    ThemeLight => "浅色", "Light";
    ThemeDark => "深色", "Dark";
    ThemeSystem => "跟随系统", "System";
    Drafts => "草稿", "Drafts";
    MyCards => "我的卡券", "My cards";
    NewDraft => "新建", "New";
    Duplicate => "复制", "Duplicate";
    Rename => "重命名", "Rename";
    Delete => "删除", "Delete";
    Import => "导入 JSON", "Import JSON";
    Export => "导出 JSON", "Export JSON";
    Undo => "撤销", "Undo";
    Redo => "重做", "Redo";
    Untitled => "未命名草稿", "Untitled draft";
    Saved => "已保存", "Saved";
    Saving => "保存中…", "Saving…";
    Preview => "预览", "Preview";
    CreateCard => "创建卡券", "Create card";
    CreateBlocked => "请先修正错误后再创建", "Fix the errors before creating";
    RequestBody => "请求 JSON", "Request JSON";
    Copy => "复制", "Copy";
    Copied => "已复制", "Copied";
    Close => "关闭", "Close";
    Send => "发送", "Send";
    Creating => "创建中…", "Creating…";
    CardId => "卡券 ID", "Card ID";
    StatusNotVerify => "审核中", "In review";
    StatusVerifyOk => "已通过", "Approved";
    StatusVerifyFail => "未通过", "Rejected";
    StatusDelete => "已删除", "Deleted";
    StatusDispatch => "已投放", "Dispatched";
    Refresh => "刷新", "Refresh";
    Open => "打开", "Open";
    Update => "提交修改", "Submit changes";
    Resubmitted => "已重新提交审核", "Resubmitted for review";
    NoChanges => "没有修改", "No changes";
    Errors => "错误", "Errors";
    Warnings => "警告", "Warnings";
    ThresholdLocked => "门槛创建后不可修改,请慎重填写", "Thresholds cannot be changed after creation";
    SecType => "类型与面额", "Type and value";
    SecThreshold => "使用门槛", "Thresholds";
    SecBrand => "品牌与外观", "Brand and look";
    SecValidity => "有效期与门店", "Validity and stores";
    SecUsage => "使用说明", "Usage text";
    SecEntrances => "自定义入口", "Entrances";
    SecCover => "封面与摘要", "Cover and summary";
    SecTextImages => "图文介绍", "Text-image list";
    SecTimeLimit => "使用时段", "Hours";
    SecServices => "商户服务", "Business services";
    SecGiftBack => "核销后赠券", "Gift-back after use";
    CashCard => "代金券", "Cash coupon";
    GiftCard => "兑换券", "Gift coupon";
    ReduceCost => "减免金额(元)", "Amount off (¥)";
    GiftName => "兑换商品", "Gift item";
    GiftNum => "数量", "Quantity";
    GiftUnit => "单位", "Unit";
    GiftText => "礼品详情", "Gift details";
    AcceptCategory => "指定可用品类", "Applies to";
    RejectCategory => "指定不可用品类", "Does not apply to";
    LeastCost => "满额门槛(元)", "Minimum spend (¥)";
    ObjectUseFor => "购买指定商品可用", "Requires buying";
    NotCombinable => "不与其他优惠共享", "Not combinable with other offers";
    BrandName => "商户名称", "Brand name";
    Logo => "商户 Logo", "Logo";
    Color => "卡券颜色", "Colour";
    CodeType => "券码类型", "Code type";
    BeginDate => "开始日期", "Start date";
    EndDate => "结束日期", "End date";
    BeijingTime => "北京时间", "Beijing time";
    ValiditySpan => "有效期", "Validity";
    Days => "天", "days";
    MaxDays => "最长 90 天", "at most 90 days";
    Stores => "适用门店", "Stores";
    StoreSearch => "搜索门店", "Search stores";
    StoreIdManual => "手动输入门店 ID", "Type a store id";
    Add => "添加", "Add";
    Remove => "移除", "Remove";
    MoveUp => "上移", "Move up";
    MoveDown => "下移", "Move down";
    Notice => "使用提醒", "Notice";
    Description => "使用说明", "Description";
    ServicePhone => "客服电话", "Service phone";
    GetLimit => "每人领取上限", "Per-user limit";
    CenterTitle => "居中入口标题", "Centre entrance title";
    CenterSubTitle => "居中入口副标题", "Centre entrance subtitle";
    CenterUrl => "居中入口链接", "Centre entrance URL";
    CustomUrlName => "服务入口名称", "Service entrance name";
    CustomUrlSubTitle => "服务入口提示", "Service entrance tip";
    CustomUrl => "服务入口链接", "Service entrance URL";
    PromotionUrlName => "营销入口名称", "Marketing entrance name";
    PromotionUrlSubTitle => "营销入口提示", "Marketing entrance tip";
    PromotionUrl => "营销入口链接", "Marketing entrance URL";
    Cover => "封面图片", "Cover picture";
    AbstractText => "封面摘要", "Cover summary";
    TextImageText => "图文描述", "Text";
    TextImageImage => "图片", "Picture";
    AddTextImage => "添加一组图文", "Add a text-image entry";
    PickImage => "选择图片…", "Choose picture…";
    DropHint => "或把图片拖到这里", "or drop a picture here";
    Uploading => "上传中…", "Uploading…";
    Uploaded => "已上传", "Uploaded";
    AllDay => "全天", "All day";
    Holiday => "节假日", "Holidays";
    Enabled => "启用", "Enabled";
    SvcDeliver => "外卖服务", "Delivery";
    SvcPark => "停车位", "Parking";
    SvcPet => "可带宠物", "Pets welcome";
    SvcWifi => "免费Wi-Fi", "Free Wi-Fi";
    GiftBackNone => "不赠送", "None";
    GiftBackSelf => "每核销 1 张,再送 1 张本券", "Give 1 of this card after each use";
    GiftBackOther => "赠送其他朋友的券", "Give another friends' coupon";
    OtherCardId => "赠送的卡券 ID", "Card id to give";
    Account => "账号", "Account";
    ApiBase => "接口地址", "API address";
    DataDir => "数据目录", "Data folder";
    LoadFailed => "加载失败", "Failed to load";
    OfflinePalette => "使用离线色板", "Using the offline palette";
    Field => "字段", "Field";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for key in T::ALL {
            assert!(!key.zh().trim().is_empty(), "{key:?} has no Chinese text");
            assert!(!key.en().trim().is_empty(), "{key:?} has no English text");
            // English text in the Chinese column is the usual copy-paste slip.
            assert!(
                key.zh() != key.en() || key.en().chars().all(|c| !c.is_alphabetic()),
                "{key:?} is not translated"
            );
        }
    }
}
