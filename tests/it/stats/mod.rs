//! The campaign's statistics (datacube) and their charts.

mod api;
mod ui;
