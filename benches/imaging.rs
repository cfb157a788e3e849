//! Prepares a 4000×3000 photo-like PNG as a cover and as a text image, five times each, and
//! prints the median time and the output size. Run with `cargo bench --bench imaging`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark fails loudly on purpose.

use std::time::{Duration, Instant};

use coupon_studio::imaging::{Slot, prepare};

/// A photo-like image: smooth gradients, soft blobs and deterministic sensor-like noise.
fn photo(w: u32, h: u32) -> image::RgbImage {
    let mut seed: u32 = 0x9E37_79B9;
    image::RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed & 0x1f) as i32 - 16;
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let wave = ((fx * 17.0).sin() * (fy * 11.0).cos() * 60.0) as i32;
        let c = |base: f32, k: i32| (base * 255.0) as i32 + wave * k / 2 + noise;
        let clamp = |v: i32| v.clamp(0, 255) as u8;
        image::Rgb([
            clamp(c(fx, 1)),
            clamp(c(1.0 - fy, -1)),
            clamp(c((fx + fy) / 2.0, 2)),
        ])
    })
}

fn main() {
    let src = photo(4000, 3000);
    let mut png = Vec::new();
    src.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut jpg = Vec::new();
    src.write_to(
        &mut std::io::Cursor::new(&mut jpg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    drop(src);
    for (name, bytes) in [("PNG", &png), ("JPEG", &jpg)] {
        println!("source: 4000×3000 {name}, {} bytes", bytes.len());
        for slot in [Slot::Cover, Slot::TextImage] {
            let mut times: Vec<Duration> = Vec::new();
            let mut last = None;
            for _ in 0..5 {
                let t = Instant::now();
                let p = prepare(bytes, slot).unwrap();
                times.push(t.elapsed());
                if let Some(prev) = &last {
                    let prev: &coupon_studio::imaging::Prepared = prev;
                    assert_eq!(prev.jpeg, p.jpeg, "{slot:?}: output differs between runs");
                }
                last = Some(p);
            }
            times.sort();
            let p = last.unwrap();
            println!(
                "  {slot:?}: median {:.1} ms (min {:.1}, max {:.1}), {}×{}, quality {}, {} bytes",
                times[2].as_secs_f64() * 1e3,
                times[0].as_secs_f64() * 1e3,
                times[4].as_secs_f64() * 1e3,
                p.width,
                p.height,
                p.quality,
                p.jpeg.len()
            );
        }
    }
}
