//! The log: `tracing` to a daily rotating file in the data folder (`logs/`, seven files kept),
//! with every line passed through [`crate::api::error::redact`] on its way to disk so that no
//! token or secret is ever written, whatever a call site formats.

use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// How many daily files are kept.
pub const KEEP_FILES: usize = 7;

/// The log folder inside the data folder.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Why logging could not start.
#[derive(Debug, Error)]
pub enum LogError {
    /// The folder or file could not be created.
    #[error("cannot open the log in {path}: {message}")]
    Open {
        /// The folder.
        path: PathBuf,
        /// Details.
        message: String,
    },
    /// A global subscriber was already installed (tests that call `init` twice).
    #[error("logging is already set up")]
    AlreadySet,
}

/// Starts logging to `log_dir` for the rest of the process.
pub fn init(log_dir: &Path) -> Result<(), LogError> {
    let open = |message: String| LogError::Open {
        path: log_dir.to_owned(),
        message,
    };
    std::fs::create_dir_all(log_dir).map_err(|e| open(e.to_string()))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("coupon-studio")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(log_dir)
        .map_err(|e| open(e.to_string()))?;
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Redacting(appender));
    let filter = Targets::new()
        .with_target("coupon_studio", LevelFilter::DEBUG)
        .with_default(LevelFilter::INFO);
    let subscriber = tracing_subscriber::registry().with(layer).with(filter);
    tracing::subscriber::set_global_default(subscriber).map_err(|_| LogError::AlreadySet)?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "coupon-studio started");
    Ok(())
}

/// A writer factory that redacts what its writers write.
pub struct Redacting<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

/// Redacts each buffer before passing it on. The fmt layer writes one whole event per call,
/// so a token is never split across two writes.
pub struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = crate::api::error::redact(&String::from_utf8_lossy(buf));
        self.0.write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn writes_are_redacted() {
        let mut out = Vec::new();
        let mut w = RedactingWriter(&mut out);
        w.write_all(b"GET /card/get?access_token=abcdef&x=1\n")
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "GET /card/get?access_token=***&x=1\n"
        );
    }
}
