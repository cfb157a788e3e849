//! The open platform's storage on both backends: merchants' streams apart from the direct
//! account's (one id sequence, de-duplicated per stream), keys limited to merchants, the
//! newest verify ticket kept, a refresh never written over a newer grant or a revocation,
//! `exclusive` held by one at a time, and a database of schema 1 (issue 19) migrated with its
//! events and keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use coupon_studio::server::storage::{
    self, AuthorizerRow, Inserted, NewEvent, Storage, Target, TokenUpdate, schema,
};
use futures_util::FutureExt;

use crate::support::server::*;

async fn merchants_have_streams_of_their_own(db: Db) {
    let s = db.open().await;
    let push = claim("900", 1, 1_700_000_000);
    let direct = s.insert(NewEvent::new(push.clone(), 1)).await.unwrap();
    let a = s
        .insert(NewEvent::new(push.clone(), 2).for_merchant("wxA"))
        .await
        .unwrap();
    let (Inserted::New(d), Inserted::New(ai)) = (direct, a) else {
        panic!("{direct:?} {a:?}: the same push in two streams is two events");
    };
    assert!(ai > d, "one id sequence");
    assert_eq!(
        s.insert(NewEvent::new(push, 3).for_merchant("wxA"))
            .await
            .unwrap(),
        Inserted::Duplicate
    );
    // Two merchants revoked in the same second: their unauthorized events both stay.
    for m in ["wxA", "wxB"] {
        let p = coupon_studio::wxpush::Push::new()
            .text("AppId", "wxcomp")
            .number("CreateTime", 1_700_000_100)
            .text("InfoType", "unauthorized")
            .text("AuthorizerAppid", m);
        assert!(matches!(
            s.insert(NewEvent::new(p, 4).for_merchant(m)).await.unwrap(),
            Inserted::New(_)
        ));
    }
    let only_a = s.merchant_events("wxA".into(), 0, 10).await.unwrap();
    assert_eq!(only_a.len(), 2);
    assert_eq!(only_a[0].id, ai);
    assert_eq!(only_a[1].to_json()["InfoType"], "unauthorized");
    assert_eq!(s.events_after(0, 10).await.unwrap().len(), 1, "{}", db.kind);
    assert_eq!(
        s.merchant_events("wxB".into(), 0, 10).await.unwrap().len(),
        1
    );
}
on_both!(streams, super::merchants_have_streams_of_their_own);

async fn keys_may_be_limited_to_merchants(db: Db) {
    let s = db.open().await;
    s.add_scoped_key(
        "甲".into(),
        "h1".into(),
        1,
        Some(vec!["wxA".into(), "wxB".into()]),
    )
    .await
    .unwrap();
    s.add_key("all".into(), "h2".into(), 1).await.unwrap();
    let listed = s.keys().await.unwrap();
    let jia = listed.iter().find(|k| k.name == "甲").unwrap();
    assert_eq!(
        jia.merchants.as_deref(),
        Some(&["wxA".to_owned(), "wxB".to_owned()][..])
    );
    assert!(
        listed
            .iter()
            .any(|k| k.name == "all" && k.merchants.is_none())
    );
    let active = s.active_keys().await.unwrap();
    assert!(
        active
            .iter()
            .any(|k| k.hash == "h1" && k.merchants.is_some())
    );
    // A renewed key takes the scope it is given now.
    assert!(s.revoke_key("甲".into(), 2).await.unwrap());
    s.add_key("甲".into(), "h3".into(), 3).await.unwrap();
    let active = s.active_keys().await.unwrap();
    assert!(
        active
            .iter()
            .any(|k| k.hash == "h3" && k.merchants.is_none())
    );
}
on_both!(scoped_keys, super::keys_may_be_limited_to_merchants);

fn grant(appid: &str, code: &str) -> AuthorizerRow {
    AuthorizerRow {
        appid: appid.into(),
        name: "甲商户".into(),
        user_name: "gh_1".into(),
        principal_name: "甲公司".into(),
        func_info: vec![1, 8],
        authorized_at: 10,
        revoked_at: None,
        access_token: Some("v1:tok".into()),
        token_expires: 100,
        refresh_token: Some("v1:ref".into()),
        auth_code: code.into(),
    }
}

