//! A feed with nothing new wakes the window for nothing: the app reads the real server every
//! few hundred milliseconds here, and only a new event reaches the window.

use std::time::Duration;

use coupon_studio::app::Nav;
use serde_json::json;

use crate::support::chain::{Chain, step_for, wait_live, wechat};
use crate::support::temp_dir;
use crate::support::ui::*;

#[test]
fn a_feed_with_nothing_new_wakes_the_window_for_nothing() {
    let dir = temp_dir("server-idle");
    let chain = Chain::sqlite(wechat(Duration::from_secs(3600)));
    let relay = chain.relay();
    let key = chain.add_key("王芳");
    let account = chain.account_at(&relay.url);
    let mut h = chain.app(&dir, &account, &key, Nav::Settings);
    wait_live(&mut h);
    let reports = h.state().server.reports;
    let reads = relay.event_reads().len();
    // Many reads (one every 150 ms), nothing new: nothing reaches the window.
    step_for(&mut h, Duration::from_millis(1500));
    assert!(
        relay.event_reads().len() >= reads + 5,
        "the feed kept reading"
    );
    assert_eq!(
        h.state().server.reports,
        reports,
        "an idle read woke the window"
    );
    // Something new does: WeChat approves a card.
    let card = chain.sim.created_card();
    chain.sim.admin(
        "/sandbox/card/review",
        json!({"card_id": card, "approve": true}),
    );
    wait_for(&mut h, "the new event", |h| {
        h.state().server.reports == reports + 1
    });
}
