//! The server on PostgreSQL over TLS (`scripts/postgres.sh` turns TLS on in the test cluster
//! with a CA of its own, `COUPON_STUDIO_TEST_DATABASE_CA`): with `sslmode=require` and the CA
//! file it starts, stores pushes and its connections are encrypted, by IP address and by
//! name; without the CA file it is refused at start, saying the certificate could not be
//! verified and without the URL's password; a CA file that holds no certificate is refused
//! naming it; the real binary takes `--database-ca-file`.

use std::path::PathBuf;

use coupon_studio::server::spawn;
use coupon_studio::server::storage::{self, StorageError, Target};

use crate::support::server::*;
use crate::support::{bin, temp_dir};

/// A password the test cluster ignores (trust authentication), to look for in messages.
const PASSWORD: &str = "hunter2-pg-secret";

/// A fresh schema reached with `sslmode` and an application name of the test's own (to find
/// its connections in `pg_stat_ssl`), and the CA file; `None` when there is no test database
/// or no CA (skipped, or failing when required).
async fn tls_db(sslmode: &str) -> Option<(Db, PathBuf, String)> {
    let ca = postgres_ca()?;
    let app = format!("cs-tls-{}-{}", std::process::id(), rand::random::<u32>());
    let db = Db::postgres_with(&format!("sslmode={sslmode}&application_name={app}")).await?;
    Some((db, ca, app))
}

fn url_of(db: &Db) -> &str {
    match &db.target {
        Target::Postgres(url) => url,
        Target::DataDir(_) => unreachable!("a PostgreSQL Db"),
    }
}

/// `db`'s URL with the host `host` and, when given, the password `password`.
fn with_host(db: &Db, host: &str, password: Option<&str>) -> Target {
    let mut url = url::Url::parse(url_of(db)).unwrap();
    url.set_host(Some(host)).unwrap();
    url.set_password(password).unwrap();
    Target::Postgres(url.into())
}

/// How many connections of the application `app` there are, and how many of them use TLS.
async fn connections(app: &str) -> (i64, i64) {
    let row = raw_client(&postgres_url().unwrap())
        .await
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE s.ssl) \
             FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
             WHERE a.application_name = $1",
            &[&app],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_ca_file_require_stores_pushes_over_tls() {
    let Some((db, ca, app)) = tls_db("require").await else {
        return;
    };
    let mut config = config(&db, None, None);
    config.database_ca_file = Some(ca.clone());
    let server = spawn(config).await.unwrap();
    let key = keys_with_ca(&db, &ca).await;
    let http = reqwest::Client::new();
    let at = now();
    let answer = post(&http, safe(&server.url(), &claim("tls-1", 7, at), at)).await;
    assert_eq!(answer, (200, "success".to_owned()));
    let stored = all_events(&http, &server.url(), &key).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["UserCardCode"], "tls-1");
    let (all, encrypted) = connections(&app).await;
    assert!(all > 0, "the server's connections are not listed");
    assert_eq!(encrypted, all, "every connection of the server uses TLS");
    drop(server);
    db.cleanup().await;
}

