//! The storage trait on both backends: a push is stored once, pages come oldest first and
//! never skip, keys are added, listed, revoked and renewed, and the migrations run once and
//! refuse a database newer than the build.

use coupon_studio::server::storage::{self, Inserted, NewEvent, StorageError, Target, schema};

use crate::support::server::{Db, claim, on_both, raw_client};

async fn a_push_is_stored_once_and_read_back_in_order(db: Db) {
    let s = db.open().await;
    let first = s
        .insert(NewEvent::new(claim("100", 7, 1_700_000_000), 1))
        .await
        .unwrap();
    let Inserted::New(id1) = first else {
        panic!("{first:?}")
    };
    // WeChat's retry: same members, received later.
    assert_eq!(
        s.insert(NewEvent::new(claim("100", 7, 1_700_000_000), 2))
            .await
            .unwrap(),
        Inserted::Duplicate
    );
    // Another code, or the same code a second later, is another event.
    let Inserted::New(id2) = s
        .insert(NewEvent::new(claim("101", 7, 1_700_000_000), 3))
        .await
        .unwrap()
    else {
        panic!()
    };
    let Inserted::New(id3) = s
        .insert(NewEvent::new(claim("100", 7, 1_700_000_001), 4))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(id1 < id2 && id2 < id3, "{id1} {id2} {id3}");
    let all = s.events_after(0, 10).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![id1, id2, id3],
        "{}",
        db.kind
    );
    assert_eq!(all[0].members, claim("100", 7, 1_700_000_000).members);
    assert_eq!(all[0].received_at, 1);
    let page = s.events_after(id1, 1).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, id2);
    assert!(s.events_after(id3, 10).await.unwrap().is_empty());
}
on_both!(
    stored_once_in_order,
    super::a_push_is_stored_once_and_read_back_in_order
);

async fn two_coin_orders_in_one_second_are_two_events(db: Db) {
    // A card_pay_order has no CardId nor UserCardCode: its OrderId tells two apart.
    let order = |id: &str| {
        coupon_studio::wxpush::Push::new()
            .text("FromUserName", "system")
            .number("CreateTime", 1_700_000_000)
            .text("Event", "card_pay_order")
            .text("OrderId", id)
            .text("Status", "ORDER_STATUS_FINANCE_SUCC")
    };
    let s = db.open().await;
    for id in ["o1", "o2", "o1"] {
        s.insert(NewEvent::new(order(id), 0)).await.unwrap();
    }
    assert_eq!(s.events_after(0, 10).await.unwrap().len(), 2, "{}", db.kind);
}
on_both!(
    coin_orders_by_order_id,
    super::two_coin_orders_in_one_second_are_two_events
);

async fn keys_are_added_listed_revoked_and_renewed(db: Db) {
    let s = db.open().await;
    s.add_key("王芳".into(), "h1".into(), 10).await.unwrap();
    s.add_key("li".into(), "h2".into(), 11).await.unwrap();
    assert!(matches!(
        s.add_key("li".into(), "h3".into(), 12).await,
        Err(StorageError::KeyExists(n)) if n == "li"
    ));
    let active = s.active_keys().await.unwrap();
    assert_eq!(active.len(), 2);
    assert!(s.revoke_key("li".into(), 20).await.unwrap());
    assert!(!s.revoke_key("li".into(), 21).await.unwrap());
    assert!(!s.revoke_key("nobody".into(), 21).await.unwrap());
    let active = s.active_keys().await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].name, "王芳");
    let listed = s.keys().await.unwrap();
    assert_eq!(listed.len(), 2);
    let li = listed.iter().find(|k| k.name == "li").unwrap();
    assert_eq!((li.created_at, li.revoked_at), (11, Some(20)));
    // A revoked name gets a new key.
    s.add_key("li".into(), "h4".into(), 30).await.unwrap();
    let active = s.active_keys().await.unwrap();
    assert!(active.iter().any(|k| k.name == "li" && k.hash == "h4"));
}
on_both!(keys, super::keys_are_added_listed_revoked_and_renewed);

async fn migrations_run_once_and_refuse_a_newer_database(db: Db) {
    let first = db.open().await;
    first
        .insert(NewEvent::new(claim("1", 1, 1), 0))
        .await
        .unwrap();
    // A second start finds the schema up to date and the data in place.
    let second = db.open().await;
    assert_eq!(second.events_after(0, 10).await.unwrap().len(), 1);
    let newer = schema::latest() + 1;
    let insert = format!(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ({newer}, 'future', 0)"
    );
    let versions: Vec<i64> = match &db.target {
        Target::DataDir(dir) => {
            let conn = rusqlite::Connection::open(dir.join(storage::SQLITE_FILE)).unwrap();
            let mut stmt = conn
                .prepare("SELECT version FROM schema_migrations ORDER BY version")
                .unwrap();
            let v = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            conn.execute_batch(&insert).unwrap();
            v
        }
        Target::Postgres(url) => {
            let c = raw_client(url).await;
            let v = c
                .query(
                    "SELECT version FROM schema_migrations ORDER BY version",
                    &[],
                )
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            c.batch_execute(&insert).await.unwrap();
            v
        }
    };
    let all: Vec<i64> = schema::MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(versions, all, "each migration recorded once");
    match storage::open(&db.target).await {
        Err(StorageError::TooNew { found, .. }) => assert_eq!(found, newer),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a newer database was opened"),
    }
}
on_both!(
    migrations,
    super::migrations_run_once_and_refuse_a_newer_database
);

#[tokio::test]
async fn a_bad_postgres_url_is_an_error_without_the_password() {
    let Err(e) = storage::open(&Target::Postgres(
        "postgres://u:hunter2-secret@127.0.0.1:1/db?sslmode=nonsense".into(),
    ))
    .await
    else {
        panic!("opened")
    };
    assert!(matches!(e, StorageError::BadUrl(_)), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    // Nothing listens on port 1: a connection error, again without the password.
    let Err(e) = storage::open(&Target::Postgres(
        "postgres://u:hunter2-secret@127.0.0.1:1/db".into(),
    ))
    .await
    else {
        panic!("opened")
    };
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(
        !format!("{:?}", Target::Postgres("postgres://u:hunter2@h/d".into())).contains("hunter2")
    );
}
