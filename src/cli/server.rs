//! `coupon-studio server`: the company server (src/server), and its API keys
//! (`add-key`, `list-keys`, `revoke-key`).
//!
//! Every setting comes from the command line, else the environment, else the config file
//! (`--config FILE` or `$COUPON_STUDIO_SERVER_CONFIG`, TOML with the flags' names in
//! snake_case). The secrets need never be on the command line, where other users see them.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use coupon_studio::server::storage::{self, Storage, Target};
use coupon_studio::server::{ServerConfig, WECHAT_BASE, keys};
use serde::Deserialize;

use super::sandbox::{env, first_line};

/// The environment variables read, beside the flags.
mod vars {
    pub const CONFIG: &str = "COUPON_STUDIO_SERVER_CONFIG";
    pub const ADDR: &str = "COUPON_STUDIO_SERVER_ADDR";
    pub const TOKEN: &str = "COUPON_STUDIO_SERVER_TOKEN";
    pub const AES_KEY: &str = "COUPON_STUDIO_SERVER_AES_KEY";
    pub const APPID: &str = "COUPON_STUDIO_SERVER_APPID";
    pub const SECRET: &str = "COUPON_STUDIO_SERVER_SECRET";
    pub const DATA_DIR: &str = "COUPON_STUDIO_SERVER_DATA_DIR";
    pub const DATABASE: &str = "COUPON_STUDIO_SERVER_DATABASE";
    pub const WECHAT_BASE: &str = "COUPON_STUDIO_SERVER_WECHAT_BASE";
}

/// Where `server` listens when nothing says otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Arguments of `server`: run it (the flags), or manage its API keys (the subcommands,
/// whose database flags may also come before them: `server --data-dir DIR add-key NAME`).
#[derive(Debug, Args)]
pub struct ServerArgs {
    #[command(subcommand)]
    command: Option<KeyCommand>,
    #[command(flatten)]
    run: RunArgs,
}

/// Managing the API keys (one per person).
#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Create an API key for one person; the key is printed once, as the last line.
    AddKey {
        #[command(flatten)]
        db: DbArgs,
        /// Whose key it is (a person's name).
        name: String,
    },
    /// List the keys: names, when created, whether revoked (never the keys).
    ListKeys {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a person's key: it is refused from now on.
    RevokeKey {
        #[command(flatten)]
        db: DbArgs,
        /// Whose key.
        name: String,
    },
}

/// Where the data lives.
#[derive(Debug, Default, Args)]
struct DbArgs {
    /// SQLite in this folder (the default: the data folder's `server/`; else
    /// $COUPON_STUDIO_SERVER_DATA_DIR or the config file's `data_dir`).
    #[arg(long, value_name = "DIR", conflicts_with = "database")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL, e.g. postgres://coupon@localhost/coupon?sslmode=disable (else
    /// $COUPON_STUDIO_SERVER_DATABASE or the config file's `database`). It may hold a
    /// password: prefer the environment or the config file.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The config file (TOML; else $COUPON_STUDIO_SERVER_CONFIG).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Running the server.
#[derive(Debug, Args)]
struct RunArgs {
    /// Address to listen on (else $COUPON_STUDIO_SERVER_ADDR, the config's `addr`,
    /// 127.0.0.1:8080). Put TLS in front of it: a reverse proxy (see the README).
    #[arg(long, value_name = "ADDR")]
    addr: Option<SocketAddr>,
    /// The Token of 公众平台's server configuration (else $COUPON_STUDIO_SERVER_TOKEN or the
    /// config's `token`; the command line is visible to other users).
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// The EncodingAESKey, 43 characters (else $COUPON_STUDIO_SERVER_AES_KEY or the config's
    /// `encoding_aes_key`).
    #[arg(long, value_name = "KEY")]
    encoding_aes_key: Option<String>,
    /// The AppID (else $COUPON_STUDIO_SERVER_APPID or the config's `appid`).
    #[arg(long, value_name = "APPID")]
    appid: Option<String>,
    /// The AppSecret, first line of this file, for /api/v1/token (else
    /// $COUPON_STUDIO_SERVER_SECRET, or the config's `secret` or `secret_file`).
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
    /// WeChat's API (tests point it at the simulator).
    #[arg(long, value_name = "URL")]
    wechat_base: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

/// The config file: any of the flags, in snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    addr: Option<SocketAddr>,
    token: Option<String>,
    encoding_aes_key: Option<String>,
    appid: Option<String>,
    secret: Option<String>,
    secret_file: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    database: Option<String>,
    wechat_base: Option<String>,
}

/// Reads the config file of `--config` or the environment, if any.
fn file_config(flag: Option<&Path>) -> anyhow::Result<FileConfig> {
    let path = match flag {
        Some(p) => p.to_owned(),
        None => match env(vars::CONFIG) {
            Some(p) => PathBuf::from(p),
            None => return Ok(FileConfig::default()),
        },
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    warn_if_readable_by_others(&path);
    // toml's message quotes the offending line, which may be a secret: only its position.
    toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .and_then(|s| text.get(..s.start))
            .map(|before| format!(" (line {})", before.lines().count().max(1)));
        anyhow::anyhow!(
            "the config file {} is not valid{}: {}",
            path.display(),
            at.unwrap_or_default(),
            e.message()
        )
    })
}