/// An API key made through storage opened with the CA (as `server add-key --database-ca-file`).
async fn keys_with_ca(db: &Db, ca: &std::path::Path) -> String {
    let key = coupon_studio::server::keys::generate();
    storage::open_with_ca(&db.target, Some(ca))
        .await
        .unwrap()
        .add_key("tls".into(), coupon_studio::server::keys::hash(&key), 0)
        .await
        .unwrap();
    key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_ca_file_require_is_refused_naming_the_certificate() {
    let Some((db, _ca, _)) = tls_db("require").await else {
        return;
    };
    let mut config = config(&db, None, None);
    config.target = with_host(&db, "127.0.0.1", Some(PASSWORD));
    let Err(e) = spawn(config).await else {
        panic!("started with a certificate of an unknown CA")
    };
    let text = e.to_string();
    assert!(text.contains("certificate could not be verified"), "{text}");
    assert!(text.contains("--database-ca-file"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(!format!("{e:?}").contains(PASSWORD), "{e:?}");
    let Err(e) = storage::open(&with_host(&db, "localhost", Some(PASSWORD))).await else {
        panic!("opened with a certificate of an unknown CA")
    };
    assert!(matches!(e, StorageError::Certificate(_)), "{e}");
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_name_and_by_address_the_certificate_is_verified() {
    let Some((db, ca, app)) = tls_db("require").await else {
        return;
    };
    // Both are in the certificate's names (subjectAltName): both pass.
    for host in ["localhost", "127.0.0.1"] {
        let target = with_host(&db, host, None);
        let storage = storage::open_with_ca(&target, Some(&ca)).await;
        let storage = storage.unwrap_or_else(|e| panic!("{host}: {e}"));
        storage.ping().await.unwrap();
        let (all, encrypted) = connections(&app).await;
        assert!(
            all > 0 && encrypted == all,
            "{host}: {encrypted} of {all} over TLS"
        );
    }
    // A CA file that is no PEM certificate: refused, naming it.
    let dir = temp_dir("tls");
    let bad = dir.join("not-a-certificate.pem");
    std::fs::write(
        &bad,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let Err(e) = storage::open_with_ca(&db.target, Some(&bad)).await else {
        panic!("a CA file without a certificate was accepted")
    };
    assert!(matches!(e, StorageError::CaFile { .. }), "{e}");
    assert!(e.to_string().contains("not-a-certificate.pem"), "{e}");
    let missing = dir.join("missing-ca.crt");
    let Err(e) = storage::open_with_ca(&db.target, Some(&missing)).await else {
        panic!("a missing CA file was accepted")
    };
    assert!(e.to_string().contains("missing-ca.crt"), "{e}");
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefer_uses_tls_when_it_verifies_else_the_clear_and_disable_never_does() {
    let Some((db, ca, app)) = tls_db("prefer").await else {
        return;
    };
    let storage = storage::open_with_ca(&db.target, Some(&ca)).await.unwrap();
    storage.ping().await.unwrap();
    let (all, encrypted) = connections(&app).await;
    assert!(
        all > 0 && encrypted == all,
        "prefer: {encrypted} of {all} over TLS"
    );
    drop(storage);
    db.cleanup().await;

    // Without the CA, prefer cannot verify the certificate: it falls back to the clear, as
    // libpq's prefer does, rather than trust it unverified or refuse to start.
    let Some((db, _, app)) = tls_db("prefer").await else {
        return;
    };
    let storage = storage::open_with_ca(&db.target, None).await.unwrap();
    storage.ping().await.unwrap();
    let (all, encrypted) = connections(&app).await;
    assert!(
        all > 0 && encrypted == 0,
        "prefer without the CA: {encrypted} of {all} over TLS"
    );
    drop(storage);
    db.cleanup().await;

    let Some((db, ca, app)) = tls_db("disable").await else {
        return;
    };
    let storage = storage::open_with_ca(&db.target, Some(&ca)).await.unwrap();
    storage.ping().await.unwrap();
    let (all, encrypted) = connections(&app).await;
    assert!(
        all > 0 && encrypted == 0,
        "disable: {encrypted} of {all} over TLS"
    );
    drop(storage);
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_takes_the_ca_file_and_listens() {
    let Some((db, ca, app)) = tls_db("require").await else {
        return;
    };
    let mut args: Vec<String> = ["server", "--addr", "127.0.0.1:0", "--appid", APPID]
        .map(str::to_owned)
        .into();
    args.extend(db.flags());
    args.extend(["--database-ca-file".into(), ca.display().to_string()]);
    let (mut child, url) = bin::spawn_listening(
        bin::command(&args)
            .env("COUPON_STUDIO_SERVER_TOKEN", TOKEN)
            .env("COUPON_STUDIO_SERVER_AES_KEY", AES_KEY)
            .stderr(std::process::Stdio::null()),
    );
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let (all, encrypted) = connections(&app).await;
    assert!(all > 0 && encrypted == all, "{encrypted} of {all} over TLS");
    // The key commands take it too, after the command or before it.
    let add = bin::command(
        &[
            vec!["server".to_owned(), "add-key".to_owned()],
            db.flags(),
            vec!["--database-ca-file".into(), ca.display().to_string()],
            vec!["tls-cli".into()],
        ]
        .concat(),
    )
    .output()
    .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let list = bin::command(
        &[
            vec!["server".to_owned()],
            vec!["--database-ca-file".into(), ca.display().to_string()],
            vec!["list-keys".into()],
            db.flags(),
        ]
        .concat(),
    )
    .output()
    .unwrap();
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.status.success() && listed.starts_with("tls-cli\t"),
        "{listed}"
    );
    // From the environment, and from the config file.
    let from_env =
        bin::command(&[vec!["server".to_owned(), "list-keys".into()], db.flags()].concat())
            .env("COUPON_STUDIO_SERVER_DATABASE_CA_FILE", &ca)
            .output()
            .unwrap();
    assert!(
        from_env.status.success(),
        "{}",
        String::from_utf8_lossy(&from_env.stderr)
    );
    let toml = temp_dir("tls").join("server.toml");
    std::fs::write(
        &toml,
        format!(
            "database = {:?}\ndatabase_ca_file = {:?}\n",
            url_of(&db),
            ca.display().to_string()
        ),
    )
    .unwrap();
    let from_file = bin::command(&[
        "server",
        "list-keys",
        "--config",
        &toml.display().to_string(),
    ])
    .output()
    .unwrap();
    assert!(
        String::from_utf8_lossy(&from_file.stdout).starts_with("tls-cli\t"),
        "{}",
        String::from_utf8_lossy(&from_file.stderr)
    );
    // Without it the same command is refused, naming the certificate.
    let refused =
        bin::command(&[vec!["server".to_owned(), "list-keys".into()], db.flags()].concat())
            .output()
            .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && err.contains("certificate"),
        "{err}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    db.cleanup().await;
}
