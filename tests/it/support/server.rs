//! The company server's test helpers: a fresh database per test on SQLite and, when
//! `COUPON_STUDIO_TEST_DATABASE_URL` is set (`scripts/postgres.sh` starts one), on PostgreSQL
//! in a schema of its own; pushes signed and encrypted as WeChat sends them; the server
//! in-process or as the real binary.
//!
//! `on_both!(name, body)` makes two tests, `name::sqlite` and `name::postgres`, of one async
//! `body(Db)`. Without the URL the PostgreSQL test is skipped, unless `CI` or
//! `COUPON_STUDIO_REQUIRE_POSTGRES=1` is set: then it fails.
//!
//! Their connections are in the clear (`sslmode=disable`): the test cluster offers TLS with a
//! certificate of its own CA, which only the TLS tests (`server::tls`, with
//! `COUPON_STUDIO_TEST_DATABASE_CA`) give the server.

use std::sync::atomic::{AtomicU32, Ordering};

use coupon_studio::server::clock::Clock;
use coupon_studio::server::storage::{self, Storage, Target};
use coupon_studio::server::{ServerConfig, ServerHandle, WECHAT_BASE, keys, spawn};
use coupon_studio::wxpush::{Push, PushCrypto};

use super::{temp_dir, test_name};

/// The Token of the tests' 公众平台 configuration.
pub const TOKEN: &str = "push-token-of-the-tests-7f3a";
/// Their EncodingAESKey.
pub const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/// Their AppID.
pub const APPID: &str = "wxserver00000001";
/// The variable naming the test PostgreSQL.
pub const DATABASE_URL_VAR: &str = "COUPON_STUDIO_TEST_DATABASE_URL";
/// The variable naming the CA file of its certificate (`scripts/postgres.sh` makes it).
pub const DATABASE_CA_VAR: &str = "COUPON_STUDIO_TEST_DATABASE_CA";

/// A fresh database for one test.
#[derive(Clone, Debug)]
pub struct Db {
    /// Where it is.
    pub target: Target,
    /// Which backend, for messages.
    pub kind: &'static str,
}

/// Whether a missing PostgreSQL fails the tests instead of skipping them.
pub fn postgres_required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
        || std::env::var("COUPON_STUDIO_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// The test PostgreSQL's URL; `None` (after saying so) when it is not set and not required.
pub fn postgres_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                !postgres_required(),
                "{DATABASE_URL_VAR} is not set, and CI or COUPON_STUDIO_REQUIRE_POSTGRES=1 \
                 requires the PostgreSQL tests: run `export {DATABASE_URL_VAR}=$(bash scripts/postgres.sh)`"
            );
            eprintln!("skipped on PostgreSQL: {DATABASE_URL_VAR} is not set");
            None
        }
    }
}

/// The test PostgreSQL's CA file; `None` (after saying so) when it is not set and not
/// required.
pub fn postgres_ca() -> Option<std::path::PathBuf> {
    match std::env::var(DATABASE_CA_VAR) {
        Ok(path) if !path.trim().is_empty() => Some(path.into()),
        _ => {
            assert!(
                !postgres_required(),
                "{DATABASE_CA_VAR} is not set, and CI or COUPON_STUDIO_REQUIRE_POSTGRES=1 \
                 requires the PostgreSQL TLS tests: run `export {DATABASE_CA_VAR}=/tmp/coupon-studio-pg/tls/ca.crt` \
                 after scripts/postgres.sh"
            );
            eprintln!("skipped on PostgreSQL over TLS: {DATABASE_CA_VAR} is not set");
            None
        }
    }
}

