//! The bridge between the UI thread and the tokio runtime.
//!
//! Panels never do IO. The app turns their commands into futures spawned here; each future
//! ends in an [`Event`] that is sent back through a channel, and the sender asks egui for a
//! repaint so the answer shows in the next frame.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use tokio::runtime::{Handle, Runtime};

use super::events::Event;

/// What a piece of work was started under: the account generation and the data scope.
type Tag = (u64, Arc<str>);

/// The IO runtime and the inbox of finished work.
pub struct Io {
    /// Owns the runtime when the app made its own (dropped last, after the inbox).
    runtime: Option<Runtime>,
    handle: Handle,
    tx: Sender<(Tag, Event)>,
    rx: Receiver<(Tag, Event)>,
    ctx: egui::Context,
    /// The account generation work is started in; bumped when the app switches accounts, so
    /// answers about the previous account never land in the new one's panels.
    generation: Cell<u64>,
    /// Whose drafts and channels work is started for (`crate::store::OWN`, or a platform's
    /// merchant): an answer about a draft names the scope it was asked in.
    scope: RefCell<Arc<str>>,
}

/// An answer, with the data scope its work was started in.
#[derive(Debug)]
pub struct Answer {
    /// The scope (see [`Io::set_scope`]).
    pub scope: Arc<str>,
    /// The answer.
    pub event: Event,
}

impl Io {
    /// Makes a multi-threaded runtime with two workers (the target machines have two cores).
    pub fn new(ctx: egui::Context) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("coupon-studio-io")
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (tx, rx) = channel();
        Ok(Self {
            runtime: Some(runtime),
            handle,
            tx,
            rx,
            ctx,
            generation: Cell::new(0),
            scope: RefCell::new(Arc::from(crate::store::OWN)),
        })
    }

    /// Work started from now on is for the data scope `scope` (drafts, channel names).
    pub fn set_scope(&self, scope: &str) {
        *self.scope.borrow_mut() = Arc::from(scope);
    }

    fn tag(&self) -> Tag {
        (self.generation.get(), self.scope.borrow().clone())
    }

    /// Starts a new account generation: account-bound answers of work started before are
    /// dropped by [`Self::drain`].
    pub fn next_generation(&self) {
        self.generation.set(self.generation.get() + 1);
    }

    /// The egui context, for work that reports progress between its start and its end.
    pub fn ctx(&self) -> egui::Context {
        self.ctx.clone()
    }

    /// The runtime handle, for starting long-lived services (the simulator).
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Runs `fut` on the runtime; its event arrives in [`Self::drain`] and triggers a repaint.
    pub fn spawn<F, E>(&self, fut: F)
    where
        F: Future<Output = E> + Send + 'static,
        E: Into<Event>,
    {
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        let tag = self.tag();
        self.handle.spawn(async move {
            let event = fut.await.into();
            // The receiver only goes away when the app closes; nothing is waiting then.
            let _ = tx.send((tag, event));
            ctx.request_repaint();
        });
    }

    /// A way for long-lived work (the company server's feed) to send events now and then,
    /// filed under the current account generation: each send wakes the window, so the work
    /// sends only what changed.
    pub fn reporter(&self) -> Reporter {
        Reporter {
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
            tag: self.tag(),
        }
    }

    /// Runs blocking work (SQLite, image encoding) on the runtime's blocking pool.
    pub fn spawn_blocking<F, E>(&self, work: F)
    where
        F: FnOnce() -> E + Send + 'static,
        E: Into<Event>,
    {
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        let tag = self.tag();
        self.handle.spawn_blocking(move || {
            let _ = tx.send((tag, work().into()));
            ctx.request_repaint();
        });
    }

    /// Every event that has arrived since the last call, less the account-bound answers of
    /// work started under an earlier account (see [`Event::account_bound`]), each with the
    /// data scope it was started in.
    pub fn drain(&self) -> Vec<Answer> {
        let current = self.generation.get();
        self.rx
            .try_iter()
            .filter_map(|((generation, scope), event)| {
                if generation != current && event.account_bound() {
                    tracing::debug!("dropped an answer about the previous account");
                    None
                } else {
                    Some(Answer { scope, event })
                }
            })
            .collect()
    }
}

/// Sends events from long-lived work into the inbox (see [`Io::reporter`]).
#[derive(Clone)]
pub struct Reporter {
    tx: Sender<(Tag, Event)>,
    ctx: egui::Context,
    tag: Tag,
}

impl Reporter {
    /// Sends `event` and asks for a frame to show it. False once the app is gone.
    pub fn send(&self, event: impl Into<Event>) -> bool {
        let sent = self.tx.send((self.tag.clone(), event.into())).is_ok();
        self.ctx.request_repaint();
        sent
    }
}

impl Drop for Io {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            // Pending requests are abandoned; the journal (not the runtime) is what survives.
            rt.shutdown_timeout(std::time::Duration::from_millis(500));
        }
    }
}
