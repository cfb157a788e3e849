//! Who may use the admin API (`/sandbox/…`). WeChat's own paths are not checked here: they
//! answer with tokens, as WeChat's do.
//!
//! Three checks, in this order, each refusing with HTTP 403
//! `{"ok":false,"error":"…","reason":"origin"|"host"|"key"}`:
//!
//! 1. **Origin**: a request that carries an `Origin` header (browsers send one on cross-site
//!    POSTs) must come from a loopback http origin (`http://127.0.0.1[:port]`,
//!    `http://localhost[:port]`, `http://[::1][:port]`). A web page the user visits cannot
//!    reset the account or pay a recharge.
//! 2. **Host**: the `Host` (or the request's absolute URI) must name the port the simulator
//!    listens on at a loopback name: `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT` (or the
//!    loopback address it is bound to). DNS rebinding (`evil.example:PORT` resolving to
//!    127.0.0.1) is refused. Relaxed to any host when remote access is allowed.
//! 3. **Key**: when an admin key is configured, every request must carry it in
//!    `X-Sandbox-Key` (compared in constant time).

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{Request, State as AxState};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

use super::auth::S;

/// The header that carries the admin key.
pub const KEY_HEADER: &str = "x-sandbox-key";

/// The rules for one running simulator.
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    /// The bound address (its port and, when loopback, its IP are accepted hosts).
    pub local: SocketAddr,
    /// Any Host is accepted (the key protects).
    pub allow_remote: bool,
    /// The admin key every request must carry, when set.
    pub key: Option<String>,
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// An `Origin` that is not a loopback http origin.
    Origin(String),
    /// A `Host` that is not this simulator's loopback address.
    Host(String),
    /// The admin key is missing or wrong.
    Key,
}

impl Refusal {
    fn reason(&self) -> &'static str {
        match self {
            Self::Origin(_) => "origin",
            Self::Host(_) => "host",
            Self::Key => "key",
        }
    }

    fn message(&self, port: u16) -> String {
        match self {
            Self::Origin(o) => format!(
                "origin not allowed: {o} (the admin API answers only pages on http://127.0.0.1, http://localhost or http://[::1])"
            ),
            Self::Host(h) => format!(
                "host not allowed: {h} (use 127.0.0.1:{port}, localhost:{port} or [::1]:{port}, or start the simulator with --allow-remote)"
            ),
            Self::Key => format!("missing or wrong {KEY_HEADER} header (the admin key)"),
        }
    }
}

/// A new random admin key: 48 hex digits (192 bits from the thread's CSPRNG).
pub fn generate_key() -> String {
    let bytes: [u8; 24] = rand::random();
    super::media::hex(&bytes)
}

/// Whether `name` (a host without its port, IPv6 without brackets) is a loopback name.
fn loopback_name(name: &str, bound: IpAddr) -> bool {
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        // 127.0.0.1 and ::1 always (a client may use either); another loopback address
        // only when it is the one we are bound to.
        Ok(ip) => {
            ip == IpAddr::from([127, 0, 0, 1])
                || ip == IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
                || (ip.is_loopback() && ip == bound)
        }
        Err(_) => false,
    }
}

