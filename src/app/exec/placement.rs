//! The Placement panel's commands: QR codes, the test whitelist, cardExt signatures, and
//! saving a QR picture.

use std::sync::{Arc, Mutex};

use super::super::events::{Event, PlacementEvent, UiError};
use super::super::io::Io;
use super::design::list_cards;
use super::{Backend, api_error};
use crate::api::ApiClient;
use crate::api::code::QrRequest;
use crate::message::BatchJob;
use crate::message::{BatchSummary, CardExtMade, SavedChannel};
use crate::poster::{BatchRequest, ChannelQr, LogoImage, PdfBuilder, render_png};
use crate::store::{ChannelRecord, Store};
use crate::ui::placement::{Command, PosterFormat};

fn placement(e: PlacementEvent) -> Event {
    Event::Placement(e)
}

/// The first characters of a credential, enough to tell two apart.
fn hint(secret: &str) -> String {
    let head: String = secret.chars().take(6).collect();
    format!("{head}…")
}

async fn fetch_logo(
    client: &ApiClient,
    url: &str,
    admin_key: Option<&str>,
) -> Result<Arc<LogoImage>, UiError> {
    let bytes = super::images::bytes_of(client, url, url, admin_key, None).await?;
    tokio::task::spawn_blocking(move || LogoImage::decode(&bytes))
        .await
        .map_err(|e| UiError::plain(e.to_string()))?
        .map(Arc::new)
        .map_err(|e| UiError::plain(e.to_string()))
}

fn err(e: impl std::fmt::Display) -> UiError {
    UiError::plain(e.to_string())
}

/// Runs a batch on the blocking pool: one card/qrcode/create per channel (sent from this
/// thread through the runtime), then the files; progress goes to the job, and the channel
/// table to SQLite.
fn batch(
    job: &BatchJob,
    client: &ApiClient,
    store: Option<&Arc<Mutex<Store>>>,
    scope: &str,
    dir: &std::path::Path,
    ctx: &egui::Context,
) -> Result<BatchSummary, UiError> {
    let handle = tokio::runtime::Handle::current();
    let req = BatchRequest {
        content: &job.content,
        template: job.template,
        channels: &job.channels,
        formats: job.formats,
        out_dir: dir,
        dpi: 300,
    };
    let qr = |ch: &crate::poster::Channel| {
        let request = QrRequest {
            card_id: job.card_id.clone(),
            outer_id: Some(i64::from(ch.outer_id)),
            ..QrRequest::default()
        };
        handle
            .block_on(client.create_qrcode(&request))
            .map(|q| ChannelQr {
                url: q.url,
                ticket: q.ticket,
                expire_seconds: q.expire_seconds,
            })
            .map_err(|e| e.text_zh())
    };
    let progress = |p: crate::poster::Progress| {
        if let Ok(mut slot) = job.progress.lock() {
            *slot = Some(p);
        }
        ctx.request_repaint();
    };
    let report = crate::poster::run_batch(&req, qr, &progress, &job.cancel).map_err(err)?;
    if let Some(store) = store
        && let Ok(mut s) = store.lock()
    {
        let rows: Vec<ChannelRecord> = report
            .channels
            .iter()
            .map(|(ch, q)| ChannelRecord {
                card_id: job.card_id.clone(),
                outer_id: i64::from(ch.outer_id),
                label: ch.label.clone(),
                url: q.url.clone(),
                ticket: q.ticket.clone(),
            })
            .collect();
        s.save_channels_in(scope, &rows).map_err(err)?;
    }
    Ok(BatchSummary {
        channels: report.channels.len(),
        pngs: report.pngs.len(),
        pdf: report.pdf.clone(),
        dir: dir.to_owned(),
        seconds: (
            report.qr_time.as_secs_f64(),
            report.png_time.as_secs_f64(),
            report.pdf_time.as_secs_f64(),
        ),
    })
}

