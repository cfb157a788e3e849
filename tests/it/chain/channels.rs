//! Channels made in the app's Placement panel (a labelled batch of channel posters), customers
//! of the simulator scanning their QR codes, sharing, giving and using codes, and Stats
//! counting views, receives, gift-backs, uses and conversion per channel from the server's
//! events, named from the channel table. The expectation is tallied as the test acts.

use std::collections::BTreeMap;

use coupon_studio::app::Nav;
use coupon_studio::card::beijing;
use coupon_studio::sandbox::SandboxConfig;
use coupon_studio::stats::percent;
use coupon_studio::store::{ChannelRecord, Store};
use serde_json::{Value, json};

use crate::support::chain::{Chain, wait_live, wechat};
use crate::support::ui::*;
use crate::support::{stocked_card, temp_dir};

/// Per channel: views, receives, gift-backs, uses.
type Tally = BTreeMap<i64, [i64; 4]>;

/// The customers of the simulator, each action a minute after the last (so that no two of a
/// user's pushes share a second), and what they should add to the channel table.
struct Customers<'a> {
    chain: &'a Chain,
    tally: Tally,
}

impl Customers<'_> {
    fn later(&self) {
        self.chain
            .sim
            .rt
            .block_on(self.chain.admin().advance(60))
            .unwrap();
    }

    fn add(&mut self, channel: i64, what: [i64; 4]) {
        let row = self.tally.entry(channel).or_default();
        for (n, d) in row.iter_mut().zip(what) {
            *n += d;
        }
    }

    /// `openid` scans the channel's QR code: the card's page, then a code. The code.
    fn scan(&mut self, ch: &ChannelRecord, openid: &str) -> String {
        self.later();
        let got = self.chain.sim.admin(
            "/sandbox/user/scan",
            json!({"url": ch.url, "openid": openid}),
        );
        assert_eq!(got["outer_id"], ch.outer_id, "{got}");
        self.add(ch.outer_id, [1, 1, 0, 0]);
        got["code"].as_str().unwrap().to_owned()
    }

    /// The holder shares `code` with `friends`: each sees it.
    fn share(&mut self, channel: i64, code: &str, friends: &[&str]) {
        self.later();
        let v = self.chain.sim.admin(
            "/sandbox/user/share",
            json!({"code": code, "friends": friends}),
        );
        assert!(v.get("errcode").is_none(), "{v}");
        self.add(channel, [friends.len() as i64, 0, 0, 0]);
    }

    /// The holder gives `code` to `friend` (转赠): the friend's code, of the same channel.
    fn give(&mut self, channel: i64, code: &str, friend: &str) -> String {
        self.later();
        let v: Value = self
            .chain
            .sim
            .rt
            .block_on(self.chain.admin().gift(code, Some(friend)))
            .unwrap();
        self.add(channel, [0, 1, 0, 0]);
        v["code"].as_str().unwrap().to_owned()
    }

    /// `code` is used at the till: the user then sees the gift page and gets a gift-back code
    /// (the card gives itself back once after use).
    fn use_code(&mut self, channel: i64, code: &str) {
        self.later();
        self.chain
            .sim
            .rt
            .block_on(self.chain.sim.client.consume_code(code))
            .unwrap();
        self.add(channel, [1, 1, 1, 1]);
    }
}

