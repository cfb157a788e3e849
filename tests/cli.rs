//! `coupon-studio check`: output, JSON schema and exit codes, run as a real process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test fails loudly on purpose.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn check(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .arg("check")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// 2026-12-01 00:00 Beijing time, a day before the down-jacket card starts.
const NOW: &str = "1796054400";

#[test]
fn valid_card_exits_zero_with_the_synthesized_texts() {
    let out = check(
        &["--json", "--now", NOW, &fixture("down-jacket.json")],
        None,
    );
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["title"], "羽绒服满500减50");
    assert_eq!(v["abstract"], "消费满500元可用,适用于羽绒服");
    assert_eq!(v["notices"], serde_json::json!(["不与其他优惠共享"]));
    assert_eq!(
        v["time_limit_text"],
        serde_json::json!(["周一至周五 10:00-20:59可用", "节假日全天可用"])
    );
    assert_eq!(v["price_per_unit"], 0.6);
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn json_schema_has_the_stable_members() {
    let out = check(
        &["--json", "--now", NOW, &fixture("down-jacket.json")],
        None,
    );
    let v = json_of(&out);
    let obj = v.as_object().unwrap();
    for key in [
        "ok",
        "title",
        "abstract",
        "notices",
        "time_limit_text",
        "price_per_unit",
        "errors",
        "warnings",
    ] {
        assert!(obj.contains_key(key), "missing {key}");
    }
    assert!(v["ok"].is_boolean() && v["title"].is_string() && v["abstract"].is_string());
    assert!(v["notices"].is_array() && v["time_limit_text"].is_array());
    assert!(v["price_per_unit"].is_number() && v["errors"].is_array() && v["warnings"].is_array());
}

#[test]
fn errors_name_the_json_path_and_exit_one() {
    let mut body: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("down-jacket.json")).unwrap())
            .unwrap();
    body["card"]["cash"]["base_info"]["brand_name"] = "一二三四五六七八九十一二三".into();
    let out = check(&["--json", "--now", NOW, "-"], Some(&body.to_string()));
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["ok"], false);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["field"], "card.cash.base_info.brand_name");
    let msg = errors[0]["message"].as_str().unwrap();
    assert!(msg.contains("12") && msg.contains("13"), "{msg}");
    // English messages on request.
    let out = check(
        &["--json", "--lang", "en", "--now", NOW, "-"],
        Some(&body.to_string()),
    );
    let msg = json_of(&out)["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(msg.is_ascii() || msg.contains("brand"), "{msg}");
    assert!(msg.contains("brand_name") && msg.contains("12"), "{msg}");
}

#[test]
fn guide_cash_example_is_checked() {
    // The guide's example has no `notice`, which WeChat requires. Its tip "6个汉字tips" fits:
    // a half-width letter counts one half, so it is 5.5 of 6.
    let out = check(
        &["--json", "--now", "1447000000", &fixture("guide-cash.json")],
        None,
    );
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(v["title"], "鞋类减0.1元");
    assert_eq!(v["abstract"], "适用于鞋类,不适用于阿迪达斯");
    assert_eq!(v["price_per_unit"], 0.4);
    let mut fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["card.cash.base_info.notice"]);
}

#[test]
fn not_json_exits_two_with_line_and_column() {
    let out = check(&["-"], Some("{\n \"card\": ,\n}"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && err.contains("column 10"), "{err}");
    let out = check(&[&fixture("guide-gift-as-printed.txt")], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unreadable_file_exits_two() {
    let out = check(&["/nonexistent/body.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}

#[test]
fn wrong_type_is_an_error_with_a_path_not_a_crash() {
    let out = check(
        &["--json", "-"],
        Some(
            r#"{"card":{"card_type":"CASH","cash":{"reduce_cost":"x","base_info":{"can_share":"no"}}}}"#,
        ),
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["errors"][0]["field"], "card.cash.base_info.can_share");
    assert_eq!(v["errors"][0]["errcode"], 47001);
}

#[test]
fn text_output_shows_title_price_and_errors() {
    let out = check(&["--now", NOW, &fixture("down-jacket.json")], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("标题: 羽绒服满500减50"), "{text}");
    assert!(text.contains("0.6 券点/张"), "{text}");
    let out = check(
        &[
            "--lang",
            "en",
            "--now",
            "1447000000",
            &fixture("guide-cash.json"),
        ],
        None,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Title: 鞋类减0.1元") && text.contains("Errors (1)"),
        "{text}"
    );
}
