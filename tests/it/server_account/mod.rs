//! The desktop side of the company server (issue 19, point 4) on the real chain
//! (`support::chain`): the API client's side of the contract, a session that writes no secret
//! anywhere, the account added in Settings, and a feed that wakes the window only with news.
//! What the panels show of the events is in `chain/`.

mod api;
mod idle;
mod leak;
mod settings;
