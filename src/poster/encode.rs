//! PNG encoding shared by the poster renderer and the logo decoder: one place that sets the
//! colour type, the fast deflate and the pHYs resolution.

use super::PosterError;

/// Encodes RGB8 pixels as PNG, recording `dpi` in a pHYs chunk when given.
pub fn encode_rgb(
    out: &mut Vec<u8>,
    width: u32,
    height: u32,
    rgb: &[u8],
    dpi: Option<u32>,
) -> Result<(), PosterError> {
    encode(out, width, height, rgb, png::ColorType::Rgb, dpi)
}

/// Encodes 8-bit pixels of `color` type; the one encoder behind every poster PNG.
pub(crate) fn encode(
    out: &mut Vec<u8>,
    width: u32,
    height: u32,
    pixels: &[u8],
    color: png::ColorType,
    dpi: Option<u32>,
) -> Result<(), PosterError> {
    let err = |e: png::EncodingError| PosterError::Raster(e.to_string());
    let mut enc = png::Encoder::new(out, width, height);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    // Posters are mostly flat colour: the fast deflate is nearly as small and several
    // times quicker than the default.
    enc.set_compression(png::Compression::Fast);
    if let Some(dpi) = dpi {
        let ppm = (f64::from(dpi) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
    }
    let mut w = enc.write_header().map_err(err)?;
    w.write_image_data(pixels).map_err(err)?;
    w.finish().map_err(err)
}
