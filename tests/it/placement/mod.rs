//! Placement: channel QR codes, the test whitelist, the card_ext signature, pictures prepared
//! for upload, and posters.

mod api;
mod imaging;
mod poster;
mod ui;
