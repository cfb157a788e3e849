//! Prepares any picture a person picks for WeChat's upload API (`cgi-bin/media/uploadimg`:
//! JPG, at most 1 MB).
//!
//! The pipeline is: check the size → guess the format from the content (never the file name) →
//! read the dimensions and refuse decompression bombs before decoding → decode under memory
//! limits → turn the picture upright (EXIF orientation) → flatten transparency onto white →
//! crop and resize for the [`Slot`] → encode the highest JPEG quality that fits in
//! [`UPLOAD_LIMIT_BYTES`].
//!
//! Pure bytes in, bytes out: no egui, no network. [`prepare_file`] is a convenience that reads a
//! file with a size cap. Nothing here panics on any input.

use std::io::{Cursor, Read};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use thiserror::Error;

/// WeChat's upload limit for `uploadimg`: the JPEG must be at most this many bytes.
pub const UPLOAD_LIMIT_BYTES: usize = 1024 * 1024;
/// The largest source file accepted (50 MB).
pub const SOURCE_LIMIT_BYTES: u64 = 50 * 1024 * 1024;
/// The most pixels decoded (100 megapixels); bigger pictures are refused before decoding.
pub const MAX_PIXELS: u64 = 100_000_000;
/// The most bytes a decoder may allocate: a 100-megapixel RGBA picture plus headroom for the
/// decoder's own buffers, so a file that lies about its contents cannot exhaust memory.
const DECODE_BUDGET_BYTES: u64 = 1024 * 1024 * 1024;
/// The best JPEG quality tried. Pictures at slot size usually fit in 1 MB even at 100, and
/// WeChat recompresses what it shows, so the upload is kept as close to the source as the limit
/// allows.
pub const MAX_QUALITY: u8 = 100;
/// The worst JPEG quality accepted; below 30 blocks show.
pub const MIN_QUALITY: u8 = 30;
/// Baseline JPEG stores each side in 16 bits.
const JPEG_MAX_SIDE: u32 = 65_535;
/// The widest text-image picture; narrower ones keep their size.
pub const TEXT_IMAGE_MAX_WIDTH: u32 = 900;

/// Where the picture goes, which decides its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The merchant logo: exactly 300×300, cropped to fill (centre kept).
    Logo,
    /// The cover picture: exactly 850×350, cropped to fill (centre kept).
    Cover,
    /// A picture in the text-and-picture description: at most 900 wide, aspect kept, never
    /// enlarged.
    TextImage,
}

impl Slot {
    /// The fixed output size for slots that crop to fill, `None` for [`Slot::TextImage`].
    pub fn fill_size(self) -> Option<(u32, u32)> {
        match self {
            Self::Logo => Some((300, 300)),
            Self::Cover => Some((850, 350)),
            Self::TextImage => None,
        }
    }
}

/// A picture ready to upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    /// The baseline JPEG bytes, at most [`UPLOAD_LIMIT_BYTES`] long, without EXIF.
    pub jpeg: Vec<u8>,
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// The JPEG quality used, in [`MIN_QUALITY`]..=[`MAX_QUALITY`].
    pub quality: u8,
    /// Source width in pixels, as seen upright (after EXIF orientation).
    pub source_width: u32,
    /// Source height in pixels, as seen upright (after EXIF orientation).
    pub source_height: u32,
}

