//! `coupon-studio server`: the company server (src/server), and its API keys
//! (`add-key`, `list-keys`, `revoke-key`). Its settings are read in `server_config.rs`.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::bail;
use clap::{Args, Subcommand};
use coupon_studio::server::storage::{self, Storage};
use coupon_studio::server::{ServerConfig, keys};

use super::server_config::{DbArgs, RunArgs, database_ca_file, file_config, server_config, target};

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
        /// Limit the key to this merchant (an open platform's authorizer AppID); repeat for
        /// several. Without any, the key may act for every merchant and the account itself.
        #[arg(long = "merchant", value_name = "APPID")]
        merchants: Vec<String>,
        /// Whose key it is (a person's name).
        name: String,
    },
    /// List the keys: names, when created, whether revoked, which merchants (never the
    /// keys).
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
    let ca_file = database_ca_file(db, &file);
    Ok(storage::open_with_ca(&target(db, &file)?, ca_file.as_deref()).await?)
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
        KeyCommand::AddKey {
            db,
            merchants,
            name,
        } => {
            if !keys::valid_name(&name) {
                bail!("a key's name is 1 to 64 characters, no line breaks nor outer spaces");
            }
            if let Some(bad) = merchants.iter().find(|m| !keys::valid_merchant(m)) {
                bail!("--merchant {bad:?} is not an AppID");
            }
            let scope = (!merchants.is_empty()).then_some(merchants);
            let storage = open(&db).await?;
            let key = keys::generate();
            storage
                .add_scoped_key(name.clone(), keys::hash(&key), now, scope.clone())
                .await?;
            let limited = scope.map_or_else(String::new, |m| {
                format!("; only for the merchants {}", m.join(", "))
            });
            println!(
                "API key for {name}{limited} (shown once; enter it in the app's 公司服务器 account):"
            );
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
                let scope = k.merchants.map_or_else(
                    || "all merchants".to_owned(),
                    |m| format!("merchants: {}", m.join(", ")),
                );
                println!(
                    "{}\tcreated {}\t{state}\t{scope}",
                    k.name,
                    date(k.created_at)
                );
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
    let run_flags = outer.run_flags();
    if !run_flags.is_empty() {
        bail!(
            "{} start the server: not with a key command",
            run_flags.join(", ")
        );
    }
    let outer_db = outer.db;
    // The CA file may come before the command while the URL comes after it.
    let pick = |db: DbArgs| {
        if db.is_empty() {
            outer_db
        } else {
            DbArgs {
                database_ca_file: db.database_ca_file.or(outer_db.database_ca_file),
                ..db
            }
        }
    };
    Ok(match command {
        KeyCommand::AddKey {
            db,
            merchants,
            name,
        } => KeyCommand::AddKey {
            db: pick(db),
            merchants,
            name,
        },
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
