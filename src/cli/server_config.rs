//! The settings of `coupon-studio server`: its flags, and the same settings from the
//! environment or the config file (`--config FILE` or `$COUPON_STUDIO_SERVER_CONFIG`, TOML
//! with the flags' names in snake_case). The command line wins over the environment, which
//! wins over the file. The secrets need never be on the command line, where other users see
//! them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use coupon_studio::server::clock::Clock;
use coupon_studio::server::platform::PlatformConfig;
use coupon_studio::server::platform::seal::MasterKey;
use coupon_studio::server::storage::Target;
use coupon_studio::server::{ServerConfig, WECHAT_BASE};
use serde::Deserialize;

use super::given::{env, given};

/// The environment variables read, beside the flags.
pub(super) mod vars {
    pub const CONFIG: &str = "COUPON_STUDIO_SERVER_CONFIG";
    pub const ADDR: &str = "COUPON_STUDIO_SERVER_ADDR";
    pub const TOKEN: &str = "COUPON_STUDIO_SERVER_TOKEN";
    pub const AES_KEY: &str = "COUPON_STUDIO_SERVER_AES_KEY";
    pub const APPID: &str = "COUPON_STUDIO_SERVER_APPID";
    pub const SECRET: &str = "COUPON_STUDIO_SERVER_SECRET";
    pub const DATA_DIR: &str = "COUPON_STUDIO_SERVER_DATA_DIR";
    pub const DATABASE: &str = "COUPON_STUDIO_SERVER_DATABASE";
    pub const DATABASE_CA_FILE: &str = "COUPON_STUDIO_SERVER_DATABASE_CA_FILE";
    pub const WECHAT_BASE: &str = "COUPON_STUDIO_SERVER_WECHAT_BASE";
    pub const COMPONENT_APPID: &str = "COUPON_STUDIO_SERVER_COMPONENT_APPID";
    pub const COMPONENT_SECRET: &str = "COUPON_STUDIO_SERVER_COMPONENT_SECRET";
    pub const MASTER_KEY: &str = "COUPON_STUDIO_SERVER_MASTER_KEY";
    pub const PUBLIC_URL: &str = "COUPON_STUDIO_SERVER_PUBLIC_URL";
}

/// Where `server` listens when nothing says otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Where the data lives.
#[derive(Debug, Default, Args)]
pub(super) struct DbArgs {
    /// SQLite in this folder (the default: the data folder's `server/`; else
    /// $COUPON_STUDIO_SERVER_DATA_DIR or the config file's `data_dir`).
    #[arg(long, value_name = "DIR", conflicts_with = "database")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL, e.g. postgres://coupon@localhost/coupon?sslmode=disable (else
    /// $COUPON_STUDIO_SERVER_DATABASE or the config file's `database`). It may hold a
    /// password: prefer the environment or the config file. sslmode=require insists on TLS,
    /// disable never uses it, prefer (the default) uses it when the server offers a
    /// certificate that verifies and else connects in the clear with a warning; a certificate
    /// is always verified, chain and host name (libpq's require does not verify).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// The CA certificate(s), PEM, that sign PostgreSQL's certificate when Mozilla's roots
    /// do not: a cloud provider's (Tencent Cloud, Alibaba Cloud, AWS RDS…) or the team's
    /// (else $COUPON_STUDIO_SERVER_DATABASE_CA_FILE or the config file's `database_ca_file`).
    #[arg(long, value_name = "PATH")]
    pub database_ca_file: Option<PathBuf>,
    /// The config file (TOML; else $COUPON_STUDIO_SERVER_CONFIG).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl DbArgs {
    /// Whether none of the flags is given.
    pub fn is_empty(&self) -> bool {
        self.data_dir.is_none()
            && self.database.is_none()
            && self.database_ca_file.is_none()
            && self.config.is_none()
    }
}

