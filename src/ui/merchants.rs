//! The merchants of each 第三方平台(服务商) account in Settings: a search box over the list,
//! a refresh, "使用" to work for a merchant, and 添加商户 — the authorization page as a QR for
//! the merchant's admin to scan, with the link to copy. The rules (when the list is read
//! again, when a new merchant ends the page) live in [`crate::accounts::merchants`].

use egui::{RichText, Ui};

use super::accounts::{AccountsPanel, Command};
use crate::accounts::merchants::MerchantList;
use crate::api::Merchant;
use crate::i18n::{Lang, T};

/// The size of the authorization QR on screen (points).
const QR_SIDE: f32 = 200.0;

/// The authorization page's QR as a texture, for the link it was drawn from (made once per
/// link; the shell keeps it).
pub struct LinkQr {
    /// The link.
    pub url: String,
    /// Its QR code.
    pub texture: egui::TextureHandle,
}

/// The merchant in use under a platform account, as listed (once the list is known).
pub fn in_use_merchant(panel: &AccountsPanel) -> Option<&Merchant> {
    let list = panel.merchants.get(panel.in_use.as_deref()?)?;
    list.find(panel.in_use_merchant.as_deref()?)
}

/// Draws every platform account's merchants, with the authorization page's QR drawn into
/// `qr`; pushes what the person asked for to `out`.
pub fn platforms_ui(
    ui: &mut Ui,
    lang: Lang,
    panel: &mut AccountsPanel,
    qr: &mut Option<LinkQr>,
    out: &mut Vec<Command>,
) {
    let platforms: Vec<(String, String)> = panel
        .list
        .accounts
        .iter()
        .filter(|a| a.is_platform())
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    for (id, name) in platforms {
        ui.add_space(6.0);
        ui.separator();
        ui.label(RichText::new(T::MerchantsOf.fill(lang, &[("platform", &name)])).strong());
        platform_ui(ui, lang, panel, qr, &id, out);
    }
}

/// One platform account's merchants.
fn platform_ui(
    ui: &mut Ui,
    lang: Lang,
    panel: &mut AccountsPanel,
    qr: &mut Option<LinkQr>,
    id: &str,
    out: &mut Vec<Command>,
) {
    let busy = panel.switching;
    let in_use = (panel.in_use.as_deref() == Some(id))
        .then(|| panel.in_use_merchant.clone())
        .flatten();
    let list = panel.merchants.entry(id.to_owned()).or_default();
    // Read once when first shown; afterwards on 刷新, or by itself while the page is shown.
    if !list.loaded && list.error.is_none() && list.begin_read() {
        out.push(Command::ListMerchants(id.to_owned()));
    }
    ui.horizontal(|ui| {
        let l = ui.label(T::SearchMerchants.get(lang));
        ui.add(
            egui::TextEdit::singleline(&mut list.query)
                .desired_width(220.0)
                .hint_text(T::SearchMerchantsHint.get(lang)),
        )
        .labelled_by(l.id);
        if crate::ui::action(
            ui,
            "merchants",
            &format!("refresh-{id}"),
            !list.loading,
            T::RefreshMerchants.get(lang),
        )
        .on_hover_text(T::RefreshMerchantsTip.get(lang))
        .clicked()
            && list.begin_read()
        {
            out.push(Command::ListMerchants(id.to_owned()));
        }
        if crate::ui::action(
            ui,
            "merchants",
            &format!("add-{id}"),
            list.linking.is_none(),
            T::AddMerchant.get(lang),
        )
        .on_hover_text(T::AddMerchantTip.get(lang))
        .clicked()
        {
            list.start_linking();
            out.push(Command::Authorize(id.to_owned()));
        }
    });
    status_ui(ui, lang, list);
    let mut chosen = None;
    egui::Grid::new(("merchants", id))
        .num_columns(3)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for m in list.visible() {
                if let Some(appid) = merchant_row_ui(ui, lang, m, in_use.as_deref(), busy) {
                    chosen = Some(appid);
                }
                ui.end_row();
            }
        });
    if let Some(appid) = chosen {
        out.push(Command::UseMerchant {
            account: id.to_owned(),
            appid,
        });
    }
    if list.linking.is_some() {
        linking_ui(ui, lang, list, qr);
    }
}

