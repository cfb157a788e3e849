//! What differs on Windows, run by Wine in CI (`scripts/ci-windows.sh`): the Credential
//! Manager, a user folder with a Chinese name, Excel's CSV files in it, a poster handed to
//! its associated program; and the native save dialog. Compiled only for Windows targets.
#![cfg(windows)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // A test fails loudly on purpose.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use coupon_studio::accounts::{KeyringStore, SecretStore};

/// `%TEMP%\<test>\Users\张三\AppData\Roaming\coupon-studio`: the data folder of a user whose
/// account name is Chinese, as `C:\Users\张三\…` is on a Chinese Windows.
fn chinese_home(test: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("coupon-studio-{test}-{}", std::process::id()))
        .join("Users")
        .join("张三")
        .join("AppData")
        .join("Roaming")
        .join("coupon-studio");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_secret_round_trips_through_the_credential_manager() {
    // No skipping here: on Windows the keyring crate's backend is always there.
    let appid = format!("wx-coupon-studio-wine-{}", std::process::id());
    let secret = "应用密钥-AppSecret-0123456789abcdef";
    KeyringStore.set(&appid, secret).unwrap();
    assert_eq!(KeyringStore.get(&appid).unwrap().as_deref(), Some(secret));
    KeyringStore.set(&appid, "replaced").unwrap();
    assert_eq!(
        KeyringStore.get(&appid).unwrap().as_deref(),
        Some("replaced")
    );
    KeyringStore.delete(&appid).unwrap();
    assert_eq!(KeyringStore.get(&appid).unwrap(), None);
}

#[test]
fn drafts_live_in_a_data_folder_under_a_chinese_user_name() {
    let dir = chinese_home("drafts");
    let db = dir.join("coupon-studio.sqlite");
    let body = r#"{"card":{"card_type":"CASH"}}"#;
    let id = {
        let store = coupon_studio::store::Store::open(&db).unwrap();
        store.create_draft("双十一 羽绒服", body).unwrap()
    };
    let store = coupon_studio::store::Store::open(&db).unwrap();
    let draft = store.load_draft(id).unwrap();
    assert_eq!(draft.body, body);
    assert!(
        store
            .list_drafts()
            .unwrap()
            .iter()
            .any(|d| d.name == "双十一 羽绒服"),
        "the draft's Chinese name survives"
    );
    assert!(db.is_file(), "{}", db.display());
}

#[test]
fn the_command_line_tools_take_chinese_paths_and_data_folders() {
    let dir = chinese_home("cli");
    let card = dir.join("羽绒服 卡券.json");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/down-jacket.json"
        ),
        &card,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .args(["check", "--now", "1796054400"])
        .arg(&card)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("羽绒服满500减50"), "{stdout}");

    // doctor writes into the data folder and round-trips a secret.
    let out = Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .arg("doctor")
        .env("COUPON_STUDIO_DATA_DIR", &dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("张三"),
        "doctor names the data folder: {stdout}"
    );
    assert!(stdout.contains("Credential Manager"), "{stdout}");
}

#[test]
fn excel_csv_files_give_the_same_channels_in_every_encoding() {
    let dir = chinese_home("csv");
    let text = "outer_id,label\r\n1,朝阳店\r\n2,\"海淀,中关村店\"\r\n";
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend_from_slice(text.as_bytes());
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    for (name, bytes) in [
        ("门店 (CSV UTF-8).csv", utf8_bom),
        ("门店 (CSV).csv", gbk.into_owned()),
        ("门店 (Unicode).csv", utf16),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let read = coupon_studio::textfile::read(&path).unwrap();
        let channels = coupon_studio::poster::parse_channels_csv(&read).unwrap();
        let labels: Vec<_> = channels
            .iter()
            .map(|c| (c.outer_id, c.label.as_str()))
            .collect();
        assert_eq!(labels, [(1, "朝阳店"), (2, "海淀,中关村店")], "{name}");
    }
}

