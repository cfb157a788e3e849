//! The Placement panel's commands: QR codes, the test whitelist, cardExt signatures, and
//! saving a QR picture.

use std::sync::Arc;

use super::super::events::{CardExtMade, Event, PlacementEvent, UiError};
use super::super::io::Io;
use super::design::list_cards;
use super::{Backend, api_error};
use crate::ui::placement::Command;

fn placement(e: PlacementEvent) -> Event {
    Event::Placement(e)
}

/// The first characters of a credential, enough to tell two apart.
fn hint(secret: &str) -> String {
    let head: String = secret.chars().take(6).collect();
    format!("{head}…")
}

/// Runs one Placement command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>) {
    let client = backend.client.clone();
    match cmd {
        Command::ListCards => {
            io.spawn(async move { placement(PlacementEvent::Cards(list_cards(&client).await)) });
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
