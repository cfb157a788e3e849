//! Simulator: datacube statistics counted from user events, and simulated activity.

use coupon_studio::sandbox::SandboxConfig;
use serde_json::{Value, json};

use crate::support::wire::{START, Sim, card_body};

async fn sim_at_start() -> Sim {
    Sim::start_with(SandboxConfig {
        start_time: Some(START),
        ..SandboxConfig::default()
    })
    .await
}

async fn biz(sim: &Sim, begin: &str, end: &str) -> Value {
    sim.post(
        "/datacube/getcardbizuininfo",
        json!({"begin_date": begin, "end_date": end, "cond_source": 1}),
    )
    .await
}

fn counts(row: &Value) -> [i64; 10] {
    let k = [
        "view_cnt",
        "view_user",
        "receive_cnt",
        "receive_user",
        "verify_cnt",
        "verify_user",
        "given_cnt",
        "given_user",
        "expire_cnt",
        "expire_user",
    ];
    k.map(|k| row[k].as_i64().unwrap())
}

#[tokio::test]
async fn date_format_and_range_errors() {
    let sim = Sim::start().await;
    for (b, e) in [
        ("2015-6-15", "2015-06-30"),
        ("2015-06-15", "2015/06/30"),
        ("20150615", "2015-06-30"),
    ] {
        assert_eq!(biz(&sim, b, e).await["errcode"], 61500, "{b} {e}");
    }
    let missing = sim
        .post(
            "/datacube/getcardbizuininfo",
            json!({"begin_date": "2015-06-15"}),
        )
        .await;
    assert_eq!(missing["errcode"], 61500);
    // 63 days, both ends counted, is too long; 62 is fine.
    assert_eq!(
        biz(&sim, "2015-06-01", "2015-08-02").await["errcode"],
        61501
    );
    // A success carries no errcode, only the list (as the real API answers).
    let ok = biz(&sim, "2015-06-01", "2015-08-01").await;
    assert!(ok.get("errcode").is_none() && ok["list"].is_array(), "{ok}");
    assert_eq!(
        biz(&sim, "2015-06-02", "2015-06-01").await["errcode"],
        61501
    );
    let card = sim
        .post(
            "/datacube/getcardcardinfo",
            json!({"begin_date": "2015-06-01", "end_date": "2015-08-02", "cond_source": 0, "card_id": "x"}),
        )
        .await;
    assert_eq!(card["errcode"], 61501);
    let source = sim
        .post(
            "/datacube/getcardbizuininfo",
            json!({"begin_date": "2015-06-01", "end_date": "2015-06-02", "cond_source": 2}),
        )
        .await;
    assert_eq!(source["errcode"], 40097);
    assert_eq!(
        biz(&sim, "2015-06-01", "2015-06-02").await["list"],
        json!([])
    );
}

