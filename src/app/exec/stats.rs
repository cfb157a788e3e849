//! The Stats panel's commands: datacube, the simulator's activity and event log, a company
//! server's events by channel, CSV export.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::super::events::{Event, StatsEvent, UiError};
use super::super::io::Io;
use super::design::list_cards;
use super::{Backend, api_error};
use crate::api::SandboxAdmin;
use crate::stats::ChannelRow;
use crate::stats::LogEvent;
use crate::store::Store;
use crate::ui::stats::Command;

fn stats(e: StatsEvent) -> Event {
    Event::Stats(e)
}

/// The simulator's admin client (with its key), or `None` on a real account.
fn admin(backend: &Backend) -> Option<Result<SandboxAdmin, UiError>> {
    super::sim_admin(backend, 30)
}

/// Per-channel results from the simulator's event log (`GET /sandbox/state`).
async fn channels(
    admin: Result<SandboxAdmin, UiError>,
    card_id: Option<&str>,
    from: i64,
    to: i64,
    labels: HashMap<i64, String>,
) -> Result<Vec<ChannelRow>, UiError> {
    let events: Vec<LogEvent> = admin?
        .events()
        .await
        .map_err(|e| UiError::plain(e.to_string()))?;
    let mut rows = crate::stats::channels(&events, card_id, from, to);
    for r in &mut rows {
        if let Some(l) = labels.get(&r.outer_id) {
            r.label.clone_from(l);
        }
    }
    Ok(rows)
}

/// Labels of `scope`'s saved placement channels by outer_id (the latest card's label wins).
fn saved_labels(store: Option<&Arc<Mutex<Store>>>, scope: &str) -> HashMap<i64, String> {
    store
        .and_then(|s| s.lock().ok().and_then(|s| s.channels_in(scope).ok()))
        .unwrap_or_default()
        .into_iter()
        .filter(|c| !c.label.is_empty())
        .map(|c| (c.outer_id, c.label))
        .collect()
}

/// What [`pushed_channels`] counts: the range, the events (held by the shell) and where the
/// channel names are read (the store and the account's scope).
pub struct PushedChannels {
    /// The card, or every card.
    pub card_id: Option<String>,
    /// From (Unix seconds).
    pub from: i64,
    /// To (Unix seconds).
    pub to: i64,
    /// The company server's events.
    pub events: Arc<Vec<crate::api::CardEvent>>,
    /// The channel table.
    pub store: Option<Arc<Mutex<Store>>>,
    /// The scope of the channel names.
    pub scope: String,
}

/// Per-channel results from a company server's events, named from the channel table of the
/// account's scope, counted on the blocking pool.
pub fn pushed_channels(job: PushedChannels, io: &Io) {
    let PushedChannels {
        card_id,
        from,
        to,
        events,
        store,
        scope,
    } = job;
    io.spawn_blocking(move || {
        let labels = saved_labels(store.as_ref(), &scope);
        let mut rows = crate::stats::channels_from_pushes(&events, card_id.as_deref(), from, to);
        for r in &mut rows {
            if let Some(l) = labels.get(&r.outer_id) {
                r.label.clone_from(l);
            }
        }
        stats(StatsEvent::Channels(Ok(rows)))
    });
}

/// Runs one Stats command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>, store: Option<&Arc<Mutex<Store>>>) {
    let client = backend.client.clone();
    match cmd {
        Command::ListCards => {
            io.spawn(async move { stats(StatsEvent::Cards(list_cards(&client).await)) });
        }
        Command::Load {
            card_id,
            begin,
            end,
            cond_source,
        } => io.spawn(async move {
            let (b, e) = (
                begin.format("%Y-%m-%d").to_string(),
                end.format("%Y-%m-%d").to_string(),
            );
            let result = match &card_id {
                Some(id) => client.card_card_info(&b, &e, cond_source, id).await,
                None => client.card_biz_uin_info(&b, &e, cond_source).await,
            };
            stats(StatsEvent::Loaded(result.map_err(|e| api_error(&e))))
        }),
        Command::Simulate { seed, days } => {
            let Some(admin) = admin(backend) else {
                return;
            };
            io.spawn(async move {
                let result = async {
                    admin?
                        .simulate(seed, days)
                        .await
                        .map_err(|e| UiError::plain(e.to_string()))
                }
                .await;
                stats(StatsEvent::Simulated(result))
            });
        }
        Command::Channels { card_id, from, to } => {
            let Some(admin) = admin(backend) else {
                return;
            };
            let labels = saved_labels(store, &backend.scope());
            io.spawn(async move {
                stats(StatsEvent::Channels(
                    channels(admin, card_id.as_deref(), from, to, labels).await,
                ))
            });
        }
        Command::SyncClock => {
            let Some(admin) = admin(backend) else {
                return;
            };
            io.spawn(async move {
                let skew = match admin {
                    Ok(a) => a
                        .now()
                        .await
                        .ok()
                        .map(|now| now * 1000 - chrono::Utc::now().timestamp_millis()),
                    Err(_) => None,
                };
                stats(StatsEvent::ClockSkew(skew))
            });
        }
        Command::ExportCsv(bytes) => io.spawn(async move {
            let Some(file) = rfd::AsyncFileDialog::new()
                .add_filter("CSV", &["csv"])
                .set_file_name("stats.csv")
                .save_file()
                .await
            else {
                return Event::Nothing;
            };
            let path = file.path().to_owned();
            stats(StatsEvent::Exported(
                tokio::fs::write(&path, bytes)
                    .await
                    .map(|()| path)
                    .map_err(|e| UiError::plain(e.to_string())),
            ))
        }),
    }
}