/// A raw connection to the test PostgreSQL (the server's own code is not used for set-up).
pub async fn raw_client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// `url` with the parameter `param` (`name=value`) added.
pub fn url_with(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

/// `url` with `search_path` set to `schema`: every connection of the pool works in it.
pub fn url_in_schema(url: &str, schema: &str) -> String {
    url_with(url, &format!("options=-c%20search_path%3D{schema}"))
}

impl Db {
    /// SQLite in a fresh folder.
    pub fn sqlite() -> Self {
        Self {
            target: Target::DataDir(temp_dir("db")),
            kind: "sqlite",
        }
    }

    /// PostgreSQL in a fresh schema, in the clear, or `None` when there is no test database.
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with("sslmode=disable").await
    }

    /// PostgreSQL in a fresh schema, the URL's parameters `params` (`a=b&c=d`) before the
    /// schema's, or `None` when there is no test database.
    pub async fn postgres_with(params: &str) -> Option<Self> {
        let url = postgres_url()?;
        static N: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "t_{}_{}_{}",
            test_name()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
                .to_lowercase()
                .chars()
                .rev()
                .take(30)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>(),
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let client = raw_client(&url).await;
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .await
            .unwrap();
        Some(Self {
            target: Target::Postgres(url_in_schema(&url_with(&url, params), &schema)),
            kind: "postgres",
        })
    }

    /// Opens the database as the server does.
    pub async fn open(&self) -> std::sync::Arc<dyn Storage> {
        storage::open(&self.target).await.unwrap()
    }

    /// The command-line flags naming it (`--data-dir DIR` or `--database URL`).
    pub fn flags(&self) -> Vec<String> {
        match &self.target {
            Target::DataDir(dir) => vec!["--data-dir".into(), dir.display().to_string()],
            Target::Postgres(url) => vec!["--database".into(), url.clone()],
        }
    }

    /// The test's PostgreSQL schema (`None` on SQLite).
    pub fn schema(&self) -> Option<String> {
        match &self.target {
            Target::Postgres(url) => url.rsplit("%3D").next().map(str::to_owned),
            Target::DataDir(_) => None,
        }
    }

    /// Every byte the database holds, as text: the SQLite files (the main file, its WAL and
    /// shared memory), or a `pg_dump` of the test's schema (when pg_dump is installed) and
    /// every row of its tables as JSON.
    pub async fn raw_text(&self) -> String {
        match &self.target {
            Target::DataDir(dir) => {
                let mut out = String::new();
                for entry in std::fs::read_dir(dir).unwrap() {
                    let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                    out.push_str(&String::from_utf8_lossy(&bytes));
                }
                out
            }
            Target::Postgres(url) => {
                let schema = self.schema().unwrap();
                let base = postgres_url().unwrap();
                let mut out = pg_dump(&base, &schema).unwrap_or_default();
                let client = raw_client(url).await;
                let tables = client
                    .query(
                        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
                        &[&schema],
                    )
                    .await
                    .unwrap();
                for t in tables {
                    let table: String = t.get(0);
                    let rows = client
                        .query(&format!("SELECT row_to_json(t)::text FROM {table} t"), &[])
                        .await
                        .unwrap();
                    for r in rows {
                        out.push_str(r.get::<_, &str>(0));
                        out.push('\n');
                    }
                }
                out
            }
        }
    }

    /// Drops the test's schema (PostgreSQL); SQLite's folder is the system's temp.
    pub async fn cleanup(&self) {
        if let (Target::Postgres(url), Some(base)) = (&self.target, postgres_url()) {
            let schema = url.rsplit("%3D").next().unwrap_or_default();
            raw_client(&base)
                .await
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .await
                .unwrap();
        }
    }
}

/// `pg_dump` of `schema` (data and definitions), when a pg_dump is installed (on PATH or in
/// Debian's /usr/lib/postgresql/*/bin).
pub fn pg_dump(url: &str, schema: &str) -> Option<String> {
    let mut candidates = vec![std::path::PathBuf::from("pg_dump")];
    if let Ok(dirs) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut found: Vec<_> = dirs
            .filter_map(Result::ok)
            .map(|d| d.path().join("bin/pg_dump"))
            .filter(|p| p.exists())
            .collect();
        found.sort();
        candidates.extend(found.into_iter().rev());
    }
    candidates.into_iter().find_map(|bin| {
        let out = std::process::Command::new(bin)
            .args(["--dbname", url, "--schema", schema, "--no-owner"])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    })
}

/// Two tests of one async body, one per backend (see the module's doc).
macro_rules! on_both {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::support::server::Db::sqlite();
                $body(db.clone()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::support::server::Db::postgres().await {
                    $body(db.clone()).await;
                    db.cleanup().await;
                }
            }
        }
    };
}
pub(crate) use on_both;

/// The server's configuration for `db`, on a free port, the token from `wechat_base`.
pub fn config(db: &Db, secret: Option<&str>, wechat_base: Option<&str>) -> ServerConfig {
    ServerConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        token: TOKEN.into(),
        encoding_aes_key: AES_KEY.into(),
        appid: Some(APPID.into()),
        secret: secret.map(str::to_owned),
        target: db.target.clone(),
        database_ca_file: None,
        wechat_base: wechat_base.unwrap_or(WECHAT_BASE).into(),
        platform: None,
        clock: Clock::system(),
    }
}

