//! 载入示例活动: a whole campaign on the simulator in one step, so that a newcomer sees every
//! panel with real content (issue 18). Everything goes through WeChat's own paths, with the
//! app's own client, plus the simulator's admin API for what a reviewer, a payer and a week
//! of customers would do:
//!
//! 1. four pictures drawn here ([`pictures`]) are uploaded (`cgi-bin/media/uploadimg`);
//! 2. the demo card (`assets/demo/campaign.json`, valid from 8 days ago for 60 days, at the
//!    account's first three stores) is created and approved;
//! 3. coins are topped up (a recharge paid by the simulator's payer) and [`DEMO_STOCK`] units
//!    bought with a quote and a confirm;
//! 4. a permanent QR code is made for each of [`CHANNELS`] (the account's three stores);
//! 5. a week of scans, shares, uses and gift-backs is simulated with the seed.
//!
//! It needs the simulator's admin API, which a real account does not have: the first call
//! (the simulator's clock) fails on WeChat, before anything is sent there.

pub mod pictures;

use std::future::Future;

use serde_json::{Value, json};

use crate::api::{AdminError, ApiClient, ApiError, QrRequest, SandboxAdmin};
use crate::card::import::parse_create_body;
use crate::card::{CreateBody, Int, beijing};
use crate::imaging::{ImageError, Slot};

/// Units bought for the demo card.
pub const DEMO_STOCK: u32 = 500;
/// Coins topped up before buying (the 200 free ones do not cover 500 units).
pub const DEMO_RECHARGE: u32 = 300;
/// Days simulated.
pub const DEMO_DAYS: i64 = 7;
/// The channels, by QR scene value (`outer_id`, 1–200 as poster batches number them): the
/// simulated customers scan 1–3, and 0, the card's own link without a channel.
pub const CHANNELS: [(i64, &str); 3] = [(1, "天河店"), (2, "北京路店"), (3, "珠江新城店")];

/// How the demo moves coins. The app journals each money call as its Wallet does
/// (`wallet::journal`: written before it is sent, closed with its outcome, never re-sent);
/// `coupon-studio sandbox --demo` and the tests call the client directly ([`Direct`]).
pub trait Money: Sync {
    /// Tops up `coins` coins: a recharge order, paid by the simulator's payer.
    fn top_up(&self, coins: u32) -> impl Future<Output = Result<(), DemoError>> + Send;
    /// Buys `quantity` units of `card_id` with a fresh quote and one confirm.
    fn buy(
        &self,
        card_id: &str,
        quantity: u32,
    ) -> impl Future<Output = Result<(), DemoError>> + Send;
}

/// Money calls straight through the client, each sent once.
pub struct Direct<'a> {
    /// WeChat's paths.
    pub client: &'a ApiClient,
    /// The simulator's payer.
    pub admin: &'a SandboxAdmin,
}

impl Money for Direct<'_> {
    async fn top_up(&self, coins: u32) -> Result<(), DemoError> {
        let recharge = self.client.recharge(coins).await?;
        self.admin.pay_recharge(&recharge.order_id, false).await?;
        Ok(())
    }

    async fn buy(&self, card_id: &str, quantity: u32) -> Result<(), DemoError> {
        let quote = self.client.get_pay_price(card_id, quantity).await?;
        self.client
            .confirm(card_id, &quote.order_id, quantity)
            .await?;
        Ok(())
    }
}

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The simulator's admin API did not answer: not a simulator, or not reachable.
    #[error(
        "示例活动只能在模拟器中载入 / the demo campaign can only be loaded on the simulator: {0}"
    )]
    NotASimulator(AdminError),
    /// A WeChat call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// An admin call failed after the first.
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// A picture could not be encoded.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// A journalled money call did not go through (its journal row says why).
    #[error("{0}")]
    Money(String),
    /// The demo body in the assets is broken (a build mistake, caught by the tests).
    #[error("the demo card body: {0}")]
    Body(String),
}

/// One channel of the demo, as the Placement panel saves channels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoChannel {
    /// The QR scene value.
    pub outer_id: i64,
    /// Its label (a store, or the poster in friends' feeds).
    pub label: String,
    /// The QR URL.
    pub url: String,
    /// The QR ticket.
    pub ticket: String,
}

/// What the demo made.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoCampaign {
    /// The approved card.
    pub card_id: String,
    /// Its body as created (for a draft the Design panel opens).
    pub body: CreateBody,
    /// The units bought.
    pub stock: u32,
    /// The placement channels.
    pub channels: Vec<DemoChannel>,
    /// The simulator's account of the simulated week (events by kind).
    pub simulated: Value,
    /// A code a simulated customer holds and has not used yet, to try 核销 with.
    pub sample_code: Option<String>,
}

