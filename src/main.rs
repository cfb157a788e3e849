//! The `coupon-studio` binary.

fn main() {}
