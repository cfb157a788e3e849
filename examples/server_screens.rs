//! Screenshots of the app against a running company server and the simulator as WeChat, seen
//! by a person of the team: the README's rehearsals on one machine.
//!
//! ```sh
//! Xvfb :99 -screen 0 1400x900x24 &
//! # a 公司服务器 account (the server with --appid, the simulator with --demo and the push flags)
//! DISPLAY=:99 cargo run --example server_screens -- \
//!     http://127.0.0.1:8080 http://127.0.0.1:8787 wx1234567890abcdef key.txt docs/
//! # a 第三方平台(服务商) account (the server and the simulator with the --component-* flags)
//! DISPLAY=:99 cargo run --example server_screens -- --platform \
//!     http://127.0.0.1:8080 http://127.0.0.1:8787 key.txt docs/
//! ```
//!
//! The arguments: the server, WeChat (the simulator), the AppID (a 公司服务器 account only), a
//! file whose first line is the person's API key, the output folder. The app opens in a
//! 1400×900 window (the key in an in-memory keyring: Xvfb has no system keyring) with a fresh
//! data folder, reads the server every second, and saves the pictures it takes of itself:
//!
//! - 公司服务器: the demo's channel table (as the Placement panel saves it); the Wallet (to
//!   load the ledger), Settings (the account's form open), Stats in Chinese and in English,
//!   Design (a card WeChat refused open, if the server has such a push) in both languages and
//!   the Wallet again, as `server-<panel>[-en].png`. An order pushed while it runs shows in
//!   the second Wallet picture as known from a push only.
//! - 第三方平台: every merchant the key may act for that has no card yet is given the demo
//!   campaign through the platform first (its token from the server; the simulator's admin
//!   API plays its reviewer, payer and customers). The app starts on the first merchant:
//!   Settings with the merchant list and a fresh authorization QR (`screenshot-platform.png`),
//!   then 使用 the second merchant, and its Design (its card open), Wallet and Stats
//!   (`platform-<panel>.png`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use coupon_studio::accounts::{Account, Accounts, MemoryStore, SecretStore, TokenMode, Vault};
use coupon_studio::api::{ApiClient, CompanyClient, SandboxAdmin, TokenSource};
use coupon_studio::app::{Backend, CouponStudioApp, Nav, Persisted, StartOptions};
use coupon_studio::demo::CHANNELS;
use coupon_studio::i18n::Lang;
use coupon_studio::store::{ChannelRecord, Store};
use coupon_studio::ui::accounts::Command as AccountsCmd;
use coupon_studio::ui::design::Command as DesignCmd;

/// What a step does as it starts, besides showing its panel.
#[derive(Clone, Copy)]
enum Action {
    /// Nothing.
    Show,
    /// Opens the account's form in Settings.
    Form,
    /// Opens the refused card in Design, as a click on it in 我的卡券 does.
    OpenRefused,
    /// Opens the first card of 我的卡券 in Design, as a click on it does.
    OpenFirstCard,
    /// 添加商户: an authorization QR.
    Authorize,
    /// 使用 next to the n-th merchant.
    UseMerchant(usize),
}

