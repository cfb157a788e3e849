//! Times 200 placement posters of the down-jacket fixture (A5 PNGs at 300 dpi and one
//! 200-page PDF) and, when `qrencode` is installed, a shell loop of `qrencode` writing 200 bare
//! QR PNGs, for comparison.
//!
//! Figures, each the median of several runs:
//! - one thread, page by page: layout, rasterize, PNG-encode each poster (no files), as the
//!   batch did before it had stamps;
//! - one thread, stamped: the same PNGs from a [`PngStamp`] (the page rendered once, each
//!   channel's QR code and label stamped on);
//! - the PDF alone;
//! - the batch as the app and the CLI run it: `run_batch` with layouts, stamped PNGs on the
//!   worker threads and the PDF on its own thread, files and `channels.csv` written (the QR
//!   codes' URLs are given, so no network): the throughput compared with qrencode's.
//!
//! `cargo bench --bench poster` runs it in full; `cargo test --all-targets` runs it on 3
//! posters once so it cannot rot.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::synth::synthesize;
use coupon_studio::poster::{
    BatchRequest, Channel, ChannelQr, PdfBuilder, PngStamp, PosterContent, PosterLayout, Template,
    layout, render_png, run_batch,
};

/// A url like the ones card/qrcode/create answers.
fn url(i: u32) -> String {
    format!("http://weixin.qq.com/q/BHWya_zlfioH6fX{i:05}")
}

/// Runs `f` `runs` times; returns the median time in seconds, the fastest and the slowest.
fn median_secs(runs: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], t[0], t[t.len() - 1])
}

fn rate(n: u32, (median, min, max): (f64, f64, f64)) -> String {
    format!(
        "{median:.3} s, {:.0}/s (runs {min:.3}–{max:.3} s)",
        f64::from(n) / median
    )
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (n, runs): (u32, usize) = if full { (200, 5) } else { (3, 1) };
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
    let layouts = || -> Vec<PosterLayout> {
        channels
            .iter()
            .map(|ch| {
                layout(
                    &content.for_channel(&url(ch.outer_id), &ch.label),
                    Template::A5,
                )
                .unwrap()
            })
            .collect()
    };
    println!("{n} A5 posters of the down-jacket card, PNG at 300 dpi; median of {runs} runs:");

    // The straightforward way, on one thread (fewer runs: it is slow).
    let mut bytes = 0;
    let slow = median_secs(runs.min(3), || {
        bytes = layouts()
            .iter()
            .map(|l| render_png(l, 300).unwrap().len())
            .sum::<usize>();
    });
    println!(
        "  1 thread, page by page (layout + rasterize + encode): {} ({} KB a PNG)",
        rate(n, slow),
        bytes / n as usize / 1024
    );

    // Stamped, on one thread, including the stamp itself.
    let stamped = median_secs(runs, || {
        let ls = layouts();
        let stamp = PngStamp::new(&ls[0], 300)
            .unwrap()
            .expect("A5 is stampable");
        bytes = ls.iter().map(|l| stamp.render(l).unwrap().len()).sum();
    });
    println!(
        "  1 thread, stamped (layout + one stamp + stamping): {} ({} KB a PNG)",
        rate(n, stamped),
        bytes / n as usize / 1024
    );

    // The PDF alone, as the batch writes it (shared page content drawn once).
    let ls = layouts();
    let mut pdf_len = 0;
    let pdf = median_secs(runs, || {
        let mut pdf = PdfBuilder::new("bench").unwrap();
        for l in &ls {
            pdf.add_batch_page(l).unwrap();
        }
        pdf_len = pdf.finish().unwrap().len();
    });
    println!(
        "  the {n}-page PDF alone: {} ({} KB)",
        rate(n, pdf),
        pdf_len / 1024
    );

    // The whole batch as the app and the CLI run it.
    let mut split = (0.0, 0.0);
    let batch = median_secs(runs, || {
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
        split = (report.png_time.as_secs_f64(), report.pdf_time.as_secs_f64());
    });
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "  batch (run_batch: {threads} cores, PNG + PDF + channels.csv, files written): {} \
         (last run: PNG {:.3} s, PDF {:.3} s, overlapping)",
        rate(n, batch),
        split.0,
        split.1
    );

    // qrencode: bare QR codes only (no text, no layout), one process per code.
    let script = format!(
        "for i in $(seq 1 {n}); do qrencode -s 20 -m 4 -o \"{}/qr-$i.png\" \"http://weixin.qq.com/q/BHWya_zlfioH6fX$i\" || exit 1; done",
        dir.display()
    );
    if Command::new("qrencode").arg("--version").output().is_ok() {
        let mut ok = true;
        let qr = median_secs(runs, || {
            ok &= Command::new("sh")
                .arg("-c")
                .arg(&script)
                .status()
                .is_ok_and(|s| s.success());
        });
        assert!(ok, "the qrencode loop failed");
        let ratio = qr.0 / batch.0;
        println!(
            "  qrencode shell loop, {n} bare QR PNGs: {}\n  batch throughput / qrencode's: \
             {ratio:.1}× (target ≥ 5×: {})",
            rate(n, qr),
            if ratio >= 5.0 { "met" } else { "not met" }
        );
    } else {
        println!("  qrencode not installed (apt-get install qrencode): comparison skipped");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
