//! The company server's state in the top bar, in plain words: connected; cannot be reached
//! (the panels show what was cached, and when); or the person's API key was refused, with a
//! way to Settings to enter a new one.

use egui::{RichText, Ui};

use crate::i18n::{Lang, T};
use crate::message::UiError;
use crate::pushed::FeedStatus;

/// When the server last answered, as people read it: "14:05" today, "11-27 14:05" before.
pub fn cached_at(unix: i64, now: i64) -> String {
    use chrono::{Local, TimeZone};
    let (Some(at), Some(today)) = (
        Local.timestamp_opt(unix, 0).single(),
        Local.timestamp_opt(now, 0).single(),
    ) else {
        return String::new();
    };
    if at.date_naive() == today.date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%m-%d %H:%M").to_string()
    }
}

/// The words for a state, and whether they are a warning.
pub fn status_text(
    status: FeedStatus,
    last_ok: Option<i64>,
    now: i64,
    lang: Lang,
) -> (String, bool) {
    match status {
        FeedStatus::Connecting => (T::ServerConnecting.get(lang).to_owned(), false),
        FeedStatus::Live => (T::ServerLive.get(lang).to_owned(), false),
        FeedStatus::Unreachable => match last_ok {
            Some(at) => (
                T::ServerUnreachable.fill(lang, &[("time", &cached_at(at, now))]),
                true,
            ),
            None => (T::ServerUnreachableEmpty.get(lang).to_owned(), true),
        },
        FeedStatus::KeyRefused => (T::ServerKeyRefused.get(lang).to_owned(), true),
    }
}

/// Draws the state; true when the person asked to go to Settings (the key was refused).
pub fn status_ui(
    ui: &mut Ui,
    lang: Lang,
    status: FeedStatus,
    last_ok: Option<i64>,
    error: Option<&UiError>,
) -> bool {
    ui.separator();
    let (text, warning) = status_text(status, last_ok, chrono::Utc::now().timestamp(), lang);
    if !warning {
        ui.weak(format!("● {text}"))
            .on_hover_text(T::ServerLiveHint.get(lang));
        return false;
    }
    let label = ui.colored_label(
        crate::ui::warn_color(ui),
        RichText::new(format!("⚠ {text}")),
    );
    if status == FeedStatus::KeyRefused {
        return crate::ui::action(
            ui,
            "top",
            "server_settings",
            true,
            T::OpenSettings.get(lang),
        )
        .clicked();
    }
    let detail = error.map_or_else(String::new, |e| format!("\n{}", e.text(lang)));
    label.on_hover_text(format!("{}{detail}", T::ServerRetrying.get(lang)));
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_say_what_is_shown_and_since_when() {
        let now = 1_795_795_199;
        let (text, warn) = status_text(FeedStatus::Unreachable, Some(now - 600), now, Lang::Zh);
        assert!(warn);
        assert!(text.starts_with("连不上公司服务器,显示的是 "), "{text}");
        assert!(text.ends_with(" 缓存的数据"), "{text}");
        assert_eq!(cached_at(now - 600, now).len(), 5, "HH:MM today");
        assert_eq!(
            cached_at(now - 3 * 86_400, now).len(),
            11,
            "MM-DD HH:MM before"
        );
        let (text, _) = status_text(FeedStatus::Unreachable, None, now, Lang::En);
        assert!(text.contains("nothing is cached"));
        let (text, warn) = status_text(FeedStatus::KeyRefused, None, now, Lang::Zh);
        assert!(warn && text.contains("设置"));
        assert!(!status_text(FeedStatus::Live, None, now, Lang::Zh).1);
    }
}
