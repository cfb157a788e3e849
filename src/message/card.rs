//! The editor's image slots and the pictures prepared for them. Cards and stores are shown as
//! the client reads them (`api::CardDetails`, `api::Poi`).

/// Where an image goes in the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageSlot {
    /// `base_info.logo_url`.
    Logo,
    /// `advanced_info.abstract.icon_url_list[0]`.
    Cover,
    /// `advanced_info.text_image_list[i].image_url`.
    TextImage(usize),
}

/// A picture prepared for upload, with pixels for the local preview.
#[derive(Clone, Debug)]
pub struct PreparedImage {
    /// The JPEG to upload.
    pub jpeg: Vec<u8>,
    /// Preview pixels (RGBA8).
    pub rgba: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}
