//! TLS for the PostgreSQL connections. rustls with the ring provider and Mozilla's roots
//! (webpki-roots), the same as reqwest's, so the binary carries one crypto backend.
//!
//! The server's certificate is always verified, its chain and its host name (or IP address),
//! against Mozilla's roots plus the team's CA file when one is given: cloud providers
//! (Tencent Cloud, Alibaba Cloud, AWS RDS…) sign their databases' certificates with a CA of
//! their own. libpq's `sslmode=require` does not verify; ours does, so that a password is
//! never sent to whoever answers on the database's address.

use std::error::Error;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::StorageError;

/// The connector of every connection, or `None` for connections in the clear:
/// - `sslmode=disable`: in the clear;
/// - `require`: TLS, verified, or no connection;
/// - `prefer` (the default): one connection is tried over TLS. When the server offers none,
///   or offers a certificate that does not verify, the pools connect in the clear, as libpq's
///   `prefer` falls back to a plain connection (a warning says why, and how to get TLS): a
///   server that worked before TLS was added keeps working, and a certificate is never
///   trusted unverified.
pub(super) async fn tls_for(
    config: &tokio_postgres::Config,
    ca_file: Option<&Path>,
) -> Result<Option<MakeRustlsConnect>, StorageError> {
    let tls = connector(ca_file)?;
    match config.get_ssl_mode() {
        SslMode::Disable => return Ok(None),
        SslMode::Require => return Ok(Some(tls)),
        _ => {}
    }
    match config.connect(tls.clone()).await {
        Ok((client, connection)) => {
            // Whether the server offered TLS: prefer connects in the clear when it did not.
            drop(client);
            let _ = connection.await;
            Ok(Some(tls))
        }
        Err(e) => match unverified(&e) {
            Some(why) => {
                tracing::warn!(
                    reason = %why,
                    "the database offers TLS but its certificate could not be verified: \
                     connecting in the clear (sslmode=prefer); for TLS give its CA with \
                     --database-ca-file and set sslmode=require"
                );
                Ok(None)
            }
            // Not about the certificate (refused, wrong password…): the pool says it again.
            None => Ok(Some(tls)),
        },
    }
}

/// The rustls connector: Mozilla's roots plus the certificates of `ca_file`.
fn connector(ca_file: Option<&Path>) -> Result<MakeRustlsConnect, StorageError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        for cert in read_ca_file(path)? {
            roots.add(cert).map_err(|e| ca_error(path, e))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StorageError::Postgres(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// The certificates of a PEM file (one or more `CERTIFICATE` blocks; other blocks, such as
/// a key put there by mistake, are skipped). A file without any is an error naming it.
fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, StorageError> {
    let bytes = std::fs::read(path).map_err(|e| ca_error(path, e))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ca_error(path, e))?;
    if certs.is_empty() {
        return Err(ca_error(path, "it holds no PEM certificate"));
    }
    Ok(certs)
}

fn ca_error(path: &Path, reason: impl std::fmt::Display) -> StorageError {
    StorageError::CaFile {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

/// A connection's failure as a [`StorageError`]: [`StorageError::Certificate`] when the
/// server's certificate could not be verified, else its text (which names no password).
pub(super) fn connect_error(e: deadpool_postgres::PoolError) -> StorageError {
    match unverified(&e) {
        Some(why) => StorageError::Certificate(why),
        None => StorageError::Postgres(e.to_string()),
    }
}

/// Why the server's certificate was refused, if that is why the connection failed: rustls's
/// error, found down the chain (an I/O error wraps it without naming it as its source).
fn unverified(e: &(dyn Error + 'static)) -> Option<String> {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if let Some(rustls::Error::InvalidCertificate(why)) = e.downcast_ref::<rustls::Error>() {
            return Some(match why {
                rustls::CertificateError::UnknownIssuer => "signed by an unknown CA".to_owned(),
                other => other.to_string(),
            });
        }
        cause = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn Error + 'static)),
            None => e.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_a_certificate_is_refused_naming_it() {
        let dir = std::env::temp_dir().join(format!("pgtls-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("not-a-ca.pem");
        std::fs::write(&path, "hello\n").unwrap();
        let Err(e) = connector(Some(&path)) else {
            panic!("a file without a certificate was accepted")
        };
        assert!(e.to_string().contains("not-a-ca.pem"), "{e}");
        let Err(e) = connector(Some(&dir.join("missing.crt"))) else {
            panic!("a missing file was accepted")
        };
        assert!(e.to_string().contains("missing.crt"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_certificate_error_is_found_inside_an_io_error() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        assert_eq!(unverified(&io).as_deref(), Some("signed by an unknown CA"));
        let other = std::io::Error::other("connection refused");
        assert_eq!(unverified(&other), None);
    }
}
