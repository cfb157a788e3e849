//! The WeChat card API client (no egui). The same code talks to `https://api.weixin.qq.com`
//! and to the built-in simulator; only the base URL and the token source differ.
//!
//! The files depend on each other in one direction only: `error` (with the shared
//! [`crate::errcode`] table) and `lenient` (numbers sent as strings) at the bottom, then `call` (call kinds, transport errors),
//! `token`, the transport `client`, and on top the endpoint files `card`, `pay`,
//! `placement`, `redeem` and `stats` (`code` only re-exports the last three), and `company`,
//! the company server's event feed. `admin`, the simulator's admin API, stands alone.

pub mod admin;
pub mod call;
pub mod card;
pub mod client;
pub mod code;
pub mod company;
pub mod error;
pub mod lenient;
pub mod pay;
pub mod placement;
pub mod redeem;
pub mod signature;
pub mod stats;
pub mod token;

pub use admin::{
    AdminError, AuthorizeScan, Authorized, PlatformSettings, PushSettings, SandboxAdmin,
};
pub use call::{CallKind, Method};
pub use card::{CardColor, CardDetails, CardIdList, Poi};
pub use client::{ApiClient, WECHAT_API};
pub use company::{AuthorizationLink, CardEvent, CompanyClient, Merchant};
pub use error::{ApiError, describe};
pub use pay::{CoinsInfo, OrderInfo, OrderList, OrderListQuery, PayPrice, Recharge};
pub use placement::{QrCode, QrRequest, Ticket, TicketType};
pub use redeem::CodeInfo;
pub use stats::DayStats;
pub use token::TokenSource;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// The files of `src/api` and the sibling files each one names with `super::` or
    /// `crate::api::` (test modules included, since they compile into the same file).
    fn api_imports() -> BTreeMap<String, Vec<String>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if name != "mod" {
                files.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
        let names: Vec<String> = files.keys().cloned().collect();
        files
            .iter()
            .map(|(name, text)| {
                let used = names
                    .iter()
                    .filter(|other| *other != name)
                    .filter(|other| {
                        text.contains(&format!("super::{other}"))
                            || text.contains(&format!("crate::api::{other}"))
                    })
                    .cloned()
                    .collect();
                (name.clone(), used)
            })
            .collect()
    }

    #[test]
    fn the_api_files_import_each_other_without_cycles() {
        let graph = api_imports();
        assert!(
            graph["client"]
                .iter()
                .all(|u| ["call", "error", "lenient", "token"].contains(&u.as_str()))
        );
        // Depth-first search; a file met again while it is on the path closes a cycle.
        fn visit(
            node: &str,
            graph: &BTreeMap<String, Vec<String>>,
            path: &mut Vec<String>,
            done: &mut Vec<String>,
        ) {
            if done.iter().any(|d| d == node) {
                return;
            }
            assert!(
                !path.iter().any(|p| p == node),
                "import cycle: {path:?} → {node}"
            );
            path.push(node.to_owned());
            for next in graph.get(node).into_iter().flatten() {
                visit(next, graph, path, done);
            }
            path.pop();
            done.push(node.to_owned());
        }
        let mut done = Vec::new();
        for node in graph.keys() {
            visit(node, &graph, &mut Vec::new(), &mut done);
        }
    }
}
