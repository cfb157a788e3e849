//! The API client against the simulator over real loopback HTTP.

use coupon_studio::api::{ApiClient, ApiError, TokenSource};
use coupon_studio::card::Int;
use coupon_studio::sandbox::{SandboxConfig, spawn};
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn create_then_review_by_delay_and_admin() {
    let (_h, client) = setup().await;
    let card_id = client
        .create_card(&fixture_body(&client, 86_400, 30 * 86_400).await)
        .await
        .unwrap();
    assert_eq!(card_id.len(), 28);
    let details = client.get_card(&card_id).await.unwrap();
    assert_eq!(details.status, "CARD_STATUS_NOT_VERIFY");
    assert_eq!(details.quantity, Some(0));
    assert_eq!(
        details.body.card.base_info().unwrap().brand_name.as_deref(),
        Some("北风羽绒")
    );
    admin(&client, "/sandbox/clock/advance", json!({"seconds": 3})).await;
    assert_eq!(
        client.get_card(&card_id).await.unwrap().status,
        "CARD_STATUS_VERIFY_OK"
    );

    let second = client
        .create_card(&fixture_body(&client, 86_400, 30 * 86_400).await)
        .await
        .unwrap();
    admin(
        &client,
        "/sandbox/card/review",
        json!({"card_id": second, "approve": false}),
    )
    .await;
    assert_eq!(
        client.get_card(&second).await.unwrap().status,
        "CARD_STATUS_VERIFY_FAIL"
    );
    let listed = client.batch_get(0, 50, None).await.unwrap();
    assert_eq!(listed.total_num, 2);
    assert_eq!(listed.card_id_list, vec![second.clone(), card_id.clone()]);
    let failed = client
        .batch_get(0, 50, Some(&["CARD_STATUS_VERIFY_FAIL"]))
        .await
        .unwrap();
    assert_eq!(failed.card_id_list, vec![second]);
}

#[tokio::test]
async fn create_errors_carry_the_guides_codes() {
    let (_h, client) = setup().await;
    let mut long = fixture_body(&client, 86_400, 30 * 86_400).await;
    long.card.base_info_mut().brand_name = Some("一二三四五六七八九十一二三".into());
    let err = client.create_card(&long).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::WeChat { errmsg, .. } if errmsg.contains("brand_name")),
        "{err:?}"
    );

    let mut span = fixture_body(&client, 86_400, 30 * 86_400).await;
    let begin = span
        .card
        .base_info()
        .unwrap()
        .date_info
        .as_ref()
        .unwrap()
        .begin_timestamp
        .as_ref()
        .unwrap()
        .get()
        .unwrap();
    span.card.date_info_mut().end_timestamp = Some(Int::Num(begin + 90 * 86_400 + 1));
    assert_eq!(
        client.create_card(&span).await.unwrap_err().errcode(),
        Some(40079)
    );

    let mut no_store = fixture_body(&client, 86_400, 30 * 86_400).await;
    no_store.card.base_info_mut().location_id_list = Some(vec![]);
    assert_eq!(
        client.create_card(&no_store).await.unwrap_err().errcode(),
        Some(41025)
    );

    let mut bad_image = fixture_body(&client, 86_400, 30 * 86_400).await;
    bad_image.card.base_info_mut().logo_url = Some("https://example.com/logo.png".into());
    assert_eq!(
        client.create_card(&bad_image).await.unwrap_err().errcode(),
        Some(40141)
    );
    // Nothing was created by the refused calls.
    assert_eq!(client.batch_get(0, 50, None).await.unwrap().total_num, 0);
}

