//! Statistics: the datacube's daily counts of an account (`datacube/getcardbizuininfo`) and
//! of one card (`datacube/getcardcardinfo`). The simulator's side is `sandbox/datacube.rs`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call::{CallKind, Method};
use super::client::ApiClient;
use super::error::ApiError;
use super::lenient;

/// One day of datacube counts, for the account or (with `card_id`) for one card.
///
/// Every count is read from a number or a numeric string, and a member the answer leaves out
/// is 0: the guide's answers carry the first ten, real answers also the friends' metrics and,
/// on card rows, `card_type`, `is_pay`, `verify_noself_*` and `isfriendscard`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct DayStats {
    /// The day the counts are for, `YYYY-MM-DD`.
    pub ref_date: String,
    /// The card of a getcardcardinfo row; empty on account rows.
    #[serde(deserialize_with = "lenient::text")]
    pub card_id: String,
    /// How often the card was viewed.
    #[serde(deserialize_with = "lenient::int")]
    pub view_cnt: i64,
    /// How many users viewed it.
    #[serde(deserialize_with = "lenient::int")]
    pub view_user: i64,
    /// How many coupons were received.
    #[serde(deserialize_with = "lenient::int")]
    pub receive_cnt: i64,
    /// How many users received one.
    #[serde(deserialize_with = "lenient::int")]
    pub receive_user: i64,
    /// How many coupons were used (consumed).
    #[serde(deserialize_with = "lenient::int")]
    pub verify_cnt: i64,
    /// How many users used one.
    #[serde(deserialize_with = "lenient::int")]
    pub verify_user: i64,
    /// How many coupons were given to friends.
    #[serde(deserialize_with = "lenient::int")]
    pub given_cnt: i64,
    /// How many users gave one.
    #[serde(deserialize_with = "lenient::int")]
    pub given_user: i64,
    /// How many coupons expired unused.
    #[serde(deserialize_with = "lenient::int")]
    pub expire_cnt: i64,
    /// Users whose coupon expired.
    #[serde(deserialize_with = "lenient::int")]
    pub expire_user: i64,
    /// Views by friends of the claimer (the shared coupon seen in a friend's list). Not in the guide: seen in real answers.
    #[serde(deserialize_with = "lenient::int")]
    pub view_friends_cnt: i64,
    /// Friends who viewed it.
    #[serde(deserialize_with = "lenient::int")]
    pub view_friends_user: i64,
    /// Coupons received by friends through a share.
    #[serde(deserialize_with = "lenient::int")]
    pub receive_friends_cnt: i64,
    /// Friends who received one.
    #[serde(deserialize_with = "lenient::int")]
    pub receive_friends_user: i64,
    /// Uses of coupons that friends received through a share.
    #[serde(deserialize_with = "lenient::int")]
    pub verify_friends_cnt: i64,
    /// Friends who used one.
    #[serde(deserialize_with = "lenient::int")]
    pub verify_friends_user: i64,
    /// Uses by someone other than the claimer (他销); card rows only.
    #[serde(deserialize_with = "lenient::int")]
    pub verify_noself_cnt: i64,
    /// Users who used a coupon someone else claimed.
    #[serde(deserialize_with = "lenient::int")]
    pub verify_noself_user: i64,
    /// The card's type on card rows: 1 代金券 (CASH), 2 兑换券 (GIFT).
    #[serde(deserialize_with = "lenient::int")]
    pub card_type: i64,
    /// Whether the card is paid for (card rows).
    #[serde(deserialize_with = "lenient::int")]
    pub is_pay: i64,
    /// 1 when the card is a friends' coupon (card rows).
    #[serde(deserialize_with = "lenient::int")]
    pub isfriendscard: i64,
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
        assert_eq!(d[0].card_id, "po8pktyDLmakNY2fn2VyhkiEPqGE");
        assert_eq!(d[0].card_type, 3);
    }

    #[test]
    fn a_real_answer_with_strings_and_friends_metrics_parses() {
        // The shape real answers were seen in: counts as strings, the friends' metrics, and
        // members the client does not know.
        let d: Vec<DayStats> = serde_json::from_str(r#"[{"ref_date":"2026-11-30","view_cnt":"12","view_user":"9","receive_cnt":5,"receive_user":5,"verify_cnt":"4","verify_user":4,"given_cnt":0,"given_user":0,"expire_cnt":0,"expire_user":0,"view_friends_cnt":"7","view_friends_user":6,"receive_friends_cnt":2,"receive_friends_user":2,"verify_friends_cnt":"1","verify_friends_user":1,"verify_noself_cnt":3,"verify_noself_user":"2","isfriendscard":1,"is_pay":"0","new_member":9}]"#).unwrap();
        let r = &d[0];
        assert_eq!((r.view_cnt, r.view_user, r.verify_cnt), (12, 9, 4));
        assert_eq!((r.view_friends_cnt, r.receive_friends_cnt), (7, 2));
        assert_eq!(
            (
                r.verify_friends_cnt,
                r.verify_noself_cnt,
                r.verify_noself_user
            ),
            (1, 3, 2)
        );
        assert_eq!((r.isfriendscard, r.is_pay), (1, 0));
        assert!(serde_json::from_str::<Vec<DayStats>>(r#"[{"view_cnt":"many"}]"#).is_err());
    }
}
