//! Prepares a 4000×3000 photo-like picture (PNG, then JPEG) for the Cover and TextImage slots
//! ten times each and prints the median time and the output size, after a breakdown by stage
//! (decode, resize with `image` and with `fast_image_resize`, encode).
//!
//! `cargo bench --bench imaging` runs it in full; `cargo test --all-targets` runs it once on a
//! small picture so it cannot rot.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

use std::time::{Duration, Instant};

use coupon_studio::imaging::{Prepared, Slot, prepare};

#[path = "../tests/support/photo.rs"]
mod photo;

/// The median of `runs` timings of `f`.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1e3
}

/// Where the time goes, measured with the same library calls the module makes, plus the two
/// ways `image` alone could resize, for comparison with `fast_image_resize`.
fn stages(png: &[u8], runs: usize) {
    use image::imageops::{FilterType, resize, thumbnail};
    let mut decoded = None;
    let decode = median_ms(runs, || {
        decoded = Some(image::load_from_memory(png).unwrap());
    });
    let rgb = decoded.expect("decoded").into_rgb8();
    let (tw, th) = (
        900.min(rgb.width()),
        (675 * 900.min(rgb.width()) / 900).max(1),
    );
    let mut small = None;
    let image_ms = median_ms(runs, || {
        small = Some(resize(&rgb, tw, th, FilterType::CatmullRom));
    });
    let small = small.expect("resized");
    let two_step_ms = median_ms(runs, || {
        let coarse = thumbnail(&rgb, tw * 2, th * 2);
        std::hint::black_box(resize(&coarse, tw, th, FilterType::CatmullRom));
    });
    let fir_ms = median_ms(runs, || {
        use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images};
        let src = images::ImageRef::new(rgb.width(), rgb.height(), rgb.as_raw(), PixelType::U8x3)
            .unwrap();
        let mut dst = images::Image::new(tw, th, PixelType::U8x3);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new().resize(&src, &mut dst, &options).unwrap();
    });
    let encode = median_ms(runs, || {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(&small)
            .unwrap();
    });
    let (w, h) = rgb.dimensions();
    println!("stages, median of {runs}:");
    for (label, ms) in [
        (format!("decode {w}×{h} PNG"), decode),
        (format!("resize to {tw}×{th}, image CatmullRom"), image_ms),
        (
            "resize, image thumbnail ×2 then CatmullRom".into(),
            two_step_ms,
        ),
        ("resize, fast_image_resize Lanczos3 (used)".into(), fir_ms),
        (format!("encode {tw}×{th} JPEG q95"), encode),
    ] {
        println!("  {label:<44} {ms:>6.1} ms");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` does not, and then a smoke run is enough.
    let full = std::env::args().any(|a| a == "--bench");
    let (width, height, runs) = if full {
        (4000, 3000, 10)
    } else {
        (400, 300, 1)
    };

    let png = photo::photo_png(width, height);
    // Phones send JPEGs: the commonest real source.
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&photo::photo(width, height))
        .unwrap();
    stages(&png, runs);
    for (format, bytes) in [("PNG", &png), ("JPEG", &jpeg)] {
        println!(
            "source: {width}×{height} {format}, {:.1} MB",
            bytes.len() as f64 / 1_048_576.0
        );
        for (name, slot) in [("Cover", Slot::Cover), ("TextImage", Slot::TextImage)] {
            let mut times: Vec<Duration> = Vec::with_capacity(runs);
            let mut first: Option<Prepared> = None;
            for _ in 0..runs {
                let start = Instant::now();
                let p = prepare(bytes, slot).expect("the bench picture prepares");
                times.push(start.elapsed());
                match &first {
                    Some(f) => assert_eq!(f.jpeg, p.jpeg, "{name}: output differs between runs"),
                    None => first = Some(p),
                }
            }
            times.sort();
            let median = times[times.len() / 2];
            let p = first.expect("at least one run");
            println!(
                "  {name:<9} {}×{}  median {:>6.1} ms (min {:.1}, max {:.1}) over {runs} runs, \
                 {} bytes ({:.0} KB) at quality {}",
                p.width,
                p.height,
                median.as_secs_f64() * 1e3,
                times[0].as_secs_f64() * 1e3,
                times[times.len() - 1].as_secs_f64() * 1e3,
                p.jpeg.len(),
                p.jpeg.len() as f64 / 1024.0,
                p.quality,
            );
        }
    }
}
