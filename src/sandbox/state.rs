//! One merchant account as the simulator keeps it: everything WeChat would remember for one
//! official account (cards, stores, wallet and orders, codes, placements, whitelist, event
//! log, tokens). `world.rs` holds the set of them; the state file serializes it.

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::clock;
use super::codes::UserCode;
use super::errors::WxError;
use super::events::Event;
use super::ledger::Wallet;
use super::notice::Notice;
use super::placement::{Placement, Ticket, Whitelist};
use super::status;

/// Review outcome forced through the admin API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Review {
    /// Approved once the review delay has passed.
    Auto,
    /// Approved now.
    Approved,
    /// Rejected.
    Rejected,
    /// Deleted by the merchant in the back office (`/sandbox/card/delete`): card/get says
    /// CARD_STATUS_DELETE, and no stock can be bought for it.
    Deleted,
}

/// A card held by the simulator.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SimCard {
    /// The `card` object as created (and updated).
    pub card: Value,
    /// Simulated time of creation or of the last update that went back to review.
    pub submitted_at: i64,
    /// Forced review outcome.
    pub review: Review,
    /// Stock left.
    pub quantity: i64,
    /// Stock ever added.
    pub total_quantity: i64,
    /// Order of creation.
    pub seq: u64,
    /// Simulated time of creation (card/get's `create_time`; 0 in older state files, which
    /// then show `submitted_at`).
    #[serde(default)]
    pub created_at: i64,
    /// Simulated time of the last card/update (`update_time`; 0 until one).
    #[serde(default)]
    pub updated_at: i64,
    /// The review status last noticed (`CARD_STATUS_*`), so each outcome is pushed once;
    /// empty in older state files (noted without a push).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub review_seen: String,
    /// Why the reviewer rejected it (`/sandbox/card/review`'s `reason`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub refuse_reason: String,
    /// The most stock it held before a claim (the stock alert needs it above 200).
    #[serde(default)]
    pub sku_peak: i64,
    /// Simulated time of its last stock alert (`card_sku_remind`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_reminded_at: Option<i64>,
}

impl SimCard {
    /// `cash` or `gift`.
    pub fn body_key(&self) -> &'static str {
        if self.card.get("gift").is_some() {
            "gift"
        } else {
            "cash"
        }
    }

    /// A member of `base_info`.
    pub fn base(&self, key: &str) -> Option<&Value> {
        self.card.get(self.body_key())?.get("base_info")?.get(key)
    }

    /// A member of `advanced_info`.
    pub fn advanced(&self, key: &str) -> Option<&Value> {
        self.card
            .get(self.body_key())?
            .get("advanced_info")?
            .get(key)
    }

    /// `(begin_timestamp, end_timestamp)` of the validity (0 and `i64::MAX` when missing).
    pub fn validity(&self) -> (i64, i64) {
        let d = self.base("date_info");
        let get = |k: &str| d.and_then(|d| d.get(k)).and_then(super::body::int_value);
        (
            get("begin_timestamp").unwrap_or(0),
            get("end_timestamp").unwrap_or(i64::MAX),
        )
    }

    /// `consume_share_self_num` (0 when missing).
    pub fn gift_back(&self) -> i64 {
        self.advanced("consume_share_self_num")
            .and_then(super::body::int_value)
            .unwrap_or(0)
    }

    /// `get_limit`, the codes one user may receive (`None` = no limit).
    pub fn get_limit(&self) -> Option<i64> {
        self.base("get_limit")
            .and_then(super::body::int_value)
            .filter(|n| *n > 0)
    }
}

/// Who a merchant account is, as `api_get_authorizer_info` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// The account's name (`nick_name`).
    pub nick_name: String,
    /// The company behind it (`principal_name`).
    pub principal_name: String,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            nick_name: "沙盒商户".into(),
            principal_name: "沙盒商户有限公司".into(),
        }
    }
}

/// Everything the simulator remembers of one merchant account (the default one's members sit
/// at the top of the `--state` file, as a file of one account has them).
#[derive(Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Seconds added to the real clock: the world's clock, copied in whenever the account is
    /// looked up (`World::account_mut`), so every account reads the same time.
    #[serde(skip)]
    pub clock_offset: i64,
    /// The account's AppID (set when the world is loaded or the account made; not saved: the
    /// default account's comes from `--appid`, the others' from their key).
    #[serde(skip)]
    pub appid: String,
    /// Who the account is.
    pub profile: Profile,
    /// Valid tokens → expiry (simulated seconds).
    pub tokens: BTreeMap<String, i64>,
    /// The token handed out by stable_token.
    pub stable_token: Option<String>,
    /// getticket tickets by type (`jsapi`, `wx_card`).
    pub tickets: BTreeMap<String, Ticket>,
    /// Cards by id.
    pub cards: BTreeMap<String, SimCard>,
    /// Uploaded images by sha1 (not persisted: the URLs stay valid, the bytes are a cache).
    #[serde(skip)]
    pub media: BTreeMap<String, Vec<u8>>,
    /// The sha1s of every image this account uploaded: the URLs its upload API issued
    /// (kept, so a card's picture stays valid after a restart).
    #[serde(default)]
    pub issued_images: std::collections::BTreeSet<String>,
    /// The store list of getpoilist.
    pub pois: Vec<Value>,
    /// A counter for ids.
    pub seq: u64,
    /// The coin wallet and its ledger.
    pub wallet: Wallet,
    /// QR placements by ticket.
    pub placements: BTreeMap<String, Placement>,
    /// The test whitelist.
    pub whitelist: Whitelist,
    /// Codes received by users, by code.
    pub codes: BTreeMap<String, UserCode>,
    /// What users did (datacube counts these).
    pub events: Vec<Event>,
    /// Pushes queued by the last changes, for the outbox (not persisted).
    #[serde(skip)]
    pub pending: Vec<Notice>,
    /// Key of the encrypt_code encoding (hex).
    pub code_key: String,
}