#[tokio::test]
async fn counts_equal_the_events_users_produced() {
    let mut sim = sim_at_start().await;
    let a = sim.ready_card(50).await;
    // Day 1 (2030-01-01, Beijing).
    let c1 = sim.scan(&a, "oU1").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let c2 = sim.scan(&a, "oU2").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.scan(&a, "oU1").await;
    sim.admin(
        "/sandbox/user/share",
        json!({"code": c1, "friends": ["oF1", "oF2"]}),
    )
    .await;
    sim.post("/card/code/consume", json!({"code": c1})).await; // + gift-back view and receive
    // Views: 3 scans, 2 friends, the gift-back; one share is one given.
    let day1 = [6, 4, 4, 2, 1, 1, 1, 1, 0, 0];
    // Day 2.
    sim.advance(86_400).await;
    sim.refresh().await;
    sim.admin(
        "/sandbox/code/status",
        json!({"code": c2, "status": "EXPIRE"}),
    )
    .await;
    let b = sim.ready_card(5).await;
    sim.scan(&b, "oU3").await;
    let day2 = [1, 1, 1, 1, 0, 0, 0, 0, 1, 1];
    // Today's data comes the day after: nothing yet for day 2.
    let v = biz(&sim, "2029-12-31", "2030-01-02").await;
    assert_eq!(v["list"].as_array().unwrap().len(), 1, "{v}");
    sim.advance(86_400).await;
    sim.refresh().await;

    let v = biz(&sim, "2029-12-31", "2030-01-02").await;
    assert!(v.get("errcode").is_none(), "{v}");
    let list = v["list"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(list[0]["ref_date"], "2030-01-01");
    assert_eq!(counts(&list[0]), day1);
    assert_eq!(list[1]["ref_date"], "2030-01-02");
    assert_eq!(counts(&list[1]), day2);
    assert!(list[0].get("card_id").is_none());

    let per_card = sim
        .post(
            "/datacube/getcardcardinfo",
            json!({"begin_date": "2030-01-01", "end_date": "2030-01-02", "cond_source": 0, "card_id": a}),
        )
        .await;
    let rows = per_card["list"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["card_id"], a.as_str());
    assert_eq!(rows[0]["card_type"], 1);
    assert_eq!(counts(&rows[0]), day1);
    assert_eq!(counts(&rows[1]), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    let all_cards = sim
        .post(
            "/datacube/getcardcardinfo",
            json!({"begin_date": "2030-01-02", "end_date": "2030-01-02", "cond_source": 0}),
        )
        .await;
    assert_eq!(all_cards["list"].as_array().unwrap().len(), 2);

    // When card A's validity ends, its NORMAL codes count as expired on that day.
    sim.advance(30 * 86_400).await;
    sim.refresh().await;
    let later = biz(&sim, "2030-01-03", "2030-02-02").await;
    let expired: i64 = later["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["expire_cnt"].as_i64().unwrap())
        .sum();
    // oU1's second code and the gift-back code of A, oU3's code of B (both end 29 days
    // after their creation).
    assert_eq!(expired, 3, "{later}");
}

async fn simulated(seed: u64) -> (Value, Value) {
    let mut sim = sim_at_start().await;
    // Valid since a week ago, so users can receive and use it every simulated day.
    let body = card_body(START - 7 * 86_400, START + 20 * 86_400);
    let id = sim.create(&body).await;
    sim.approve(&id).await;
    sim.stock(&id, 200).await;
    let out = sim
        .admin(
            "/sandbox/activity/simulate",
            json!({"seed": seed, "days": 7, "card_id": id}),
        )
        .await;
    // Uses may fall on the current day, whose data comes the day after.
    sim.advance(86_400).await;
    sim.refresh().await;
    let stats = sim
        .post(
            "/datacube/getcardcardinfo",
            json!({"begin_date": "2029-12-24", "end_date": "2030-01-01", "cond_source": 1, "card_id": id}),
        )
        .await;
    (out, stats)
}

#[tokio::test]
async fn simulated_activity_is_deterministic_and_matches_the_statistics() {
    let (a, stats) = simulated(7).await;
    let (b, _) = simulated(7).await;
    assert_eq!(a["events"], b["events"]);
    assert_eq!(a["scans"], b["scans"]);
    let (c, _) = simulated(8).await;
    assert_ne!(a["events"], c["events"]);
    let ev = &a["events"];
    assert!(ev["receive"].as_i64().unwrap() > 0, "{a}");
    assert!(ev["verify"].as_i64().unwrap() > 0, "{a}");
    assert!(ev["given"].as_i64().unwrap() > 0, "{a}");
    for kind in ["view", "receive", "verify", "given"] {
        let total: i64 = stats["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[format!("{kind}_cnt")].as_i64().unwrap())
            .sum();
        assert_eq!(total, ev[kind].as_i64().unwrap(), "{kind}: {stats}");
    }
    let sim = sim_at_start().await;
    let none = sim
        .admin_try(
            "/sandbox/activity/simulate",
            json!({"seed": 1, "card_id": "pNope"}),
        )
        .await;
    assert_eq!(none["ok"], false);
}

#[tokio::test]
async fn friends_metrics_count_what_friends_saw_and_used() {
    let mut sim = sim_at_start().await;
    let a = sim.ready_card(50).await;
    let code = sim.scan(&a, "oHolder").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.admin(
        "/sandbox/user/share",
        json!({"code": code, "friends": ["oF1", "oF2"]}),
    )
    .await;
    // A friend who saw it uses it: marked and consumed online under the friend's openid.
    let mark = json!({"code": code, "card_id": a, "openid": "oF1", "is_mark": true});
    assert_eq!(sim.post("/card/code/mark", mark).await["errcode"], 0);
    let used = sim
        .post("/card/code/consume", json!({"code": code, "openid": "oF1"}))
        .await;
    assert_eq!(used["openid"], "oF1", "{used}");
    sim.advance(86_400).await;
    sim.refresh().await;
    let per_card = sim
        .post(
            "/datacube/getcardcardinfo",
            json!({"begin_date": "2030-01-01", "end_date": "2030-01-01", "cond_source": 0, "card_id": a}),
        )
        .await;
    let row = &per_card["list"][0];
    assert_eq!(row["view_friends_cnt"], 2, "{row}");
    assert_eq!(row["view_friends_user"], 2);
    assert_eq!(row["verify_friends_cnt"], 1);
    assert_eq!(row["verify_noself_cnt"], 1);
    assert_eq!(row["verify_noself_user"], 1);
    assert_eq!(row["receive_friends_cnt"], 0);
    assert_eq!(row["isfriendscard"], 1);
    assert_eq!(row["is_pay"], 0);
    // The account rows carry the friends' metrics too, but not the per-card ones.
    let v = biz(&sim, "2030-01-01", "2030-01-01").await;
    assert_eq!(v["list"][0]["view_friends_cnt"], 2, "{v}");
    assert!(v["list"][0].get("verify_noself_cnt").is_none(), "{v}");
}
