//! `coupon-studio sandbox`: the WeChat API simulator as a standalone server (optionally
//! playing an open platform, `--component-appid`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::bail;
use clap::Args;
use coupon_studio::api::{ApiClient, SandboxAdmin, TokenSource};
use coupon_studio::sandbox::{
    ComponentConfig, PushConfig, SANDBOX_APPID, SandboxConfig, generate_key, original_id, spawn,
};

use super::given::given;

/// Where the AppSecret comes from when neither --secret nor --secret-file is given.
const SECRET_ENV: &str = "COUPON_STUDIO_SANDBOX_SECRET";
/// Where the admin key comes from when --admin-key-file is not given.
pub(super) const ADMIN_KEY_ENV: &str = "COUPON_STUDIO_SANDBOX_ADMIN_KEY";
/// Where the push Token comes from when neither --push-token nor --push-token-file is given.
const PUSH_TOKEN_ENV: &str = "COUPON_STUDIO_SANDBOX_PUSH_TOKEN";
/// Where the EncodingAESKey comes from when neither --push-aes-key nor --push-aes-key-file is
/// given.
const PUSH_AES_KEY_ENV: &str = "COUPON_STUDIO_SANDBOX_PUSH_AES_KEY";
/// Where the platform's AppSecret comes from when neither flag gives it.
const COMPONENT_SECRET_ENV: &str = "COUPON_STUDIO_SANDBOX_COMPONENT_SECRET";
/// Where the platform's Token comes from when neither flag gives it.
const COMPONENT_TOKEN_ENV: &str = "COUPON_STUDIO_SANDBOX_COMPONENT_TOKEN";
/// Where the platform's EncodingAESKey comes from when neither flag gives it.
const COMPONENT_AES_KEY_ENV: &str = "COUPON_STUDIO_SANDBOX_COMPONENT_AES_KEY";

/// Arguments of `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    addr: SocketAddr,
    /// Require this AppID (with a secret from --secret-file, $COUPON_STUDIO_SANDBOX_SECRET or
    /// --secret); without, any credentials are accepted.
    #[arg(long)]
    appid: Option<String>,
    /// Require this AppSecret. It shows in the process list: prefer --secret-file or
    /// $COUPON_STUDIO_SANDBOX_SECRET.
    #[arg(long, requires = "appid", conflicts_with = "secret_file")]
    secret: Option<String>,
    /// Read the AppSecret to require from this file (its first line).
    #[arg(long, value_name = "PATH", requires = "appid")]
    secret_file: Option<PathBuf>,
    /// Keep the state in this JSON file across restarts (written with mode 0600: it holds
    /// live tokens).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Seconds a new card stays in review.
    #[arg(long, default_value_t = 3)]
    review_delay_secs: u64,
    /// Start the simulated clock at this time (unix seconds) instead of now.
    #[arg(long)]
    start_time: Option<i64>,
    /// Allow listening on a non-loopback address and any Host on /sandbox/*; the admin API
    /// then requires a key (X-Sandbox-Key), generated and printed unless one is given.
    #[arg(long)]
    allow_remote: bool,
    /// Require the admin key in this file (its first line) on /sandbox/*; else
    /// $COUPON_STUDIO_SANDBOX_ADMIN_KEY, else one generated with --allow-remote.
    #[arg(long, value_name = "PATH")]
    admin_key_file: Option<PathBuf>,
    /// Load the demo campaign before serving (an approved card with pictures and stock,
    /// four channels' QR codes, orders and a simulated week), for trainers; prints a `demo:`
    /// line when it is ready.
    #[arg(long)]
    demo: bool,
    /// With --demo: the seed of the simulated week.
    #[arg(long, default_value_t = 42, requires = "demo")]
    demo_seed: u64,
    /// Push the card events users cause to this URL (any http or https URL), signed (and with
    /// an EncodingAESKey encrypted) as WeChat pushes them to a merchant's server.
    #[arg(long, value_name = "URL")]
    push_url: Option<String>,
    /// The Token of the server configuration that pushes are signed with. It shows in the
    /// process list: prefer --push-token-file or $COUPON_STUDIO_SANDBOX_PUSH_TOKEN.
    #[arg(long, requires = "push_url", conflicts_with = "push_token_file")]
    push_token: Option<Hidden>,
    /// Read the push Token from this file (its first line).
    #[arg(long, value_name = "PATH", requires = "push_url")]
    push_token_file: Option<PathBuf>,
    /// The EncodingAESKey (43 characters): push in safe mode (encrypted). Without one (nor
    /// --push-aes-key-file, nor $COUPON_STUDIO_SANDBOX_PUSH_AES_KEY) pushes are plain. It shows
    /// in the process list: prefer the file or the environment.
    #[arg(long, requires = "push_url", conflicts_with = "push_aes_key_file")]
    push_aes_key: Option<Hidden>,
    /// Read the EncodingAESKey from this file (its first line).
    #[arg(long, value_name = "PATH", requires = "push_url")]
    push_aes_key_file: Option<PathBuf>,
    /// The AppID the pushes' envelope names; default --appid, else a fixed sandbox AppID.
    #[arg(long, requires = "push_url")]
    push_appid: Option<String>,
    /// The open platform (第三方平台) the simulator plays.
    #[command(flatten)]
    platform: Box<PlatformArgs>,
}

