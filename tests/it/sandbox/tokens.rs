//! Simulator: tokens, credentials, tickets and image upload, over loopback HTTP.

use coupon_studio::sandbox::SandboxConfig;
use serde_json::{Value, json};

use crate::support::wire::Sim;

async fn colors_with(sim: &Sim, token: &str) -> Value {
    sim.raw_get(&format!("/card/getcolors?access_token={token}"))
        .await
}

#[tokio::test]
async fn stable_token_is_shared_and_force_refresh_replaces_it() {
    let sim = Sim::start().await;
    let body = json!({"grant_type": "client_credential", "appid": "wx1", "secret": "s", "force_refresh": false}).to_string();
    let a = sim.raw_post("/cgi-bin/stable_token", &body).await;
    let b = sim.raw_post("/cgi-bin/stable_token", &body).await;
    assert_eq!(a["access_token"], b["access_token"]);
    assert_eq!(a["access_token"], sim.token.as_str());
    assert!(a["expires_in"].as_i64().unwrap() <= 7200);
    let forced = sim
        .raw_post(
            "/cgi-bin/stable_token",
            &json!({"grant_type": "client_credential", "appid": "wx1", "secret": "s", "force_refresh": true}).to_string(),
        )
        .await;
    assert_ne!(forced["access_token"], a["access_token"]);
    assert_eq!(forced["expires_in"], 7200);
    let again = sim.raw_post("/cgi-bin/stable_token", &body).await;
    assert_eq!(again["access_token"], forced["access_token"]);
    let bad = sim
        .raw_post(
            "/cgi-bin/stable_token",
            &json!({"grant_type": "password", "appid": "wx1"}).to_string(),
        )
        .await;
    assert_eq!(bad["errcode"], 40002);
}

#[tokio::test]
async fn classic_token_issues_new_tokens_and_cuts_old_ones_after_the_grace_period() {
    let sim = Sim::start().await;
    let first = sim
        .raw_get("/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s")
        .await;
    assert_eq!(first["expires_in"], 7200);
    let second = sim
        .raw_get("/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s")
        .await;
    let (t1, t2) = (
        first["access_token"].as_str().unwrap(),
        second["access_token"].as_str().unwrap(),
    );
    assert_ne!(t1, t2);
    // Both work during the grace period; the stable token too.
    assert_eq!(colors_with(&sim, t1).await["errcode"], 0);
    assert_eq!(colors_with(&sim, &sim.token).await["errcode"], 0);
    sim.advance(301).await;
    assert_eq!(colors_with(&sim, t1).await["errcode"], 42001);
    assert_eq!(colors_with(&sim, &sim.token).await["errcode"], 42001);
    assert_eq!(colors_with(&sim, t2).await["errcode"], 0);
    // The new token dies after its 7200 s.
    sim.advance(7200).await;
    assert_eq!(colors_with(&sim, t2).await["errcode"], 42001);
}

#[tokio::test]
async fn token_errors_missing_unknown_expired() {
    let sim = Sim::start().await;
    let missing = sim.raw_get("/card/getcolors").await;
    assert_eq!(missing["errcode"], 41001);
    assert_eq!(colors_with(&sim, "made-up").await["errcode"], 40001);
    let ok = sim.get("/card/getcolors").await;
    assert_eq!(ok["errcode"], 0);
    assert_eq!(ok["colors"].as_array().unwrap().len(), 14);
    assert_eq!(
        ok["colors"][0],
        json!({"name": "Color010", "value": "#63b359"})
    );
    sim.advance(7200).await;
    assert_eq!(sim.get("/card/getcolors").await["errcode"], 42001);
    // Every WeChat path checks the token, POST ones too.
    for path in [
        "/card/create",
        "/card/pay/confirm",
        "/card/code/consume",
        "/datacube/getcardbizuininfo",
    ] {
        let v = sim.raw_post(path, "{}").await;
        assert_eq!(v["errcode"], 41001, "{path}");
    }
}