/// Splits `host[:port]` (`[v6]:port` too); `None` when malformed.
fn split_host(authority: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        match after {
            "" => (name, None),
            p => (name, Some(p.strip_prefix(':')?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((name, p)) => (name, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    Some((name, port))
}

fn check_host(rules: &Rules, headers: &HeaderMap, uri: &Uri) -> Result<(), Refusal> {
    if rules.allow_remote {
        return Ok(());
    }
    // An absolute URI (`GET http://host/… HTTP/1.1`) wins over the header, as in HTTP/1.1.
    let authority = match uri.authority() {
        Some(a) => a.as_str().to_owned(),
        None => match headers.get(header::HOST).map(|h| h.to_str()) {
            Some(Ok(h)) => h.to_owned(),
            Some(Err(_)) => return Err(Refusal::Host("(not text)".into())),
            None => return Err(Refusal::Host("(none)".into())),
        },
    };
    let ok = split_host(&authority).is_some_and(|(name, port)| {
        // No port in Host means the scheme's default: 80 for http.
        port.unwrap_or(80) == rules.local.port() && loopback_name(name, rules.local.ip())
    });
    if ok {
        Ok(())
    } else {
        Err(Refusal::Host(authority))
    }
}

fn check_origin(headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let text = origin.to_str().unwrap_or("(not text)");
    let loopback = url::Url::parse(text).ok().is_some_and(|u| {
        u.scheme() == "http"
            && match u.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            }
    });
    if loopback {
        Ok(())
    } else {
        Err(Refusal::Origin(text.to_owned()))
    }
}

/// Constant-time comparison of two keys (of their SHA-1s, so the length does not leak either).
fn same_key(given: &[u8], want: &str) -> bool {
    let a = Sha1::digest(given);
    let b = Sha1::digest(want.as_bytes());
    bool::from(a.as_slice().ct_eq(b.as_slice()))
}

fn check_key(rules: &Rules, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(want) = &rules.key else {
        return Ok(());
    };
    match headers.get(KEY_HEADER) {
        Some(given) if same_key(given.as_bytes(), want) => Ok(()),
        _ => Err(Refusal::Key),
    }
}

/// All three checks on one request.
pub(crate) fn check(rules: &Rules, headers: &HeaderMap, uri: &Uri) -> Result<(), Refusal> {
    check_origin(headers)?;
    check_host(rules, headers, uri)?;
    check_key(rules, headers)
}

/// The middleware on `/sandbox/*`.
pub async fn layer(AxState(shared): S, req: Request, next: Next) -> Response {
    let rules = shared.access();
    match check(rules, req.headers(), req.uri()) {
        Ok(()) => next.run(req).await,
        Err(refusal) => {
            tracing::warn!(path = %req.uri().path(), reason = refusal.reason(), "admin request refused");
            (
                StatusCode::FORBIDDEN,
                Json(json!({
                    "ok": false,
                    "error": refusal.message(rules.local.port()),
                    "reason": refusal.reason(),
                })),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn rules(allow_remote: bool, key: Option<&str>) -> Rules {
        Rules {
            local: SocketAddr::from(([127, 0, 0, 1], 8787)),
            allow_remote,
            key: key.map(str::to_owned),
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn run(r: &Rules, pairs: &[(&'static str, &str)]) -> Result<(), Refusal> {
        check(r, &headers(pairs), &Uri::from_static("/sandbox/state"))
    }

    #[test]
    fn loopback_hosts_on_our_port_pass_others_do_not() {
        let r = rules(false, None);
        for ok in [
            "127.0.0.1:8787",
            "localhost:8787",
            "LocalHost:8787",
            "[::1]:8787",
        ] {
            assert_eq!(run(&r, &[("host", ok)]), Ok(()), "{ok}");
        }
        for bad in [
            "evil.example:8787",
            "127.0.0.1:8788",
            "127.0.0.1",
            "localhost.evil.example:8787",
            "[::1]8787",
            "127.0.0.2:8787",
            "",
        ] {
            assert!(
                matches!(run(&r, &[("host", bad)]), Err(Refusal::Host(_))),
                "{bad}"
            );
        }
        assert!(matches!(run(&r, &[]), Err(Refusal::Host(_))));
        // An absolute URI names the host too.
        let abs = Uri::from_static("http://evil.example:8787/sandbox/state");
        assert!(matches!(
            check(&r, &headers(&[("host", "127.0.0.1:8787")]), &abs),
            Err(Refusal::Host(_))
        ));
        // Remote access: any host.
        assert_eq!(
            run(&rules(true, None), &[("host", "evil.example:8787")]),
            Ok(())
        );
    }

    #[test]
    fn only_loopback_http_origins_pass() {
        let r = rules(false, None);
        let host = ("host", "127.0.0.1:8787");
        for ok in [
            "http://127.0.0.1:8787",
            "http://localhost:3000",
            "http://[::1]",
        ] {
            assert_eq!(run(&r, &[host, ("origin", ok)]), Ok(()), "{ok}");
        }
        for bad in [
            "https://evil.example",
            "http://evil.example:8787",
            "null",
            "https://127.0.0.1:8787",
            "http://127.0.0.1.evil.example",
        ] {
            assert!(
                matches!(run(&r, &[host, ("origin", bad)]), Err(Refusal::Origin(_))),
                "{bad}"
            );
        }
        // Remote access does not relax the Origin check.
        assert!(matches!(
            run(
                &rules(true, None),
                &[host, ("origin", "https://evil.example")]
            ),
            Err(Refusal::Origin(_))
        ));
    }

    #[test]
    fn the_key_must_match_exactly() {
        let r = rules(true, Some("k3y"));
        assert_eq!(run(&r, &[("x-sandbox-key", "k3y")]), Ok(()));
        assert_eq!(run(&r, &[("x-sandbox-key", "k3y ")]), Err(Refusal::Key));
        assert_eq!(run(&r, &[("x-sandbox-key", "")]), Err(Refusal::Key));
        assert_eq!(run(&r, &[]), Err(Refusal::Key));
        let a = generate_key();
        assert_eq!(a.len(), 48);
        assert_ne!(a, generate_key());
    }
}