/// Arguments of `sandbox` for the open platform: with `--component-appid`, the simulator plays
/// that platform (cgi-bin/component/*, verify tickets every 10 minutes, authorization events,
/// authorized merchants' card events at the message URL), its pushes always encrypted.
#[derive(Debug, Args)]
struct PlatformArgs {
    /// Play the third-party platform of this AppID (component_appid). Its AppSecret comes from
    /// --component-secret-file, $COUPON_STUDIO_SANDBOX_COMPONENT_SECRET or --component-secret.
    #[arg(long)]
    component_appid: Option<String>,
    /// The platform's AppSecret. It shows in the process list: prefer the file or the
    /// environment.
    #[arg(
        long,
        requires = "component_appid",
        conflicts_with = "component_secret_file"
    )]
    component_secret: Option<Hidden>,
    /// Read the platform's AppSecret from this file (its first line).
    #[arg(long, value_name = "PATH", requires = "component_appid")]
    component_secret_file: Option<PathBuf>,
    /// The platform's Token (消息校验Token) its pushes are signed with. It shows in the
    /// process list: prefer --component-token-file or $COUPON_STUDIO_SANDBOX_COMPONENT_TOKEN.
    #[arg(
        long,
        requires = "component_appid",
        conflicts_with = "component_token_file"
    )]
    component_token: Option<Hidden>,
    /// Read the platform's Token from this file (its first line).
    #[arg(long, value_name = "PATH", requires = "component_appid")]
    component_token_file: Option<PathBuf>,
    /// The platform's EncodingAESKey (消息加解密Key, 43 characters). It shows in the process
    /// list: prefer --component-aes-key-file or $COUPON_STUDIO_SANDBOX_COMPONENT_AES_KEY.
    #[arg(
        long,
        requires = "component_appid",
        conflicts_with = "component_aes_key_file"
    )]
    component_aes_key: Option<Hidden>,
    /// Read the platform's EncodingAESKey from this file (its first line).
    #[arg(long, value_name = "PATH", requires = "component_appid")]
    component_aes_key_file: Option<PathBuf>,
    /// 授权事件接收URL: where verify tickets and authorization events are pushed.
    #[arg(long, value_name = "URL", requires = "component_appid")]
    component_auth_url: Option<String>,
    /// 消息与事件接收URL, containing $APPID$ (replaced with the merchant's AppID): where the
    /// card events of merchants that authorized the platform are pushed.
    #[arg(long, value_name = "URL", requires = "component_appid")]
    component_message_url: Option<String>,
}

/// A secret given on the command line: its `Debug` form does not show it.
#[derive(Clone)]
struct Hidden(String);

