//! The Design panel's commands: drafts in SQLite, images, card create/get/update.

use std::sync::{Arc, Mutex};

use super::super::io::Io;
use super::{Backend, api_error, with_store};
use crate::api::{ApiClient, CardDetails};
use crate::card::CreateBody;
use crate::message::{DesignEvent, ErrorKind, ImageSlot, PreparedImage, UiError};
use crate::store::Store;
use crate::ui::design::Command;

/// A file dialog that answers "nothing chosen" sooner than this was never shown.
const NO_DIALOG_WITHIN: std::time::Duration = std::time::Duration::from_millis(300);

/// Runs one Design command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>, store: Option<&Arc<Mutex<Store>>>) {
    match cmd {
        Command::ListDrafts
        | Command::NewDraft(..)
        | Command::OpenDraft(_)
        | Command::SaveDraft(..)
        | Command::RenameDraft(..)
        | Command::DuplicateDraft(..)
        | Command::DeleteDraft(_)
        | Command::LinkDraft(..) => {
            let Some(store) = store.cloned() else { return };
            // The scope at the time of asking: a merchant's drafts stay that merchant's.
            let scope = backend.scope();
            io.spawn_blocking(move || draft_command(cmd, &store, &scope));
        }
        Command::ImportJson => io.spawn(async {
            let Some(file) = rfd::AsyncFileDialog::new()
                .add_filter("JSON", &["json"])
                .pick_file()
                .await
            else {
                return DesignEvent::Nothing;
            };
            let name = file.file_name();
            let bytes = file.read().await;
            DesignEvent::Imported(
                String::from_utf8(bytes)
                    .map(|text| (name, text))
                    .map_err(|_| UiError::of(crate::i18n::T::NotUtf8)),
            )
        }),
        Command::ExportJson(name, text) => io.spawn(async move {
            let Some(file) = rfd::AsyncFileDialog::new()
                .set_file_name(format!("{name}.json"))
                .save_file()
                .await
            else {
                return DesignEvent::Nothing;
            };
            let path = file.path().to_owned();
            DesignEvent::Exported(
                tokio::fs::write(&path, text)
                    .await
                    .map(|()| path)
                    .map_err(|e| UiError::plain(e.to_string())),
            )
        }),
        Command::PickImage(slot) => io.spawn(async move {
            let asked = std::time::Instant::now();
            let picked = rfd::AsyncFileDialog::new()
                .add_filter("Images", &crate::ui::design::files::PICTURE_EXTENSIONS)
                .pick_file()
                .await;
            match picked {
                Some(f) => DesignEvent::ImagePicked(slot, f.path().to_owned()),
                // No person cancels a dialog this fast: it was never shown (rfd answers
                // "nothing chosen" at once when the desktop has no file-chooser portal).
                None if asked.elapsed() < NO_DIALOG_WITHIN => DesignEvent::NoFileDialog(slot),
                None => DesignEvent::Nothing,
            }
        }),
        Command::PrepareImage(slot, path) => io.spawn_blocking(move || prepare_image(slot, &path)),
        Command::Upload(slot, jpeg) => {
            let client = backend.client.clone();
            io.spawn(async move {
                let result = client
                    .upload_image(jpeg, "image.jpg")
                    .await
                    .map_err(|e| api_error(&e));
                DesignEvent::ImageUploaded { slot, result }
            });
        }
        Command::Create(draft_id, body) => {
            let client = backend.client.clone();
            io.spawn(async move {
                let result = client.create_card(&body).await.map_err(|e| api_error(&e));
                DesignEvent::CardCreated { draft_id, result }
            });
        }
        Command::FetchCard(card_id) => {
            let client = backend.client.clone();
            io.spawn(async move {
                let result = fetch_card(&client, &card_id).await.map(Box::new);
                DesignEvent::CardFetched { card_id, result }
            });
        }
        Command::ListCards => {
            let client = backend.client.clone();
            io.spawn(async move { DesignEvent::CardsListed(list_cards(&client).await) });
        }
        Command::Update(card_id, patch) => {
            let client = backend.client.clone();
            io.spawn(async move {
                let result = client.update_card(&patch).await.map_err(|e| api_error(&e));
                DesignEvent::CardUpdated { card_id, result }
            });
        }
        // Run by `exec::run` (it uses the Wallet's journal, which uses this file).
        Command::LoadDemo(_) => {}
        // Run by the shell, which knows the cache folder.
        Command::FetchImage(..) => {}
        Command::LoadLookups => {
            let client = backend.client.clone();
            io.spawn(async move {
                let colors = client
                    .get_colors()
                    .await
                    .map(|list| list.into_iter().map(|c| (c.name, c.value)).collect())
                    .map_err(|e| api_error(&e));
                DesignEvent::Colors(colors)
            });
            let client = backend.client.clone();
            io.spawn(async move {
                let stores = client.get_poi_list(0, 50).await.map_err(|e| api_error(&e));
                DesignEvent::Stores(stores)
            });
            let client = backend.client.clone();
            io.spawn(async move {
                let coins = client
                    .get_coins_info()
                    .await
                    .map(|c| c.total_coin)
                    .map_err(|e| api_error(&e));
                DesignEvent::Balance(coins)
            });
        }
    }
}

