//! Image preparation for the upload API: any common picture becomes a JPG ≤ 1 MB.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test fails loudly on purpose.

use coupon_studio::imaging::{
    ImageError, SOURCE_LIMIT_BYTES, Slot, UPLOAD_LIMIT_BYTES, prepare, prepare_file,
};

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
    // Fast compression keeps the debug-build test quick; the decoder does not care.
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::NoFilter,
        ),
        img.as_raw(),
        w,
        h,
        image::ExtendedColorType::Rgb8,
    )
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
    // 10×10: left half opaque blue, right half fully transparent, one half-transparent black.
    let mut img = image::RgbaImage::from_fn(10, 10, |x, _| {
        if x < 5 {
            image::Rgba([0, 0, 255, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    img.put_pixel(8, 8, image::Rgba([0, 0, 0, 128]));
    let p = prepare(&png_of(img), Slot::TextImage).unwrap();
    assert_eq!((p.width, p.height), (10, 10));
    assert_eq!((p.source_width, p.source_height), (10, 10));
    let out = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
    let px = out.get_pixel(8, 2).0;
    assert!(
        px.iter().all(|c| *c > 240),
        "transparent should be white, got {px:?}"
    );
    let px = out.get_pixel(1, 5).0;
    assert!(
        px[2] > 200 && px[0] < 60,
        "opaque blue stays blue, got {px:?}"
    );
    let px = out.get_pixel(8, 8).0;
    assert!(
        px.iter().all(|c| (100..=160).contains(c)),
        "half-transparent black on white is grey, got {px:?}"
    );
}

#[test]
fn the_quality_is_the_highest_that_fits() {
    // Pure noise, 900 wide (no resize): too big at quality 95, so the search has to work.
    let mut seed = 0x0BAD_5EEDu32;
    let img = image::RgbImage::from_fn(900, 1000, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let p = prepare(&png_of(img.clone()), Slot::TextImage).unwrap();
    assert_eq!((p.width, p.height), (900, 1000));
    assert!(p.jpeg.len() <= UPLOAD_LIMIT_BYTES, "{} bytes", p.jpeg.len());
    assert!((30..95).contains(&p.quality), "quality {}", p.quality);
    let mut above = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut above, p.quality + 1)
        .encode_image(&img)
        .unwrap();
    assert!(
        above.len() > UPLOAD_LIMIT_BYTES,
        "quality {} would also fit ({} bytes)",
        p.quality + 1,
        above.len()
    );
}

fn png_of(img: impl Into<image::DynamicImage>) -> Vec<u8> {
    let mut out = Vec::new();
    img.into()
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Inserts a chunk right after IHDR (PNG signature 8 bytes + IHDR 25 bytes).
fn with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let mut out = png[..33].to_vec();
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[33..]);
    out
}

#[test]
fn empty_input_is_empty() {
    let e = prepare(&[], Slot::Logo).unwrap_err();
    assert!(matches!(e, ImageError::Empty), "{e:?}");
    assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
}

#[test]
fn random_bytes_are_not_a_picture() {
    let mut seed = 0xDEAD_BEEFu32;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed >> 24) as u8
        })
        .collect();
    for bytes in [&noise[..], b"this is not a picture at all"] {
        let e = prepare(bytes, Slot::Logo).unwrap_err();
        assert!(matches!(e, ImageError::Unsupported(_)), "{e:?}");
        assert!(
            e.message_zh().contains("文件不是图片"),
            "{}",
            e.message_zh()
        );
        assert!(
            e.message_en().contains("not a picture"),
            "{}",
            e.message_en()
        );
    }
}

#[test]
fn a_known_but_disabled_format_is_unsupported() {
    // QOI's magic is recognised by the guesser, but the crate is built without its decoder.
    let mut qoi = b"qoif".to_vec();
    qoi.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 8, 3, 0]);
    qoi.extend_from_slice(&[0; 64]);
    let e = prepare(&qoi, Slot::Logo).unwrap_err();
    assert!(matches!(e, ImageError::Unsupported(_)), "{e:?}");
}

#[test]
fn a_truncated_png_is_corrupt() {
    let png = photo(64, 64);
    for cut in [png.len() / 2, 40, 20] {
        let e = prepare(&png[..cut], Slot::Logo).unwrap_err();
        assert!(matches!(e, ImageError::Corrupt(_)), "cut at {cut}: {e:?}");
        assert_eq!(e.message_zh(), "图片已损坏,无法读取");
    }
}

#[test]
fn a_header_claiming_30000_by_30000_is_refused_before_decoding() {
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
    assert!(e.message_zh().contains("30000×30000"), "{}", e.message_zh());
}