#[tokio::test]
async fn update_sends_check_and_refuses_fixed_fields() {
    let (_h, client) = setup().await;
    let card_id = client
        .create_card(&fixture_body(&client, 86_400, 30 * 86_400).await)
        .await
        .unwrap();
    admin(
        &client,
        "/sandbox/card/review",
        json!({"card_id": card_id, "approve": true}),
    )
    .await;
    // A phone number is not reviewed.
    let phone =
        json!({"card_id": card_id, "cash": {"base_info": {"service_phone": "400-000-0000"}}});
    assert!(!client.update_card(&phone).await.unwrap());
    assert_eq!(
        client.get_card(&card_id).await.unwrap().status,
        "CARD_STATUS_VERIFY_OK"
    );
    // The description is: back to review.
    let desc = json!({"card_id": card_id, "cash": {"base_info": {"description": "新说明"}}});
    assert!(client.update_card(&desc).await.unwrap());
    let details = client.get_card(&card_id).await.unwrap();
    assert_eq!(details.status, "CARD_STATUS_NOT_VERIFY");
    assert_eq!(
        details
            .body
            .card
            .base_info()
            .unwrap()
            .description
            .as_deref(),
        Some("新说明")
    );
    // brand_name cannot be updated (the guide's warning).
    let brand = json!({"card_id": card_id, "cash": {"base_info": {"brand_name": "别的"}}});
    let err = client.update_card(&brand).await.unwrap_err();
    assert!(matches!(&err, ApiError::WeChat { errmsg, .. } if errmsg.contains("brand_name")));
    // Notice may be 16 characters at update, not 17.
    let ok16 = json!({"card_id": card_id, "cash": {"base_info": {"notice": "一二三四五六七八九十一二三四五六"}}});
    assert!(client.update_card(&ok16).await.is_ok());
    let bad17 = json!({"card_id": card_id, "cash": {"base_info": {"notice": "一二三四五六七八九十一二三四五六七"}}});
    assert!(client.update_card(&bad17).await.is_err());
}

#[tokio::test]
async fn expired_token_is_refreshed_once_and_the_call_repeated() {
    let (_h, client) = setup().await;
    let first = client.access_token().await.unwrap();
    assert_eq!(client.get_colors().await.unwrap().len(), 14);
    // WeChat's clock passes the token's 7200 s; the client's cache does not know yet.
    admin(&client, "/sandbox/clock/advance", json!({"seconds": 7300})).await;
    let before = calls(&client, "/card/getcolors").await;
    let colors = client.get_colors().await.unwrap();
    assert_eq!(colors[0].name, "Color010");
    assert_eq!(
        calls(&client, "/card/getcolors").await - before,
        2,
        "one 42001, one retry"
    );
    assert_ne!(client.access_token().await.unwrap(), first);
}