/// Why a picture cannot be used. [`ImageError::message_zh`] and [`ImageError::message_en`] are
/// for people; `Display` keeps the technical detail for logs.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The source file is over [`SOURCE_LIMIT_BYTES`].
    #[error("the file has {bytes} bytes; the limit is {limit}")]
    TooLarge {
        /// Its size in bytes (at least this many when read from a stream).
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// More than [`MAX_PIXELS`] pixels (or more than the decoder may allocate).
    #[error("the picture is {width}×{height} pixels, over the decoding limit")]
    TooManyPixels {
        /// Width the file claims.
        width: u32,
        /// Height the file claims.
        height: u32,
    },
    /// Not a picture, or a format that cannot be read.
    #[error("not a supported picture: {0}")]
    Unsupported(String),
    /// A picture, but damaged or truncated.
    #[error("the picture is damaged: {0}")]
    Corrupt(String),
    /// The file could not be read (missing, no permission, a folder…); only from
    /// [`prepare_file`].
    #[error("cannot read the file: {0}")]
    Io(String),
    /// Even [`MIN_QUALITY`] at the slot's size exceeds [`UPLOAD_LIMIT_BYTES`].
    #[error("the picture does not fit in 1 MB even at JPEG quality {MIN_QUALITY}")]
    CannotFit,
}

impl ImageError {
    /// The message for people, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "文件是空的".into(),
            Self::TooLarge { bytes, limit } => {
                format!("文件过大({},上限 {})", megabytes(*bytes), megabytes(*limit))
            }
            Self::TooManyPixels { width, height } => {
                format!("图片尺寸过大({width}×{height} 像素,上限 1 亿像素)")
            }
            Self::Unsupported(_) => {
                "文件不是图片,或格式不受支持(请使用 JPG、PNG、GIF、WebP、BMP 或 TIFF)".into()
            }
            Self::Corrupt(_) => "图片已损坏,无法打开".into(),
            Self::Io(e) => format!("无法读取文件({e})"),
            Self::CannotFit => "图片内容过多,压缩到最低画质仍超过 1 MB,请裁剪后再试".into(),
        }
    }

    /// The message for people, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "The file is empty".into(),
            Self::TooLarge { bytes, limit } => format!(
                "The file is too large ({}; the limit is {})",
                megabytes(*bytes),
                megabytes(*limit)
            ),
            Self::TooManyPixels { width, height } => format!(
                "The picture is too large ({width}×{height} pixels; the limit is 100 megapixels)"
            ),
            Self::Unsupported(_) => "The file is not a picture, or its format is not supported \
                 (use JPG, PNG, GIF, WebP, BMP or TIFF)"
                .into(),
            Self::Corrupt(_) => "The picture is damaged and cannot be opened".into(),
            Self::Io(e) => format!("The file cannot be read ({e})"),
            Self::CannotFit => "The picture is over 1 MB even at the lowest quality; \
                 crop it and try again"
                .into(),
        }
    }
}

