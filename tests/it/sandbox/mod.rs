//! The simulator of WeChat's card API, over raw loopback HTTP and through the API client:
//! cards, tokens, codes, the wallet, statistics, faults and the state file; several merchants
//! and the open platform.

mod api;
mod api_faults;
mod cards;
mod codes;
mod contract;
mod datacube;
mod faults;
mod guide_examples;
mod hardening;
mod merchants;
mod pay;
mod persist;
mod placement;
mod platform;
mod push_delivery;
mod pushes;
mod strings;
mod tokens;