/// Running the server.
#[derive(Debug, Args)]
pub(super) struct RunArgs {
    /// Address to listen on (else $COUPON_STUDIO_SERVER_ADDR, the config's `addr`,
    /// 127.0.0.1:8080). Put TLS in front of it: a reverse proxy (see the README).
    #[arg(long, value_name = "ADDR")]
    pub addr: Option<SocketAddr>,
    /// The Token of 公众平台's server configuration, or of the open platform's
    /// (消息校验Token) (else $COUPON_STUDIO_SERVER_TOKEN or the config's `token`; the command
    /// line is visible to other users).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// The EncodingAESKey, 43 characters (else $COUPON_STUDIO_SERVER_AES_KEY or the config's
    /// `encoding_aes_key`).
    #[arg(long, value_name = "KEY")]
    pub encoding_aes_key: Option<String>,
    /// The AppID of the official account (else $COUPON_STUDIO_SERVER_APPID or the config's
    /// `appid`); optional with --component-appid.
    #[arg(long, value_name = "APPID")]
    pub appid: Option<String>,
    /// The AppSecret, first line of this file, for /api/v1/token (else
    /// $COUPON_STUDIO_SERVER_SECRET, or the config's `secret` or `secret_file`).
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// WeChat's API (tests point it at the simulator).
    #[arg(long, value_name = "URL")]
    pub wechat_base: Option<String>,
    /// Play this open platform (第三方平台) for the merchants that authorize it (else
    /// $COUPON_STUDIO_SERVER_COMPONENT_APPID or the config's `component_appid`).
    #[arg(long, value_name = "APPID")]
    pub component_appid: Option<String>,
    /// The platform's AppSecret (visible to other users: prefer --component-secret-file,
    /// $COUPON_STUDIO_SERVER_COMPONENT_SECRET or the config's `component_secret`).
    #[arg(long, value_name = "SECRET", conflicts_with = "component_secret_file")]
    pub component_secret: Option<String>,
    /// The platform's AppSecret, first line of this file (or the config's
    /// `component_secret_file`).
    #[arg(long, value_name = "FILE")]
    pub component_secret_file: Option<PathBuf>,
    /// The master key the platform's tokens are sealed with at rest: 64 hex digits, first
    /// line of this file (else $COUPON_STUDIO_SERVER_MASTER_KEY, or the config's
    /// `master_key` or `master_key_file`). Make one with `openssl rand -hex 32`.
    #[arg(long, value_name = "FILE")]
    pub master_key_file: Option<PathBuf>,
    /// The server's public base URL, e.g. https://coupons.example.com: merchants return to
    /// its /platform/callback after authorizing (else $COUPON_STUDIO_SERVER_PUBLIC_URL or the
    /// config's `public_url`).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

impl RunArgs {
    /// The flags given that only a running server uses.
    pub fn run_flags(&self) -> Vec<&'static str> {
        let given = [
            (self.addr.is_some(), "--addr"),
            (self.token.is_some(), "--token"),
            (self.encoding_aes_key.is_some(), "--encoding-aes-key"),
            (self.appid.is_some(), "--appid"),
            (self.secret_file.is_some(), "--secret-file"),
            (self.wechat_base.is_some(), "--wechat-base"),
            (self.component_appid.is_some(), "--component-appid"),
            (self.component_secret.is_some(), "--component-secret"),
            (
                self.component_secret_file.is_some(),
                "--component-secret-file",
            ),
            (self.master_key_file.is_some(), "--master-key-file"),
            (self.public_url.is_some(), "--public-url"),
        ];
        given
            .into_iter()
            .filter(|(set, _)| *set)
            .map(|(_, flag)| flag)
            .collect()
    }
}

/// The config file: any of the flags, in snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    addr: Option<SocketAddr>,
    token: Option<String>,
    encoding_aes_key: Option<String>,
    appid: Option<String>,
    secret: Option<String>,
    secret_file: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    database: Option<String>,
    database_ca_file: Option<PathBuf>,
    wechat_base: Option<String>,
    component_appid: Option<String>,
    component_secret: Option<String>,
    component_secret_file: Option<PathBuf>,
    master_key: Option<String>,
    master_key_file: Option<PathBuf>,
    public_url: Option<String>,
}