/// "62 MB", or "50.3 MB" when a whole number would hide the difference from the limit.
fn megabytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MB) || bytes >= 100 * MB {
        format!("{} MB", bytes.div_ceil(MB))
    } else {
        // One decimal, rounded up so a file just over the limit never reads as the limit.
        let tenths = (bytes * 10).div_ceil(MB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// Reads a file, refusing it past [`SOURCE_LIMIT_BYTES`] without reading it all, and prepares it.
pub fn prepare_file(path: &Path, slot: Slot) -> Result<Prepared, ImageError> {
    let file = std::fs::File::open(path).map_err(|e| ImageError::Io(e.to_string()))?;
    let claimed = file.metadata().map(|m| m.len()).unwrap_or(0);
    if claimed > SOURCE_LIMIT_BYTES {
        return Err(ImageError::TooLarge {
            bytes: claimed,
            limit: SOURCE_LIMIT_BYTES,
        });
    }
    // Metadata can lie (pipes, special files, a file still growing): cap the read itself too.
    let mut bytes = Vec::new();
    file.take(SOURCE_LIMIT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ImageError::Io(e.to_string()))?;
    prepare(&bytes, slot)
}

/// Prepares picture bytes (any supported format) for a slot.
pub fn prepare(bytes: &[u8], slot: Slot) -> Result<Prepared, ImageError> {
    prepare_with_limit(bytes, slot, UPLOAD_LIMIT_BYTES)
}

/// [`prepare`] with another output limit, so tests can exercise the quality search cheaply.
fn prepare_with_limit(bytes: &[u8], slot: Slot, limit: usize) -> Result<Prepared, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > SOURCE_LIMIT_BYTES {
        return Err(ImageError::TooLarge {
            bytes: len,
            limit: SOURCE_LIMIT_BYTES,
        });
    }
    // Decoders are third-party code fed untrusted bytes: should one panic on a malformed file,
    // the person gets "damaged picture" instead of a crashed app.
    std::panic::catch_unwind(|| pipeline(bytes, slot, limit))
        .unwrap_or_else(|_| Err(ImageError::Corrupt("the decoder panicked".into())))
}

/// Decode → upright → flatten → crop and resize → encode.
fn pipeline(bytes: &[u8], slot: Slot, limit: usize) -> Result<Prepared, ImageError> {
    let (image, plan) = decode(bytes, slot)?;
    let (source_width, source_height) = (image.width(), image.height());
    let rgb = flatten_onto_white(image);
    let resized = resize(rgb, &plan)?;
    let (jpeg, quality) = encode_fitting(&resized, limit)?;
    Ok(Prepared {
        jpeg,
        width: resized.width(),
        height: resized.height(),
        quality,
        source_width,
        source_height,
    })
}

/// Decodes the first frame, upright, and plans its crop and size for `slot`. Everything that can
/// refuse the picture from its header alone (too many pixels, an output taller than a JPEG can
/// be) does so before any pixel is decoded.
fn decode(bytes: &[u8], slot: Slot) -> Result<(DynamicImage, Plan), ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    if reader.format().is_none() {
        return Err(ImageError::Unsupported("unknown format".into()));
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_BUDGET_BYTES);
    reader.limits(limits.clone());
    // Building the decoder reads only the headers, so the dimensions come before any pixels.
    let mut decoder = reader.into_decoder().map_err(|e| classify(e, None))?;
    let (width, height) = decoder.dimensions();
    let too_many = ImageError::TooManyPixels { width, height };
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_many);
    }
    if width == 0 || height == 0 {
        return Err(ImageError::Corrupt(format!("{width}×{height} pixels")));
    }
    // Same accounting as `ImageReader::decode`: the output buffer counts against the budget, the
    // rest is left for the decoder's own buffers.
    limits
        .reserve(decoder.total_bytes())
        .map_err(|_| too_many.clone())?;
    decoder
        .set_limits(limits)
        .map_err(|e| classify(e, Some(&too_many)))?;
    // A broken EXIF block is not worth refusing the picture for.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (upright_width, upright_height) = if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let plan = Plan::new(upright_width, upright_height, slot);
    if plan.out_width > JPEG_MAX_SIDE || plan.out_height > JPEG_MAX_SIDE {
        return Err(ImageError::CannotFit);
    }
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| classify(e, Some(&too_many)))?;
    image.apply_orientation(orientation);
    Ok((image, plan))
}

fn swaps_sides(orientation: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::{Rotate90, Rotate90FlipH, Rotate270, Rotate270FlipH};
    matches!(
        orientation,
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
    )
}

fn classify(e: image::ImageError, too_many: Option<&ImageError>) -> ImageError {
    match e {
        image::ImageError::Unsupported(u) => ImageError::Unsupported(u.to_string()),
        image::ImageError::Limits(l) => match too_many {
            Some(t) => t.clone(),
            None => ImageError::Corrupt(l.to_string()),
        },
        other => ImageError::Corrupt(other.to_string()),
    }
}

/// RGB with any transparency composited onto white (JPEG has no alpha). Done before resizing
/// so transparent pixels' hidden colours cannot bleed into the edges.
fn flatten_onto_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
    for px in rgba.as_raw().chunks_exact(4) {
        let a = u32::from(px[3]);
        for &c in &px[..3] {
            // c·a + white·(1−a), rounded; at most 255, so the cast cannot truncate.
            let v = (u32::from(c) * a + 255 * (255 - a) + 127) / 255;
            rgb.push(u8::try_from(v).unwrap_or(u8::MAX));
        }
    }
    // The buffer has exactly width·height·3 bytes, so this is always `Some`.
    RgbImage::from_raw(width, height, rgb).unwrap_or_else(|| RgbImage::new(width, height))
}

