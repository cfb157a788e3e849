//! The simulator's state: clock, tokens, cards, media, stores and call counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Review outcome forced through the admin API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Review {
    /// Approved once the review delay has passed.
    Auto,
    /// Approved now.
    Approved,
    /// Rejected.
    Rejected,
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
}

/// Everything the simulator remembers (serialized for `--state`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Seconds added to the real clock (the admin API moves time forward).
    pub clock_offset: i64,
    /// Valid tokens → expiry (simulated seconds).
    pub tokens: BTreeMap<String, i64>,
    /// The token handed out by stable_token.
    pub stable_token: Option<String>,
    /// Cards by id.
    pub cards: BTreeMap<String, SimCard>,
    /// Uploaded images by sha1 (not persisted: the URLs stay valid, the bytes are a cache).
    #[serde(skip)]
    pub media: BTreeMap<String, Vec<u8>>,
    /// The store list of getpoilist.
    pub pois: Vec<Value>,
    /// Calls received per WeChat path.
    pub calls: BTreeMap<String, u64>,
    /// A counter for ids.
    pub seq: u64,
    /// The coin wallet.
    pub wallet: super::pay::Wallet,
    /// QR codes, whitelist, tickets, codes and user events.
    pub codes: super::codes::Codes,
    /// Queued faults (not persisted).
    #[serde(skip)]
    pub faults: Vec<super::faults::Fault>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            clock_offset: 0,
            tokens: BTreeMap::new(),
            stable_token: None,
            cards: BTreeMap::new(),
            media: BTreeMap::new(),
            pois: demo_pois(),
            calls: BTreeMap::new(),
            seq: 0,
            wallet: super::pay::Wallet::default(),
            codes: super::codes::Codes::default(),
            faults: Vec::new(),
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

impl State {
    /// The simulated time.
    pub fn now(&self) -> i64 {
        chrono::Utc::now()
            .timestamp()
            .saturating_add(self.clock_offset)
    }

    /// A new random-looking id of `len` characters, prefixed.
    pub fn new_id(&mut self, prefix: &str, len: usize) -> String {
        use rand::Rng;
        self.seq += 1;
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        let mut rng = rand::rng();
        let tail: String = (0..len.saturating_sub(prefix.len()))
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        format!("{prefix}{tail}")
    }

    /// The review status of a card at the simulated time.
    pub fn status_of(&self, card: &SimCard, review_delay: i64) -> &'static str {
        match card.review {
            Review::Approved => "CARD_STATUS_VERIFY_OK",
            Review::Rejected => "CARD_STATUS_VERIFY_FAIL",
            Review::Auto if self.now() >= card.submitted_at.saturating_add(review_delay) => {
                "CARD_STATUS_VERIFY_OK"
            }
            Review::Auto => "CARD_STATUS_NOT_VERIFY",
        }
    }
}
