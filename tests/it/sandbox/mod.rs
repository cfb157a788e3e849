//! The simulator of WeChat's card API, over raw loopback HTTP and through the API client:
//! cards, tokens, codes, the wallet, statistics, faults and the state file.

mod api;
mod api_faults;
mod cards;
mod codes;
mod contract;
mod datacube;
mod faults;
mod guide_examples;
mod hardening;
mod pay;
mod persist;
mod placement;
mod push_delivery;
mod pushes;
mod strings;
mod tokens;
