//! `coupon-studio poster`: placement posters of a card, one per channel (`outer_id`), as a
//! multi-page PDF and 300-dpi PNGs, plus `channels.csv` with each channel's QR url.
//!
//! Exit codes: 0 done, 1 a WeChat call, rendering or writing failed (or Ctrl-C), 2 bad
//! arguments or no account.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Args;
use coupon_studio::api::{ApiClient, QrRequest, TokenSource, WECHAT_API};
use coupon_studio::card::synth::synthesize;
use coupon_studio::poster::batch::{channels_from_store_names, label_channels};
use coupon_studio::poster::{
    BatchRequest, Channel, ChannelQr, LogoImage, OutputFormats, PosterContent, Progress, Stage,
    Template, parse_channel_spec, parse_channels_csv, run_batch,
};

use super::given::env;

/// Arguments of `poster`.
#[derive(Debug, Args)]
pub struct PosterArgs {
    /// The card (card_id).
    #[arg(long)]
    card_id: String,
    /// Channels (outer_id 1–200): "1-200", "1,3,5-9". Default: the ids in --labels, else 1.
    #[arg(long)]
    channels: Option<String>,
    /// a4, a5, tent (100×210 mm) or receipt (80 mm).
    #[arg(long, default_value = "a5", value_parser = clap::builder::ValueParser::new(parse_template))]
    template: Template,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// pdf, png or pdf,png.
    #[arg(long, default_value = "pdf,png", value_parser = clap::builder::ValueParser::new(parse_formats))]
    format: OutputFormats,
    /// API base URL, e.g. a simulator's http://127.0.0.1:8787 (credentials: sandbox/sandbox,
    /// or COUPON_STUDIO_APPID / COUPON_STUDIO_SECRET when set).
    #[arg(long)]
    api_base: Option<String>,
    /// A CSV of `outer_id,label` rows (label = store name printed on the poster).
    #[arg(long, conflicts_with = "store_labels")]
    labels: Option<PathBuf>,
    /// Label channels 1, 2, 3, … with the account's stores (cgi-bin/poi/getpoilist, brand
    /// and branch name), in the order WeChat lists them.
    #[arg(long)]
    store_labels: bool,
    /// A logo picture to print in the header (JPG, PNG, …).
    #[arg(long)]
    logo: Option<PathBuf>,
    /// QR codes that expire after this many seconds (60–1800); default permanent.
    #[arg(long)]
    expire_seconds: Option<u32>,
    /// PNG resolution.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(72..=600))]
    dpi: u32,
}

fn parse_template(s: &str) -> Result<Template, String> {
    s.parse()
        .map_err(|e: coupon_studio::poster::PosterError| e.to_string())
}

fn parse_formats(s: &str) -> Result<OutputFormats, String> {
    s.parse()
        .map_err(|e: coupon_studio::poster::PosterError| e.to_string())
}

/// The message when no account is configured.
const NO_ACCOUNT: &str = "no WeChat account: accounts are configured in the app (Settings). \
For the simulator pass --api-base http://127.0.0.1:8787 (see `coupon-studio sandbox`); for a \
real account set COUPON_STUDIO_APPID and COUPON_STUDIO_SECRET.";

/// The base URL and token source: --api-base (simulator credentials unless the environment
/// names some), else the environment's AppID and AppSecret against api.weixin.qq.com.
fn account(api_base: Option<&str>) -> Result<(String, TokenSource), String> {
    let creds = env("COUPON_STUDIO_APPID").zip(env("COUPON_STUDIO_SECRET"));
    match (api_base, creds) {
        (Some(base), Some((appid, secret))) => {
            Ok((base.to_owned(), TokenSource::Stable { appid, secret }))
        }
        (Some(base), None) => Ok((
            base.to_owned(),
            TokenSource::Stable {
                appid: "sandbox".into(),
                secret: "sandbox".into(),
            },
        )),
        (None, Some((appid, secret))) => {
            Ok((WECHAT_API.to_owned(), TokenSource::Stable { appid, secret }))
        }
        (None, None) => Err(NO_ACCOUNT.to_owned()),
    }
}