/// Each step: seconds after the previous one, the panel, the language, what it does, the
/// file (none: no picture).
type Step = (u64, Nav, Lang, Action, Option<&'static str>);

/// A 公司服务器 account's pictures.
#[rustfmt::skip]
const SERVER_PLAN: &[Step] = &[
    (4, Nav::Wallet, Lang::Zh, Action::Show, None),
    (5, Nav::Settings, Lang::Zh, Action::Form, Some("server-settings.png")),
    (5, Nav::Stats, Lang::Zh, Action::Show, Some("server-stats.png")),
    (4, Nav::Stats, Lang::En, Action::Show, Some("server-stats-en.png")),
    (5, Nav::Design, Lang::Zh, Action::OpenRefused, Some("server-design.png")),
    (4, Nav::Design, Lang::En, Action::Show, Some("server-design-en.png")),
    (5, Nav::Wallet, Lang::Zh, Action::Show, Some("server-wallet.png")),
];

/// A 第三方平台 account's pictures.
#[rustfmt::skip]
const PLATFORM_PLAN: &[Step] = &[
    (4, Nav::Settings, Lang::Zh, Action::Show, None),
    (1, Nav::Settings, Lang::Zh, Action::Authorize, None),
    (4, Nav::Settings, Lang::Zh, Action::Show, Some("screenshot-platform.png")),
    (1, Nav::Settings, Lang::Zh, Action::UseMerchant(1), None),
    (4, Nav::Design, Lang::Zh, Action::Show, None),
    (3, Nav::Design, Lang::Zh, Action::OpenFirstCard, Some("platform-design.png")),
    (4, Nav::Wallet, Lang::Zh, Action::Show, Some("platform-wallet.png")),
    (5, Nav::Stats, Lang::Zh, Action::Show, Some("platform-stats.png")),
];

struct Shots {
    app: CouponStudioApp,
    plan: &'static [Step],
    /// The account, whose form Settings shows.
    account_id: String,
    /// A platform's merchants, in the server's order.
    merchants: Vec<String>,
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
        let Some(&(_, nav, lang, action, _)) = self.plan.get(n) else {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        };
        match action {
            Action::Show => {}
            Action::Form => self.app.accounts.edit(&self.account_id),
            Action::OpenRefused => self.open_card(self.refused.clone()),
            Action::OpenFirstCard => {
                self.open_card(self.app.design.cards.first().map(|c| c.card_id.clone()));
            }
            Action::Authorize => {
                // As 添加商户 does: the page is shown while its link is asked for.
                let id = self.account_id.clone();
                self.app
                    .accounts
                    .merchants
                    .entry(id.clone())
                    .or_default()
                    .start_linking();
                self.app.run(AccountsCmd::Authorize(id));
            }
            Action::UseMerchant(i) => {
                if let Some(appid) = self.merchants.get(i) {
                    self.app.run(AccountsCmd::UseMerchant {
                        account: self.account_id.clone(),
                        appid: appid.clone(),
                    });
                }
            }
        }
        self.app.persisted.nav = nav;
        self.app.persisted.lang = lang;
    }
}

impl Shots {
    /// Opens `card` in Design, as a click on it in 我的卡券 does.
    fn open_card(&mut self, card: Option<String>) {
        if let Some(card) = card {
            self.app.design.opening_card = Some(card.clone());
            self.app.run(DesignCmd::FetchCard(card));
        }
    }
}