/// Registers `.cstestposter` with a command that copies the opened file to `marker`: for this
/// user (`HKCU\Software\Classes`, as a per-user viewer does) and machine-wide, because
/// Wine 8 does not merge the user's classes into `HKEY_CLASSES_ROOT` (on Windows the second
/// key needs administrator rights and is not needed).
fn associate_copy_to(marker: &Path) {
    let reg = |args: &[&str]| Command::new("reg").args(args).status().unwrap().success();
    let command = format!(r#"cmd.exe /c copy /y "%1" "{}""#, marker.display());
    let mut registered = false;
    for classes in [r"HKCU\Software\Classes", r"HKLM\Software\Classes"] {
        registered |= reg(&[
            "add",
            &format!(r"{classes}\.cstestposter"),
            "/ve",
            "/d",
            "CouponStudio.TestPoster",
            "/f",
        ]) && reg(&[
            "add",
            &format!(r"{classes}\CouponStudio.TestPoster\shell\open\command"),
            "/ve",
            "/d",
            &command,
            "/f",
        ]);
    }
    assert!(registered, "reg could not register the test file type");
}

#[test]
fn a_poster_is_handed_to_its_associated_program() {
    let dir = chinese_home("open");
    let poster = dir.join("海报 朝阳店.cstestposter");
    let bytes = b"poster bytes \xE6\xB5\xB7\xE6\x8A\xA5";
    std::fs::write(&poster, bytes).unwrap();
    let marker = dir.join("opened-copy.bin");
    associate_copy_to(&marker);
    coupon_studio::desktop::open_in_system_viewer(&poster).unwrap();
    // The viewer runs detached: wait for it to have done its work.
    let start = Instant::now();
    while std::fs::read(&marker).ok().as_deref() != Some(&bytes[..]) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the associated program never received {}",
            poster.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The top-level window titled `title`, once it is on screen (60 s at most).
#[allow(unsafe_code)] // FindWindowW and IsWindowVisible: a title we own, a handle Windows gave.
fn wait_for_window(title: &str) -> windows_sys::Win32::Foundation::HWND {
    use windows_sys::Win32::UI::WindowsAndMessaging::{FindWindowW, IsWindowVisible};
    let wide: Vec<u16> = title.encode_utf16().chain(Some(0)).collect();
    let start = Instant::now();
    loop {
        // SAFETY: `wide` is a live NUL-terminated UTF-16 string; a null class matches any.
        let hwnd = unsafe { FindWindowW(std::ptr::null(), wide.as_ptr()) };
        // SAFETY: IsWindowVisible accepts any handle, stale ones included.
        if !hwnd.is_null() && unsafe { IsWindowVisible(hwnd) } != 0 {
            return hwnd;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no window titled {title:?} appeared"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The save dialog the app shows for 导出 JSON (rfd's `AsyncFileDialog` on the tokio runtime,
/// as `app::exec::design` runs it): the native dialog opens, a person accepts the proposed
/// Chinese file name in a folder under `…\Users\张三\…`, and the app gets that path back.
#[test]
#[allow(unsafe_code)] // PostMessageW to the dialog found above.
fn a_native_save_dialog_returns_the_chinese_path_the_person_accepted() {
    use windows_sys::Win32::UI::WindowsAndMessaging::{IDOK, PostMessageW, WM_COMMAND};
    let dir = chinese_home("dialog");
    let title = format!("导出卡券 Export test {}", std::process::id());
    let io = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dialog = io.spawn(
        rfd::AsyncFileDialog::new()
            .set_title(&title)
            .set_directory(&dir)
            .set_file_name("羽绒服满500减50.json")
            .save_file(),
    );
    let hwnd = wait_for_window(&title);
    // The dialog's 保存 (Save) button, as a click sends it.
    // SAFETY: `hwnd` came from FindWindowW; posting to a window that has gone fails harmlessly.
    let posted = unsafe { PostMessageW(hwnd, WM_COMMAND, IDOK as usize, 0) };
    assert_ne!(posted, 0, "PostMessageW to the dialog failed");
    let picked = io
        .block_on(dialog)
        .unwrap()
        .expect("the accepted dialog returned no file");
    assert_eq!(
        picked.path().file_name(),
        Some(std::ffi::OsStr::new("羽绒服满500减50.json"))
    );
    let parent = picked.path().parent().unwrap();
    assert!(
        parent == dir || std::fs::canonicalize(parent).ok() == std::fs::canonicalize(&dir).ok(),
        "the dialog returned {}, not a file in {}",
        picked.path().display(),
        dir.display()
    );
}
