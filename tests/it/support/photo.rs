//! A deterministic photo-like picture for the imaging tests: smooth gradients, blotches
//! of texture at a coarse scale that survive downscaling, and per-pixel sensor noise, so JPEG
//! cannot compress it trivially.

use std::io::Cursor;

use image::{DynamicImage, RgbImage};

/// A small, fast, deterministic hash of a cell (no `rand` so results never change).
fn hash(x: u32, y: u32, seed: u32) -> u32 {
    let mut h = x
        .wrapping_mul(0x9E37_79B1)
        .wrapping_add(y.wrapping_mul(0x85EB_CA77))
        .wrapping_add(seed.wrapping_mul(0xC2B2_AE3D));
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h
}

/// The picture itself.
pub fn photo(width: u32, height: u32) -> RgbImage {
    let mut img = RgbImage::new(width, height);
    let (w, h) = (width.max(1), height.max(1));
    for (x, y, px) in img.enumerate_pixels_mut() {
        let gx = (x * 255 / w) as i32;
        let gy = (y * 255 / h) as i32;
        let blotch = hash(x / 16, y / 16, 1);
        let noise = hash(x, y, 2);
        let channel = |base: i32, shift: u32| -> u8 {
            let b = ((blotch >> shift) & 0x3F) as i32 - 32;
            let n = ((noise >> shift) & 0x1F) as i32 - 16;
            (base + b + n).clamp(0, 255) as u8
        };
        *px = image::Rgb([
            channel(gx, 0),
            channel((gx + gy) / 2, 8),
            channel(255 - gy, 16),
        ]);
    }
    img
}

/// The picture as PNG bytes (fast compression: the tests care about decoding, not size).
pub fn photo_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        Cursor::new(&mut out),
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    );
    DynamicImage::ImageRgb8(photo(width, height))
        .write_with_encoder(encoder)
        .expect("PNG encoding into memory cannot fail");
    out
}