#[test]
fn a_file_over_50_mb_is_refused_before_reading() {
    let path =
        std::env::temp_dir().join(format!("coupon-studio-imaging-{}.png", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(62 * 1024 * 1024).unwrap(); // sparse: nothing is written
    drop(file);
    let e = prepare_file(&path, Slot::Cover).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(
        matches!(
            e,
            ImageError::TooLarge {
                bytes: 65_011_712,
                limit: SOURCE_LIMIT_BYTES
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_zh(), "文件过大(62 MB,上限 50 MB)");
    assert_eq!(
        e.message_en(),
        "The file is too large (62 MB; the limit is 50 MB)"
    );
}

#[test]
fn a_missing_file_is_an_io_error_and_a_real_file_works() {
    let dir = std::env::temp_dir();
    let missing = dir.join("coupon-studio-imaging-does-not-exist.png");
    let e = prepare_file(&missing, Slot::Logo).unwrap_err();
    assert!(matches!(e, ImageError::Io(_)), "{e:?}");
    let path = dir.join(format!(
        "coupon-studio-imaging-ok-{}.png",
        std::process::id()
    ));
    std::fs::write(&path, photo(40, 30)).unwrap();
    let p = prepare_file(&path, Slot::Logo);
    std::fs::remove_file(&path).unwrap();
    let p = p.unwrap();
    assert_eq!(
        (p.width, p.height, p.source_width, p.source_height),
        (300, 300, 40, 30)
    );
}

#[test]
fn every_supported_format_is_read() {
    let img = image::RgbImage::from_fn(40, 20, |x, y| image::Rgb([x as u8 * 6, y as u8 * 12, 90]));
    for format in [
        image::ImageFormat::Png,
        image::ImageFormat::Jpeg,
        image::ImageFormat::Gif,
        image::ImageFormat::WebP,
        image::ImageFormat::Bmp,
        image::ImageFormat::Tiff,
    ] {
        let mut bytes = Vec::new();
        let dynamic = if format == image::ImageFormat::WebP || format == image::ImageFormat::Gif {
            image::DynamicImage::ImageRgba8(image::DynamicImage::ImageRgb8(img.clone()).to_rgba8())
        } else {
            image::DynamicImage::ImageRgb8(img.clone())
        };
        dynamic
            .write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .unwrap();
        let p = prepare(&bytes, Slot::TextImage).unwrap_or_else(|e| panic!("{format:?}: {e:?}"));
        assert_eq!((p.width, p.height), (40, 20), "{format:?}");
        assert_eq!(p.quality, 95, "{format:?}");
    }
}

#[test]
fn exif_orientation_turns_the_picture_upright() {
    // 20 wide, 10 high; left half black, right half white.
    let img = image::GrayImage::from_fn(20, 10, |x, _| image::Luma([if x < 10 { 0 } else { 255 }]));
    // A big-endian TIFF header with one IFD entry: Orientation (0x0112) = 6, "rotate 90° clockwise".
    let exif = [
        b'M', b'M', 0, 42, 0, 0, 0, 8, // header, IFD at 8
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // tag, SHORT, count 1, value 6
        0, 0, 0, 0, // no next IFD
    ];
    let png = with_chunk(&png_of(img), b"eXIf", &exif);
    let p = prepare(&png, Slot::TextImage).unwrap();
    assert_eq!((p.width, p.height), (10, 20));
    assert_eq!((p.source_width, p.source_height), (10, 20));
    // Rotated clockwise, the left (black) half ends up on top.
    let out = image::load_from_memory(&p.jpeg).unwrap().to_luma8();
    assert!(out.get_pixel(5, 2).0[0] < 40, "{:?}", out.get_pixel(5, 2));
    assert!(
        out.get_pixel(5, 17).0[0] > 215,
        "{:?}",
        out.get_pixel(5, 17)
    );
}

#[test]
fn fill_slots_crop_the_centre() {
    // 400×100: red edges, green middle (x 100..300). A square crop keeps x 150..250 only.
    let img = image::RgbImage::from_fn(400, 100, |x, _| {
        if (100..300).contains(&x) {
            image::Rgb([0, 200, 0])
        } else {
            image::Rgb([220, 0, 0])
        }
    });
    let p = prepare(&png_of(img), Slot::Logo).unwrap();
    let out = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
    for (x, y) in [(2, 2), (150, 150), (297, 297)] {
        let [r, g, _] = out.get_pixel(x, y).0;
        assert!(g > 150 && r < 60, "({x}, {y}) is {:?}", out.get_pixel(x, y));
    }
}

#[test]
fn a_text_image_taller_than_a_jpeg_can_be_cannot_fit() {
    let tall = png_of(image::GrayImage::new(1, 70_000));
    let e = prepare(&tall, Slot::TextImage).unwrap_err();
    assert!(matches!(e, ImageError::CannotFit), "{e:?}");
    // The same picture is fine as a logo (cropped to its centre).
    let p = prepare(&tall, Slot::Logo).unwrap();
    assert_eq!((p.width, p.height), (300, 300));
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
