//! Design's open document while another data scope is shown: switching between a platform's
//! merchants puts the open draft aside with its undo history, its create flow and its
//! pictures, and switching back takes it back as it was. Nothing of one merchant's document
//! stays on screen under another.

use std::collections::{HashMap, HashSet};

use super::{CreateFlow, DesignPanel, Doc};
use crate::card::CreateBody;
use crate::editing::EditSession;
use crate::message::ImageSlot;
use crate::ui::editor::{EditorBuffers, ImageState};

/// One scope's document, put aside.
#[derive(Default)]
pub struct Aside {
    doc: Option<Doc>,
    edits: EditSession<CreateBody>,
    flow: CreateFlow,
    bufs: EditorBuffers,
    images: HashMap<ImageSlot, ImageState>,
    fetched_urls: HashSet<String>,
}

impl Aside {
    /// The draft put aside, if one was open.
    pub fn draft_id(&self) -> Option<i64> {
        self.doc.as_ref().and_then(|d| d.draft_id)
    }
}

impl DesignPanel {
    /// Takes the open document and what belongs to it out of the panel, which is left with
    /// none (and no draft list, which was the scope's too). Save it first: a save still in
    /// flight answers into the scope shown then, so the document put aside waits for none.
    pub fn put_aside(&mut self) -> Aside {
        let mut edits = std::mem::take(&mut self.edits);
        edits.save_answered();
        self.drafts.clear();
        self.rename = None;
        self.error = None;
        self.opening_card = None;
        Aside {
            doc: self.doc.take(),
            edits,
            flow: std::mem::take(&mut self.flow),
            bufs: std::mem::take(&mut self.bufs),
            images: std::mem::take(&mut self.images),
            fetched_urls: std::mem::take(&mut self.fetched_urls),
        }
    }

    /// Puts a document put aside back, as it was (undo history included).
    pub fn take_back(&mut self, aside: Aside) {
        self.doc = aside.doc;
        self.edits = aside.edits;
        self.flow = aside.flow;
        self.bufs = aside.bufs;
        self.images = aside.images;
        self.fetched_urls = aside.fetched_urls;
    }
}
