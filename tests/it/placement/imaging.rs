//! Preparing pictures for WeChat's `uploadimg`: sizes, formats, orientation, transparency, and
//! every way a file can be wrong.

use std::io::Cursor;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use coupon_studio::imaging::{
    ImageError, MAX_QUALITY, Prepared, SOURCE_LIMIT_BYTES, Slot, UPLOAD_LIMIT_BYTES, encode_jpeg,
    prepare, prepare_file,
};
use image::{DynamicImage, ExtendedColorType, ImageEncoder, ImageFormat, Rgba, RgbaImage};

use crate::support::{photo, temp_dir};

/// A 4000×3000 photo-like PNG, made once for all tests.
fn big_png() -> &'static [u8] {
    static PNG: OnceLock<Vec<u8>> = OnceLock::new();
    PNG.get_or_init(|| photo::photo_png(4000, 3000))
}

fn encoded(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// Checks what every prepared picture must be: a JPEG of the stated size, within the limit.
fn check_output(p: &Prepared) -> image::RgbImage {
    assert!(p.jpeg.len() <= UPLOAD_LIMIT_BYTES, "{} bytes", p.jpeg.len());
    assert_eq!(image::guess_format(&p.jpeg).unwrap(), ImageFormat::Jpeg);
    let decoded = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
    assert_eq!(decoded.dimensions(), (p.width, p.height));
    decoded
}

fn big_photo_becomes(slot: Slot, width: u32, height: u32) {
    let png = big_png();
    assert!(
        png.len() > UPLOAD_LIMIT_BYTES * 10,
        "the source is meant to be big"
    );
    let p = prepare(png, slot).unwrap();
    check_output(&p);
    assert_eq!((p.width, p.height), (width, height));
    assert_eq!((p.source_width, p.source_height), (4000, 3000));
}

#[test]
fn big_photo_becomes_a_logo() {
    big_photo_becomes(Slot::Logo, 300, 300);
}

#[test]
fn big_photo_becomes_a_cover() {
    big_photo_becomes(Slot::Cover, 850, 350);
}

#[test]
fn big_photo_becomes_a_text_image() {
    big_photo_becomes(Slot::TextImage, 900, 675);
}

#[test]
fn tiny_picture_is_not_enlarged_for_text_image() {
    let png = photo::photo_png(10, 10);
    let p = prepare(&png, Slot::TextImage).unwrap();
    check_output(&p);
    assert_eq!((p.width, p.height), (10, 10));
    assert_eq!(p.quality, MAX_QUALITY);
}

#[test]
fn small_pictures_fill_the_fixed_slots() {
    // Tall and thin: the cover keeps the centre band of it.
    let png = photo::photo_png(40, 400);
    for (slot, size) in [(Slot::Logo, (300, 300)), (Slot::Cover, (850, 350))] {
        let p = prepare(&png, slot).unwrap();
        check_output(&p);
        assert_eq!((p.width, p.height), size);
    }
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
    let p = prepare(&encoded(img.into(), ImageFormat::Png), Slot::Logo).unwrap();
    let out = check_output(&p);
    for (x, y) in [(2, 2), (150, 150), (297, 297)] {
        let [r, g, _] = out.get_pixel(x, y).0;
        assert!(g > 150 && r < 60, "({x}, {y}) is {:?}", out.get_pixel(x, y));
    }
}

#[test]
fn a_text_image_taller_than_a_jpeg_can_be_cannot_fit() {
    let tall = encoded(image::GrayImage::new(1, 70_000).into(), ImageFormat::Png);
    let err = prepare(&tall, Slot::TextImage).unwrap_err();
    assert_eq!(err, ImageError::CannotFit);
    // The same picture is fine as a logo (its centre, enlarged).
    let p = prepare(&tall, Slot::Logo).unwrap();
    assert_eq!((p.width, p.height), (300, 300));
}

#[test]
fn the_quality_is_the_highest_that_fits() {
    // Pure noise, 900 wide (no resize): over 1 MB at the top quality, so the search has to work.
    let mut seed = 0x0BAD_5EEDu32;
    let img = image::RgbImage::from_fn(900, 1000, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let [a, b, c, _] = seed.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let p = prepare(
        &encoded(img.clone().into(), ImageFormat::Png),
        Slot::TextImage,
    )
    .unwrap();
    check_output(&p);
    assert_eq!((p.width, p.height), (900, 1000));
    assert!(p.quality < MAX_QUALITY, "quality {}", p.quality);
    // The next quality, with the module's own encoder, would not fit.
    let above = encode_jpeg(&img, p.quality + 1).unwrap();
    assert!(
        above.len() > UPLOAD_LIMIT_BYTES,
        "quality {} would also fit ({} bytes)",
        p.quality + 1,
        above.len()
    );
}

#[test]
fn a_known_but_disabled_format_is_unsupported() {
    // QOI's magic is recognised by the guesser, but the crate is built without its decoder.
    let mut qoi = b"qoif".to_vec();
    qoi.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 8, 3, 0]);
    qoi.extend_from_slice(&[0; 64]);
    let err = prepare(&qoi, Slot::Logo).unwrap_err();
    assert!(matches!(err, ImageError::Unsupported(_)), "{err:?}");
}

