//! The Design panel and the card it edits: import, the guide's examples, the preview, drafts
//! that survive a crash, and property tests that nothing panics.

mod card_import;
mod crash_safety;
mod form;
mod guide_examples;
mod never_panics;
mod preview;
mod templates;
mod ui;