/// Reads the config file of `--config` or the environment, if any.
pub(super) fn file_config(flag: Option<&Path>) -> anyhow::Result<FileConfig> {
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
// Unix only: Windows has neither these modes nor owners to give.
#[cfg_attr(not(unix), allow(unused_variables))]
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

/// A secret from the first of: a flag's value, a flag's file, the environment, the config
/// file's value, the config file's file.
fn secret(
    what: &str,
    flag: Option<String>,
    flag_file: Option<&Path>,
    var: &str,
    value: Option<String>,
    file: Option<&Path>,
) -> anyhow::Result<Option<String>> {
    match given(what, flag.as_deref(), flag_file, Some(var))? {
        Some(s) => Ok(Some(s)),
        None => given(what, value.as_deref(), file, None),
    }
}

/// The database: the command line, else the environment, else the config file, else SQLite
/// in the data folder.
pub(super) fn target(db: &DbArgs, file: &FileConfig) -> anyhow::Result<Target> {
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

/// The CA file for PostgreSQL's certificate: the command line, else the environment, else the
/// config file.
pub(super) fn database_ca_file(db: &DbArgs, file: &FileConfig) -> Option<PathBuf> {
    pick(
        db.database_ca_file.clone(),
        vars::DATABASE_CA_FILE,
        file.database_ca_file.clone(),
        PathBuf::from,
    )
}

/// The error of a missing setting.
fn need(what: &str, flag: &str, var: &str, key: &str) -> anyhow::Error {
    anyhow::anyhow!("{what} is missing: give {flag}, set ${var} or `{key}` in the config file")
}

/// The open platform's settings, when `--component-appid` (or its variable or key) is given.
fn platform_config(
    args: &mut RunArgs,
    file: &mut FileConfig,
) -> anyhow::Result<Option<PlatformConfig>> {
    let Some(appid) = pick(
        args.component_appid.take(),
        vars::COMPONENT_APPID,
        file.component_appid.take(),
        |s| s,
    ) else {
        return Ok(None);
    };
    let component_secret = secret(
        "component secret",
        args.component_secret.take(),
        args.component_secret_file.as_deref(),
        vars::COMPONENT_SECRET,
        file.component_secret.take(),
        file.component_secret_file.as_deref(),
    )?
    .ok_or_else(|| {
        need(
            "the platform's AppSecret",
            "--component-secret-file",
            vars::COMPONENT_SECRET,
            "component_secret",
        )
    })?;
    let master = secret(
        "master key",
        None,
        args.master_key_file.as_deref(),
        vars::MASTER_KEY,
        file.master_key.take(),
        file.master_key_file.as_deref(),
    )?
    .ok_or_else(|| {
        need(
            "the master key (64 hex digits: `openssl rand -hex 32`)",
            "--master-key-file",
            vars::MASTER_KEY,
            "master_key",
        )
    })?;
    let master_key = MasterKey::parse(&master).context("the master key")?;
    let mut config = PlatformConfig::new(appid.trim(), &component_secret, master_key);
    config.public_url = pick(
        args.public_url.take(),
        vars::PUBLIC_URL,
        file.public_url.take(),
        |s| s,
    );
    if let Some(url) = &config.public_url {
        let parsed = url::Url::parse(url.trim()).context("--public-url")?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            bail!(
                "--public-url must be an http(s) base URL without a query, e.g. https://coupons.example.com"
            );
        }
    }
    Ok(Some(config))
}

/// The whole configuration of a run.
pub(super) fn server_config(mut args: RunArgs) -> anyhow::Result<ServerConfig> {
    let mut file = file_config(args.db.config.as_deref())?;
    let target = target(&args.db, &file)?;
    let database_ca_file = database_ca_file(&args.db, &file);
    let platform = platform_config(&mut args, &mut file)?;
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
    let appid = pick(args.appid, vars::APPID, file.appid, |s| s);
    if appid.is_none() && platform.is_none() {
        return Err(need("the AppID", "--appid", vars::APPID, "appid").context(
            "give the official account's AppID, or --component-appid for an open platform",
        ));
    }
    let secret = secret(
        "secret",
        None,
        args.secret_file.as_deref(),
        vars::SECRET,
        file.secret,
        file.secret_file.as_deref(),
    )?;
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
        appid: appid.map(|a| a.trim().to_owned()),
        secret,
        target,
        database_ca_file,
        wechat_base,
        platform,
        clock: Clock::system(),
    })
}