/// What the list says about itself: reading, why it failed, empty, or who was just added.
fn status_ui(ui: &mut Ui, lang: Lang, list: &MerchantList) {
    if let Some(e) = &list.error {
        crate::ui::error_label(ui, e.text(lang));
    } else if list.loading && !list.loaded {
        ui.weak(T::MerchantsLoading.get(lang));
    } else if list.loaded && list.merchants.is_empty() {
        ui.weak(T::NoMerchants.get(lang));
    } else if list.visible().is_empty() {
        ui.weak(T::NoMerchantMatches.get(lang));
    }
    if let Some(m) = &list.added {
        ui.colored_label(
            crate::ui::ok_color(ui),
            format!("✔ {}", T::MerchantAdded.fill(lang, &[("name", &m.name)])),
        );
    }
}

/// One merchant: its name, AppID and company, and 使用 (or 当前使用); the AppID when clicked.
fn merchant_row_ui(
    ui: &mut Ui,
    lang: Lang,
    m: &Merchant,
    in_use: Option<&str>,
    busy: bool,
) -> Option<String> {
    ui.label(&m.name).on_hover_text(&m.user_name);
    ui.label(RichText::new(format!("{} · {}", m.appid, m.principal_name)).weak());
    if in_use == Some(m.appid.as_str()) {
        ui.label(RichText::new(T::ActiveAccount.get(lang)).color(crate::ui::ok_color(ui)));
        return None;
    }
    let button = crate::ui::action(
        ui,
        "merchants",
        &format!("use-{}", m.appid),
        !busy,
        T::UseAccount.get(lang),
    );
    // Assistive technology (and the tests) hear which merchant the button is for.
    let spoken = format!("{} {}", T::UseAccount.get(lang), m.name);
    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, !busy, &spoken));
    button.clicked().then(|| m.appid.clone())
}

/// The authorization page: its QR for the merchant's admin and beside it the link to copy,
/// how long it works, and a way to close it (side by side, so that it fits a small window).
fn linking_ui(ui: &mut Ui, lang: Lang, list: &mut MerchantList, qr: &mut Option<LinkQr>) {
    let Some(linking) = &list.linking else { return };
    if let Some(link) = &linking.link
        && qr.as_ref().is_none_or(|q| q.url != link.url)
        && let Some(texture) = crate::ui::qr::qr_texture(ui.ctx(), "authorization-qr", &link.url)
    {
        *qr = Some(LinkQr {
            url: link.url.clone(),
            texture,
        });
    }
    let mut close = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_top(|ui| {
            if let (Some(link), Some(q)) = (&linking.link, qr.as_ref())
                && q.url == link.url
            {
                ui.add(
                    egui::Image::new(&q.texture).fit_to_exact_size(egui::vec2(QR_SIDE, QR_SIDE)),
                );
            }
            ui.vertical(|ui| {
                ui.set_max_width(520.0);
                ui.label(RichText::new(T::ScanToAuthorize.get(lang)).strong());
                if let Some(e) = &linking.error {
                    crate::ui::error_label(ui, e.text(lang));
                }
                match &linking.link {
                    None if linking.error.is_none() => {
                        ui.weak(T::MakingAuthorization.get(lang));
                    }
                    None => {}
                    Some(link) => link_text_ui(ui, lang, linking, &link.url),
                }
                ui.horizontal(|ui| {
                    if let Some(link) = &linking.link
                        && crate::ui::action(
                            ui,
                            "merchants",
                            "copy-link",
                            true,
                            T::CopyLink.get(lang),
                        )
                        .clicked()
                    {
                        ui.ctx().copy_text(link.url.clone());
                    }
                    close = crate::ui::action(
                        ui,
                        "merchants",
                        "close-link",
                        true,
                        T::CloseAuthorization.get(lang),
                    )
                    .clicked();
                });
            });
        });
    });
    if close {
        list.stop_linking();
    }
}

/// The link and how long it works (or that it no longer does).
fn link_text_ui(ui: &mut Ui, lang: Lang, linking: &crate::accounts::merchants::Linking, url: &str) {
    ui.label(RichText::new(url).small().monospace());
    let now = chrono::Utc::now().timestamp_millis();
    if linking.expired(now) {
        crate::ui::error_label(ui, T::AuthorizationExpired.get(lang));
    } else {
        let until = crate::ui::server_status::cached_at(linking.until_ms / 1000, now / 1000);
        ui.weak(T::AuthorizationWaiting.fill(lang, &[("time", &until)]));
    }
}
