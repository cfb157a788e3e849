//! Image preparation for the upload API: any common picture becomes a JPG ≤ 1 MB.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test fails loudly on purpose.

use coupon_studio::imaging::{ImageError, Slot, UPLOAD_LIMIT_BYTES, prepare};

/// A photo-like image JPEG cannot squeeze trivially: gradients plus deterministic noise.
fn photo(w: u32, h: u32) -> Vec<u8> {
    let mut seed: u32 = 0x1234_5678;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let n = (seed & 0x3f) as u8;
        image::Rgb([
            ((x * 255 / w) as u8).wrapping_add(n),
            ((y * 255 / h) as u8).wrapping_add(n / 2),
            n.wrapping_mul(3),
        ])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[test]
fn a_4000_by_3000_png_becomes_a_jpg_under_1_mb_for_every_slot() {
    let png = photo(4000, 3000);
    assert!(
        png.len() > UPLOAD_LIMIT_BYTES,
        "the source must be over the limit to prove anything"
    );
    for (slot, w, h) in [
        (Slot::Logo, 300, 300),
        (Slot::Cover, 850, 350),
        (Slot::TextImage, 900, 675),
    ] {
        let p = prepare(&png, slot).unwrap();
        assert!(
            p.jpeg.len() <= UPLOAD_LIMIT_BYTES,
            "{slot:?}: {} bytes",
            p.jpeg.len()
        );
        assert_eq!(&p.jpeg[..3], &[0xFF, 0xD8, 0xFF], "{slot:?} is not a JPEG");
        let decoded = image::load_from_memory(&p.jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (w, h), "{slot:?}");
        assert_eq!((p.source_width, p.source_height), (4000, 3000));
    }
}

#[test]
fn small_pictures_are_not_enlarged_and_alpha_becomes_white() {
    let mut img = image::RgbaImage::new(10, 10);
    img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let p = prepare(&png, Slot::TextImage).unwrap();
    assert_eq!((p.width, p.height), (10, 10));
    let px = image::load_from_memory(&p.jpeg)
        .unwrap()
        .to_rgb8()
        .get_pixel(0, 0)
        .0;
    assert!(
        px.iter().all(|c| *c > 240),
        "transparent should be white, got {px:?}"
    );
}

#[test]
fn bad_input_gets_a_clear_error() {
    assert!(matches!(prepare(&[], Slot::Logo), Err(ImageError::Empty)));
    let e = prepare(b"this is not a picture at all", Slot::Logo).unwrap_err();
    assert!(matches!(e, ImageError::Unsupported(_)), "{e:?}");
    assert!(e.message_zh().contains("不是图片"));
    let png = photo(64, 64);
    let e = prepare(&png[..png.len() / 2], Slot::Logo).unwrap_err();
    assert!(matches!(e, ImageError::Corrupt(_)), "{e:?}");
    assert!(e.message_zh().contains("损坏"));
    // A header claiming 30000×30000 is refused before any pixel is decoded.
    let mut huge = photo(8, 8);
    huge[16..20].copy_from_slice(&30000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&30000u32.to_be_bytes());
    // The IHDR checksum covers type and data (bytes 12..29).
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    let e = prepare(&huge, Slot::Logo).unwrap_err();
    assert!(
        matches!(
            e,
            ImageError::TooManyPixels {
                width: 30000,
                height: 30000
            }
        ),
        "{e:?}"
    );
}

/// CRC-32 as PNG uses it (reflected, polynomial 0xEDB88320).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