/// The channels from --channels and --labels (store labels are added later, once there
/// is a client).
fn channels(args: &PosterArgs) -> Result<Vec<Channel>, String> {
    let labels = match &args.labels {
        Some(path) => {
            // As Excel saves it: UTF-8 with a BOM, GBK or UTF-16, CRLF.
            let text = coupon_studio::textfile::read(path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            parse_channels_csv(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    match &args.channels {
        Some(spec) => {
            let ids = parse_channel_spec(spec).map_err(|e| format!("--channels: {e}"))?;
            Ok(label_channels(&ids, &labels))
        }
        None if !labels.is_empty() => Ok(labels),
        None => Ok(label_channels(&[1], &[])),
    }
}

/// Channels 1, 2, 3, … labelled with the account's stores (at most 200).
async fn store_channels(client: &ApiClient) -> Result<Vec<Channel>, String> {
    let mut names = Vec::new();
    // WeChat pages the store list 50 at a time; 200 channels need at most 4 pages.
    while names.len() < 200 {
        let page = client
            .get_poi_list(names.len() as u32, 50)
            .await
            .map_err(|e| format!("cgi-bin/poi/getpoilist: {}", e.text_en()))?;
        let last = page.len() < 50;
        names.extend(
            page.into_iter()
                .map(|p| format!("{} {}", p.business_name.trim(), p.branch_name.trim())),
        );
        if last {
            break;
        }
    }
    names.truncate(200);
    channels_from_store_names(&names).map_err(|e| format!("--store-labels: {e}"))
}

/// Prints progress on a terminal, one stage per line.
fn report_progress(p: Progress) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let stage = match p.stage {
        Stage::Qr => "QR codes",
        Stage::Png => "PNG",
        Stage::Pdf => "PDF pages",
    };
    eprint!("\r{stage} {}/{}", p.done, p.total);
    if p.done == p.total {
        eprintln!();
    }
}

/// Runs `poster`.
pub fn run(args: PosterArgs) -> ExitCode {
    let started = Instant::now();
    let (channels, (base, tokens)) = match channels(&args).and_then(|c| {
        if args
            .expire_seconds
            .is_some_and(|s| !(60..=1800).contains(&s))
        {
            return Err("--expire-seconds: WeChat accepts 60–1800".into());
        }
        Ok((c, account(args.api_base.as_deref())?))
    }) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let logo = match &args.logo {
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| LogoImage::decode(&b).map_err(|e| e.to_string()))
        {
            Ok(l) => Some(Arc::new(l)),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let client = match ApiClient::new(&base, tokens) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let channels = if args.store_labels {
        match rt.block_on(store_channels(&client)) {
            Ok(stores) if args.channels.is_some() => {
                let ids: Vec<u32> = channels.iter().map(|c| c.outer_id).collect();
                label_channels(&ids, &stores)
            }
            Ok(stores) => stores,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        channels
    };
    let details = match rt.block_on(client.get_card(&args.card_id)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("card/get {}: {}", args.card_id, e.text_en());
            return ExitCode::FAILURE;
        }
    };
    if details.status != "CARD_STATUS_VERIFY_OK" {
        eprintln!(
            "warning: the card is {} — until it is approved only test-whitelist users can receive it",
            if details.status.is_empty() {
                "not approved"
            } else {
                &details.status
            }
        );
    }
    let synthesis = synthesize(&details.body.card);
    let content = PosterContent::from_card(&details.body.card, &synthesis, "").with_logo(logo);

    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        rt.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.store(true, Ordering::Relaxed);
            }
        });
    }
    let req = BatchRequest {
        content: &content,
        template: args.template,
        channels: &channels,
        formats: args.format,
        out_dir: &args.out,
        dpi: args.dpi,
    };
    let qr = |ch: &Channel| {
        let r = QrRequest {
            card_id: args.card_id.clone(),
            expire_seconds: args.expire_seconds,
            outer_id: Some(i64::from(ch.outer_id)),
            ..QrRequest::default()
        };
        rt.block_on(client.create_qrcode(&r))
            .map(|q| ChannelQr {
                url: q.url,
                ticket: q.ticket,
                expire_seconds: q.expire_seconds,
            })
            .map_err(|e| e.text_en())
    };
    let report = match run_batch(&req, qr, &report_progress, &cancel) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let n = report.channels.len();
    println!(
        "{} {}: {n} channels, {n} QR codes, {} PNG, {} PDF ({} pages), channels.csv in {}",
        args.card_id,
        synthesis.title,
        report.pngs.len(),
        usize::from(report.pdf.is_some()),
        if report.pdf.is_some() { n } else { 0 },
        args.out.display()
    );
    println!(
        "{:.1} s (QR {:.1} s, PNG {:.1} s, PDF {:.1} s)",
        started.elapsed().as_secs_f64(),
        report.qr_time.as_secs_f64(),
        report.png_time.as_secs_f64(),
        report.pdf_time.as_secs_f64()
    );
    ExitCode::SUCCESS
}
