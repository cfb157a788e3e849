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
            pub const fn zh(self) -> &'static str {
                match self { $(T::$key => $zh,)+ }
            }

            /// The English text.
            pub const fn en(self) -> &'static str {
                match self { $(T::$key => $en,)+ }
            }

            /// The text in `lang`.
            pub const fn get(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => self.zh(),
                    Lang::En => self.en(),
                }
            }

            /// The text in `lang` with each `{name}` replaced by its value from `args`
            /// (texts with numbers or names in them: both languages have the same
            /// placeholders, which a test checks).
            pub fn fill(self, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> String {
                let mut text = self.get(lang).to_owned();
                for (name, value) in args {
                    text = text.replace(&format!("{{{name}}}"), &value.to_string());
                }
                text
            }
        }
    };
}

/// The `{name}` placeholders of a text, sorted.
#[cfg(test)]
fn placeholders(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    out.sort_unstable();
    out
}

strings! {
    AppName => "卡券工作室", "Coupon Studio";
    SandboxBadge => "沙箱模式", "Sandbox";
    SandboxHint => "沙箱模式:所有操作都发往内置的微信接口模拟器,不会影响真实账号。", "Sandbox mode: every call goes to the built-in WeChat API simulator; no real account is touched.";
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
    BlankCard => "空白卡券", "Blank card";
    TplNoThreshold => "无门槛代金券", "Cash coupon, no minimum";
    TplNoThresholdHint => "立减 10 元,全场通用;库存 0.2 券点/张", "10 元 off anything; stock 0.2 coins a unit";
    TplThreshold => "满减代金券", "Cash coupon with a minimum spend";
    TplThresholdHint => "满 500 减 50,可再指定品类;库存 0.6 券点/张", "50 元 off from 500 元, a category can be added; stock 0.6 coins a unit";
    TplGift => "兑换券", "Gift coupon";
    TplGiftHint => "到店兑换一份礼品;库存 0.2 券点/张", "One gift at the store; stock 0.2 coins a unit";
    DuplicateAsDraft => "复制为新草稿", "Duplicate as a new draft";
    ChoosePicture => "选择图片", "Choose a picture";
    OpenFile => "打开", "Open";
    StockAlertBelow => "库存提醒:少于", "Stock alert: fewer than";
    StockAlertHint => "库存少于这个数时,在「我的卡券」和「券点」里提醒。不填也会按微信的规则提醒:库存超过 200 张后降到 100 张及以下。", "Cards with less stock are flagged in My cards and Coins. Empty, WeChat's own rule still applies: stock falls to 100 or fewer after having had more than 200.";
    Units => "张", "units";
    BuyStock => "购买库存", "Buy stock";
    LowStockRemind => "库存只剩 {n} 张(微信库存提醒)", "Only {n} left (WeChat's stock reminder)";
    LowStockBelow => "库存只剩 {n} 张,少于你设的 {t} 张", "Only {n} left, fewer than your {t}";
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
    StartHour => "开始时间(时)", "Start time (hour)";
    StartMinute => "开始时间(分)", "Start time (minute)";
    EndHour => "结束时间(时)", "End time (hour)";
    EndMinute => "结束时间(分)", "End time (minute)";
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
    NavWallet => "券点", "Coins";
    CoinAccount => "券点账户", "Coin account";
    FreeCoins => "免费券点", "Free coins";
    PaidCoins => "付费券点", "Paid coins";
    TotalCoins => "合计", "Total";
    Coins => "券点", "coins";
    Activate => "开通券点账户", "Open coin account";
    ActivateHint => "首次开通赠送 200 券点", "Opening the account the first time grants 200 free coins";
    ActivatedReward => "已开通券点账户,获赠", "Coin account opened; granted";
    AlreadyActivated => "券点账户已开通(本次无赠送)", "The coin account was already open (no new reward)";
    Card => "卡券", "Card";
    NoCards => "还没有卡券", "No cards yet";
    StockNow => "当前库存", "Stock now";
    StockWhenInReview => "这张卡券还在审核中:审核通过后才能购买库存", "This card is still in review: stock can be bought once it is approved";
    StockWhenRejected => "这张卡券未通过审核,不能购买库存:在「设计」中按原因修改后重新提交", "This card was rejected, so no stock can be bought: change it in Design as the reason says and submit it again";
    StockWhenDeleted => "这张卡券已删除,不能购买库存", "This card was deleted: no stock can be bought";
    StockWhenEnded => "这张卡券已过期,不能购买库存(剩余库存在过期后次日折合券点退回)", "This card has ended: no stock can be bought (stock left is refunded as coins the day after)";
    Quantity => "数量", "Quantity";
    CoinsPerUnit => "券点/张", "coins per unit";
    WholeNumberBetween => "须为整数,范围", "must be a whole number in";
    Typed => "当前输入", "typed";
    GetQuote => "批价", "Get quote";
    Requote => "报价已过期,重新批价", "Quote expired: get a new one";
    Quoting => "正在批价…", "Getting a quote…";
    Price => "价格", "Price";
    QuoteLeft => "报价剩余", "Quote valid for";
    Seconds => "秒", "s";
    QuoteExpired => "报价已过期(60 秒),请重新批价", "The quote has expired (60 s); get a new one";
    QuoteTooLate => "剩余不足 5 秒,为免超时不再允许确认,请重新批价", "Less than 5 s left: confirming is closed to avoid a late arrival; get a new quote";
    NeedCoins => "余额不足:需要", "Not enough coins: needs";
    HaveCoins => "当前", "you have";
    MissingCoins => "还差", "missing";
    GoRecharge => "去充值", "Recharge";
    InsufficientHint => "券点不足。请在右侧充值后重新批价。", "Not enough coins. Recharge on the right, then get a new quote.";
    ConfirmExchange => "确认兑换", "Confirm purchase";
    Confirming => "正在确认(只发送一次)…", "Confirming (sent once)…";
    StockAdded => "兑换成功,库存", "Purchased; stock";
    ReconcilingBanner => "有兑换结果未知(网络中断):正在核对订单列表与库存,核对完成前暂停新的兑换。", "A purchase has an unknown outcome (connection lost): checking the order list and stock; new purchases wait until this is settled.";
    WaitingForQuoteEnd => "订单列表中暂无此单,等报价过期后再核对一次", "not in the order list yet; checking again once the quote has ended";
    ReconciledApplied => "核对结果:兑换已生效(只生效一次)", "Settled: the purchase went through (once)";
    ReconciledNotApplied => "核对结果:兑换未生效,券点和库存均未变化。可重新批价。", "Settled: the purchase did not go through; coins and stock are unchanged. Get a new quote to retry.";
    QuoteInterrupted => "报价请求被中断,不涉及券点", "Quote interrupted; no coins involved";
    RechargeInterrupted => "充值请求被中断:二维码未展示,无法被支付,未扣款", "Recharge interrupted: its QR was never shown, so it cannot be paid; nothing charged";
    Recharge => "充值", "Recharge";
    RechargeCoins => "充值券点", "Coins to buy";
    CoinIsYuan => "1 券点 = ¥1", "1 coin = ¥1";
    MakeRechargeQr => "生成充值二维码", "Make recharge QR";
    ScanToPay => "请用微信扫一扫支付", "scan with WeChat to pay";
    RechargePaidWaiting => "已支付,等待券点到账", "paid; waiting for the coins";
    RechargeCredited => "券点已到账", "coins credited";
    RechargeFailed => "充值失败,未扣款", "recharge failed; nothing charged";
    Elapsed => "已等待", "Waited";
    StopPolling => "停止查询", "Stop checking";
    ResumePolling => "继续查询", "Check again";
    PollingStopped => "已停止查询(超过 15 分钟或手动停止)", "Checking stopped (15 minutes passed or stopped by you)";
    SimulatePay => "模拟扫码支付", "Simulate payment";
    SimulatePayFail => "模拟支付失败", "Simulate a failed payment";
    Orders => "订单", "Orders";
    OrderType => "类型", "Type";
    OrderStatus => "状态", "Status";
    OrderId => "订单号", "Order id";
    OrderDesc => "说明", "Description";
    Created => "时间(北京)", "Time (Beijing)";
    All => "全部", "All";
    NoneLabel => "无", "None";
    ExcludeStatus => "排除状态", "Leave out status";
    SortDesc => "时间 ↓ 新→旧", "Time ↓ newest first";
    SortAsc => "时间 ↑ 旧→新", "Time ↑ oldest first";
    DateRange => "日期范围", "Date range";
    RangeReversed => "开始日期晚于结束日期", "the start is after the end";
    ExportCsv => "导出 CSV", "Export CSV";
    SavedTo => "已保存到", "Saved to";
    Page => "第", "Page";
    OrdersCount => "笔订单", "orders";
    NoOrders => "该范围内没有订单", "No orders in this range";
    Journal => "操作日志(本地)", "Journal (local)";
    JournalEmpty => "还没有涉及券点的操作", "No money calls yet";
    EntryDone => "完成", "Done";
    EntryFailed => "未生效", "Not applied";
    EntryWaiting => "等待中", "Waiting";
    EntryOpen => "待核对", "To reconcile";
    NavPlacement => "投放", "Placement";
    PlacementQr => "投放二维码", "Placement QR code";
    QrPermanent => "永久有效", "Permanent";
    QrTemporary => "临时", "Temporary";
    QrLifetime => "有效时长(秒)", "Lifetime (s)";
    QrUniqueCode => "一码一用", "One code per scan";
    QrUniqueCodeHint => "每张二维码只能被领取一次,适合一人一码的发放(is_unique_code)", "Each QR can be received once: for one-person-one-code handouts (is_unique_code)";
    OuterId => "渠道编号", "Channel number";
    OuterIdHint => "用数字区分投放位置(门店、传单批次),领取和核销会按渠道统计(outer_id)", "A number per placement (a store, a flyer run); receives and uses are counted per channel (outer_id)";
    OnlyOpenid => "指定领取人 openid(可空)", "Only this openid (optional)";
    CreateQr => "生成二维码", "Create QR code";
    ScanNotLongPress => "朋友的券只能用微信「扫一扫」领取,长按识别二维码无法领取。", "Friends' coupons are received only with WeChat Scan; long-pressing the QR does not work.";
    ValidFor => "有效", "Valid for";
    CopyUrl => "复制链接", "Copy URL";
    SavePng => "保存 PNG…", "Save PNG…";
    TestWhitelist => "测试白名单", "Test whitelist";
    WhitelistHint => "审核通过前,只有白名单中的用户能领取。每次设置会覆盖原名单,合计最多 10 个。", "Before approval only whitelisted users can receive the card. Each set replaces the list; at most 10 in total.";
    WhitelistOpenids => "openid(每行一个)", "openids (one a line)";
    WhitelistUsernames => "微信号", "WeChat ids";
    SetWhitelist => "设置白名单", "Set whitelist";
    WhitelistDone => "已设置", "Set";
    H5CardExt => "H5 领取(wx.addCard)", "H5 receive (wx.addCard)";
    H5Hint => "用 wx_card api_ticket(缓存 7200 秒)签名 cardExt,可复制到网页的 JS-SDK 调用中。", "Signs the cardExt with the wx_card api_ticket (cached 7200 s) for the page's JS-SDK call.";
    SignCardExt => "生成签名", "Sign cardExt";
    NavRedeem => "核销", "Redeem";
    RedeemTitle => "核销台", "Redemption desk";
    CodeInput => "券码或链接", "Code or link";
    CheckConsume => "先确认能否核销", "Check it can be used first";
    CheckConsumeHint => "勾选时,状态异常的券码直接返回 40127;不勾选时返回状态详情(check_consume)。也可粘贴 encrypt_code 或领券链接。", "When ticked, an abnormal code answers 40127; unticked, its status is shown (check_consume). An encrypt_code or a coupon link can be pasted too.";
    WillDecrypt => "将先调用 code/decrypt 解码", "will be decrypted with code/decrypt first";
    LookUp => "查询", "Look up";
    CodeLabel => "券码", "Code";
    CodeStatus => "状态", "Status";
    Owner => "领取人", "Owner";
    MarkHolder => "占用人", "Marked by";
    EncryptedCode => "加密券码", "Encrypted code";
    UseCount => "使用次数", "Use count";
    CanConsume => "可核销", "Can be used";
    ConsumeOffline => "线下核销(仅券码)", "Offline (code only)";
    ConsumeOnline => "线上核销(先占用)", "Online (mark first)";
    OnlineHint => "线上核销前须用用户 openid 占用(mark)券码,5 分钟内有效;被他人占用时返回 40146,未占用直接核销返回 40003。", "Online use needs a mark with the user's openid first (valid 5 minutes); someone else's mark answers 40146, consuming without a mark answers 40003.";
    UserOpenid => "用户 openid", "User openid";
    Mark => "占用", "Mark";
    Unmark => "解除占用", "Unmark";
    MarkLeft => "占用剩余", "Mark left";
    MarkFirst => "请先用该 openid 占用券码", "Mark the code with this openid first";
    Consume => "核销此券", "Consume this code";
    Yes => "是", "Yes";
    No => "否", "No";
    Consumed => "已核销", "Consumed";
    GiftBackIssued => "已向用户赠送 1 张本券(核销后赠券)", "A coupon was given back to the customer (gift after use)";
    GiftBackNoStock => "本券设置了核销后赠券,但库存不足,未赠送", "The card gives a coupon after use, but there was no stock: none issued";
    GiftBackNotSet => "本券未设置核销后赠券", "The card gives no coupon after use";
    NavStats => "数据", "Stats";
    SourcePlatform => "0:公众平台创建的卡券", "0: cards made on the web platform";
    SourceApi => "1:API 创建的卡券", "1: cards made through the API";
    ScopeAccount => "整个账号", "Whole account";
    ScopeCard => "单张卡券", "One card";
    CardSource => "卡券来源", "Made in";
    LoadStats => "查询数据", "Load data";
    Seed => "种子", "Seed";
    SeedRule => "种子:须为非负整数", "Seed: must be a non-negative whole number";
    SimulateWeek => "模拟一周活动", "Simulate a week of activity";
    Counts => "次数", "Counts";
    Users => "人数", "Users";
    UsersDaily => "人数(按日合计)", "Users (summed per day)";
    LineChart => "折线", "Lines";
    BarChart => "柱状", "Bars";
    Metric => "指标", "Metric";
    Conversion => "领取→核销转化率", "Receive → use conversion";
    Channels => "渠道效果", "Channels";
    ChannelsNote => "微信的数据接口不按渠道拆分;渠道数据来自微信推送给服务器的领券事件,桌面工具收不到。用「公司服务器」账号(设置 → 添加账号)即可看到。", "WeChat's statistics calls have no per-channel breakdown; channel data comes from the claim events WeChat pushes to a server, which a desktop tool cannot receive. A “Company server” account shows it (Settings → Add account).";
    ChannelsSandbox => "以下为模拟器事件日志中的渠道数据(仅沙箱模式)", "Below: channel data from the simulator's event log (sandbox only)";
    Posters => "海报", "Posters";
    Template => "模板", "Template";
    PageSize => "页面", "Page";
    QrSize => "二维码", "QR";
    PreviewQrHint => "预览中的二维码是示例;先「生成二维码」,海报即使用真实链接。", "The QR in the preview is a sample; create a QR code first and the poster uses the real URL.";
    ExportPng => "导出 PNG(300 dpi)…", "Export PNG (300 dpi)…";
    ExportPdf => "导出 PDF…", "Export PDF…";
    OpenOrPrint => "打开 / 打印", "Open / print";
    Batch => "批量渠道海报", "Channel posters in bulk";
    ChannelSpec => "渠道号", "Channels";
    ChannelLabels => "渠道标签(渠道号,标签)", "Channel labels (channel no.,label)";
    ChannelLabel => "标签", "Label";
    SavedChannels => "已保存的投放渠道({n} 个)", "Saved placement channels ({n})";
    UseSavedChannels => "用这些渠道批量生成海报", "Use these channels for the posters";
    ChannelNumber => "渠道编号", "Channel no.";
    LabelsFromStores => "用门店名称", "From store names";
    LabelsFromCsv => "读取 CSV…", "Read CSV…";
    BatchStart => "生成渠道海报", "Make channel posters";
    BatchChooseFolder => "请选择输出文件夹…", "Choose the output folder…";
    StageQr => "生成二维码", "QR codes";
    StagePng => "写 PNG", "PNG files";
    StagePdf => "写 PDF", "PDF pages";
    Cancel => "取消", "Cancel";
    BatchDone => "已完成渠道", "Done, channels";
    OpenFolder => "打开文件夹", "Open folder";
    OutputFolder => "输出文件夹", "Output folder";
    LogoUnavailable => "无法下载卡券 Logo,海报暂不含 Logo(悬停查看原因)", "The card's logo could not be downloaded; the poster has no logo (hover for why)";
    Choose => "选择…", "Choose…";
    ConsumeUnknown => "核销结果未知,未重试:已重新查询券码状态(见上方);显示“已核销”则本次核销已生效,请勿再次核销。原因:", "Outcome of the consume unknown, not retried: the code was queried again (see above); if it reads Used, this consume took effect, do not consume again. Cause: ";
    RedeemCodes => "核销错误码与排错指引", "Redemption errcodes and what to do";
    ConversionUsers => "领取→核销转化率(按人数)", "Receive → use conversion (users)";
    ChannelViews => "浏览", "Views";
    ChannelGiftBack => "其中核销赠券", "Of which gift-back";
    ChannelScopeCard => "仅所选卡券", "Selected card only";
    Accounts => "公众号账号", "WeChat accounts";
    AddAccount => "添加账号", "Add account";
    AccountSaved => "账号已保存", "Account saved";
    AccountSavedKeyring => "账号已保存,AppSecret 已存入系统钥匙串", "Account saved; the AppSecret is in the system keyring";
    SandboxStateSetAside => "模拟器的状态文件无法读取,已从空白状态启动;原文件已备份为", "The simulator's state file could not be read, so it started empty; the file was kept as";
    SwitchWaitsForMoney => "券点兑换或充值正在进行,完成后再切换账号", "A stock purchase or recharge is in progress: switch accounts once it has finished";
    EditAccount => "编辑", "Edit";
    RemoveAccount => "删除账号", "Remove";
    UseAccount => "使用", "Use";
    ActiveAccount => "当前使用", "In use";
    AccountName => "显示名称", "Display name";
    AppId => "AppID(开发者ID)", "AppID";
    AppSecret => "AppSecret(开发者密码)", "AppSecret";
    TokenModeLabel => "连接方式", "How to connect";
    ModeStable => "用 AppSecret 连接(推荐)", "With the AppSecret (recommended)";
    ModeStableTip => "cgi-bin/stable_token:每个调用方拿到同一个仍然有效的 access_token,不影响商户的服务器", "cgi-bin/stable_token: every caller gets the same still-valid access_token; the merchant's server is not disturbed";
    ModeClassic => "用 AppSecret 独占连接(不推荐)", "With the AppSecret, taking the token over (not recommended)";
    ModeClassicTip => "cgi-bin/token:每次调用都签发新的 access_token", "cgi-bin/token: every call issues a new access_token";
    ModeService => "公司的凭证服务", "The company's token service";
    ModeServiceTip => "GET 服务地址,返回 access_token(JSON 或纯文本)", "GET the service URL, which answers the access_token (JSON or plain text)";
    ModePasted => "粘贴临时凭证", "Paste a temporary token";
    ModePastedTip => "粘贴一个 access_token(例如第三方平台的 authorizer_access_token),两小时后失效", "Paste an access_token (e.g. a platform's authorizer_access_token); it expires after two hours";
    ModeServerTip => "GET 服务器/api/v1/token,带上你的 API 密钥", "GET server/api/v1/token with your API key";
    ModeSandbox => "沙箱(内置模拟器)", "Sandbox (built-in simulator)";
    ClassicWarning => "警告:这种方式每次连接都会签发新凭证,让商户正在运行的服务器的凭证失效(40001/42001)。除非确定没有其他服务使用这个 AppID,否则请选「用 AppSecret 连接」。", "Warning: this way every connection issues a new token and makes the one the merchant's running server uses invalid (40001/42001). Unless nothing else uses this AppID, pick \"With the AppSecret\".";
    ServiceUrl => "服务地址", "Service URL";
    ServiceField => "凭证字段名(可留空)", "Token member (may be empty)";
    ServiceFieldTip => "服务返回 JSON 时,凭证所在的成员名;留空 = access_token", "When the service answers JSON, the member holding the token; empty = access_token";
    PastedToken => "临时凭证", "Temporary token";
    PastedTokenHint => "仅保存在内存中,退出后需重新粘贴", "Kept in memory only; paste it again after a restart";
    SecretStored => "已保存(不显示)", "Stored (not shown)";
    SecretHint => "保存到系统钥匙串,不会写入任何文件", "Stored in the system keyring, never in a file";
    SecretSessionOnly => "没有可用的系统钥匙串:AppSecret 只在本次运行期间保存在内存中,下次启动需重新输入。", "No system keyring is available: the AppSecret is kept in memory for this session only and must be entered again next time.";
    SecretNeeded => "此账号需要输入 AppSecret(钥匙串中没有)", "This account needs its AppSecret (it is not in the keyring)";
    TokenNeeded => "此账号需要粘贴临时凭证(只保存在内存中)", "This account needs a pasted temporary token (kept in memory only)";
    SaveAccount => "保存", "Save";
    CancelEdit => "取消", "Cancel";
    TestConnection => "测试连接", "Test connection";
    Testing => "正在测试…", "Testing…";
    TestOk => "连接成功:已取得凭证,读到的卡券颜色数", "Connected: got a token; card colours read";
    Switching => "正在切换账号…", "Switching account…";
    SwitchedTo => "已切换到", "Switched to";
    NameMissing => "请填写显示名称", "Enter a display name";
    AppIdMissing => "请填写 AppID", "Enter the AppID";
    ServiceUrlInsecure => "凭证服务地址必须是 https(本机地址除外)", "The token service URL must be https (or a local address)";
    // The company server (公司服务器) account kind and its feed.
    ModeServer => "公司服务器", "Company server";
    ServerUrl => "服务器地址", "Server URL";
    ApiKey => "API 密钥", "API key";
    ApiKeyHint => "向公司服务器的管理员索取(服务器上用 coupon-studio server add-key 生成,每人一个);保存到系统钥匙串,不会写入任何文件。AppSecret 只在服务器上。", "Ask the company server's administrator (coupon-studio server add-key makes one per person); stored in the system keyring, never in a file. The AppSecret stays on the server.";
    ServerUrlInsecure => "公司服务器地址必须是 https(本机地址除外)", "The company server's URL must be https (or a local address)";
    KeyNeeded => "此账号需要输入 API 密钥(钥匙串中没有)", "This account needs its API key (it is not in the keyring)";
    AccountSavedKey => "账号已保存,API 密钥已存入系统钥匙串", "Account saved; the API key is in the system keyring";
    ServerUnreachable => "连不上公司服务器,显示的是 {time} 缓存的数据", "Cannot reach the company server; showing the data cached at {time}";
    ServerUnreachableEmpty => "连不上公司服务器,还没有缓存的数据", "Cannot reach the company server; nothing is cached yet";
    ServerRetrying => "会自动重试:先每几秒一次,连不上时逐渐放慢到每分钟一次。", "It retries by itself: every few seconds at first, then slowing down to once a minute.";
    ServerKeyRefused => "公司服务器拒绝了你的 API 密钥(可能已被撤销),请到「设置」换一个新密钥", "The company server refused your API key (it may have been revoked); enter a new one in Settings";
    OpenSettings => "去设置", "Open Settings";
    ServerLive => "公司服务器已连接", "Company server connected";
    ServerConnecting => "正在连接公司服务器…", "Connecting to the company server…";
    ServerLiveHint => "审核结果、领券、核销、库存提醒和券点流水由公司服务器转来", "Review results, claims, uses, stock reminders and coin orders come through the company server";
    ChannelsServer => "渠道数据来自公司服务器转来的领券、核销和查看事件:每个券码按领取时的渠道统计。", "Channel data from the claims, uses and views the company server relays: each code counts under the channel it was claimed through.";
    NoChannel => "无渠道", "No channel";
    ChannelsLive => "渠道数据是实时的:包括今天到现在为止(上方图表和合计没有当天数据)。", "Channel data is live: it includes today so far (the chart and totals above have no same-day data).";
    // A third-party platform (第三方平台/服务商) account and its merchants.
    ModePlatform => "第三方平台(服务商)", "Third-party platform (service provider)";
    ModePlatformTip => "公司服务器上的第三方平台:商户扫码授权后,用你的 API 密钥替这些商户操作(GET 服务器/api/v1/merchants,GET 服务器/api/v1/token?appid=)", "The third-party platform on the company server: once merchants have authorized it by scanning, your API key works for them (GET server/api/v1/merchants, GET server/api/v1/token?appid=)";
    TestOkMerchants => "连接成功:可以替 {n} 个商户操作", "Connected: you can work for {n} merchants";
    ChooseMerchant => "请先在「设置」的商户列表里选一个商户", "Choose one of the platform's merchants in Settings first";
    MerchantsOf => "{platform} 的商户", "Merchants of {platform}";
    SearchMerchants => "搜索商户", "Search merchants";
    SearchMerchantsHint => "名称或 AppID", "Name or AppID";
    RefreshMerchants => "刷新", "Refresh";
    RefreshMerchantsTip => "重新读取授权了本平台的商户(GET /api/v1/merchants)", "Read again the merchants that authorized the platform (GET /api/v1/merchants)";
    AddMerchant => "添加商户", "Add a merchant";
    AddMerchantTip => "生成授权二维码:商户的管理员用微信扫码,把卡券功能授权给本平台(POST /api/v1/authorizations,微信的 componentloginpage)", "Makes the authorization QR code: the merchant's administrator scans it with WeChat and lets the platform run its coupons (POST /api/v1/authorizations, WeChat's componentloginpage)";
    MerchantsLoading => "正在读取商户…", "Reading the merchants…";
    NoMerchants => "还没有商户授权本平台。点「添加商户」生成授权二维码。", "No merchant has authorized the platform yet. Click Add a merchant to make the authorization QR code.";
    NoMerchantMatches => "没有符合搜索的商户", "No merchant matches the search";
    MerchantAdded => "已添加商户 {name}", "Merchant added: {name}";
    ScanToAuthorize => "请商户的管理员用微信扫描二维码,并确认授权", "Ask the merchant's administrator to scan this QR code with WeChat and confirm";
    MakingAuthorization => "正在生成授权二维码…", "Making the authorization QR code…";
    AuthorizationWaiting => "等待商户授权(二维码 {time} 前有效);授权后商户会自动出现在列表里", "Waiting for the merchant (the QR code works until {time}); it shows in the list once it has authorized";
    AuthorizationExpired => "二维码已过期,请关闭后重新点「添加商户」", "The QR code has expired; close it and click Add a merchant again";
    CopyLink => "复制链接", "Copy the link";
    CloseAuthorization => "关闭二维码", "Close the QR code";
    MerchantLabel => "商户", "Merchant";
    MerchantOfPlatform => "{merchant} · 服务商 {platform}", "{merchant} · via {platform}";
    MerchantWithdrew => "商户「{name}」已取消对本平台的授权:已从商户列表中移除,应用离开该商户,改用模拟器", "The merchant “{name}” withdrew its authorization of the platform: it is off the merchant list, and the app leaves it for the simulator";
    Dismiss => "知道了", "Dismiss";
    ChannelsNoneYet => "这段时间公司服务器还没有转来领券、核销或查看事件", "The company server has relayed no claim, use or view in this range yet";
    LowStockPushed => "库存只剩 {n} 张(微信推送了库存提醒)", "Only {n} left (WeChat pushed a stock reminder)";
    PushedOrder => "推送", "pushed";
    PushedOrderHint => "这笔流水来自公司服务器转来的券点流水推送,订单列表还没有列出它;只供查看,不会触发任何券点操作。", "This order comes from a coin-order push the company server relayed; the order list has not listed it yet. For information only: it never triggers a coin operation.";
    ReviewByPush => "审核结果由公司服务器推送过来,无需反复查询", "The review result comes as a push from the company server; no polling";
    RefuseReason => "未通过原因:", "Refused because:";
    AwaitingReviewPush => "(等待审核结果推送)", "(waiting for the review result to be pushed)";
    PushedOrdersCount => "另有 {n} 笔来自推送", "{n} more from pushes";
    CompanyServer => "公司服务器", "Company server";
    OpenLogDir => "打开日志目录", "Open the log folder";
    LogDir => "日志", "Logs";
    DbCorrupt => "本地数据库已损坏,已备份到", "The local database was damaged; it was backed up to";
    DbCorruptNew => "并新建了空数据库。", "and a new, empty database was made.";
    DbNewer => "本地数据库来自更新版本的卡券工作室,未打开(草稿不可用)。已备份到", "The local database comes from a newer Coupon Studio and was not opened (drafts are unavailable). A copy is at";
    AccountsFileError => "账号列表无法读取", "The accounts list cannot be read";
    Keyring => "钥匙串", "Keyring";
    KeyringOk => "系统钥匙串可用", "The system keyring is available";

    // Coins (券点): getorderlist's statuses and types, the orders CSV.
    OrderStatusWaiting => "等待支付", "Waiting for payment";
    OrderStatusSucc => "支付成功", "Paid";
    OrderStatusFinanceSucc => "加代币成功", "Coins credited";
    OrderStatusQuantitySucc => "加库存成功", "Stock added";
    OrderStatusHasRefund => "已退币", "Coins refunded";
    OrderStatusRefundWaiting => "等待退币确认", "Refund waiting";
    OrderStatusRollback => "已回退,系统失败", "Rolled back (system failure)";
    OrderStatusHasReceipt => "已开发票", "Invoiced";
    OrderTypeSysAdd => "平台赠送", "Granted by WeChat";
    OrderTypeWxpay => "充值", "Recharge";
    OrderTypeRefund => "库存回退券点", "Stock returned as coins";
    OrderTypeReduce => "券点兑换库存", "Coins to stock";
    RefundAtExpiry => "到期退回", "Returned at expiry:";
    OrderTypeSysReduce => "平台扣减", "Deducted by WeChat";
    CsvOrderId => "订单号", "Order id";
    CsvOrderType => "类型", "Type";
    CsvOrderStatus => "状态", "Status";
    CsvCreated => "创建时间(北京)", "Created (Beijing)";
    CsvPaidAt => "支付完成时间(北京)", "Paid (Beijing)";
    CsvDescription => "说明", "Description";
    CsvFreeCoins => "免费券点", "Free coins";
    CsvPaidCoins => "付费券点", "Paid coins";

    // Redemption: code statuses and what they mean at the till.
    CodeNormal => "正常", "Normal";
    CodeNormalHint => "可以核销", "Can be used";
    CodeConsumed => "已核销", "Used";
    CodeConsumedHint => "不能再次核销", "Cannot be used again";
    CodeExpire => "已过期", "Expired";
    CodeExpireHint => "不在有效期内,不能核销", "Outside its validity";
    CodeGifting => "转赠中", "Being given";
    CodeGiftingHint => "用户正在把券转赠给朋友,完成或超时前不能核销", "The holder is giving it to a friend; wait until that ends";
    CodeGiftTimeout => "转赠超时", "Gift timed out";
    CodeGiftTimeoutHint => "转赠未被领取已超时,不能核销", "The gift was not accepted in time";
    CodeDeleted => "已删除", "Deleted";
    CodeDeletedHint => "用户已删除此券", "The holder deleted it";
    CodeUnavailable => "已失效", "Unavailable";
    CodeUnavailableHint => "券已被设为失效", "Made unavailable";

    // Statistics: the five metrics, the range rule, the CSV.
    MetricView => "浏览", "Views";
    MetricReceive => "领取", "Receives";
    MetricVerify => "核销", "Uses";
    MetricGiven => "转赠", "Gifts";
    MetricExpire => "过期", "Expiries";
    MetricFriendsView => "朋友浏览", "Views by friends";
    MetricFriendsReceive => "朋友领取", "Receives by friends";
    MetricFriendsVerify => "朋友核销", "Uses by friends";
    MetricOthersVerify => "他人核销", "Uses by others";
    NoSameDayStats => "今天的数据明天才能查到:微信的统计次日更新", "Today's numbers arrive tomorrow: WeChat updates its statistics the next day";
    OthersShare => "他销占比", "Used by friends";
    OthersShareHint => "核销中由领取人的朋友使用的比例(朋友核销 ÷ 核销)", "Of the uses, the share by friends of the one who received the coupon (uses by friends ÷ uses)";
    RangeEndBeforeStart => "结束日期不能早于开始日期", "the end must not be before the start";
    RangeTooLong => "最长 {max} 天(含首尾),现为 {days} 天", "at most {max} days, both ends counted; now {days}";
    CsvDate => "日期", "Date";
    CsvMetricCount => "{metric}次数", "{metric} count";
    CsvMetricUsers => "{metric}人数", "{metric} users";

    // Placement: QR form rules and warnings, the whitelist limit.
    QrLifetimeField => "有效时长(秒)", "Lifetime (s)";
    QrLifetimeRule => "须为 {min}–{max} 的整数", "must be a whole number from {min} to {max}";
    OuterIdField => "渠道编号", "Channel number";
    NonNegativeRule => "须为非负整数", "must be a non-negative whole number";
    QrWarnNotApproved => "卡券尚未审核通过:只有测试白名单中的用户能领取(见下方「测试白名单」)", "The card is not approved yet: only whitelisted test users can receive it (see Test whitelist below)";
    QrWarnNoStock => "库存为 0:扫码领不到券,请先在「券点」中购买库存", "Stock is 0: a scan receives nothing; buy stock in Coins first";
    QrWarnStartsTooLate => "有效期开始时间距今超过 5 天:开始前 5 天内才能领取(V1.4)", "Validity starts more than 5 days from now: it can be received only from 5 days before the start (V1.4)";
    WhitelistRule => "openid 与微信号合计最多 {max} 个(现有 {n} 个)", "at most {max} openids and usernames together (now {n})";
    ChannelLabelsHint => "1,北风羽绒 天河店", "1,North Wind Down, Tianhe store";

    // The card preview's words.
    PvValid => "有效期", "Valid";
    PvStockPrice => "库存单价", "Stock price";
    PvDetails => "优惠详情", "Details";
    PvNotes => "使用须知", "Notes";
    PvServices => "商户服务", "Services";
    PvUseNow => "立即使用", "Use now";
    PvNotYetValid => "未到有效期,按钮置灰", "Not valid yet: the button is grey";
    PvExpired => "已过有效期", "Expired";
    PvServicePhone => "客服电话", "Service phone";
    PvLogo => "Logo", "Logo";
    PvCover => "封面 850×350", "Cover 850×350";
    PvImage => "图片", "Image";
    PvGiftBackSelf => "核销后赠送 {n} 张本券", "After use: {n} more of this coupon";
    PvGiftBackOther => "核销后赠送 {n} 张其他券", "After use: {n} other coupon";

    // The editor: code types and number fields.
    CodeTypeText => "仅 code(输码核销)", "Code text only";
    CodeTypeBarcode => "一维码显示 code", "Barcode with code";
    CodeTypeQrcode => "二维码显示 code", "QR code with code";
    CodeTypeOnlyQrcode => "二维码不显示 code", "QR code only";
    CodeTypeOnlyBarcode => "一维码不显示 code", "Barcode only";
    CodeTypeNone => "无 code(线上核销)", "No code (online use)";
    Yuan => "元", "yuan";
    AmountRule => "{field}:请输入金额,例如 50 或 50.5(最多两位小数)", "{field}: enter an amount such as 50 or 50.5 (two decimals at most)";
    WholeNumberRule => "{field}:请输入整数", "{field}: enter a whole number";

    // The company server's page for a merchant's admin after authorizing the platform
    // (服务商): shown in both languages at once, Chinese first.
    PlatformAuthorized => "授权成功", "Authorization complete";
    PlatformAuthorizedBody => "{name} 已授权给服务商,可以关闭这个页面了。", "{name} has authorized the service provider. You can close this page.";
    PlatformNotAuthorized => "授权没有完成", "The authorization did not complete";
    PlatformCodeMissing => "这个链接里没有授权码:请重新扫描服务商给的二维码。", "This link carries no authorization code: scan the service provider's QR code again.";
    PlatformCodeExpired => "授权码已过期或已失效:请重新扫描服务商给的二维码。", "The authorization code has expired or is no longer valid: scan the service provider's QR code again.";
    PlatformWeChatRefused => "微信没有接受这次授权({error}):请重新扫描服务商给的二维码。", "WeChat did not accept this authorization ({error}): scan the service provider's QR code again.";
    PlatformServerBusy => "服务器暂时无法完成授权:请稍后重新扫描二维码,或联系服务商。", "The server cannot complete the authorization right now: scan the QR code again later, or contact the service provider.";
    // Local files and the database.
    NotUtf8 => "文件不是 UTF-8 文本", "The file is not UTF-8 text";
    DbError => "本地数据库出错:{error}", "Local database error: {error}";
    DbCannotOpen => "无法打开本地数据库 {path}:{error}", "Cannot open the local database {path}: {error}";
    DbVersion => "(版本 {found})", " (version {found})";
    NoStoreForMoney => "本地数据库不可用:涉及券点的操作必须先记入日志,因此未发送。", "The local database is unavailable: money calls are journalled first, so nothing was sent.";
    // The demo campaign (sandbox only).
    LoadDemo => "载入示例活动", "Load the demo campaign";
    LoadDemoHint => "在模拟器里一步做好一场活动:一张已审核的卡券(含图片)、500 张库存、3 家门店的投放二维码和一周的模拟数据。只用于模拟器,不会碰真实账号。", "Sets up a whole campaign on the simulator in one step: an approved card with its pictures, 500 units of stock, QR codes for 3 stores and a simulated week. Simulator only: a real account is never touched.";
    DemoLoading => "正在载入示例活动…", "Loading the demo campaign…";
    DemoLoaded => "示例活动已载入:卡券、券点、投放渠道和一周数据都可以在各面板查看。", "The demo campaign is loaded: its card, coins, channels and a week of data are in every panel.";
    ShowField => "点击跳到此项", "Click to go to the field";
    CostOf => "{n} 张 = {cost} 券点", "{n} units = {cost} coins";
    CostBalance => ",余额 {balance} 券点", ", balance {balance} coins";
    CostShort => ",余额 {balance} 券点,还差 {short} 券点", ", balance {balance} coins, {short} short";
    UsedQuote => "报价已使用", "Quote used";
    CostQuantity => "算一算:数量", "Work it out: units";
    PriceTiers => "无门槛 0.2 · 指定品类 0.4 · 满减门槛 0.6 券点/张;有多个门槛时按最贵的算", "No threshold 0.2 · category 0.4 · minimum spend 0.6 coins a unit; several thresholds pay the dearest";
    EmptyDesign => "还没有草稿。点「新建」开始设计一张卡券,或载入示例活动,先看看每个面板。", "No drafts yet. Click New to design a card, or load the demo campaign to see every panel first.";
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
                key.zh() != key.en()
                    || key.en().chars().all(|c| !c.is_alphabetic())
                    || matches!(key, T::PvLogo),
                "{key:?} is not translated"
            );
            // A number or name that only one language shows is a translation slip too.
            assert_eq!(
                placeholders(key.zh()),
                placeholders(key.en()),
                "{key:?}: the two languages have different placeholders"
            );
        }
    }

    #[test]
    fn fill_replaces_every_placeholder() {
        let text = T::RangeTooLong.fill(Lang::Zh, &[("max", &62), ("days", &63)]);
        assert_eq!(text, "最长 62 天(含首尾),现为 63 天");
        let text = T::RangeTooLong.fill(Lang::En, &[("max", &62), ("days", &63)]);
        assert_eq!(text, "at most 62 days, both ends counted; now 63");
        assert_eq!(placeholders("a {x} b {y}"), vec!["x", "y"]);
    }
}
