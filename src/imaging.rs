//! Prepares any picture a person picks for WeChat's upload API (JPG, at most 1 MB): decode
//! whatever format it is, turn it upright, flatten transparency onto white, resize to the
//! suggested size, and encode at the highest JPEG quality that fits. No egui, no network.

use std::io::Cursor;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage, Rgba};
use thiserror::Error;

/// WeChat's upload limit.
pub const UPLOAD_LIMIT_BYTES: usize = 1024 * 1024;
/// The largest source file accepted.
pub const SOURCE_LIMIT_BYTES: u64 = 50 * 1024 * 1024;
/// The most pixels decoded (a 100-megapixel photo), so a decompression bomb is refused.
pub const MAX_PIXELS: u64 = 100_000_000;
/// The quality range searched.
const QUALITY: std::ops::RangeInclusive<u8> = 30..=95;

/// Where the picture goes, which decides its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The logo: 300×300, cropped to fill.
    Logo,
    /// The cover: 850×350, cropped to fill.
    Cover,
    /// A text-image picture: at most 900 wide, aspect kept, never enlarged.
    TextImage,
}

/// A picture ready to upload.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The JPEG bytes (≤ [`UPLOAD_LIMIT_BYTES`]).
    pub jpeg: Vec<u8>,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// The JPEG quality used.
    pub quality: u8,
    /// Source width.
    pub source_width: u32,
    /// Source height.
    pub source_height: u32,
}

/// Why a picture cannot be used.
#[derive(Debug, Error)]
pub enum ImageError {
    /// An empty file.
    #[error("the file is empty")]
    Empty,
    /// The source file is too big to open.
    #[error("the file has {bytes} bytes; the limit is {limit}")]
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// Too many pixels to decode safely.
    #[error("the picture is {width}×{height} pixels, more than 100 megapixels")]
    TooManyPixels {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
    /// Not a picture, or a format we cannot read.
    #[error("not a supported picture: {0}")]
    Unsupported(String),
    /// A picture, but damaged.
    #[error("the picture is damaged: {0}")]
    Corrupt(String),
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// Even the lowest quality exceeds 1 MB.
    #[error("the picture does not fit in 1 MB even at the lowest quality")]
    CannotFit,
}

impl ImageError {
    /// The message for people, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "文件是空的".into(),
            Self::TooLarge { bytes, limit } => format!(
                "文件过大({} MB,上限 {} MB)",
                bytes / 1_048_576,
                limit / 1_048_576
            ),
            Self::TooManyPixels { width, height } => {
                format!("图片尺寸过大({width}×{height},上限 1 亿像素)")
            }
            Self::Unsupported(_) => {
                "文件不是图片,或格式不受支持(支持 JPG、PNG、GIF、WebP、BMP、TIFF)".into()
            }
            Self::Corrupt(_) => "图片已损坏,无法读取".into(),
            Self::Io(e) => format!("无法读取文件:{e}"),
            Self::CannotFit => "图片压缩到最低质量仍超过 1 MB".into(),
        }
    }

    /// The message for people, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Unsupported(_) => {
                "Not a picture, or an unsupported format (JPG, PNG, GIF, WebP, BMP, TIFF work)"
                    .into()
            }
            Self::Corrupt(_) => "The picture is damaged and cannot be read".into(),
            other => other.to_string(),
        }
    }
}

/// Reads a file (checking its size first) and prepares it.
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

/// Prepares picture bytes for a slot.
pub fn prepare(bytes: &[u8], slot: Slot) -> Result<Prepared, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    if bytes.len() as u64 > SOURCE_LIMIT_BYTES {
        return Err(ImageError::TooLarge {
            bytes: bytes.len() as u64,
            limit: SOURCE_LIMIT_BYTES,
        });
    }
    let image = decode(bytes)?;
    let (source_width, source_height) = (image.width(), image.height());
    let rgb = flatten(&image);
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

fn decode(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Unsupported(e.to_string()))?;
    if reader.format().is_none() {
        return Err(ImageError::Unsupported("unknown format".into()));
    }
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ImageError::TooManyPixels {
            width: w,
            height: h,
        });
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    decoder.set_limits(limits).map_err(classify)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok(image)
}

fn classify(e: image::ImageError) -> ImageError {
    match e {
        image::ImageError::Unsupported(u) => ImageError::Unsupported(u.to_string()),
        image::ImageError::Limits(l) => ImageError::Corrupt(l.to_string()),
        other => ImageError::Corrupt(other.to_string()),
    }
}

/// RGB with any transparency composited onto white (JPEG has no alpha).
fn flatten(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let Rgba([r, g, b, a]) = *rgba.get_pixel(x, y);
        let mix = |c: u8| -> u8 {
            let v = (u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a)) + 127) / 255;
            u8::try_from(v).unwrap_or(255)
        };
        image::Rgb([mix(r), mix(g), mix(b)])
    })
}

fn resize(rgb: RgbImage, slot: Slot) -> RgbImage {
    let img = DynamicImage::ImageRgb8(rgb);
    let out = match slot {
        Slot::Logo => img.resize_to_fill(300, 300, FilterType::CatmullRom),
        Slot::Cover => img.resize_to_fill(850, 350, FilterType::CatmullRom),
        Slot::TextImage if img.width() > 900 => img.resize(900, u32::MAX, FilterType::CatmullRom),
        Slot::TextImage => img,
    };
    out.to_rgb8()
}

fn encode(img: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    Ok(out)
}

/// The highest quality in [`QUALITY`] whose JPEG fits the limit (binary search).
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
        } else if mid == 0 {
            break;
        } else {
            hi = mid - 1;
        }
    }
    best.ok_or(ImageError::CannotFit)
}