#[test]
fn transparency_is_flattened_onto_white() {
    // Invisible red on the left (must not show), opaque black on the right.
    let img = RgbaImage::from_fn(64, 64, |x, _| {
        if x < 32 {
            Rgba([255, 0, 0, 0])
        } else {
            Rgba([0, 0, 0, 255])
        }
    });
    let mut img = img;
    // A half-transparent black patch on the invisible side: grey on white.
    for (x, y) in (8..16).flat_map(|x| (8..16).map(move |y| (x, y))) {
        img.put_pixel(x, y, Rgba([0, 0, 0, 128]));
    }
    let png = encoded(DynamicImage::ImageRgba8(img), ImageFormat::Png);
    let p = prepare(&png, Slot::TextImage).unwrap();
    let out = check_output(&p);
    for ((x, y), want) in [
        ((8, 32), [255, 255, 255]),
        ((56, 32), [0, 0, 0]),
        ((12, 12), [127, 127, 127]),
    ] {
        let got = out.get_pixel(x, y).0;
        let near = got.iter().zip(want).all(|(&g, w)| g.abs_diff(w) <= 6);
        assert!(near, "({x}, {y}): {got:?}, want {want:?}");
    }
}

#[test]
fn exif_orientation_turns_the_picture_upright() {
    // 40×20, red left half, blue right half, tagged "rotate 90° clockwise to view".
    let img = image::RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            image::Rgb([255, 0, 0])
        } else {
            image::Rgb([0, 0, 255])
        }
    });
    let exif: Vec<u8> = [
        &b"MM\x00\x2a\x00\x00\x00\x08"[..], // big-endian TIFF header, IFD at 8
        &[0, 1],                            // one entry
        &[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0], // Orientation (SHORT) = 6
        &[0, 0, 0, 0],                      // no next IFD
    ]
    .concat();
    let mut jpeg = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95);
    encoder.set_exif_metadata(exif.clone()).unwrap();
    encoder
        .write_image(img.as_raw(), 40, 20, ExtendedColorType::Rgb8)
        .unwrap();

    // The same tag in a PNG's eXIf chunk (inserted right after IHDR).
    let plain = encoded(DynamicImage::ImageRgb8(img), ImageFormat::Png);
    let mut png = plain[..33].to_vec();
    png_chunk(&mut png, b"eXIf", &exif);
    png.extend_from_slice(&plain[33..]);

    for file in [jpeg, png] {
        let p = prepare(&file, Slot::TextImage).unwrap();
        let out = check_output(&p);
        assert_eq!((p.width, p.height), (20, 40));
        assert_eq!((p.source_width, p.source_height), (20, 40));
        // Rotated clockwise, the left (red) half is on top.
        let top = out.get_pixel(10, 8).0;
        let bottom = out.get_pixel(10, 32).0;
        assert!(top[0] > 200 && top[2] < 60, "{top:?}");
        assert!(bottom[2] > 200 && bottom[0] < 60, "{bottom:?}");
    }
}