impl std::str::FromStr for Hidden {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The secret to require: --secret, --secret-file, then the environment.
fn secret(args: &SandboxArgs) -> anyhow::Result<Option<String>> {
    given(
        "secret",
        args.secret.as_deref(),
        args.secret_file.as_deref(),
        Some(SECRET_ENV),
    )
}

/// The admin key and whether it was generated (and so must be printed).
fn admin_key(args: &SandboxArgs) -> anyhow::Result<Option<(String, bool)>> {
    let key = given(
        "admin key",
        None,
        args.admin_key_file.as_deref(),
        Some(ADMIN_KEY_ENV),
    )?;
    Ok(match key {
        Some(key) => Some((key, false)),
        None => args.allow_remote.then(|| (generate_key(), true)),
    })
}

/// A value from its flag, its file, or the environment, in that order.
fn hidden(
    flag: &Option<Hidden>,
    file: &Option<PathBuf>,
    what: &str,
    var: &str,
) -> anyhow::Result<Option<String>> {
    let flag = flag.as_ref().map(|Hidden(v)| v.as_str());
    given(what, flag, file.as_deref(), Some(var))
}

/// The push settings: with --push-url, a token (flag, file or environment) is required.
fn push(args: &SandboxArgs) -> anyhow::Result<Option<PushConfig>> {
    let Some(url) = &args.push_url else {
        return Ok(None);
    };
    let token = hidden(&args.push_token, &args.push_token_file, "push token", PUSH_TOKEN_ENV)?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--push-url needs a token: --push-token-file PATH, ${PUSH_TOKEN_ENV}, or --push-token (visible to other users in the process list)"
            )
        })?;
    let aes_key = hidden(
        &args.push_aes_key,
        &args.push_aes_key_file,
        "push EncodingAESKey",
        PUSH_AES_KEY_ENV,
    )?;
    Ok(Some(PushConfig {
        url: url.clone(),
        token,
        aes_key,
        appid: args.push_appid.clone(),
    }))
}

/// The platform to play: with --component-appid, its secret, token and key (flag, file or
/// environment) are required.
fn platform(args: &PlatformArgs) -> anyhow::Result<Option<ComponentConfig>> {
    let Some(appid) = &args.component_appid else {
        return Ok(None);
    };
    let need = |value: Option<String>, what: &str, flag: &str, var: &str| {
        value.ok_or_else(|| {
            anyhow::anyhow!(
                "--component-appid needs the platform's {what}: --{flag}-file PATH, ${var}, or --{flag} (visible to other users in the process list)"
            )
        })
    };
    let secret = hidden(
        &args.component_secret,
        &args.component_secret_file,
        "platform AppSecret",
        COMPONENT_SECRET_ENV,
    )?;
    let token = hidden(
        &args.component_token,
        &args.component_token_file,
        "platform Token",
        COMPONENT_TOKEN_ENV,
    )?;
    let aes_key = hidden(
        &args.component_aes_key,
        &args.component_aes_key_file,
        "platform EncodingAESKey",
        COMPONENT_AES_KEY_ENV,
    )?;
    Ok(Some(ComponentConfig {
        appid: appid.clone(),
        secret: need(
            secret,
            "AppSecret",
            "component-secret",
            COMPONENT_SECRET_ENV,
        )?,
        token: need(token, "Token", "component-token", COMPONENT_TOKEN_ENV)?,
        aes_key: need(
            aes_key,
            "EncodingAESKey",
            "component-aes-key",
            COMPONENT_AES_KEY_ENV,
        )?,
        auth_url: args.component_auth_url.clone(),
        message_url: args.component_message_url.clone(),
    }))
}

