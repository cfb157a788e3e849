//! `coupon-studio check FILE|-`: what WeChat will make of a create body.
//!
//! Exit codes: 0 no errors, 1 errors, 2 unreadable input or not JSON.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use coupon_studio::card::import::{ImportError, parse_create_body};
use coupon_studio::card::report::Report;
use coupon_studio::card::rules::{Context, Finding, Mode};

use super::Lang;

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The create body: a file, or `-` for standard input.
    input: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Language of the messages.
    #[arg(long, value_enum, default_value = "zh")]
    lang: Lang,
    /// Check as a draft: images not yet uploaded to the WeChat CDN are warnings, not errors.
    #[arg(long)]
    draft: bool,
    /// The current time as Unix seconds (default: now), for the 5-day and expiry warnings.
    #[arg(long)]
    now: Option<i64>,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> ExitCode {
    let english = args.lang == Lang::En;
    let text = match read_input(&args.input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", args.input.display());
            return ExitCode::from(2);
        }
    };
    let ctx = Context {
        now: args.now.unwrap_or_else(|| chrono::Utc::now().timestamp()),
        mode: if args.draft {
            Mode::Draft
        } else {
            Mode::Create
        },
    };
    let report = match parse_create_body(&text) {
        Ok(body) => Report::of(&body, &ctx),
        Err(e @ ImportError::Syntax { .. }) => {
            eprintln!("{}: {e}", args.input.display());
            return ExitCode::from(2);
        }
        Err(e @ ImportError::Structure { .. }) => Report::structure_error(&e),
    };
    if args.json {
        match serde_json::to_string_pretty(&report.to_json(english)) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", render_text(&report, english));
    }
    if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn read_input(path: &PathBuf) -> std::io::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
    }
}

/// The human-readable report.
fn render_text(report: &Report, en: bool) -> String {
    let label = |zh: &'static str, english: &'static str| if en { english } else { zh };
    let mut out = String::new();
    if let Some(s) = &report.synthesis {
        out += &format!("{}: {}\n", label("标题", "Title"), s.title);
        out += &format!("{}: {}\n", label("摘要", "Summary"), s.abstract_line);
        for n in &s.notices {
            out += &format!("{}: {n}\n", label("使用须知", "Notice"));
        }
        for t in &s.time_limit_text {
            out += &format!("{}: {t}\n", label("使用时段", "Hours"));
        }
        out += &format!(
            "{}: {} {}\n",
            label("库存价格", "Stock price"),
            s.price_per_unit,
            label("券点/张", "coins per unit")
        );
    }
    let section = |out: &mut String, title: String, items: Vec<&Finding>, mark: &str| {
        if items.is_empty() {
            return;
        }
        *out += &format!("{title} ({}):\n", items.len());
        for f in items {
            *out += &format!("  {mark} {}: {}\n", f.field, f.message(en));
        }
    };
    section(
        &mut out,
        label("错误", "Errors").to_owned(),
        report.errors().collect(),
        "✗",
    );
    section(
        &mut out,
        label("警告", "Warnings").to_owned(),
        report.warnings().collect(),
        "!",
    );
    if report.ok() {
        out += label("可以创建。\n", "Ready to create.\n");
    }
    out
}
