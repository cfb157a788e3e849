//! QR codes drawn locally (qrcode crate) as egui textures: one texel per module, shown with
//! nearest-neighbour filtering so that the modules stay sharp at any size.

/// The quiet zone around a QR code, in modules (the standard's 4).
pub const QUIET_ZONE: usize = 4;

/// The QR code of `text` as an image with its quiet zone, or `None` when the text is too long
/// for a QR code.
pub fn qr_image(text: &str) -> Option<egui::ColorImage> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut pixels = vec![egui::Color32::WHITE; size * size];
    for y in 0..width {
        for x in 0..width {
            if colors.get(y * width + x) == Some(&qrcode::Color::Dark) {
                pixels[(y + QUIET_ZONE) * size + x + QUIET_ZONE] = egui::Color32::BLACK;
            }
        }
    }
    Some(egui::ColorImage::new([size, size], pixels))
}

/// Loads the QR code of `text` as a texture named `name`.
pub fn qr_texture(ctx: &egui::Context, name: &str, text: &str) -> Option<egui::TextureHandle> {
    qr_image(text).map(|img| ctx.load_texture(name, img, egui::TextureOptions::NEAREST))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_image_has_a_white_quiet_zone_and_dark_finder_corners() {
        let img = qr_image("weixin://wxpay/bizpayurl?pr=abc").unwrap();
        let [w, h] = img.size;
        assert_eq!(w, h);
        assert!(
            img.pixels[..w * QUIET_ZONE]
                .iter()
                .all(|p| *p == egui::Color32::WHITE)
        );
        // The top-left finder pattern starts right after the quiet zone.
        assert_eq!(
            img.pixels[QUIET_ZONE * w + QUIET_ZONE],
            egui::Color32::BLACK
        );
        assert_eq!(
            img.pixels[(w - QUIET_ZONE - 1) * w + QUIET_ZONE],
            egui::Color32::BLACK
        );
    }
}
