//! Statistics: the datacube's daily counts of an account (`datacube/getcardbizuininfo`) and
//! of one card (`datacube/getcardcardinfo`). The simulator's side is `sandbox/datacube.rs`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call::{CallKind, Method};
use super::client::ApiClient;
use super::error::ApiError;

/// One day of datacube counts.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct DayStats {
    /// The day the counts are for, `YYYY-MM-DD`.
    pub ref_date: String,
    /// How often the card was viewed.
    pub view_cnt: i64,
    /// How many users viewed it.
    pub view_user: i64,
    /// How many coupons were received.
    pub receive_cnt: i64,
    /// How many users received one.
    pub receive_user: i64,
    /// How many coupons were used (consumed).
    pub verify_cnt: i64,
    /// How many users used one.
    pub verify_user: i64,
    /// How many coupons were given to friends.
    pub given_cnt: i64,
    /// How many users gave one.
    pub given_user: i64,
    /// How many coupons expired unused.
    pub expire_cnt: i64,
    /// Users whose coupon expired.
    pub expire_user: i64,
}

impl ApiClient {
    /// `datacube/getcardbizuininfo` (dates `YYYY-MM-DD`, at most 62 days).
    pub async fn card_biz_uin_info(
        &self,
        begin: &str,
        end: &str,
        cond_source: u8,
    ) -> Result<Vec<DayStats>, ApiError> {
        self.datacube(
            "/datacube/getcardbizuininfo",
            json!({"begin_date": begin, "end_date": end, "cond_source": cond_source}),
        )
        .await
    }

    /// `datacube/getcardcardinfo`: the daily counts of one card (same date rules as
    /// [`Self::card_biz_uin_info`]).
    pub async fn card_card_info(
        &self,
        begin: &str,
        end: &str,
        cond_source: u8,
        card_id: &str,
    ) -> Result<Vec<DayStats>, ApiError> {
        let body = json!({"begin_date": begin, "end_date": end, "cond_source": cond_source, "card_id": card_id});
        self.datacube("/datacube/getcardcardinfo", body).await
    }

    async fn datacube(&self, path: &str, body: Value) -> Result<Vec<DayStats>, ApiError> {
        let v = self
            .call_value(Method::Post, path, &body, CallKind::Read)
            .await?;
        serde_json::from_value(v.get("list").cloned().unwrap_or(json!([]))).map_err(|e| {
            ApiError::Decode {
                endpoint: path.into(),
                message: e.to_string(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_example_parses() {
        let d: Vec<DayStats> = serde_json::from_str(r#"[{"ref_date":"2015-06-23","card_id":"po8pktyDLmakNY2fn2VyhkiEPqGE","card_type":3,"view_cnt":1,"view_user":1,"receive_cnt":1,"receive_user":1,"verify_cnt":0,"verify_user":0,"given_cnt":0,"given_user":0,"expire_cnt":0,"expire_user":0}]"#).unwrap();
        assert_eq!(d[0].receive_cnt, 1);
    }
}