#[tokio::test]
async fn configured_credentials_answer_40013_and_40125() {
    let sim = Sim::start_with(SandboxConfig {
        credentials: Some(("wxright".into(), "secret-right".into())),
        ..SandboxConfig::default()
    })
    .await;
    let v = sim
        .raw_get("/cgi-bin/token?grant_type=client_credential&appid=wxwrong&secret=secret-right")
        .await;
    assert_eq!(v["errcode"], 40013);
    let v = sim
        .raw_get("/cgi-bin/token?grant_type=client_credential&appid=wxright&secret=nope")
        .await;
    assert_eq!(v["errcode"], 40125);
    let v = sim
        .raw_post(
            "/cgi-bin/stable_token",
            &json!({"grant_type": "client_credential", "appid": "wxright", "secret": "nope"})
                .to_string(),
        )
        .await;
    assert_eq!(v["errcode"], 40125);
    let v = sim
        .raw_get("/cgi-bin/token?grant_type=client_credential&appid=wxright&secret=secret-right")
        .await;
    assert_eq!(v["errcode"], 0);
    assert!(!v["access_token"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn getticket_is_stable_while_valid() {
    let sim = Sim::start().await;
    let a = sim.get("/cgi-bin/ticket/getticket?type=wx_card").await;
    assert_eq!(a["errcode"], 0);
    assert_eq!(a["expires_in"], 7200);
    let b = sim.get("/cgi-bin/ticket/getticket?type=wx_card").await;
    assert_eq!(a["ticket"], b["ticket"]);
    let js = sim.get("/cgi-bin/ticket/getticket?type=jsapi").await;
    assert_ne!(js["ticket"], a["ticket"]);
    assert_eq!(
        sim.get("/cgi-bin/ticket/getticket?type=other").await["errcode"],
        40053
    );
    sim.advance(7200).await;
    // The access token expired with it; get a fresh one.
    let fresh = sim
        .raw_get("/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s")
        .await;
    let t = fresh["access_token"].as_str().unwrap();
    let c = sim
        .raw_get(&format!(
            "/cgi-bin/ticket/getticket?type=wx_card&access_token={t}"
        ))
        .await;
    assert_eq!(c["errcode"], 0);
    assert_ne!(c["ticket"], a["ticket"]);
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 30, 30]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test]
async fn upload_accepts_both_part_names_and_refuses_the_rest() {
    let sim = Sim::start().await;
    let bytes = png();
    let a = sim.upload("buffer", bytes.clone()).await;
    let b = sim.upload("media", bytes.clone()).await;
    assert_eq!(a["errcode"], 0, "{a}");
    assert_eq!(a["url"], b["url"]);
    let url = a["url"].as_str().unwrap();
    assert!(url.starts_with("http://mmbiz.qpic.cn/sandbox/"), "{url}");
    let hash = url.split('/').nth(4).unwrap();
    assert_eq!(hash.len(), 40);
    let served = sim
        .http
        .get(format!("{}/sandbox/media/{hash}", sim.base))
        .send()
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().to_vec(), bytes);

    let mut big = png();
    big.resize(1024 * 1024 + 1, 0);
    assert_eq!(sim.upload("buffer", big).await["errcode"], 40009);
    assert_eq!(sim.upload("other", png()).await["errcode"], 41005);
    assert_eq!(
        sim.upload("media", b"GIF89a not a jpeg".to_vec()).await["errcode"],
        40005
    );
    let not_multipart = sim.post_text("/cgi-bin/media/uploadimg", "{}").await;
    assert_eq!(not_multipart["errcode"], 41005);
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend_from_slice(b"rest");
    assert_eq!(sim.upload("media", jpeg).await["errcode"], 0);
}

#[tokio::test]
async fn stores_page_and_admin_replaces_them() {
    let sim = Sim::start().await;
    let all = sim
        .post("/cgi-bin/poi/getpoilist", json!({"begin": 0, "limit": 50}))
        .await;
    assert_eq!(all["total_count"], 6);
    assert_eq!(all["business_list"][0]["base_info"]["poi_id"], "272981040");
    let page = sim
        .post("/cgi-bin/poi/getpoilist", json!({"begin": 4, "limit": 5}))
        .await;
    assert_eq!(page["business_list"].as_array().unwrap().len(), 2);
    sim.admin(
        "/sandbox/pois",
        json!({"business_list": [{"base_info": {"poi_id": "1", "business_name": "店", "branch_name": "一", "address": "路"}}]}),
    )
    .await;
    let after = sim.post("/cgi-bin/poi/getpoilist", json!({})).await;
    assert_eq!(after["total_count"], 1);
}

#[tokio::test]
async fn the_token_service_stand_in_hands_out_the_stable_token() {
    let sim = Sim::start().await;
    let v = sim.admin_get("/sandbox/token-service").await;
    assert_eq!(v["access_token"], sim.token.as_str());
    assert!(v["expires_in"].as_i64().unwrap() > 7000);
    let plain = sim
        .http
        .get(format!("{}/sandbox/token-service?format=plain", sim.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(plain, sim.token);
}