fn draft_command(cmd: Command, store: &Arc<Mutex<Store>>, scope: &str) -> DesignEvent {
    match cmd {
        Command::ListDrafts => DesignEvent::Drafts(with_store(store, |s| s.list_drafts_in(scope))),
        Command::NewDraft(name, text) => {
            let body = if text.is_empty() {
                crate::card::import::to_pretty_json(&new_body())
            } else {
                text
            };
            DesignEvent::DraftOpened(with_store(store, |s| {
                let id = s.create_draft_in(scope, &name, &body)?;
                s.load_draft_in(scope, id)
            }))
        }
        Command::OpenDraft(id) => {
            DesignEvent::DraftOpened(with_store(store, |s| s.load_draft_in(scope, id)))
        }
        Command::SaveDraft(id, body) => DesignEvent::DraftSaved {
            id,
            result: with_store(store, |s| s.save_draft_body(id, &body)),
        },
        Command::RenameDraft(id, name) => DesignEvent::Drafts(with_store(store, |s| {
            s.rename_draft(id, &name)?;
            s.list_drafts_in(scope)
        })),
        Command::DuplicateDraft(id, name) => DesignEvent::DraftOpened(with_store(store, |s| {
            let new = s.duplicate_draft_in(scope, id, &name)?;
            s.load_draft_in(scope, new)
        })),
        Command::DeleteDraft(id) => DesignEvent::Drafts(with_store(store, |s| {
            s.delete_draft(id)?;
            s.list_drafts_in(scope)
        })),
        Command::LinkDraft(id, card_id) => DesignEvent::Drafts(with_store(store, |s| {
            s.set_draft_card_id(id, &card_id)?;
            s.list_drafts_in(scope)
        })),
        _ => DesignEvent::Nothing,
    }
}

/// A new cash coupon valid from today for 30 days (Beijing dates).
fn new_body() -> CreateBody {
    use crate::card::{Int, beijing};
    let mut body = CreateBody::new_friend_coupon(crate::card::CardType::Cash);
    if let Some(today) = beijing::date_of(chrono::Utc::now().timestamp()) {
        let d = body.card.date_info_mut();
        d.begin_timestamp = beijing::start_of(today).map(Int::Num);
        d.end_timestamp = beijing::end_of(today + chrono::Duration::days(29)).map(Int::Num);
    }
    body
}

fn prepare_image(slot: ImageSlot, path: &std::path::Path) -> DesignEvent {
    use crate::imaging::{Slot, prepare_file};
    let kind = match slot {
        ImageSlot::Logo => Slot::Logo,
        ImageSlot::Cover => Slot::Cover,
        ImageSlot::TextImage(_) => Slot::TextImage,
    };
    let result = prepare_file(path, kind)
        .map_err(|e| UiError::both(e.message_zh(), e.message_en()).kind_of(ErrorKind::File))
        .and_then(|p| {
            let rgba = image::load_from_memory(&p.jpeg)
                .map_err(|e| UiError::plain(e.to_string()))?
                .to_rgba8();
            Ok(PreparedImage {
                width: rgba.width(),
                height: rgba.height(),
                rgba: rgba.into_raw(),
                jpeg: p.jpeg,
            })
        });
    DesignEvent::ImagePrepared { slot, result }
}

pub(super) async fn fetch_card(client: &ApiClient, card_id: &str) -> Result<CardDetails, UiError> {
    let details = client.get_card(card_id).await.map_err(|e| api_error(&e))?;
    Ok(CardDetails {
        card_id: card_id.to_owned(),
        status: details.status.clone(),
        quantity: details.quantity,
        total_quantity: details.total_quantity,
        body: details.body,
    })
}

pub(super) async fn list_cards(client: &ApiClient) -> Result<Vec<CardDetails>, UiError> {
    let ids = client
        .batch_get(0, 50, None)
        .await
        .map_err(|e| api_error(&e))?;
    let mut out = Vec::new();
    for id in ids.card_id_list {
        out.push(fetch_card(client, &id).await?);
    }
    Ok(out)
}