/// The config file holds secrets: say so when other users may read it (it is still used, as
/// ssh does not; the operator decides).
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            eprintln!(
                "warning: {} can be read by other users; it holds secrets: chmod 600 it",
                path.display()
            );
        }
    }
}

/// The first of: the flag, the environment variable, the config file's value.
fn pick<T>(flag: Option<T>, var: &str, file: Option<T>, parse: impl Fn(String) -> T) -> Option<T> {
    flag.or_else(|| env(var).map(parse)).or(file)
}

/// The database: the command line, else the environment, else the config file, else SQLite
/// in the data folder.
fn target(db: &DbArgs, file: &FileConfig) -> anyhow::Result<Target> {
    if let Some(url) = &db.database {
        return Ok(Target::Postgres(url.clone()));
    }
    if let Some(dir) = &db.data_dir {
        return Ok(Target::DataDir(dir.clone()));
    }
    match (env(vars::DATABASE), env(vars::DATA_DIR)) {
        (Some(_), Some(_)) => bail!("set {} or {}, not both", vars::DATABASE, vars::DATA_DIR),
        (Some(url), None) => return Ok(Target::Postgres(url)),
        (None, Some(dir)) => return Ok(Target::DataDir(dir.into())),
        (None, None) => {}
    }
    Ok(match (&file.database, &file.data_dir) {
        (Some(_), Some(_)) => bail!("the config file names both database and data_dir"),
        (Some(url), None) => Target::Postgres(url.clone()),
        (None, Some(dir)) => Target::DataDir(dir.clone()),
        (None, None) => Target::DataDir(coupon_studio::paths::data_dir().join("server")),
    })
}

/// The whole configuration of a run.
fn server_config(args: RunArgs) -> anyhow::Result<ServerConfig> {
    let file = file_config(args.db.config.as_deref())?;
    let target = target(&args.db, &file)?;
    let need = |what: &str, flag: &str, var: &str, key: &str| {
        anyhow::anyhow!("{what} is missing: give {flag}, set ${var} or `{key}` in the config file")
    };
    let token = pick(args.token, vars::TOKEN, file.token, |s| s)
        .ok_or_else(|| need("the Token", "--token", vars::TOKEN, "token"))?;
    let aes = pick(
        args.encoding_aes_key,
        vars::AES_KEY,
        file.encoding_aes_key,
        |s| s,
    )
    .ok_or_else(|| {
        need(
            "the EncodingAESKey",
            "--encoding-aes-key",
            vars::AES_KEY,
            "encoding_aes_key",
        )
    })?;
    let appid = pick(args.appid, vars::APPID, file.appid, |s| s)
        .ok_or_else(|| need("the AppID", "--appid", vars::APPID, "appid"))?;
    let secret = match (&args.secret_file, env(vars::SECRET)) {
        (Some(path), _) => Some(first_line("secret", path)?),
        (None, Some(s)) => Some(s.trim().to_owned()),
        (None, None) => match (file.secret, &file.secret_file) {
            (Some(s), _) => Some(s),
            (None, Some(path)) => Some(first_line("secret", path)?),
            (None, None) => None,
        },
    };
    let addr = match pick(args.addr.map(Ok), vars::ADDR, file.addr.map(Ok), |s| {
        s.trim().parse::<SocketAddr>().map_err(|e| (s, e))
    }) {
        Some(Ok(a)) => a,
        Some(Err((s, e))) => bail!("${}={s}: {e}", vars::ADDR),
        None => DEFAULT_ADDR.parse()?,
    };
    let wechat_base = pick(args.wechat_base, vars::WECHAT_BASE, file.wechat_base, |s| s)
        .unwrap_or_else(|| WECHAT_BASE.to_owned());
    Ok(ServerConfig {
        addr,
        token: token.trim().to_owned(),
        encoding_aes_key: aes.trim().to_owned(),
        appid: appid.trim().to_owned(),
        secret,
        target,
        wechat_base,
    })
}