impl eframe::App for Shots {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Ok(picture) = self.pictures.1.try_recv()
            && let Some((_, _, _, _, Some(name))) = self.plan.get(self.step)
        {
            save(&picture, &self.out.join(name));
            self.go(&ctx, self.step + 1);
        }
        self.app.ui(ui, frame);
        let Some(&(after, _, _, _, name)) = self.plan.get(self.step) else {
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
fn cards_of(
    rt: &tokio::runtime::Runtime,
    feed: &CompanyClient,
) -> (Option<String>, Option<String>) {
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

/// The merchants `server` lists for `key`, each with its (first) card; each without a card
/// yet gets the demo campaign through the platform (WeChat at `wechat`, the simulator).
fn merchants_with_demo(
    rt: &tokio::runtime::Runtime,
    server: &str,
    wechat: &str,
    key: &str,
) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let listed = rt.block_on(CompanyClient::new(server, key)?.merchants())?;
    let admin = SandboxAdmin::new(wechat, Duration::from_secs(60))?;
    let mut out = Vec::new();
    for (n, m) in listed.iter().enumerate() {
        let client = ApiClient::new(
            wechat,
            TokenSource::Platform {
                url: server.to_owned(),
                key: key.to_owned(),
                appid: m.appid.clone(),
            },
        )?;
        let card = match rt
            .block_on(client.batch_get(0, 1, None))?
            .card_id_list
            .first()
        {
            Some(card) => card.clone(),
            None => {
                let seed = 42 + u64::try_from(n).unwrap_or(0);
                let admin = admin.clone().for_merchant(&m.appid);
                let demo = rt.block_on(coupon_studio::demo::load(&client, &admin, seed))?;
                eprintln!("demo for {} ({}): card {}", m.name, m.appid, demo.card_id);
                demo.card_id
            }
        };
        out.push((m.appid.clone(), card));
    }
    Ok(out)
}

/// The demo's channel table of `card_id` in the data scope `scope`, as the Placement panel
/// saves it for the demo's posters.
fn save_channels(
    data: &std::path::Path,
    scope: &str,
    card_id: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let rows: Vec<ChannelRecord> = CHANNELS
        .iter()
        .map(|(outer_id, label)| ChannelRecord {
            card_id: card_id.to_owned(),
            outer_id: *outer_id,
            label: (*label).to_owned(),
            url: String::new(),
            ticket: String::new(),
        })
        .collect();
    Store::open(&data.join("coupon-studio.sqlite"))?.save_channels_in(scope, &rows)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (platform, server, wechat, appid, key_file, out) = match args.as_slice() {
        [flag, server, wechat, key_file, out] if flag == "--platform" => {
            (true, server, wechat, "", key_file, out)
        }
        [server, wechat, appid, key_file, out] => {
            (false, server, wechat, appid.as_str(), key_file, out)
        }
        _ => {
            return Err(
                "usage: server_screens SERVER_URL WECHAT_URL APPID KEY_FILE OUT_DIR\n   \
                        or: server_screens --platform SERVER_URL WECHAT_URL KEY_FILE OUT_DIR"
                    .into(),
            );
        }
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
    let rt = tokio::runtime::Runtime::new()?;

    let (account, merchants, refused) = if platform {
        let mut merchants = Vec::new();
        for (appid, card) in merchants_with_demo(&rt, server, wechat, &key)? {
            save_channels(&data, &format!("merchant:{appid}"), &card)?;
            merchants.push(appid);
        }
        let mode = TokenMode::Platform {
            url: server.clone(),
        };
        (Account::new("卡券服务商", "", mode), merchants, None)
    } else {
        let (demo, refused) = cards_of(&rt, &CompanyClient::new(server, &key)?);
        if let Some(card_id) = demo {
            save_channels(&data, coupon_studio::store::OWN, &card_id)?;
        }
        let mode = TokenMode::Server {
            url: server.clone(),
        };
        (Account::new("总部", appid, mode), Vec::new(), refused)
    };
    drop(rt);
    let mut list = Accounts::default();
    list.upsert(account.clone());
    list.active = Some(account.id.clone());
    list.merchant = merchants.first().cloned();
    list.save(&data)?;
    let keys = Arc::new(MemoryStore::default());
    keys.set(&account.key_name().ok_or("no key name")?, &key)?;
    let vault = Vault::new(keys.clone());
    let backend = match merchants.first() {
        Some(m) => Backend::for_merchant_at(&data, wechat, &vault, &account, m)?,
        None if platform => return Err("the key may act for no merchant".into()),
        None => Backend::for_account_at(&data, wechat, &vault, &account)?,
    };
    let plan = if platform { PLATFORM_PLAN } else { SERVER_PLAN };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1400.0, 900.0]),
        renderer: eframe::Renderer::Glow,
        // Not eframe's folder of the app: it would restore the size the app last had here.
        persistence_path: Some(data.join("eframe")),
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
                        nav: plan[0].1,
                        ..Persisted::default()
                    }),
                },
            )?;
            app.set_secret_store(keys);
            app.use_api_base_for_accounts(&wechat)?;
            app.set_server_poll(Duration::from_secs(1));
            Ok(Box::new(Shots {
                app,
                plan,
                account_id,
                merchants,
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