#[tokio::test]
async fn stable_token_is_shared_and_classic_token_cuts_the_old_one() {
    let (_h, client) = setup().await;
    let other = ApiClient::new(
        client.base_url(),
        TokenSource::Stable {
            appid: "wx1".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    assert_eq!(
        client.access_token().await.unwrap(),
        other.access_token().await.unwrap()
    );
    let classic = ApiClient::new(
        client.base_url(),
        TokenSource::Classic {
            appid: "wx1".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    classic.access_token().await.unwrap();
    // The stable token still works during the grace period, then not.
    assert!(client.get_colors().await.is_ok());
    admin(&client, "/sandbox/clock/advance", json!({"seconds": 301})).await;
    let url = format!(
        "{}/card/getcolors?access_token={}",
        client.base_url(),
        other.access_token().await.unwrap()
    );
    let v: Value = client
        .http()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 42001);
}

#[tokio::test]
async fn configured_credentials_are_enforced() {
    let handle = spawn(SandboxConfig {
        credentials: Some(("wxapp".into(), "right".into())),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let wrong_id = ApiClient::new(
        &handle.url(),
        TokenSource::Stable {
            appid: "x".into(),
            secret: "right".into(),
        },
    )
    .unwrap();
    assert_eq!(
        wrong_id.get_colors().await.unwrap_err().errcode(),
        Some(40013)
    );
    let wrong_secret = ApiClient::new(
        &handle.url(),
        TokenSource::Stable {
            appid: "wxapp".into(),
            secret: "no".into(),
        },
    )
    .unwrap();
    assert_eq!(
        wrong_secret.get_colors().await.unwrap_err().errcode(),
        Some(40125)
    );
    let fixed = ApiClient::new(&handle.url(), TokenSource::Fixed("made-up".into())).unwrap();
    assert_eq!(fixed.get_colors().await.unwrap_err().errcode(), Some(40001));
    let good = ApiClient::new(
        &handle.url(),
        TokenSource::Stable {
            appid: "wxapp".into(),
            secret: "right".into(),
        },
    )
    .unwrap();
    assert!(good.get_colors().await.is_ok());
}

#[tokio::test]
async fn upload_accepts_images_and_refuses_the_rest() {
    let (_h, client) = setup().await;
    let mut png = Vec::new();
    image::RgbImage::new(4, 4)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let url = client.upload_image(png.clone(), "a.png").await.unwrap();
    assert!(url.starts_with("http://mmbiz.qpic.cn/sandbox/"), "{url}");
    assert!(coupon_studio::card::rules::is_wechat_cdn_url(&url));
    let err = client
        .upload_image(b"not an image".to_vec(), "a.txt")
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(40005));
    let mut big = png.clone();
    big.resize(1024 * 1024 + 1, 0);
    assert_eq!(
        client
            .upload_image(big, "big.png")
            .await
            .unwrap_err()
            .errcode(),
        Some(40009)
    );
    // SDKs send the part as `media`: accepted too.
    let token = client.access_token().await.unwrap();
    let form = reqwest::multipart::Form::new().part(
        "media",
        reqwest::multipart::Part::bytes(png).file_name("a.png"),
    );
    let v: Value = client
        .http()
        .post(format!(
            "{}/cgi-bin/media/uploadimg?access_token={token}",
            client.base_url()
        ))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        v["url"]
            .as_str()
            .unwrap()
            .starts_with("http://mmbiz.qpic.cn/")
    );
    let empty = reqwest::multipart::Form::new().text("other", "x");
    let v: Value = client
        .http()
        .post(format!(
            "{}/cgi-bin/media/uploadimg?access_token={token}",
            client.base_url()
        ))
        .multipart(empty)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 41005);
}

#[tokio::test]
async fn stores_and_colours() {
    let (_h, client) = setup().await;
    let pois = client.get_poi_list(0, 50).await.unwrap();
    assert_eq!(pois.len(), 6);
    assert_eq!(pois[0].poi_id, "272981040");
    assert_eq!(client.get_poi_list(4, 50).await.unwrap().len(), 2);
    let colors = client.get_colors().await.unwrap();
    assert_eq!(
        colors.iter().find(|c| c.name == "Color102").unwrap().value,
        "#5E6671"
    );
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = temp_dir("state");
    let path = dir.join("state.json");
    let config = SandboxConfig {
        state_file: Some(path.clone()),
        ..SandboxConfig::default()
    };
    let handle = spawn(config.clone()).await.unwrap();
    let client = ApiClient::new(
        &handle.url(),
        TokenSource::Stable {
            appid: "a".into(),
            secret: "b".into(),
        },
    )
    .unwrap();
    let card_id = client
        .create_card(&fixture_body(&client, 86_400, 30 * 86_400).await)
        .await
        .unwrap();
    handle.shutdown().await;
    let handle = spawn(config).await.unwrap();
    let client = ApiClient::new(
        &handle.url(),
        TokenSource::Stable {
            appid: "a".into(),
            secret: "b".into(),
        },
    )
    .unwrap();
    assert_eq!(
        client
            .get_card(&card_id)
            .await
            .unwrap()
            .body
            .card
            .base_info()
            .unwrap()
            .brand_name
            .as_deref(),
        Some("北风羽绒")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_token_service_url_works_as_json_or_plain_text() {
    let (h, stable) = setup().await;
    for (url, field) in [
        (format!("{}/sandbox/token-service", h.url()), None),
        (
            format!("{}/sandbox/token-service?format=plain", h.url()),
            None,
        ),
        (
            format!("{}/sandbox/token-service", h.url()),
            Some("access_token".to_owned()),
        ),
    ] {
        let c = ApiClient::new(
            &h.url(),
            TokenSource::Service {
                url,
                json_field: field,
            },
        )
        .unwrap();
        assert_eq!(c.get_colors().await.unwrap().len(), 14);
        assert_eq!(
            c.access_token().await.unwrap(),
            stable.access_token().await.unwrap()
        );
    }
    let wrong = ApiClient::new(
        &h.url(),
        TokenSource::Service {
            url: format!("{}/sandbox/token-service", h.url()),
            json_field: Some("token".into()),
        },
    )
    .unwrap();
    assert!(matches!(wrong.get_colors().await, Err(ApiError::Token(_))));
}
