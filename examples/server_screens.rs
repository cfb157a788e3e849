//! Screenshots of the app on a 公司服务器 account, against a running company server and the
//! simulator as WeChat: the README's rehearsal on one machine (`server`, `add-key`, `sandbox
//! --demo` with the push flags), seen by a person of the team.
//!
//! ```sh
//! Xvfb :99 -screen 0 1400x900x24 &
//! DISPLAY=:99 cargo run --example server_screens -- \
//!     http://127.0.0.1:8080 http://127.0.0.1:8787 wx1234567890abcdef key.txt docs/
//! ```
//!
//! The arguments: the server, WeChat (the simulator), the AppID, a file whose first line is the
//! person's API key, the output folder. The app opens in a 1400×900 window on the account
//! (the key in an in-memory keyring: Xvfb has no system keyring), with a fresh data folder and
//! the demo's channel table (as the Placement panel saves it), reads the server every second,
//! and shows in turn the Wallet (to load the ledger), Settings (the account's form open),
//! Stats in Chinese and in English, Design (a card WeChat refused open, if the server has
//! such a push) in both languages and the Wallet again, saving each as
//! `server-<panel>[-en].png`, taken by the app itself. An order pushed while it runs shows in
//! the second Wallet picture as known from a push only.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use coupon_studio::accounts::{Account, Accounts, MemoryStore, SecretStore, TokenMode, Vault};
use coupon_studio::app::{Backend, CouponStudioApp, Nav, Persisted, StartOptions};
use coupon_studio::demo::CHANNELS;
use coupon_studio::i18n::Lang;
use coupon_studio::store::{ChannelRecord, Store};
use coupon_studio::ui::design::Command as DesignCmd;

/// Each step: seconds after the previous one, the panel, the language, the file (none: no
/// picture).
const PLAN: [(u64, Nav, Lang, Option<&str>); 7] = [
    (4, Nav::Wallet, Lang::Zh, None),
    (5, Nav::Settings, Lang::Zh, Some("server-settings.png")),
    (5, Nav::Stats, Lang::Zh, Some("server-stats.png")),
    (4, Nav::Stats, Lang::En, Some("server-stats-en.png")),
    (5, Nav::Design, Lang::Zh, Some("server-design.png")),
    (4, Nav::Design, Lang::En, Some("server-design-en.png")),
    (5, Nav::Wallet, Lang::Zh, Some("server-wallet.png")),
];

struct Shots {
    app: CouponStudioApp,
    /// The account, whose form Settings shows.
    account_id: String,
    /// A card WeChat refused (a push said why), opened in Design.
    refused: Option<String>,
    out: PathBuf,
    step: usize,
    since: Instant,
    asked: bool,
    pictures: (
        Sender<Arc<egui::ColorImage>>,
        Receiver<Arc<egui::ColorImage>>,
    ),
}

impl Shots {
    /// Goes to step `n` (or closes the window after the last).
    fn go(&mut self, ctx: &egui::Context, n: usize) {
        self.step = n;
        self.since = Instant::now();
        self.asked = false;
        match PLAN.get(n) {
            Some((_, nav, lang, _)) => {
                if self.app.persisted.nav != *nav {
                    match nav {
                        Nav::Settings => self.app.accounts.edit(&self.account_id),
                        Nav::Design => {
                            // As a click on it in 我的卡券 does.
                            if let Some(card) = self.refused.clone() {
                                self.app.design.opening_card = Some(card.clone());
                                self.app.run(DesignCmd::FetchCard(card));
                            }
                        }
                        _ => {}
                    }
                }
                self.app.persisted.nav = *nav;
                self.app.persisted.lang = *lang;
            }
            None => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }
}

impl eframe::App for Shots {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Ok(picture) = self.pictures.1.try_recv()
            && let Some((_, _, _, Some(name))) = PLAN.get(self.step)
        {
            save(&picture, &self.out.join(name));
            self.go(&ctx, self.step + 1);
        }
        self.app.ui(ui, frame);
        let Some(&(after, _, _, name)) = PLAN.get(self.step) else {
            return;
        };
        if !self.asked && self.since.elapsed() >= Duration::from_secs(after) {
            self.asked = true;
            if name.is_some() {
                let tx = self.pictures.0.clone();
                let wake = ctx.clone();
                ctx.request_screenshot(move |picture| {
                    let _ = tx.send(picture);
                    wake.request_repaint();
                });
            } else {
                self.go(&ctx, self.step + 1);
            }
        }
        // A frame now and then, so that the steps advance on time.
        ctx.request_repaint_after(Duration::from_millis(250));
    }
}

