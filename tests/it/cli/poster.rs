//! The `poster` command end to end as a real process: posters and the channel table from the
//! simulator, and its refusals of bad arguments and a missing account.

use std::process::Command;

use crate::support::{approved_card, calls, pdf_text, temp_dir};

/// Runs the binary without any account in the environment.
fn cli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coupon-studio"));
    cmd.env_remove("COUPON_STUDIO_APPID")
        .env_remove("COUPON_STUDIO_SECRET");
    cmd
}

#[test]
fn cli_makes_posters_from_the_simulator() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (h, c, id, _card) = rt.block_on(approved_card());
    let dir = temp_dir("cli");
    let labels = dir.join("stores.csv");
    std::fs::write(&labels, "outer_id,label\n2,朝阳店\n3,海淀店\n").unwrap();
    let out = dir.join("out");
    let o = cli()
        .args([
            "poster",
            "--card-id",
            &id,
            "--channels",
            "1-3",
            "--template",
            "tent",
        ])
        .args(["--format", "pdf,png", "--api-base", &h.url()])
        .arg("--labels")
        .arg(&labels)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("3 channels, 3 QR codes, 3 PNG, 1 PDF (3 pages)"),
        "{stdout}"
    );
    assert!(stdout.contains("羽绒服满500减50"), "{stdout}");
    for f in [
        "channel-001.png",
        "channel-002-朝阳店.png",
        "channel-003-海淀店.png",
        "posters-tent.pdf",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let csv = std::fs::read_to_string(out.join("channels.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(
        csv.lines()
            .nth(2)
            .unwrap()
            .starts_with("2,朝阳店,http://weixin.qq.com/q/")
    );
    let (pages, text) = pdf_text(&std::fs::read(out.join("posters-tent.pdf")).unwrap());
    assert_eq!(pages, 3);
    assert!(text.contains("海淀店"));
    assert_eq!(rt.block_on(calls(&c, "/card/qrcode/create")), 3);

    // Only the PDF; channels from the labels file.
    let out2 = dir.join("out2");
    let o = cli()
        .args([
            "poster",
            "--card-id",
            &id,
            "--format",
            "pdf",
            "--api-base",
            &h.url(),
        ])
        .arg("--labels")
        .arg(&labels)
        .arg("--out")
        .arg(&out2)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out2.join("posters-a5.pdf").is_file());
    assert!(!out2.join("channel-002-朝阳店.png").exists());

    // Labels from the account's stores: channels 1–6 for the simulator's six demo stores.
    let out3 = dir.join("out3");
    let o = cli()
        .args([
            "poster",
            "--card-id",
            &id,
            "--format",
            "png",
            "--template",
            "receipt",
        ])
        .args(["--store-labels", "--api-base", &h.url()])
        .arg("--out")
        .arg(&out3)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("6 channels"));
    assert!(out3.join("channel-001-北风羽绒_天河店.png").is_file());
    assert!(out3.join("channel-006-微信咖啡_万象城店.png").is_file());
    let csv = std::fs::read_to_string(out3.join("channels.csv")).unwrap();
    assert!(csv.contains("\n2,北风羽绒 北京路店,http://"), "{csv}");

    // An unknown card: card/get's error, exit 1.
    let o = cli()
        .args(["poster", "--card-id", "pNope", "--api-base", &h.url()])
        .arg("--out")
        .arg(dir.join("none"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("card/get pNope"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cli_refuses_bad_arguments_and_a_missing_account() {
    let run = |args: &[&str]| {
        let o = cli().args(args).output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["poster", "--card-id", "p1", "--out", "/tmp/x"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("accounts are configured in the app"), "{err}");
    let (code, err) = run(&[
        "poster",
        "--card-id",
        "p1",
        "--out",
        "/tmp/x",
        "--channels",
        "5-1",
        "--api-base",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--channels: the range 5-1 runs backwards"),
        "{err}"
    );
    let (code, err) = run(&[
        "poster",
        "--card-id",
        "p1",
        "--out",
        "/tmp/x",
        "--template",
        "a3",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown template \"a3\""), "{err}");
    let (code, err) = run(&[
        "poster",
        "--card-id",
        "p1",
        "--out",
        "/tmp/x",
        "--format",
        "svg",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown format \"svg\""), "{err}");
    let (code, err) = run(&[
        "poster",
        "--card-id",
        "p1",
        "--out",
        "/tmp/x",
        "--labels",
        "/nonexistent.csv",
        "--api-base",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("/nonexistent.csv"), "{err}");
}