#[test]
fn stats_counts_the_channels_made_in_the_app_from_what_customers_did() {
    let dir = temp_dir("chain-channels");
    // The simulated morning of today (Beijing): the customers' minutes stay inside today.
    let today = beijing::date_of(chrono::Utc::now().timestamp()).unwrap();
    let morning = beijing::start_of(today).unwrap() + 9 * 3600;
    let chain = Chain::sqlite(SandboxConfig {
        start_time: Some(morning),
        ..wechat(std::time::Duration::from_secs(3600))
    });
    let card = chain
        .sim
        .rt
        .block_on(stocked_card(&chain.sim.client, 100, 30));
    let key = chain.add_key("李雷");
    let account = chain.account();
    let mut h = chain.app(&dir, &account, &key, Nav::Placement);
    wait_live(&mut h);

    // Placement: three labelled channel posters, as a person makes them.
    wait_for(&mut h, "the card in Placement", |h| {
        h.state().placement.card_id.as_deref() == Some(card.as_str())
    });
    {
        let p = &mut h.state_mut().placement;
        p.channel_spec = "1-3".into();
        p.labels_text = "1,天河店\n2,北京路店\n3,珠江新城店".into();
        p.batch_dir = dir.join("posters").display().to_string();
    }
    wait_for(&mut h, "the start button", |h| enabled(h, "生成渠道海报"));
    click(&mut h, "生成渠道海报");
    wait_for(&mut h, "the batch", |h| {
        h.state().placement.batch_result.is_some()
    });
    assert!(
        matches!(h.state().placement.batch_result, Some(Ok(_))),
        "{:?}",
        h.state().placement.batch_result
    );
    let table = Store::open(&dir.join("coupon-studio.sqlite"))
        .unwrap()
        .channels()
        .unwrap();
    let ch = |outer_id: i64| -> ChannelRecord {
        table
            .iter()
            .find(|c| c.outer_id == outer_id && c.card_id == card)
            .cloned()
            .unwrap()
    };
    assert_eq!(ch(2).label, "北京路店");

    // Customers.
    let mut people = Customers {
        chain: &chain,
        tally: Tally::new(),
    };
    let (tianhe, beijing_rd, zhujiang) = (ch(1), ch(2), ch(3));
    let codes: Vec<String> = ["oA", "oB", "oC", "oD"]
        .iter()
        .map(|u| people.scan(&tianhe, u))
        .collect();
    people.share(1, &codes[0], &["oFriend1", "oFriend2"]);
    people.use_code(1, &codes[0]);
    let given = people.give(1, &codes[1], "oFriend3");
    people.use_code(1, &given);
    let b1 = people.scan(&beijing_rd, "oE");
    people.scan(&beijing_rd, "oF");
    people.use_code(2, &b1);
    let g = people.scan(&zhujiang, "oG");
    let pushed = chain.settled();
    assert_eq!(pushed["counts"]["failed"], 0, "{}", pushed["counts"]);

    // Stats opens on the 7 full days up to yesterday (datacube has no same-day data), yet
    // the channel table is live: today's events are in it at once, and it says so.
    click(&mut h, "数据");
    let want: Vec<(i64, [i64; 4])> = people.tally.clone().into_iter().collect();
    wait_for(&mut h, "today's events in the default range", |h| {
        table_of(h) == want
    });
    assert_eq!(h.state().stats.end, Some(today - chrono::Duration::days(1)));
    assert!(has(&h, "包括今天到现在为止"));
    // A range that ends today says datacube has nothing for today; the channels stay.
    h.state_mut().stats.begin = Some(today - chrono::Duration::days(6));
    h.state_mut().stats.end = Some(today);
    click(&mut h, "查询数据");
    wait_for(&mut h, "the channel table", |h| table_of(h) == want);
    // What a person reads: the channel table's names and the conversion, uses / receives.
    for (outer_id, [_, receives, _, uses]) in &want {
        let label = ch(*outer_id).label;
        assert!(has(&h, &label), "{label}");
        let rate = percent(*uses, *receives).unwrap();
        assert!(has(&h, &rate), "{label}: {rate}");
    }
    let rows = h.state().stats.channels.clone().unwrap();
    assert!(
        rows.iter()
            .all(|r| r.label == ch(r.outer_id).label && !r.label.is_empty())
    );
    assert!(has(&h, "渠道数据来自公司服务器"));
    assert!(has(&h, "今天的数据明天才能查到"));

    // A use now is counted without a click.
    people.use_code(3, &g);
    let want: Vec<(i64, [i64; 4])> = people.tally.clone().into_iter().collect();
    wait_for(&mut h, "the new use in its channel", |h| {
        table_of(h) == want
    });
    let [_, receives, _, uses] = people.tally[&3];
    assert!(has(&h, &percent(uses, receives).unwrap()));
}

/// The channel table: per channel, views, receives, gift-backs, uses.
fn table_of(h: &H) -> Vec<(i64, [i64; 4])> {
    h.state()
        .stats
        .channels
        .iter()
        .flatten()
        .map(|r| (r.outer_id, [r.views, r.receives, r.gift_backs, r.uses]))
        .collect()
}