/// A server on `db` and an API key for it.
pub async fn server(db: &Db) -> (ServerHandle, String) {
    let handle = spawn(config(db, None, None)).await.unwrap();
    let key = add_key(db, "测试").await;
    (handle, key)
}

/// Makes a key for `name` as `server add-key` does.
pub async fn add_key(db: &Db, name: &str) -> String {
    let key = keys::generate();
    db.open()
        .await
        .add_key(name.into(), keys::hash(&key), 0)
        .await
        .unwrap();
    key
}

/// Makes a key for `name` limited to `merchants`, as `server add-key --merchant …` does.
pub async fn add_scoped_key(db: &Db, name: &str, merchants: &[&str]) -> String {
    let key = keys::generate();
    let scope = merchants.iter().map(|m| (*m).to_owned()).collect();
    db.open()
        .await
        .add_scoped_key(name.into(), keys::hash(&key), 0, Some(scope))
        .await
        .unwrap();
    key
}

/// The tests' push keys.
pub fn crypto() -> PushCrypto {
    PushCrypto::new(TOKEN, AES_KEY, APPID).unwrap()
}

/// Now, unix seconds, as a query's timestamp.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A nonce.
pub fn nonce() -> String {
    format!("{}", rand::random::<u32>())
}

/// A signed plain-mode request: the URL (query included) and the body.
pub fn plain(base: &str, push: &Push, at: i64) -> (String, String) {
    let n = nonce();
    let ts = at.to_string();
    let sig = crypto().signature(&ts, &n);
    (
        format!("{base}/wechat?signature={sig}&timestamp={ts}&nonce={n}&openid=o1"),
        push.to_xml(),
    )
}

/// A safe-mode request as WeChat sends it: `encrypt_type=aes`, `msg_signature`, the body
/// `<xml><ToUserName/><Encrypt/></xml>`.
pub fn safe(base: &str, push: &Push, at: i64) -> (String, String) {
    safe_with(base, &crypto(), push, at)
}

/// A safe-mode request encrypted with `c` (another AppID, say).
pub fn safe_with(base: &str, c: &PushCrypto, push: &Push, at: i64) -> (String, String) {
    let n = nonce();
    let ts = at.to_string();
    let encrypt = c.encrypt(&push.to_xml(), rand::random());
    let msg_sig = c.msg_signature(&ts, &n, &encrypt);
    let sig = c.signature(&ts, &n);
    let body = Push::new()
        .text("ToUserName", "gh_test")
        .text("Encrypt", encrypt)
        .to_xml();
    (
        format!(
            "{base}/wechat?signature={sig}&timestamp={ts}&nonce={n}&openid=o1\
             &encrypt_type=aes&msg_signature={msg_sig}"
        ),
        body,
    )
}

/// POSTs a request; the status and the answer's text.
pub async fn post(http: &reqwest::Client, (url, body): (String, String)) -> (u16, String) {
    let r = http.post(url).body(body).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// GET `/api/v1/events` with `key`: the status and the JSON.
pub async fn events(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    query: &str,
) -> (u16, serde_json::Value) {
    let r = http
        .get(format!("{base}/api/v1/events?{query}"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// Every stored event, paging through `/api/v1/events`.
pub async fn all_events(http: &reqwest::Client, base: &str, key: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut since = 0;
    loop {
        let (status, page) = events(http, base, key, &format!("since={since}&limit=1000")).await;
        assert_eq!(status, 200, "{page}");
        let list = page["events"].as_array().unwrap().clone();
        let Some(last) = list.last() else {
            return out;
        };
        since = last["id"].as_i64().unwrap();
        out.extend(list);
    }
}

/// A claim push (user_get_card) of `code` through the channel `outer_id`.
pub fn claim(code: &str, outer_id: i64, at: i64) -> Push {
    Push::new()
        .text("ToUserName", "gh_test")
        .text("FromUserName", format!("o-user-{code}"))
        .number("CreateTime", at)
        .text("MsgType", "event")
        .text("Event", "user_get_card")
        .text("CardId", "pCARD0001")
        .number("IsGiveByFriend", 0)
        .text("UserCardCode", code)
        .text("FriendUserName", "")
        .number("OuterId", outer_id)
        .text("OldUserCardCode", "")
        .text("OuterStr", "poster")
        .number("IsRestoreMemberCard", 0)
}
