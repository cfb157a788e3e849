//! 载入示例活动: runs [`crate::demo`] on the simulator with its money calls journalled as the
//! Wallet's are, then keeps what the panels read from the local database: the demo's channels
//! (Placement's table, Stats' channel names). Never on a real account: without the
//! simulator's admin API the command does nothing.

use std::sync::{Arc, Mutex};

use super::super::io::Io;
use super::wallet::{Sqlite, Wechat};
use super::{Backend, api_error};
use crate::api::SandboxAdmin;
use crate::demo::{DemoCampaign, DemoError, Money};
use crate::message::{DesignEvent, UiError};
use crate::store::{ChannelRecord, Store};
use crate::wallet::journal;
use crate::wallet::{ConfirmOutcome, LiveQuote, WalletEvent};

/// The demo's money calls, journalled exactly as the Wallet's (the row is written before the
/// call is sent, closed with its outcome, and a second confirm of a quote is never sent).
struct Journalled<'a> {
    store: Option<Sqlite>,
    api: Wechat<'a>,
    admin: &'a SandboxAdmin,
    account: String,
    /// The typed error of the call that failed, for the panel.
    failure: Mutex<Option<UiError>>,
}

impl Journalled<'_> {
    fn failed(&self, e: UiError) -> DemoError {
        let text = e.text(crate::i18n::Lang::En);
        if let Ok(mut slot) = self.failure.lock() {
            *slot = Some(e);
        }
        DemoError::Money(text)
    }
}

impl Money for Journalled<'_> {
    async fn top_up(&self, coins: u32) -> Result<(), DemoError> {
        let store = self.store.as_ref();
        let started = match journal::recharge(store, &self.api, self.account.clone(), coins).await {
            WalletEvent::RechargeStarted(Ok(s)) => s,
            WalletEvent::RechargeStarted(Err(e)) => return Err(self.failed(e)),
            _ => return Err(DemoError::Money("no recharge answer".into())),
        };
        self.admin.pay_recharge(&started.order_id, false).await?;
        // The order is final once paid: this closes the journal row as credited.
        match journal::poll_recharge(store, &self.api, started.order_id, Some(started.journal_id))
            .await
        {
            WalletEvent::RechargeStatus { result: Err(e), .. } => Err(self.failed(e)),
            _ => Ok(()),
        }
    }

    async fn buy(&self, card_id: &str, quantity: u32) -> Result<(), DemoError> {
        let store = self.store.as_ref();
        let sent_at_ms = chrono::Utc::now().timestamp_millis();
        let account = self.account.clone();
        let price = match journal::quote(
            store,
            &self.api,
            account,
            card_id.into(),
            quantity,
            sent_at_ms,
        )
        .await
        {
            WalletEvent::Quoted { result: Ok(p), .. } => p,
            WalletEvent::Quoted { result: Err(e), .. } => return Err(self.failed(e)),
            _ => return Err(DemoError::Money("no quote answer".into())),
        };
        let quote = LiveQuote::new(card_id, quantity, price, sent_at_ms);
        match journal::confirm(store, &self.api, self.account.clone(), quote).await {
            WalletEvent::Confirmed {
                outcome: ConfirmOutcome::Done,
                ..
            } => Ok(()),
            WalletEvent::Confirmed {
                outcome:
                    ConfirmOutcome::Refused(e, _)
                    | ConfirmOutcome::Uncertain(e)
                    | ConfirmOutcome::NotSent(e),
                ..
            } => Err(self.failed(e)),
            _ => Err(DemoError::Money("no confirm answer".into())),
        }
    }
}

/// Loads the demo with `seed`; answers [`DesignEvent::DemoLoaded`].
pub fn load(seed: u64, io: &Io, backend: &Arc<Backend>, store: Option<&Arc<Mutex<Store>>>) {
    let Some(admin) = super::sim_admin(backend, 30) else {
        return;
    };
    let client = backend.client.clone();
    let account = backend.account_key();
    let store = store.cloned();
    io.spawn(async move {
        let result = async {
            let admin = admin?;
            let money = Journalled {
                store: store.clone().map(Sqlite),
                api: Wechat(&client),
                admin: &admin,
                account,
                failure: Mutex::new(None),
            };
            let loaded = crate::demo::load_with(&client, &admin, &money, seed).await;
            let campaign = loaded.map_err(|e| {
                money
                    .failure
                    .lock()
                    .ok()
                    .and_then(|mut f| f.take())
                    .unwrap_or_else(|| demo_error(&e))
            })?;
            if let Some(store) = store {
                let kept = campaign.clone();
                tokio::task::spawn_blocking(move || keep(&store, &kept))
                    .await
                    .map_err(|e| UiError::plain(e.to_string()))??;
            }
            Ok((campaign.card_id, campaign.sample_code))
        }
        .await;
        DesignEvent::DemoLoaded(result)
    });
}

/// The demo's channels into the channel table, as a poster batch saves them.
fn keep(store: &Arc<Mutex<Store>>, campaign: &DemoCampaign) -> Result<(), UiError> {
    let rows: Vec<ChannelRecord> = campaign
        .channels
        .iter()
        .map(|c| ChannelRecord {
            card_id: campaign.card_id.clone(),
            outer_id: c.outer_id,
            label: c.label.clone(),
            url: c.url.clone(),
            ticket: c.ticket.clone(),
        })
        .collect();
    let mut guard = store
        .lock()
        .map_err(|_| UiError::plain("database lock poisoned"))?;
    guard
        .save_channels(&rows)
        .map_err(|e| super::store_error(&e))
}

fn demo_error(e: &DemoError) -> UiError {
    match e {
        DemoError::Api(api) => api_error(api),
        other => UiError::plain(crate::api::error::redact(&other.to_string())),
    }
}
