//! The bridge between the UI thread and the tokio runtime.
//!
//! Panels never do IO. The app turns their commands into futures spawned here; each future
//! ends in an [`Event`] that is sent back through a channel, and the sender asks egui for a
//! repaint so the answer shows in the next frame.

use std::cell::Cell;
use std::future::Future;
use std::sync::mpsc::{Receiver, Sender, channel};

use tokio::runtime::{Handle, Runtime};

use super::events::Event;

/// The IO runtime and the inbox of finished work.
pub struct Io {
    /// Owns the runtime when the app made its own (dropped last, after the inbox).
    runtime: Option<Runtime>,
    handle: Handle,
    tx: Sender<(u64, Event)>,
    rx: Receiver<(u64, Event)>,
    ctx: egui::Context,
    /// The account generation work is started in; bumped when the app switches accounts, so
    /// answers about the previous account never land in the new one's panels.
    generation: Cell<u64>,
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
        })
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
        let generation = self.generation.get();
        self.handle.spawn(async move {
            let event = fut.await.into();
            // The receiver only goes away when the app closes; nothing is waiting then.
            let _ = tx.send((generation, event));
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
            generation: self.generation.get(),
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
        let generation = self.generation.get();
        self.handle.spawn_blocking(move || {
            let _ = tx.send((generation, work().into()));
            ctx.request_repaint();
        });
    }

    /// Every event that has arrived since the last call, less the account-bound answers of
    /// work started under an earlier account (see [`Event::account_bound`]).
    pub fn drain(&self) -> Vec<Event> {
        let current = self.generation.get();
        self.rx
            .try_iter()
            .filter_map(|(generation, event)| {
                if generation != current && event.account_bound() {
                    tracing::debug!("dropped an answer about the previous account");
                    None
                } else {
                    Some(event)
                }
            })
            .collect()
    }
}

/// Sends events from long-lived work into the inbox (see [`Io::reporter`]).
#[derive(Clone)]
pub struct Reporter {
    tx: Sender<(u64, Event)>,
    ctx: egui::Context,
    generation: u64,
}

impl Reporter {
    /// Sends `event` and asks for a frame to show it. False once the app is gone.
    pub fn send(&self, event: impl Into<Event>) -> bool {
        let sent = self.tx.send((self.generation, event.into())).is_ok();
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
