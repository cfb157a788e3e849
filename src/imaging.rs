//! Prepares any picture a person picks for WeChat's upload API (`cgi-bin/media/uploadimg`:
//! JPG, at most 1 MB): decode whatever format it is, turn it upright, flatten transparency
//! onto white, resize to the slot's size, and encode at the highest JPEG quality that fits.
//!
//! No egui, no network: bytes in, bytes out. The pipeline is
//!
//! 1. refuse empty or oversized input ([`SOURCE_LIMIT_BYTES`]);
//! 2. guess the format from the content and read only the header; refuse more than
//!    [`MAX_PIXELS`] or a decoded size above [`DECODE_BUDGET_BYTES`] *before* decoding, and
//!    give the decoder the same [`Limits`], so a decompression bomb cannot exhaust memory;
//! 3. decode, apply the EXIF orientation, composite any alpha onto white;
//! 4. crop to the slot's aspect (centred) for [`Slot::Logo`] and [`Slot::Cover`], then
//!    downscale: a fast box-filter thumbnail to twice the target, then Catmull-Rom;
//! 5. binary-search the JPEG quality in 30..=95 for the highest one ≤ [`UPLOAD_LIMIT_BYTES`].

use std::io::Cursor;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, GenericImageView, ImageDecoder, ImageReader, Limits, RgbImage};
use thiserror::Error;

/// WeChat's upload limit for `cgi-bin/media/uploadimg`.
pub const UPLOAD_LIMIT_BYTES: usize = 1024 * 1024;
/// The largest source file accepted.
pub const SOURCE_LIMIT_BYTES: u64 = 50 * 1024 * 1024;
/// The most pixels decoded (a 100-megapixel photo); larger headers are refused before decoding.
pub const MAX_PIXELS: u64 = 100_000_000;
/// The most memory the decoder may use for one picture (a 100-megapixel RGBA image fits).
pub const DECODE_BUDGET_BYTES: u64 = 512 * 1024 * 1024;
/// The quality range searched.
const QUALITY: std::ops::RangeInclusive<u8> = 30..=95;
/// The largest side a baseline JPEG can have.
const JPEG_MAX_SIDE: u32 = 65_535;
/// The text-image width cap.
const TEXT_IMAGE_MAX_WIDTH: u32 = 900;

/// Where the picture goes, which decides its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The merchant logo: 300×300, cropped (centred) to fill.
    Logo,
    /// The cover picture: 850×350, cropped (centred) to fill.
    Cover,
    /// A picture in the text-and-image description: at most 900 wide, aspect kept, never enlarged.
    TextImage,
}

impl Slot {
    /// The output size for a (upright) source of `width`×`height`.
    fn output_size(self, width: u32, height: u32) -> (u32, u32) {
        match self {
            Self::Logo => (300, 300),
            Self::Cover => (850, 350),
            Self::TextImage if width > TEXT_IMAGE_MAX_WIDTH => {
                let h = (u64::from(height) * u64::from(TEXT_IMAGE_MAX_WIDTH)
                    + u64::from(width) / 2)
                    / u64::from(width);
                (
                    TEXT_IMAGE_MAX_WIDTH,
                    u32::try_from(h.max(1)).unwrap_or(u32::MAX),
                )
            }
            Self::TextImage => (width, height),
        }
    }

    /// Whether the slot crops the source to its aspect ratio.
    fn crops(self) -> bool {
        matches!(self, Self::Logo | Self::Cover)
    }
}

/// A picture ready to upload.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The JPEG bytes (at most [`UPLOAD_LIMIT_BYTES`]).
    pub jpeg: Vec<u8>,
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// The JPEG quality used (30..=95).
    pub quality: u8,
    /// Source width in pixels, after EXIF orientation.
    pub source_width: u32,
    /// Source height in pixels, after EXIF orientation.
    pub source_height: u32,
}

/// Why a picture cannot be used. [`ImageError::message_zh`] and [`ImageError::message_en`]
/// give texts for people; `Display` is for logs.
#[derive(Debug, Error)]
pub enum ImageError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The source file is larger than [`SOURCE_LIMIT_BYTES`].
    #[error("the file has {bytes} bytes; the limit is {limit}")]
    TooLarge {
        /// Its size in bytes.
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The header claims more pixels (or decoded bytes) than can be decoded safely.
    #[error("the picture is {width}×{height} pixels, too many to decode safely")]
    TooManyPixels {
        /// Width claimed by the header.
        width: u32,
        /// Height claimed by the header.
        height: u32,
    },
    /// Not a picture, or a format we cannot read.
    #[error("not a supported picture: {0}")]
    Unsupported(String),
    /// A picture, but damaged or truncated.
    #[error("the picture is damaged: {0}")]
    Corrupt(String),
    /// The file could not be read (missing, no permission…); only from [`prepare_file`].
    #[error("cannot read the file: {0}")]
    Io(String),
    /// Even the lowest quality exceeds [`UPLOAD_LIMIT_BYTES`], or the output is taller than a
    /// JPEG can be.
    #[error("the picture does not fit in 1 MB even at the lowest quality")]
    CannotFit,
}