/// The simulator's configuration and the key to print, if one was generated.
fn config(args: SandboxArgs) -> anyhow::Result<(SandboxConfig, Option<String>)> {
    let credentials = match (&args.appid, secret(&args)?) {
        (Some(appid), Some(secret)) => Some((appid.clone(), secret)),
        (Some(_), None) => bail!(
            "--appid needs a secret: --secret-file PATH, ${SECRET_ENV}, or --secret (visible to other users in the process list)"
        ),
        (None, _) => None,
    };
    let key = admin_key(&args)?;
    let print = key.as_ref().and_then(|(k, made)| made.then(|| k.clone()));
    let push = push(&args)?;
    let component = platform(&args.platform)?;
    let config = SandboxConfig {
        addr: args.addr,
        credentials,
        state_file: args.state,
        review_delay: Duration::from_secs(args.review_delay_secs),
        start_time: args.start_time,
        allow_remote: args.allow_remote,
        admin_key: key.map(|(k, _)| k),
        push,
        component,
        ..SandboxConfig::default()
    };
    Ok((config, print))
}

/// `--demo`: the demo campaign through the simulator's own paths; the line to print.
async fn load_demo(
    url: &str,
    credentials: Option<(String, String)>,
    key: Option<&str>,
    seed: u64,
) -> anyhow::Result<String> {
    let (appid, secret) = credentials.unwrap_or_else(|| ("sandbox".into(), "sandbox".into()));
    let client = ApiClient::for_simulator(url, TokenSource::Stable { appid, secret })?;
    let admin = SandboxAdmin::new(url, Duration::from_secs(30))?;
    let admin = match key {
        Some(k) => admin.with_key(k),
        None => admin,
    };
    let c = coupon_studio::demo::load(&client, &admin, seed).await?;
    Ok(format!(
        "demo: card {} with {} units, {} channels, {} days simulated (seed {seed})",
        c.card_id,
        c.stock,
        c.channels.len(),
        coupon_studio::demo::DEMO_DAYS
    ))
}

/// Runs the simulator until Ctrl-C (SIGINT), which stops it within about a second even while
/// a client holds a half-sent request open.
pub fn run(args: SandboxArgs) -> ExitCode {
    if !args.addr.ip().is_loopback() && !args.allow_remote {
        eprintln!(
            "refusing to listen on {}: not loopback (add --allow-remote to insist)",
            args.addr
        );
        return ExitCode::from(2);
    }
    let demo = args.demo.then_some(args.demo_seed);
    let (config, print_key) = match config(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let (credentials, key) = (config.credentials.clone(), config.admin_key.clone());
    let push_note = config.push.as_ref().map(|p| {
        let appid = p
            .appid
            .clone()
            .or_else(|| credentials.as_ref().map(|(a, _)| a.clone()))
            .unwrap_or_else(|| SANDBOX_APPID.to_owned());
        let mode = if p.aes_key.is_some() { "safe" } else { "plain" };
        format!(
            "pushing card events in {mode} mode (AppID {appid}, ToUserName {})",
            original_id(&appid)
        )
    });
    let platform_note = config.component.as_ref().map(|c| {
        format!(
            "playing the third-party platform {} (verify tickets {}, authorized merchants' events {})",
            c.appid,
            if c.auth_url.is_some() { "pushed every 10 minutes" } else { "not pushed: no --component-auth-url" },
            if c.message_url.is_some() { "pushed to the message URL" } else { "not pushed: no --component-message-url" },
        )
    });
    let code = rt.block_on(async move {
        let handle = match spawn(config).await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        use std::io::Write;
        println!("listening on {}", handle.url());
        for note in [push_note, platform_note].into_iter().flatten() {
            eprintln!("{note}");
        }
        if let Some(key) = print_key {
            println!("admin key: {key}");
        }
        if let Some(seed) = demo {
            match load_demo(&handle.url(), credentials, key.as_deref(), seed).await {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("demo: {e:#}");
                    handle.shutdown().await;
                    return ExitCode::FAILURE;
                }
            }
        }
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        handle.shutdown().await;
        ExitCode::SUCCESS
    });
    // Nothing may keep the process: tasks still running are dropped, not waited for.
    rt.shutdown_timeout(Duration::from_millis(200));
    code
}