/// Which part of the source becomes the output, and at what size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    crop_x: u32,
    crop_y: u32,
    crop_width: u32,
    crop_height: u32,
    out_width: u32,
    out_height: u32,
}

impl Plan {
    fn new(width: u32, height: u32, slot: Slot) -> Self {
        let (w, h) = (u64::from(width), u64::from(height));
        match slot.fill_size() {
            Some((tw, th)) => {
                let (tw64, th64) = (u64::from(tw), u64::from(th));
                // Keep the largest centred rectangle with the target's aspect ratio.
                let (cw, ch) = if w * th64 > h * tw64 {
                    (((h * tw64 + th64 / 2) / th64).clamp(1, w), h)
                } else {
                    (w, ((w * th64 + tw64 / 2) / tw64).clamp(1, h))
                };
                Self {
                    crop_x: to_u32((w - cw) / 2),
                    crop_y: to_u32((h - ch) / 2),
                    crop_width: to_u32(cw),
                    crop_height: to_u32(ch),
                    out_width: tw,
                    out_height: th,
                }
            }
            None => {
                let max = u64::from(TEXT_IMAGE_MAX_WIDTH);
                let (ow, oh) = if w > max {
                    (max, ((h * max + w / 2) / w).max(1))
                } else {
                    (w, h)
                };
                Self {
                    crop_x: 0,
                    crop_y: 0,
                    crop_width: width,
                    crop_height: height,
                    out_width: to_u32(ow),
                    out_height: to_u32(oh),
                }
            }
        }
    }

    fn is_identity(&self, width: u32, height: u32) -> bool {
        (self.crop_x, self.crop_y) == (0, 0)
            && (self.crop_width, self.crop_height) == (width, height)
            && (self.out_width, self.out_height) == (width, height)
    }
}

/// Every value passed here is bounded by a `u32` input.
fn to_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Crops and resizes with `fast_image_resize`: several times faster than `image`'s resize on a
/// 12-megapixel photo (SIMD; see `benches/imaging.rs`), which is most of the time a person waits.
///
/// The filtering runs on 16-bit samples. The 8-bit path rounds to 8 bits between its
/// horizontal and vertical passes: its result was 58 dB (PSNR) from the exact Lanczos3 one,
/// and after JPEG that measured 0.001 below ImageMagick's SSIM, whose resize works in floating
/// point. In 16 bits it is 82 dB from exact and matches ImageMagick after JPEG, for about
/// 45 ms more on a 12-megapixel photo.
fn resize(rgb: RgbImage, plan: &Plan) -> Result<RgbImage, ImageError> {
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images};
    if plan.is_identity(rgb.width(), rgb.height()) {
        return Ok(rgb);
    }
    let failed = |e: &dyn std::fmt::Display| ImageError::Corrupt(format!("resize failed: {e}"));
    let wide = widen(rgb.as_raw());
    let (width, height) = rgb.dimensions();
    drop(rgb);
    let src =
        images::ImageRef::new(width, height, &wide, PixelType::U16x3).map_err(|e| failed(&e))?;
    let mut dst = images::Image::new(plan.out_width, plan.out_height, PixelType::U16x3);
    // Cropping inside the resizer filters only the kept pixels, with no intermediate copy.
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(
            f64::from(plan.crop_x),
            f64::from(plan.crop_y),
            f64::from(plan.crop_width),
            f64::from(plan.crop_height),
        );
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| failed(&e))?;
    // Back to 8 bits, rounded, before the encoder's colour conversion: converting the 16-bit
    // values directly (one rounding fewer) was measured too, and scored lower after JPEG
    // against an 8-bit reference (SSIM luma 0.9953 against 0.9963 from the PNG source).
    let narrow: Vec<u8> = dst
        .buffer()
        .chunks_exact(2)
        .map(|b| {
            // v·257 back to 0–255, rounded; at most 255, so the cast cannot truncate.
            let v = u32::from(u16::from_ne_bytes([b[0], b[1]]));
            ((v + 128) / 257) as u8
        })
        .collect();
    RgbImage::from_raw(plan.out_width, plan.out_height, narrow)
        .ok_or_else(|| failed(&"unexpected buffer size"))
}

