//! The rules engine (to be written).