/// Writes the picture as a PNG.
fn save(picture: &egui::ColorImage, path: &std::path::Path) {
    let [w, h] = picture.size;
    let bytes: Vec<u8> = picture.pixels.iter().flat_map(|p| p.to_array()).collect();
    let image = image::RgbaImage::from_raw(
        u32::try_from(w).unwrap_or(0),
        u32::try_from(h).unwrap_or(0),
        bytes,
    );
    match image.map(|i| i.save(path)) {
        Some(Ok(())) => eprintln!("saved {}", path.display()),
        Some(Err(e)) => eprintln!("{}: {e}", path.display()),
        None => eprintln!("{}: not a picture", path.display()),
    }
}

/// From the server's events: the demo card (the one claimed through channels) and a card
/// WeChat refused, if any.
fn cards_of(server: &str, key: &str) -> (Option<String>, Option<String>) {
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        return (None, None);
    };
    let Ok(feed) = coupon_studio::api::CompanyClient::new(server, key) else {
        return (None, None);
    };
    let events = rt.block_on(feed.events(0, 1000)).unwrap_or_default();
    let find = |pick: &dyn Fn(&coupon_studio::api::CardEvent) -> bool| {
        events
            .iter()
            .map(|f| &f.event)
            .find(|e| pick(e))
            .map(|e| e.card_id.clone())
    };
    (
        find(&|e| e.event == "user_get_card" && e.outer_id > 0),
        find(&|e| e.event == "card_not_pass_check"),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [server, wechat, appid, key_file, out] = args.as_slice() else {
        return Err("usage: server_screens SERVER_URL WECHAT_URL APPID KEY_FILE OUT_DIR".into());
    };
    let key = std::fs::read_to_string(key_file)?
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    let data = std::env::temp_dir().join(format!("cs-server-screens-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;

    // The channel table, as the Placement panel saves it for the demo's posters.
    let (demo, refused) = cards_of(server, &key);
    if let Some(card_id) = demo {
        let rows: Vec<ChannelRecord> = CHANNELS
            .iter()
            .map(|(outer_id, label)| ChannelRecord {
                card_id: card_id.clone(),
                outer_id: *outer_id,
                label: (*label).to_owned(),
                url: String::new(),
                ticket: String::new(),
            })
            .collect();
        Store::open(&data.join("coupon-studio.sqlite"))?.save_channels(&rows)?;
    }

    let account = Account::new(
        "总部",
        appid,
        TokenMode::Server {
            url: server.clone(),
        },
    );
    let mut list = Accounts::default();
    list.upsert(account.clone());
    list.active = Some(account.id.clone());
    list.save(&data)?;
    let keys = Arc::new(MemoryStore::default());
    keys.set(&account.key_name().ok_or("no key name")?, &key)?;
    let backend = Backend::for_account_at(&data, wechat, &Vault::new(keys.clone()), &account)?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1400.0, 900.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let wechat = wechat.clone();
    let account_id = account.id.clone();
    eframe::run_native(
        "Coupon Studio",
        options,
        Box::new(move |cc| {
            let mut app = CouponStudioApp::new(
                cc,
                StartOptions {
                    data_dir: data,
                    backend,
                    persisted: Some(Persisted {
                        lang: Lang::Zh,
                        nav: PLAN[0].1,
                        ..Persisted::default()
                    }),
                },
            )?;
            app.set_secret_store(keys);
            app.use_api_base_for_accounts(&wechat)?;
            app.set_server_poll(Duration::from_secs(1));
            Ok(Box::new(Shots {
                app,
                account_id,
                refused,
                out,
                step: 0,
                since: Instant::now(),
                asked: false,
                pictures: channel(),
            }))
        }),
    )?;
    Ok(())
}
