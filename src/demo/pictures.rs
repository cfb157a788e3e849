//! The demo campaign's pictures, drawn here rather than shipped: a logo, a cover and two
//! text-image pictures at the sizes WeChat asks for, the same for the same seed, as JPEGs the
//! upload accepts (under 1 MB).

use image::{Rgb, RgbImage};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::imaging::{ImageError, Slot, encode_jpeg};

/// The brand colour of the demo (Color010, `#63b359`).
const GREEN: Rgb<u8> = Rgb([0x63, 0xb3, 0x59]);
/// A deep blue for the winter theme.
const NIGHT: Rgb<u8> = Rgb([0x1f, 0x3a, 0x5f]);
/// Snow.
const SNOW: Rgb<u8> = Rgb([0xf5, 0xf7, 0xfa]);

/// One picture of the demo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Where it goes.
    pub slot: Slot,
    /// The file name sent with the upload.
    pub name: &'static str,
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
}

fn mix(a: Rgb<u8>, b: Rgb<u8>, t: f32) -> Rgb<u8> {
    let t = t.clamp(0.0, 1.0);
    let c = |i: usize| {
        let v = f32::from(a.0[i]) * (1.0 - t) + f32::from(b.0[i]) * t;
        v.round().clamp(0.0, 255.0) as u8
    };
    Rgb([c(0), c(1), c(2)])
}

/// A filled disc.
fn disc(img: &mut RgbImage, cx: f32, cy: f32, r: f32, colour: Rgb<u8>) {
    let (w, h) = img.dimensions();
    let x0 = (cx - r).floor().max(0.0) as u32;
    let y0 = (cy - r).floor().max(0.0) as u32;
    let x1 = ((cx + r).ceil() as u32).min(w);
    let y1 = ((cy + r).ceil() as u32).min(h);
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if dx * dx + dy * dy <= r * r {
                img.put_pixel(x, y, colour);
            }
        }
    }
}

/// A vertical gradient from `top` to `bottom`.
fn gradient(w: u32, h: u32, top: Rgb<u8>, bottom: Rgb<u8>) -> RgbImage {
    RgbImage::from_fn(w, h, |_, y| mix(top, bottom, y as f32 / h.max(1) as f32))
}

/// Snowflakes: small discs at seeded places.
fn snow(img: &mut RgbImage, rng: &mut StdRng, count: u32, max_r: f32) {
    let (w, h) = img.dimensions();
    for _ in 0..count {
        let x = rng.random_range(0.0..w as f32);
        let y = rng.random_range(0.0..h as f32);
        let r = rng.random_range(1.5..max_r);
        disc(img, x, y, r, SNOW);
    }
}

/// The logo: a green disc with a white "mountain" on it.
fn logo() -> RgbImage {
    let mut img = RgbImage::from_pixel(300, 300, SNOW);
    disc(&mut img, 150.0, 150.0, 140.0, GREEN);
    for y in 90..230_u32 {
        let half = (y - 90) as f32 * 0.85;
        for x in 0..300_u32 {
            if (x as f32 - 150.0).abs() <= half {
                img.put_pixel(x, y, SNOW);
            }
        }
    }
    disc(&mut img, 150.0, 150.0, 12.0, GREEN);
    img
}

/// A winter scene: night-blue to green, hills and snow.
fn scene(w: u32, h: u32, rng: &mut StdRng) -> RgbImage {
    let mut img = gradient(w, h, NIGHT, mix(NIGHT, GREEN, 0.7));
    let hills = rng.random_range(2..=4);
    for i in 0..hills {
        let cx = rng.random_range(0.0..w as f32);
        let r = h as f32 * rng.random_range(0.35..0.6);
        let shade = mix(SNOW, GREEN, 0.15 * i as f32);
        disc(&mut img, cx, h as f32 + r * 0.4, r, shade);
    }
    snow(&mut img, rng, w * h / 4000, 4.0);
    img
}

/// The four pictures of the demo, the same for the same seed.
pub fn pictures(seed: u64) -> Result<Vec<Picture>, ImageError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let cover = scene(850, 350, &mut rng);
    let first = scene(900, 600, &mut rng);
    let second = scene(900, 600, &mut rng);
    Ok(vec![
        Picture {
            slot: Slot::Logo,
            name: "demo-logo.jpg",
            jpeg: encode_jpeg(&logo(), 90)?,
        },
        Picture {
            slot: Slot::Cover,
            name: "demo-cover.jpg",
            jpeg: encode_jpeg(&cover, 85)?,
        },
        Picture {
            slot: Slot::TextImage,
            name: "demo-text-1.jpg",
            jpeg: encode_jpeg(&first, 85)?,
        },
        Picture {
            slot: Slot::TextImage,
            name: "demo-text-2.jpg",
            jpeg: encode_jpeg(&second, 85)?,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pictures_have_the_slots_sizes_fit_the_upload_and_follow_the_seed() {
        let a = pictures(7).unwrap();
        assert_eq!(a, pictures(7).unwrap());
        assert_ne!(a[1].jpeg, pictures(8).unwrap()[1].jpeg);
        for p in &a {
            assert!(
                p.jpeg.len() < crate::imaging::UPLOAD_LIMIT_BYTES,
                "{}",
                p.name
            );
            let img = image::load_from_memory(&p.jpeg).unwrap();
            if let Some((w, h)) = p.slot.fill_size() {
                assert_eq!((img.width(), img.height()), (w, h), "{}", p.name);
            } else {
                assert!(img.width() <= crate::imaging::TEXT_IMAGE_MAX_WIDTH);
            }
        }
    }
}