impl Default for State {
    fn default() -> Self {
        let key: [u8; 16] = rand::rng().random();
        Self {
            clock_offset: 0,
            appid: String::new(),
            profile: Profile::default(),
            tokens: BTreeMap::new(),
            stable_token: None,
            tickets: BTreeMap::new(),
            cards: BTreeMap::new(),
            media: BTreeMap::new(),
            issued_images: std::collections::BTreeSet::new(),
            pois: demo_pois(),
            seq: 0,
            wallet: Wallet::default(),
            placements: BTreeMap::new(),
            whitelist: Whitelist::default(),
            codes: BTreeMap::new(),
            events: Vec::new(),
            pending: Vec::new(),
            code_key: super::media::hex(&key),
        }
    }
}

/// Six demo stores, so a new user can pick stores at once.
pub fn demo_pois() -> Vec<Value> {
    [
        ("272981040", "北风羽绒", "天河店", "广州市天河区天河路 208 号"),
        ("400183234", "北风羽绒", "北京路店", "广州市越秀区北京路 88 号"),
        ("400183235", "北风羽绒", "珠江新城店", "广州市天河区花城大道 85 号"),
        ("400183236", "微信餐厅", "总店", "深圳市南山区科技中一路腾讯大厦"),
        ("400183237", "微信餐厅", "海岸城店", "深圳市南山区文心五路 33 号"),
        ("400183238", "微信咖啡", "万象城店", "深圳市罗湖区宝安南路 1881 号"),
    ]
    .into_iter()
    .map(|(id, name, branch, addr)| {
        json!({"base_info": {"poi_id": id, "business_name": name, "branch_name": branch, "address": addr, "available_state": 3}})
    })
    .collect()
}

/// The id alphabet of card ids and tokens (URL-safe base64).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// A random id of `len` characters starting with `prefix`, from the URL-safe alphabet of
/// card ids and tokens.
pub fn random_id(prefix: &str, len: usize) -> String {
    let mut rng = rand::rng();
    let tail: String = (0..len.saturating_sub(prefix.chars().count()))
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{prefix}{tail}")
}

impl State {
    /// The simulated time (unix seconds).
    pub fn now(&self) -> i64 {
        clock::real_now().saturating_add(self.clock_offset)
    }

    /// A new random id of `len` characters starting with `prefix`.
    pub fn new_id(&mut self, prefix: &str, len: usize) -> String {
        self.seq += 1;
        random_id(prefix, len)
    }

    /// A new openid (28 characters, like WeChat's).
    pub fn new_openid(&mut self) -> String {
        self.new_id("oSbx", 28)
    }

    /// A new unused 12-digit code.
    pub fn new_code(&mut self) -> String {
        let mut rng = rand::rng();
        loop {
            let c = format!(
                "{:012}",
                rng.random_range(100_000_000_000_u64..1_000_000_000_000)
            );
            if !self.codes.contains_key(&c) {
                return c;
            }
        }
    }

    /// The card a body names by `card_id`; 40053 when it is missing or unknown.
    pub fn known_card(&self, v: &Value) -> Result<(String, &SimCard), WxError> {
        let id = super::body::string(v, "card_id").unwrap_or_default();
        match self.cards.get(&id) {
            Some(card) => Ok((id, card)),
            None => Err(WxError::card_id(&id)),
        }
    }

    /// The review status of a card at the simulated time.
    pub fn status_of(&self, card: &SimCard, review_delay: i64) -> &'static str {
        match card.review {
            Review::Approved => status::VERIFY_OK,
            Review::Rejected => status::VERIFY_FAIL,
            Review::Deleted => status::DELETE,
            Review::Auto if self.now() >= card.submitted_at.saturating_add(review_delay) => {
                status::VERIFY_OK
            }
            Review::Auto => status::NOT_VERIFY,
        }
    }

    /// The store ids of getpoilist, as strings.
    pub fn poi_ids(&self) -> Vec<String> {
        self.pois
            .iter()
            .filter_map(|p| super::body::string(p.get("base_info")?, "poi_id"))
            .collect()
    }
}
