//! The WeChat card API client (no egui). The same code talks to `https://api.weixin.qq.com`
//! and to the built-in simulator; only the base URL and the token source differ.

pub mod card;
pub mod client;
pub mod code;
pub mod error;
pub mod pay;
pub mod signature;
pub mod token;

pub use card::{CardColor, CardDetails, CardIdList, Poi};
pub use client::{ApiClient, CallKind, Method, WECHAT_API};
pub use code::{CodeInfo, DayStats, QrCode, QrRequest, Ticket, TicketType};
pub use error::{ApiError, describe};
pub use pay::{CoinsInfo, OrderInfo, OrderList, OrderListQuery, PayPrice, Recharge};
pub use token::TokenSource;