/// The whole of `rgb` resized to `width` × `height` exactly as [`prepare`] resizes (Lanczos3
/// on 16-bit samples), for the benchmarks that time and compare this step alone.
pub fn resize_to(rgb: RgbImage, width: u32, height: u32) -> Result<RgbImage, ImageError> {
    let plan = Plan {
        crop_x: 0,
        crop_y: 0,
        crop_width: rgb.width(),
        crop_height: rgb.height(),
        out_width: width,
        out_height: height,
    };
    resize(rgb, &plan)
}

/// 8-bit samples as 16-bit ones (v·257, so 255 becomes 65535), in native byte order as
/// `fast_image_resize` reads them, on all cores: a 12-megapixel photo is 36 million samples.
fn widen(samples: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; samples.len() * 2];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = samples.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for (src, dst) in samples.chunks(per).zip(out.chunks_mut(per * 2)) {
            s.spawn(move || {
                for (d, &v) in dst.chunks_exact_mut(2).zip(src) {
                    d.copy_from_slice(&(u16::from(v) * 257).to_ne_bytes());
                }
            });
        }
    });
    out
}

/// Encodes RGB pixels as a baseline JPEG at `quality` (1–100), as [`prepare`] does: with
/// jpeg-encoder and no chroma subsampling (like libjpeg and ImageMagick at high qualities). At
/// the same quality its pixels match libjpeg's closely, where `image`'s own encoder loses
/// noticeably more detail. Its standard Huffman tables are kept: the optimized ones save ~10 %
/// but the `image` crate's decoder misreads some such files (libjpeg reads them), and the
/// upload must open everywhere.
pub fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageError> {
    let (Ok(width), Ok(height)) = (u16::try_from(img.width()), u16::try_from(img.height())) else {
        return Err(ImageError::CannotFit);
    };
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder
        .encode(img.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| ImageError::Corrupt(format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

/// The highest quality in [`MIN_QUALITY`]..=[`MAX_QUALITY`] whose JPEG is at most `limit` bytes.
///
/// Invariant of the binary search: `lo - 1` is known to fit and `hi + 1` is known not to, so the
/// answer `q` always fits and `q + 1` was tried and did not (unless `q` is [`MAX_QUALITY`]) —
/// this holds even if size were not perfectly monotonic in quality.
fn encode_fitting(img: &RgbImage, limit: usize) -> Result<(Vec<u8>, u8), ImageError> {
    // Most pictures at slot size fit at the top quality: one encode.
    let top = encode_jpeg(img, MAX_QUALITY)?;
    if top.len() <= limit {
        return Ok((top, MAX_QUALITY));
    }
    let bottom = encode_jpeg(img, MIN_QUALITY)?;
    if bottom.len() > limit {
        return Err(ImageError::CannotFit);
    }
    let mut best = (bottom, MIN_QUALITY);
    let (mut lo, mut hi) = (MIN_QUALITY + 1, MAX_QUALITY - 1);
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let data = encode_jpeg(img, mid)?;
        if data.len() <= limit {
            best = (data, mid);
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_fill_crops_the_centre() {
        let p = Plan::new(4000, 3000, Slot::Cover);
        assert_eq!((p.out_width, p.out_height), (850, 350));
        assert_eq!((p.crop_width, p.crop_height), (4000, 1647));
        assert_eq!((p.crop_x, p.crop_y), (0, 676));
        let p = Plan::new(4000, 3000, Slot::Logo);
        assert_eq!(
            (p.crop_x, p.crop_y, p.crop_width, p.crop_height),
            (500, 0, 3000, 3000)
        );
        // A tall, thin source keeps its full width.
        let p = Plan::new(10, 5000, Slot::Cover);
        assert_eq!((p.crop_width, p.crop_height), (10, 4));
    }

    #[test]
    fn plan_text_image_fits_width_and_never_enlarges() {
        let p = Plan::new(4000, 3000, Slot::TextImage);
        assert_eq!((p.out_width, p.out_height), (900, 675));
        let p = Plan::new(10, 10, Slot::TextImage);
        assert!(p.is_identity(10, 10));
        // Extreme panoramas keep at least one row.
        let p = Plan::new(100_000, 1, Slot::TextImage);
        assert_eq!((p.out_width, p.out_height), (900, 1));
    }

    #[test]
    fn megabytes_never_reads_as_the_limit_when_over_it() {
        assert_eq!(megabytes(50 * 1024 * 1024), "50 MB");
        assert_eq!(megabytes(62 * 1024 * 1024), "62 MB");
        assert_eq!(megabytes(50 * 1024 * 1024 + 1), "50.1 MB");
        assert_eq!(megabytes(300 * 1024 * 1024 + 5), "301 MB");
    }

    #[test]
    fn flatten_composites_onto_white() {
        let mut rgba = image::RgbaImage::new(3, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        rgba.put_pixel(2, 0, image::Rgba([255, 0, 0, 128]));
        let rgb = flatten_onto_white(DynamicImage::ImageRgba8(rgba));
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(1, 0).0, [0, 0, 0]);
        assert_eq!(rgb.get_pixel(2, 0).0, [255, 127, 127]);
    }

    /// Photo-like noise so JPEG cannot shrink it trivially.
    fn noisy(width: u32, height: u32, seed: u32) -> RgbImage {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        RgbImage::from_fn(width, height, |_, _| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let [a, b, c, _] = state.to_le_bytes();
            image::Rgb([a, b, c])
        })
    }

    #[test]
    fn quality_search_returns_the_highest_passing_quality() {
        let img = noisy(160, 120, 7);
        let at = |q| encode_jpeg(&img, q).map(|v| v.len()).unwrap_or(usize::MAX);
        // Pick limits between the extremes so the search has real work to do.
        let (small, large) = (at(MIN_QUALITY), at(MAX_QUALITY));
        assert!(small < large);
        for limit in [small, (small + large) / 3, (small + large) / 2, large - 1] {
            let (data, q) = encode_fitting(&img, limit).unwrap();
            assert!(data.len() <= limit, "limit {limit}: {} bytes", data.len());
            assert_eq!(data.len(), at(q));
            assert!(
                q == MAX_QUALITY || at(q + 1) > limit,
                "limit {limit}: q {q}"
            );
            assert!((MIN_QUALITY..MAX_QUALITY).contains(&q));
        }
        assert_eq!(encode_fitting(&img, large).map(|(_, q)| q), Ok(MAX_QUALITY));
        assert_eq!(encode_fitting(&img, small - 1), Err(ImageError::CannotFit));
    }

    #[test]
    fn prepare_with_a_small_limit_lowers_quality() {
        let img = noisy(400, 300, 3);
        let size = |q| encode_jpeg(&img, q).unwrap().len();
        let limit = (size(MIN_QUALITY) + size(MAX_QUALITY)) / 2;
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(img.clone())
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let p = prepare_with_limit(&png, Slot::TextImage, limit).unwrap();
        assert_eq!((p.width, p.height), (400, 300));
        assert!(p.jpeg.len() <= limit);
        assert!((MIN_QUALITY..MAX_QUALITY).contains(&p.quality));
        assert!(size(p.quality + 1) > limit);
    }
}