async fn the_platforms_rows_keep_the_newest_and_refuse_stale_writes(db: Db) {
    let s = db.open().await;
    let c = || "wxcomp".to_owned();
    assert!(s.component(c()).await.unwrap().is_none());
    s.save_ticket(c(), "v1:t200".into(), 200).await.unwrap();
    s.save_ticket(c(), "v1:t100".into(), 100).await.unwrap();
    s.save_component_token(c(), "v1:ct".into(), 900)
        .await
        .unwrap();
    let row = s.component(c()).await.unwrap().unwrap();
    assert_eq!(
        row.verify_ticket.as_deref(),
        Some("v1:t200"),
        "the newest ticket stays"
    );
    assert_eq!(
        (row.access_token.as_deref(), row.token_expires),
        (Some("v1:ct"), 900)
    );
    // Another platform's rows are apart.
    assert!(s.component("wxother".into()).await.unwrap().is_none());

    s.save_grant(c(), grant("wxA", "code1")).await.unwrap();
    let update = |code: &str| TokenUpdate {
        appid: "wxA".into(),
        access_token: "v1:new".into(),
        token_expires: 500,
        refresh_token: "v1:ref2".into(),
        auth_code: code.into(),
    };
    assert!(
        !s.save_authorizer_token(c(), update("code0")).await.unwrap(),
        "an older grant's refresh"
    );
    assert!(s.save_authorizer_token(c(), update("code1")).await.unwrap());
    let row = s.authorizer(c(), "wxA".into()).await.unwrap().unwrap();
    assert_eq!(
        (row.access_token.as_deref(), row.token_expires),
        (Some("v1:new"), 500)
    );
    assert_eq!(row.func_info, vec![1, 8]);
    assert!(s.revoke_authorizer(c(), "wxA".into(), 600).await.unwrap());
    assert!(!s.revoke_authorizer(c(), "wxA".into(), 601).await.unwrap());
    assert!(
        !s.save_authorizer_token(c(), update("code1")).await.unwrap(),
        "after revocation"
    );
    let row = s.authorizer(c(), "wxA".into()).await.unwrap().unwrap();
    assert_eq!(row.revoked_at, Some(600));
    assert!(row.access_token.is_none() && row.refresh_token.is_none());
    // A new grant brings it back.
    s.save_grant(c(), grant("wxA", "code2")).await.unwrap();
    let all = s.authorizers(c()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].revoked_at, all[0].auth_code.as_str()),
        (None, "code2")
    );
    assert!(s.authorizers("wxother".into()).await.unwrap().is_empty());
    // Settings: the first value stays.
    assert_eq!(s.init_setting("k".into(), "a".into()).await.unwrap(), "a");
    assert_eq!(s.init_setting("k".into(), "b".into()).await.unwrap(), "a");
    assert_eq!(s.setting("k".into()).await.unwrap().as_deref(), Some("a"));
    assert_eq!(s.setting("none".into()).await.unwrap(), None);
}
on_both!(
    rows,
    super::the_platforms_rows_keep_the_newest_and_refuse_stale_writes
);

async fn one_holder_at_a_time(db: Db) {
    // Two storages on one database, as two instances have (one process's SQLite storage
    // is shared, so both are the same there).
    let first = db.open().await;
    let second = match db.target {
        Target::Postgres(_) => db.open().await,
        Target::DataDir(_) => Arc::clone(&first),
    };
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..6 {
        let s: Arc<dyn Storage> = if i % 2 == 0 {
            Arc::clone(&first)
        } else {
            Arc::clone(&second)
        };
        let (inside, most) = (Arc::clone(&inside), Arc::clone(&most));
        tasks.spawn(async move {
            let work = async {
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Long enough for the others to try to come in.
                tokio::time::sleep(Duration::from_millis(30)).await;
                inside.fetch_sub(1, Ordering::SeqCst);
            };
            s.exclusive("lock:test".into(), work.boxed()).await.unwrap();
        });
    }
    while let Some(t) = tasks.join_next().await {
        t.unwrap();
    }
    assert_eq!(most.load(Ordering::SeqCst), 1, "{}", db.kind);
}
on_both!(exclusive, super::one_holder_at_a_time);

async fn a_schema_1_database_is_migrated_with_its_data(db: Db) {
    // The database as issue 19's server left it: migration 1 alone, an event and a key.
    let event_sql = "INSERT INTO events (received_at, event, card_id, user_card_code, outer_id, \
        from_user, create_time, dedup_extra, members) VALUES (5, 'user_get_card', 'pCARD0001', \
        '777', '2', 'o-user-777', 1700000000, '', '[[\"UserCardCode\",\"777\",true]]')";
    let key_sql = "INSERT INTO api_keys (name, hash, created_at) VALUES ('老王', 'h-old', 1)";
    let record = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'events and api keys', 0)";
    match &db.target {
        Target::DataDir(dir) => {
            let conn = rusqlite::Connection::open(dir.join(storage::SQLITE_FILE)).unwrap();
            conn.execute_batch(schema::CREATE_MIGRATIONS_TABLE).unwrap();
            conn.execute_batch(&schema::Dialect::Sqlite.sql(&schema::MIGRATIONS[0]))
                .unwrap();
            for sql in [event_sql, key_sql, record] {
                conn.execute_batch(sql).unwrap();
            }
        }
        Target::Postgres(url) => {
            let c = raw_client(url).await;
            c.batch_execute(schema::CREATE_MIGRATIONS_TABLE)
                .await
                .unwrap();
            c.batch_execute(&schema::Dialect::Postgres.sql(&schema::MIGRATIONS[0]))
                .await
                .unwrap();
            for sql in [event_sql, key_sql, record] {
                c.batch_execute(sql).await.unwrap();
            }
        }
    }
    let s = db.open().await;
    let events = s.events_after(0, 10).await.unwrap();
    assert_eq!(events.len(), 1, "{}", db.kind);
    assert_eq!(events[0].to_json()["UserCardCode"], "777");
    let keys = s.active_keys().await.unwrap();
    assert_eq!(
        (keys[0].name.as_str(), keys[0].merchants.as_ref()),
        ("老王", None)
    );
    // The de-duplication key still holds for the old rows.
    let same = coupon_studio::wxpush::Push::new()
        .text("FromUserName", "o-user-777")
        .number("CreateTime", 1_700_000_000)
        .text("Event", "user_get_card")
        .text("CardId", "pCARD0001")
        .text("UserCardCode", "777");
    let same = NewEvent::new(same, 6);
    assert_eq!(s.insert(same).await.unwrap(), Inserted::Duplicate);
    assert!(s.component("wxcomp".into()).await.unwrap().is_none());
}
on_both!(
    from_schema_1,
    super::a_schema_1_database_is_migrated_with_its_data
);