/// Bytes as MB for people: one decimal, rounded up (so 50 MB + 1 byte reads "50.1"), no ".0".
fn mb(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).div_ceil(1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

impl ImageError {
    /// The message for people, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "文件是空的,不是图片".into(),
            Self::TooLarge { bytes, limit } => {
                format!("文件过大({} MB,上限 {} MB)", mb(*bytes), mb(*limit))
            }
            Self::TooManyPixels { width, height } => {
                format!("图片尺寸过大({width}×{height} 像素,上限 1 亿像素),请缩小后再试")
            }
            Self::Unsupported(_) => {
                "文件不是图片,或格式不受支持(支持 JPG、PNG、GIF、WebP、BMP、TIFF)".into()
            }
            Self::Corrupt(_) => "图片已损坏,无法读取".into(),
            Self::Io(e) => format!("无法打开文件:{e}"),
            Self::CannotFit => "图片压缩到最低质量仍超过 1 MB,请换一张图片".into(),
        }
    }

    /// The message for people, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "The file is empty; it is not a picture".into(),
            Self::TooLarge { bytes, limit } => format!(
                "The file is too large ({} MB; the limit is {} MB)",
                mb(*bytes),
                mb(*limit)
            ),
            Self::TooManyPixels { width, height } => format!(
                "The picture is too large ({width}×{height} pixels; the limit is 100 megapixels). \
                 Please make it smaller and try again"
            ),
            Self::Unsupported(_) => "The file is not a picture, or its format is not supported \
                 (JPG, PNG, GIF, WebP, BMP and TIFF work)"
                .into(),
            Self::Corrupt(_) => "The picture is damaged and cannot be read".into(),
            Self::Io(e) => format!("Cannot open the file: {e}"),
            Self::CannotFit => {
                "The picture stays over 1 MB even at the lowest quality; please pick another".into()
            }
        }
    }
}

/// Reads a file and prepares it; the size is checked before anything is read, so a huge file
/// costs nothing.
pub fn prepare_file(path: &Path, slot: Slot) -> Result<Prepared, ImageError> {
    let len = std::fs::metadata(path)
        .map_err(|e| ImageError::Io(e.to_string()))?
        .len();
    if len > SOURCE_LIMIT_BYTES {
        return Err(ImageError::TooLarge {
            bytes: len,
            limit: SOURCE_LIMIT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ImageError::Io(e.to_string()))?;
    prepare(&bytes, slot)
}

/// Prepares picture bytes (any supported format, guessed from the content) for a slot.
pub fn prepare(bytes: &[u8], slot: Slot) -> Result<Prepared, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    let len = bytes.len() as u64;
    if len > SOURCE_LIMIT_BYTES {
        return Err(ImageError::TooLarge {
            bytes: len,
            limit: SOURCE_LIMIT_BYTES,
        });
    }
    let rgb = decode(bytes, slot)?;
    let (source_width, source_height) = rgb.dimensions();
    let resized = resize(rgb, slot);
    let (jpeg, quality) = encode_fitting(&resized)?;
    Ok(Prepared {
        jpeg,
        width: resized.width(),
        height: resized.height(),
        quality,
        source_width,
        source_height,
    })
}

/// Decodes to upright RGB on white, refusing bombs from the header alone.
fn decode(bytes: &[u8], slot: Slot) -> Result<RgbImage, ImageError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Unsupported(e.to_string()))?;
    if reader.format().is_none() {
        return Err(ImageError::Unsupported("unknown format".into()));
    }
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    let too_many = ImageError::TooManyPixels { width, height };
    if u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoder.total_bytes() > DECODE_BUDGET_BYTES
    {
        return Err(too_many);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(DECODE_BUDGET_BYTES);
    decoder.set_limits(limits).map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels { width, height },
        other => classify(other),
    })?;
    // A missing or unreadable EXIF block is not worth refusing the picture for.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (upright_w, upright_h) = if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let (out_w, out_h) = slot.output_size(upright_w, upright_h);
    if out_w > JPEG_MAX_SIDE || out_h > JPEG_MAX_SIDE {
        return Err(ImageError::CannotFit);
    }
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels { width, height },
        other => classify(other),
    })?;
    image.apply_orientation(orientation);
    flatten(image)
}