/// Logs to standard error (journald under systemd), every line redacted.
fn init_logging() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(coupon_studio::logging::Redacting(std::io::stderr));
    let filter = Targets::new()
        .with_target("coupon_studio", LevelFilter::INFO)
        .with_default(LevelFilter::WARN);
    let _ = tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(layer).with(filter),
    );
}

/// Waits for Ctrl-C or, under systemd, SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    let handle = coupon_studio::server::spawn(config).await?;
    // Tests and scripts read this line to learn the port: print it, then flush.
    println!("listening on {}", handle.url());
    std::io::stdout().flush()?;
    stopped().await;
    tracing::info!("stopping");
    handle.shutdown().await;
    Ok(())
}

async fn open(db: &DbArgs) -> anyhow::Result<Arc<dyn Storage>> {
    let file = file_config(db.config.as_deref())?;
    Ok(storage::open(&target(db, &file)?).await?)
}

/// The date of a unix time, for `list-keys`.
fn date(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

async fn keys_command(command: KeyCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp();
    match command {
        KeyCommand::AddKey { db, name } => {
            if !keys::valid_name(&name) {
                bail!("a key's name is 1 to 64 characters, no line breaks nor outer spaces");
            }
            let storage = open(&db).await?;
            let key = keys::generate();
            storage.add_key(name.clone(), keys::hash(&key), now).await?;
            println!("API key for {name} (shown once; enter it in the app's 公司服务器 account):");
            println!("{key}");
        }
        KeyCommand::ListKeys { db } => {
            let list = open(&db).await?.keys().await?;
            if list.is_empty() {
                println!("no keys yet: `coupon-studio server add-key NAME`");
            }
            for k in list {
                let state = match k.revoked_at {
                    Some(at) => format!("revoked {}", date(at)),
                    None => "active".to_owned(),
                };
                println!("{}\tcreated {}\t{state}", k.name, date(k.created_at));
            }
        }
        KeyCommand::RevokeKey { db, name } => {
            if !open(&db).await?.revoke_key(name.clone(), now).await? {
                bail!("no active key named {name:?}");
            }
            println!("revoked the key of {name}");
        }
    }
    Ok(())
}

/// A key command with the database flags given before it, when it has none of its own;
/// refuses the flags that only a running server uses.
fn key_command_with(command: KeyCommand, outer: RunArgs) -> anyhow::Result<KeyCommand> {
    let RunArgs {
        addr,
        token,
        encoding_aes_key,
        appid,
        secret_file,
        wechat_base,
        db: outer_db,
    } = outer;
    if addr.is_some()
        || token.is_some()
        || encoding_aes_key.is_some()
        || appid.is_some()
        || secret_file.is_some()
        || wechat_base.is_some()
    {
        bail!(
            "--addr, --token, --encoding-aes-key, --appid, --secret-file and --wechat-base start the server: not with a key command"
        );
    }
    let pick = |db: DbArgs| {
        if db.data_dir.is_none() && db.database.is_none() && db.config.is_none() {
            outer_db
        } else {
            db
        }
    };
    Ok(match command {
        KeyCommand::AddKey { db, name } => KeyCommand::AddKey { db: pick(db), name },
        KeyCommand::ListKeys { db } => KeyCommand::ListKeys { db: pick(db) },
        KeyCommand::RevokeKey { db, name } => KeyCommand::RevokeKey { db: pick(db), name },
    })
}

/// Runs `server` (until Ctrl-C or SIGTERM) or one of its key commands.
pub fn run(args: ServerArgs) -> ExitCode {
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let done = match args.command {
        Some(command) => match key_command_with(command, args.run) {
            Ok(command) => rt.block_on(keys_command(command)),
            Err(e) => {
                eprintln!("{e:#}");
                return ExitCode::from(2);
            }
        },
        None => match server_config(args.run) {
            Ok(config) => {
                init_logging();
                rt.block_on(serve(config))
            }
            Err(e) => {
                eprintln!("{e:#}");
                return ExitCode::from(2);
            }
        },
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::FAILURE
        }
    }
}
