//! `coupon-studio doctor`: checks what this machine gives the app, for support and for the
//! installer test: the data folder can be written, and a secret round-trips through the
//! system keyring (Windows Credential Manager, the Secret Service on Linux, the Keychain).
//!
//! Exit codes: 0 every check passed, 1 one failed. The keyring entry it writes is its own
//! (`coupon-studio-doctor-<pid>`) and is deleted again; no account is touched.

use std::process::ExitCode;

use clap::Args;
use coupon_studio::accounts::{KeyringStore, SecretStore};

/// Arguments of `doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {}

/// The keyring as the user knows it on this system.
const KEYRING_NAME: &str = if cfg!(windows) {
    "Windows 凭据管理器 / Credential Manager"
} else if cfg!(target_os = "macos") {
    "钥匙串 / Keychain"
} else {
    "Secret Service (gnome-keyring, KWallet)"
};

/// Runs every check and prints one line for each.
pub fn run(_args: &DoctorArgs) -> ExitCode {
    println!(
        "卡券工作室 Coupon Studio {} ({} {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let dir = coupon_studio::paths::data_dir();
    let checks = [
        ("数据目录 / data folder", data_folder(&dir)),
        ("钥匙串 / keyring", keyring()),
    ];
    let mut ok = true;
    for (what, result) in &checks {
        match result {
            Ok(detail) => println!("正常 ok    {what}: {detail}"),
            Err(why) => {
                ok = false;
                println!("失败 FAIL  {what}: {why}");
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Creates the data folder if needed, then writes, reads back and removes a file in it.
fn data_folder(dir: &std::path::Path) -> Result<String, String> {
    let fail = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".doctor-{}.tmp", std::process::id()));
    let text = "卡券工作室 doctor";
    std::fs::write(&probe, text).map_err(fail)?;
    let back = std::fs::read_to_string(&probe).map_err(fail);
    std::fs::remove_file(&probe).map_err(fail)?;
    if back? != text {
        return Err(format!(
            "{}: 读回的内容不同 / read back differently",
            dir.display()
        ));
    }
    Ok(format!("{} (可写 / writable)", dir.display()))
}

/// Stores, reads and deletes a throwaway secret.
fn keyring() -> Result<String, String> {
    let name = format!("coupon-studio-doctor-{}", std::process::id());
    let secret = "卡券工作室-doctor-secret";
    let store = KeyringStore;
    store.set(&name, secret).map_err(|e| e.to_string())?;
    let back = store.get(&name).map_err(|e| e.to_string());
    store.delete(&name).map_err(|e| e.to_string())?;
    match back? {
        Some(s) if s == secret => {}
        other => {
            return Err(format!(
                "读回的值不同 / read back {}",
                if other.is_some() {
                    "a different value"
                } else {
                    "nothing"
                }
            ));
        }
    }
    if store.get(&name).map_err(|e| e.to_string())?.is_some() {
        return Err("删除后仍然存在 / still there after deleting".to_owned());
    }
    Ok(format!(
        "{KEYRING_NAME}: 存入、读回、删除正常 / stored, read back, deleted"
    ))
}