/// Runs one Placement command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>, store: Option<&Arc<Mutex<Store>>>) {
    let client = backend.client.clone();
    match cmd {
        Command::ListCards => {
            io.spawn(async move { placement(PlacementEvent::Cards(list_cards(&client).await)) });
        }
        Command::SavedChannels => {
            let Some(store) = store.cloned() else { return };
            let scope = backend.scope();
            io.spawn_blocking(move || {
                let rows = super::with_store(&store, |s| s.channels_in(&scope)).map(|rows| {
                    rows.into_iter()
                        .map(|r| SavedChannel {
                            card_id: r.card_id,
                            outer_id: r.outer_id,
                            label: r.label,
                        })
                        .collect()
                });
                placement(PlacementEvent::SavedChannels(rows))
            });
        }
        Command::CreateQr(request) => io.spawn(async move {
            let result = client
                .create_qrcode(&request)
                .await
                .map_err(|e| api_error(&e));
            placement(PlacementEvent::QrCreated { request, result })
        }),
        Command::SetWhitelist { openids, usernames } => io.spawn(async move {
            let result = client
                .set_test_whitelist(&openids, &usernames)
                .await
                .map(|()| (openids.len(), usernames.len()))
                .map_err(|e| api_error(&e));
            placement(PlacementEvent::WhitelistSet(result))
        }),
        Command::SignCardExt {
            card_id,
            code,
            openid,
        } => io.spawn(async move {
            let result = client
                .card_api_ticket()
                .await
                .map(|ticket| CardExtMade {
                    ext: crate::api::signature::card_ext_now(&ticket, &card_id, &code, &openid),
                    ticket_hint: hint(&ticket),
                    card_id,
                })
                .map_err(|e| api_error(&e));
            placement(PlacementEvent::CardExt(result))
        }),
        Command::FetchLogo(url) => {
            let src = super::images::readable(&url, backend);
            let key = backend.admin_key.clone();
            io.spawn(async move {
                let logo = match src {
                    Some(src) => fetch_logo(&client, &src, key.as_deref()).await,
                    None => Err(UiError::plain(format!("{url}: not on the simulator"))),
                };
                placement(PlacementEvent::Logo(logo))
            });
        }
        Command::StoreLabels => io.spawn(async move {
            let result = client
                .get_poi_list(0, 50)
                .await
                .map_err(|e| api_error(&e))
                .and_then(|list| {
                    let names: Vec<String> = list
                        .into_iter()
                        .map(|p| {
                            format!("{} {}", p.business_name, p.branch_name)
                                .trim()
                                .to_owned()
                        })
                        .collect();
                    crate::poster::channels_from_store_names(&names).map_err(err)
                })
                .map(|chs| {
                    chs.iter()
                        .map(|c| format!("{},{}", c.outer_id, c.label))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            placement(PlacementEvent::Labels(result))
        }),
        Command::LabelsCsv => io.spawn(async move {
            let Some(file) = rfd::AsyncFileDialog::new()
                .add_filter("CSV", &["csv", "txt"])
                .pick_file()
                .await
            else {
                return Event::Nothing;
            };
            let text = String::from_utf8(file.read().await)
                .map(|t| t.trim_start_matches('\u{feff}').to_owned())
                .map_err(|_| UiError::of(crate::i18n::T::NotUtf8));
            placement(PlacementEvent::Labels(text))
        }),
        Command::ExportPoster {
            layout,
            format,
            name,
        } => io.spawn(async move {
            let ext = match format {
                PosterFormat::Png => "png",
                PosterFormat::Pdf => "pdf",
            };
            let Some(file) = rfd::AsyncFileDialog::new()
                .add_filter(ext.to_uppercase(), &[ext])
                .set_file_name(format!("{name}.{ext}"))
                .save_file()
                .await
            else {
                return Event::Nothing;
            };
            let path = file.path().to_owned();
            let result = tokio::task::spawn_blocking(move || {
                let bytes = match format {
                    PosterFormat::Png => render_png(&layout, 300).map_err(err)?,
                    PosterFormat::Pdf => {
                        let mut pdf = PdfBuilder::new(&name).map_err(err)?;
                        pdf.add_page(&layout).map_err(err)?;
                        pdf.finish().map_err(err)?
                    }
                };
                std::fs::write(&path, bytes).map_err(err)?;
                Ok(path)
            })
            .await
            .unwrap_or_else(|e| Err(err(e)));
            placement(PlacementEvent::Saved(result))
        }),
        Command::Open(path) => io.spawn_blocking(move || {
            // The system viewer prints too; a failure to start it is only logged.
            if let Err(e) = crate::desktop::open_in_system_viewer(&path) {
                tracing::warn!("cannot open {}: {e}", path.display());
            }
            Event::Nothing
        }),
        Command::PickFolder => io.spawn(async {
            match rfd::AsyncFileDialog::new().pick_folder().await {
                Some(dir) => placement(PlacementEvent::Folder(dir.path().to_owned())),
                None => Event::Nothing,
            }
        }),
        Command::Batch(job, dir) => {
            let store = store.cloned();
            let scope = backend.scope();
            let ctx = io.ctx();
            io.spawn(async move {
                let result = tokio::task::spawn_blocking(move || {
                    batch(&job, &client, store.as_ref(), &scope, &dir, &ctx)
                })
                .await
                .unwrap_or_else(|e| Err(err(e)));
                placement(PlacementEvent::BatchDone(result))
            });
        }
        Command::SaveQrPng { url, name } => io.spawn(async move {
            let Some(file) = rfd::AsyncFileDialog::new()
                .add_filter("PNG", &["png"])
                .set_file_name(format!("{name}.png"))
                .save_file()
                .await
            else {
                return Event::Nothing;
            };
            let path = file.path().to_owned();
            let result = tokio::task::spawn_blocking(move || {
                let png = qr_png(&url)?;
                std::fs::write(&path, png).map_err(|e| UiError::plain(e.to_string()))?;
                Ok(path)
            })
            .await
            .unwrap_or_else(|e| Err(UiError::plain(e.to_string())));
            placement(PlacementEvent::Saved(result))
        }),
    }
}

/// The QR of `url` as a PNG with 10-pixel modules and the 4-module quiet zone.
pub fn qr_png(url: &str) -> Result<Vec<u8>, UiError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| UiError::plain(e.to_string()))?;
    let img = code
        .render::<image::Luma<u8>>()
        .module_dimensions(10, 10)
        .quiet_zone(true)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| UiError::plain(e.to_string()))?;
    Ok(out.into_inner())
}