fn swaps_sides(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn classify(e: image::ImageError) -> ImageError {
    match e {
        image::ImageError::Unsupported(u) => ImageError::Unsupported(u.to_string()),
        other => ImageError::Corrupt(other.to_string()),
    }
}

/// RGB with any transparency composited onto white (JPEG has no alpha). Consumes the image so
/// an 8-bit source is converted without an extra copy.
fn flatten(image: DynamicImage) -> Result<RgbImage, ImageError> {
    if !image.color().has_alpha() {
        return Ok(image.into_rgb8());
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
    for px in rgba.as_raw().chunks_exact(4) {
        let a = u32::from(px[3]);
        for &c in &px[..3] {
            let v = (u32::from(c) * a + 255 * (255 - a) + 127) / 255;
            out.push(u8::try_from(v).unwrap_or(u8::MAX));
        }
    }
    drop(rgba);
    RgbImage::from_raw(w, h, out).ok_or_else(|| ImageError::Corrupt("pixel buffer size".into()))
}

/// The centred crop of a `w`×`h` source with the aspect of `tw`×`th`: (x, y, width, height).
fn fill_crop(w: u32, h: u32, tw: u32, th: u32) -> (u32, u32, u32, u32) {
    let (w64, h64, tw64, th64) = (u64::from(w), u64::from(h), u64::from(tw), u64::from(th));
    if w64 * th64 > h64 * tw64 {
        // Wider than the target: keep the full height.
        let cw = u32::try_from((h64 * tw64 + th64 / 2) / th64)
            .unwrap_or(w)
            .clamp(1, w);
        ((w - cw) / 2, 0, cw, h)
    } else {
        let ch = u32::try_from((w64 * th64 + tw64 / 2) / tw64)
            .unwrap_or(h)
            .clamp(1, h);
        (0, (h - ch) / 2, w, ch)
    }
}

/// Resizes per slot: crop (for fill slots), a box-filter thumbnail to twice the target when the
/// source is much larger (fast, and it averages away noise), then Catmull-Rom to the target.
fn resize(rgb: RgbImage, slot: Slot) -> RgbImage {
    let (w, h) = rgb.dimensions();
    let (tw, th) = slot.output_size(w, h);
    let (x, y, cw, ch) = if slot.crops() {
        fill_crop(w, h, tw, th)
    } else {
        (0, 0, w, h)
    };
    if (cw, ch) == (tw, th) {
        return if (x, y, cw, ch) == (0, 0, w, h) {
            rgb
        } else {
            rgb.view(x, y, cw, ch).to_image()
        };
    }
    let view = rgb.view(x, y, cw, ch);
    if cw >= tw.saturating_mul(4) && ch >= th.saturating_mul(4) {
        let coarse = imageops::thumbnail(&*view, tw * 2, th * 2);
        imageops::resize(&coarse, tw, th, FilterType::CatmullRom)
    } else {
        imageops::resize(&*view, tw, th, FilterType::CatmullRom)
    }
}

fn encode(img: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(UPLOAD_LIMIT_BYTES / 2);
    // On an in-memory RGB buffer the encoder only fails on sizes it cannot represent.
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|_| ImageError::CannotFit)?;
    Ok(out)
}

/// The highest quality in [`QUALITY`] whose JPEG fits the limit: the top quality first (most
/// pictures at these sizes fit), then a binary search over the rest.
fn encode_fitting(img: &RgbImage) -> Result<(Vec<u8>, u8), ImageError> {
    let (mut lo, mut hi) = (*QUALITY.start(), *QUALITY.end());
    let top = encode(img, hi)?;
    if top.len() <= UPLOAD_LIMIT_BYTES {
        return Ok((top, hi));
    }
    let mut best: Option<(Vec<u8>, u8)> = None;
    hi -= 1;
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let data = encode(img, mid)?;
        if data.len() <= UPLOAD_LIMIT_BYTES {
            best = Some((data, mid));
            lo = mid + 1;
        } else {
            // `mid >= lo >= 30`, so this cannot underflow.
            hi = mid - 1;
        }
    }
    best.ok_or(ImageError::CannotFit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_round_up_to_a_tenth() {
        assert_eq!(mb(50 * 1024 * 1024), "50");
        assert_eq!(mb(62 * 1024 * 1024), "62");
        assert_eq!(mb(50 * 1024 * 1024 + 1), "50.1");
        assert_eq!(mb(1), "0.1");
    }

    #[test]
    fn crops_are_centred_with_the_target_aspect() {
        assert_eq!(fill_crop(4000, 3000, 300, 300), (500, 0, 3000, 3000));
        assert_eq!(fill_crop(4000, 3000, 850, 350), (0, 676, 4000, 1647));
        assert_eq!(fill_crop(1, 1000, 850, 350), (0, 499, 1, 1));
    }
}