/// The demo card body: the template with its pictures, stores and dates (valid from the
/// Beijing day 8 days before `now`, for 60 days).
pub fn body(now: i64, urls: &[String], stores: &[String]) -> Result<CreateBody, DemoError> {
    let mut body = parse_create_body(include_str!("../../assets/demo/campaign.json"))
        .map_err(|e| DemoError::Body(e.to_string()))?;
    let [logo, cover, first, second] = urls else {
        return Err(DemoError::Body(format!("4 pictures, got {}", urls.len())));
    };
    let today = beijing::date_of(now).ok_or_else(|| DemoError::Body(format!("time {now}")))?;
    let begin = beijing::start_of(today - chrono::Duration::days(8))
        .ok_or_else(|| DemoError::Body(format!("time {now}")))?;
    let card = &mut body.card;
    let base = card.base_info_mut();
    base.logo_url = Some(logo.clone());
    base.location_id_list = Some(
        stores
            .iter()
            .take(3)
            .map(|id| {
                id.parse::<i64>().map_or_else(
                    |_| Int::Text {
                        raw: id.clone(),
                        value: None,
                    },
                    Int::Num,
                )
            })
            .collect(),
    );
    let dates = card.date_info_mut();
    dates.begin_timestamp = Some(Int::Num(begin));
    dates.end_timestamp = Some(Int::Num(begin + 60 * 86_400 - 1));
    let advanced = card.advanced_info_mut();
    if let Some(a) = advanced.abstract_info.as_mut() {
        a.icon_url_list = Some(vec![cover.clone()]);
    }
    for (entry, url) in advanced
        .text_image_list
        .iter_mut()
        .flatten()
        .zip([first, second])
    {
        entry.image_url = Some(url.clone());
    }
    Ok(body)
}

/// Loads the demo campaign through `client` (WeChat's paths) and `admin` (the simulator's),
/// with the money calls sent directly.
pub async fn load(
    client: &ApiClient,
    admin: &SandboxAdmin,
    seed: u64,
) -> Result<DemoCampaign, DemoError> {
    load_with(client, admin, &Direct { client, admin }, seed).await
}

/// [`load`], with the money calls made by `money`.
pub async fn load_with(
    client: &ApiClient,
    admin: &SandboxAdmin,
    money: &impl Money,
    seed: u64,
) -> Result<DemoCampaign, DemoError> {
    let now = admin.now().await.map_err(DemoError::NotASimulator)?;
    let mut urls = Vec::new();
    for p in pictures::pictures(seed)? {
        debug_assert!(matches!(p.slot, Slot::Logo | Slot::Cover | Slot::TextImage));
        urls.push(client.upload_image(p.jpeg, p.name).await?);
    }
    let stores: Vec<String> = client
        .get_poi_list(0, 50)
        .await?
        .into_iter()
        .map(|p| p.poi_id)
        .collect();
    let body = body(now, &urls, &stores)?;
    let card_id = client.create_card(&body).await?;
    admin.review(&card_id, true).await?;

    client.pay_activate().await?;
    money.top_up(DEMO_RECHARGE).await?;
    money.buy(&card_id, DEMO_STOCK).await?;

    let mut channels = Vec::new();
    for (outer_id, label) in CHANNELS {
        let qr = client
            .create_qrcode(&QrRequest {
                card_id: card_id.clone(),
                outer_id: Some(outer_id),
                ..QrRequest::default()
            })
            .await?;
        channels.push(DemoChannel {
            outer_id,
            label: label.to_owned(),
            url: qr.url,
            ticket: qr.ticket,
        });
    }
    let simulated = admin
        .post(
            "/sandbox/activity/simulate",
            &json!({"seed": seed, "days": DEMO_DAYS, "card_id": card_id}),
        )
        .await?;
    // A customer's code still to be used: the Redeem panel starts with it.
    let state = admin.get("/sandbox/state").await?;
    let sample_code = state["codes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["card_id"] == card_id.as_str() && c["status"] == "NORMAL")
        .and_then(|c| c["code"].as_str().map(str::to_owned));
    Ok(DemoCampaign {
        card_id,
        body,
        stock: DEMO_STOCK,
        channels,
        simulated,
        sample_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_body_passes_the_apps_rules_for_create() {
        let urls: Vec<String> = (0..4)
            .map(|i| format!("http://mmbiz.qpic.cn/sandbox/{i:040}/0"))
            .collect();
        let stores = vec!["272981040".to_owned(), "400183234".to_owned()];
        let now = 1_893_427_200;
        let body = body(now, &urls, &stores).unwrap();
        use crate::card::rules::{Context, Mode, Severity, validate};
        let findings = validate(
            &body,
            &Context {
                now,
                mode: Mode::Create,
            },
        );
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            body.card.base_info().and_then(|b| b.logo_url.as_deref()),
            Some(urls[0].as_str())
        );
        let begin = body.card.base_info().and_then(|b| b.date_info.as_ref());
        assert!(
            begin
                .and_then(|d| d.begin_timestamp.as_ref())
                .and_then(Int::get)
                .unwrap()
                < now
        );
        assert!(matches!(
            super::body(now, &urls[..3], &stores),
            Err(DemoError::Body(_))
        ));
    }
}
