//! Times 200 placement posters of the down-jacket fixture: A5 PNGs at 300 dpi (one thread,
//! then the batch's worker threads) and one 200-page PDF, and, when `qrencode` is installed,
//! a shell loop of `qrencode` writing 200 bare QR PNGs for comparison.
//!
//! `cargo bench --bench poster` runs it in full; `cargo test --all-targets` runs it on 3
//! posters so it cannot rot.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::synth::synthesize;
use coupon_studio::poster::{
    BatchRequest, Channel, ChannelQr, PdfBuilder, PosterContent, Template, layout, render_png,
    run_batch,
};

/// A url like the ones card/qrcode/create answers.
fn url(i: u32) -> String {
    format!("http://weixin.qq.com/q/BHWya_zlfioH6fX{i:05}")
}

fn per_second(n: u32, secs: f64) -> String {
    format!("{secs:.2} s, {:.1}/s", f64::from(n) / secs)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let n: u32 = if full { 200 } else { 3 };
    let dir = std::env::temp_dir().join(format!("cs-poster-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = parse_create_body(include_str!("../tests/fixtures/down-jacket.json")).unwrap();
    let s = synthesize(&body.card);
    let content = PosterContent::from_card(&body.card, &s, "");
    let channels: Vec<Channel> = (1..=n)
        .map(|outer_id| Channel {
            outer_id,
            label: format!("门店{outer_id}"),
        })
        .collect();

    // One thread: layout + rasterize + encode, no file IO.
    let start = Instant::now();
    let mut bytes = 0;
    for ch in &channels {
        let c = content.for_channel(&url(ch.outer_id), &ch.label);
        bytes += render_png(&layout(&c, Template::A5).unwrap(), 300)
            .unwrap()
            .len();
    }
    let one = start.elapsed().as_secs_f64();
    println!(
        "{n} A5 PNG posters at 300 dpi, 1 thread: {} ({} KB each)",
        per_second(n, one),
        bytes / n as usize / 1024
    );

    // The PDF alone.
    let start = Instant::now();
    let mut pdf = PdfBuilder::new("bench").unwrap();
    for ch in &channels {
        let c = content.for_channel(&url(ch.outer_id), &ch.label);
        pdf.add_page(&layout(&c, Template::A5).unwrap()).unwrap();
    }
    let pdf = pdf.finish().unwrap();
    println!(
        "one {n}-page PDF: {} ({} KB)",
        per_second(n, start.elapsed().as_secs_f64()),
        pdf.len() / 1024
    );

    // The whole batch as the app and the CLI run it (PNG on worker threads, files written).
    let start = Instant::now();
    let req = BatchRequest {
        content: &content,
        template: Template::A5,
        channels: &channels,
        formats: "pdf,png".parse().unwrap(),
        out_dir: &dir,
        dpi: 300,
    };
    let report = run_batch(
        &req,
        |ch: &Channel| {
            Ok(ChannelQr {
                url: url(ch.outer_id),
                ticket: String::new(),
                expire_seconds: None,
            })
        },
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    println!(
        "batch of {n} (PNG + PDF + channels.csv, files written): {} (PNG {:.2} s, PDF {:.2} s)",
        per_second(n, start.elapsed().as_secs_f64()),
        report.png_time.as_secs_f64(),
        report.pdf_time.as_secs_f64()
    );

    // qrencode: bare QR codes only (no text, no layout), one process per code.
    let script = format!(
        "for i in $(seq 1 {n}); do qrencode -s 20 -m 4 -o \"{}/qr-$i.png\" \"http://weixin.qq.com/q/BHWya_zlfioH6fX$i\" || exit 1; done",
        dir.display()
    );
    if Command::new("qrencode").arg("--version").output().is_ok() {
        let start = Instant::now();
        let ok = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            println!(
                "qrencode shell loop, {n} bare QR PNGs: {}",
                per_second(n, start.elapsed().as_secs_f64())
            );
        }
    } else {
        println!("qrencode not installed (apt-get install qrencode): comparison skipped");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