#[test]
fn every_supported_format_is_read_by_content() {
    let img = DynamicImage::ImageRgb8(photo::photo(120, 80));
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::Gif,
        ImageFormat::WebP,
        ImageFormat::Bmp,
        ImageFormat::Tiff,
    ] {
        let bytes = encoded(img.clone(), format);
        let p = prepare(&bytes, Slot::Logo).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        check_output(&p);
        assert_eq!((p.source_width, p.source_height), (120, 80), "{format:?}");
    }
}

#[test]
fn prepare_file_ignores_the_extension() {
    let dir = temp_dir("ext");
    let path = dir.join("really-a-png.txt");
    std::fs::write(&path, photo::photo_png(30, 20)).unwrap();
    let p = prepare_file(&path, Slot::TextImage).unwrap();
    assert_eq!((p.width, p.height), (30, 20));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn prepare_file_refuses_big_files_without_reading_them() {
    let dir = temp_dir("big");
    let path = dir.join("huge.png");
    // Sparse: 62 MB on paper, nothing on disk.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(62 * 1024 * 1024).unwrap();
    drop(file);
    let err = prepare_file(&path, Slot::Cover).unwrap_err();
    assert_eq!(
        err,
        ImageError::TooLarge {
            bytes: 62 * 1024 * 1024,
            limit: SOURCE_LIMIT_BYTES
        }
    );
    assert_eq!(err.message_zh(), "文件过大(62 MB,上限 50 MB)");
    assert_eq!(
        err.message_en(),
        "The file is too large (62 MB; the limit is 50 MB)"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn prepare_file_reports_a_missing_file() {
    let err = prepare_file(
        std::path::Path::new("/nonexistent/imaging/none.png"),
        Slot::Logo,
    )
    .unwrap_err();
    assert!(matches!(err, ImageError::Io(_)), "{err:?}");
}

#[test]
fn oversized_bytes_are_refused() {
    let bytes = vec![0u8; usize::try_from(SOURCE_LIMIT_BYTES).unwrap() + 1];
    assert!(matches!(
        prepare(&bytes, Slot::Logo),
        Err(ImageError::TooLarge { .. })
    ));
}

#[test]
fn empty_is_empty() {
    let err = prepare(&[], Slot::Logo).unwrap_err();
    assert_eq!(err, ImageError::Empty);
    assert_eq!(err.message_zh(), "文件是空的");
}

#[test]
fn random_bytes_are_not_a_picture() {
    let mut state = 0x1234_5678_u32;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect();
    for input in [&bytes[..], b"hello, this is a text file\n", b"%PDF-1.7\n"] {
        let err = prepare(input, Slot::Cover).unwrap_err();
        assert!(matches!(err, ImageError::Unsupported(_)), "{err:?}");
        assert!(err.message_zh().starts_with("文件不是图片"));
    }
}

#[test]
fn truncated_png_is_corrupt() {
    let png = photo::photo_png(64, 64);
    for cut in [png.len() / 2, 40, 12] {
        let err = prepare(&png[..cut], Slot::Logo).unwrap_err();
        assert!(
            matches!(err, ImageError::Corrupt(_)),
            "cut at {cut}: {err:?}"
        );
        assert_eq!(err.message_zh(), "图片已损坏,无法打开");
    }
}

/// CRC-32 (ISO-HDLC) as PNG chunks need it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
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

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A valid PNG header claiming `width`×`height` RGBA, with almost no pixel data.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(&mut png, b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
    png_chunk(&mut png, b"IEND", &[]);
    png
}

/// A BMP header claiming `width`×`height` 24-bit pixels, with no pixel data.
fn bmp_claiming(width: i32, height: i32) -> Vec<u8> {
    let mut bmp = b"BM".to_vec();
    bmp.extend_from_slice(&54u32.to_le_bytes()); // file size
    bmp.extend_from_slice(&[0; 4]);
    bmp.extend_from_slice(&54u32.to_le_bytes()); // pixel data offset
    bmp.extend_from_slice(&40u32.to_le_bytes()); // BITMAPINFOHEADER
    bmp.extend_from_slice(&width.to_le_bytes());
    bmp.extend_from_slice(&height.to_le_bytes());
    bmp.extend_from_slice(&1u16.to_le_bytes());
    bmp.extend_from_slice(&24u16.to_le_bytes());
    bmp.extend_from_slice(&[0; 24]);
    bmp
}

#[test]
fn decompression_bombs_are_refused_before_decoding() {
    let start = Instant::now();
    // 30000×30000 RGBA would need 3.6 GB; refusing it must cost nothing.
    for bomb in [png_claiming(30_000, 30_000), bmp_claiming(30_000, 30_000)] {
        let err = prepare(&bomb, Slot::Cover).unwrap_err();
        assert_eq!(
            err,
            ImageError::TooManyPixels {
                width: 30_000,
                height: 30_000
            }
        );
        assert!(err.message_zh().starts_with("图片尺寸过大"));
    }
    // Just over 100 megapixels is refused too.
    let err = prepare(&png_claiming(10_001, 10_000), Slot::Logo).unwrap_err();
    assert!(matches!(err, ImageError::TooManyPixels { .. }), "{err:?}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_lying_header_within_the_limit_is_corrupt_not_a_crash() {
    // 5000×5000 claimed, a few bytes of pixels: the decoder runs out of data.
    for bomb in [png_claiming(5_000, 5_000), bmp_claiming(5_000, 5_000)] {
        let err = prepare(&bomb, Slot::Logo).unwrap_err();
        assert!(matches!(err, ImageError::Corrupt(_)), "{err:?}");
    }
}

#[test]
fn every_error_has_both_messages() {
    let errors = [
        ImageError::Empty,
        ImageError::TooLarge {
            bytes: 60 * 1024 * 1024,
            limit: SOURCE_LIMIT_BYTES,
        },
        ImageError::TooManyPixels {
            width: 30_000,
            height: 30_000,
        },
        ImageError::Unsupported("x".into()),
        ImageError::Corrupt("x".into()),
        ImageError::Io("x".into()),
        ImageError::CannotFit,
    ];
    for e in errors {
        assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
        assert!(!e.message_en().contains('_'), "{}", e.message_en());
        assert!(!e.to_string().is_empty());
    }
}

/// Small valid files of every format, to be damaged by the property test below.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let img =
            DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(photo::photo(24, 16)).to_rgba8());
        let mut seeds: Vec<Vec<u8>> = [
            ImageFormat::Png,
            ImageFormat::Gif,
            ImageFormat::WebP,
            ImageFormat::Bmp,
            ImageFormat::Tiff,
        ]
        .into_iter()
        .map(|f| encoded(img.clone(), f))
        .collect();
        seeds.push(encoded(
            DynamicImage::ImageRgb8(img.to_rgb8()),
            ImageFormat::Jpeg,
        ));
        seeds.push(png_claiming(3_000, 2_000));
        seeds.push(bmp_claiming(-300, -200));
        seeds
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    /// Damaged files of any format give an error or a valid JPEG, never a panic.
    #[test]
    fn damaged_files_never_panic(
        seed in 0usize..8,
        flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 0..6),
        cut in proptest::option::of(0usize..4096),
        slot in proptest::sample::select(vec![Slot::Logo, Slot::Cover, Slot::TextImage]),
    ) {
        let mut bytes = seeds()[seed % seeds().len()].clone();
        for (at, value) in flips {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = value;
            }
        }
        if let Some(cut) = cut {
            bytes.truncate(cut);
        }
        if let Ok(p) = prepare(&bytes, slot) {
            check_output(&p);
        }
    }
}
