//! The batch runner: asks for each channel's QR url, writes `channels.csv`, lays the posters
//! out, and writes the PNGs and the PDF on worker threads, reporting progress and stopping
//! when cancelled.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::channels::{Channel, ChannelError, ChannelQr};
use super::files::{
    OutputFormats, pdf_file_name, png_file_name, write_channels_csv, write_file, write_stamped,
};
use crate::poster::PosterError;
use crate::poster::content::PosterContent;
use crate::poster::layout::layout;
use crate::poster::page::PosterLayout;
use crate::poster::pdf::PdfBuilder;
use crate::poster::png::render_png;
use crate::poster::stamp::PngStamp;
use crate::poster::template::Template;

/// What a batch makes.
#[derive(Clone, Debug)]
pub struct BatchRequest<'a> {
    /// The poster content shared by every channel (its `qr_url` and `channel_label` are
    /// replaced per channel).
    pub content: &'a PosterContent,
    /// The template.
    pub template: Template,
    /// The channels, one poster each, in page order.
    pub channels: &'a [Channel],
    /// Which files to write.
    pub formats: OutputFormats,
    /// Where (created if missing).
    pub out_dir: &'a Path,
    /// PNG resolution (300 for print).
    pub dpi: u32,
}

/// The stage a progress report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Getting the QR codes.
    Qr,
    /// Writing the PNGs.
    Png,
    /// Writing the PDF pages.
    Pdf,
}

/// A progress report: `done` of `total` in `stage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The stage.
    pub stage: Stage,
    /// Items finished.
    pub done: usize,
    /// Items in the stage.
    pub total: usize,
}

/// What a batch wrote.
#[derive(Clone, Debug, Default)]
pub struct BatchReport {
    /// Each channel with its QR code, in order.
    pub channels: Vec<(Channel, ChannelQr)>,
    /// The PDF, if written.
    pub pdf: Option<PathBuf>,
    /// The PNGs, in channel order.
    pub pngs: Vec<PathBuf>,
    /// `channels.csv`.
    pub csv: PathBuf,
    /// Time spent getting QR codes.
    pub qr_time: Duration,
    /// Time spent on the PNGs.
    pub png_time: Duration,
    /// Time spent on the PDF.
    pub pdf_time: Duration,
}

fn check(cancel: &AtomicBool) -> Result<(), PosterError> {
    if cancel.load(Ordering::Relaxed) {
        Err(PosterError::Cancelled)
    } else {
        Ok(())
    }
}

/// Makes the posters of a batch.
///
/// `qr` is called once per channel, in order, to get its QR code (the app and the CLI call
/// card/qrcode/create with `outer_id`); its error message names what failed. Then
/// `channels.csv` is written, the posters are laid out, and the PNGs (on the worker threads,
/// stamped from one rendered page where the channels share it: see [`PngStamp`]) and the
/// PDF (on its own thread, the shared page content drawn once:
/// [`PdfBuilder::add_batch_page`]) are written at the same time. `progress` is called after
/// each item, from several threads; setting `cancel` stops the batch at the next item with
/// [`PosterError::Cancelled`] (files already written stay).
pub fn run_batch<Q>(
    req: &BatchRequest<'_>,
    mut qr: Q,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<BatchReport, PosterError>
where
    Q: FnMut(&Channel) -> Result<ChannelQr, String>,
{
    if req.channels.is_empty() {
        return Err(ChannelError::Empty.into());
    }
    std::fs::create_dir_all(req.out_dir).map_err(|source| PosterError::Io {
        path: req.out_dir.to_owned(),
        source,
    })?;
    let total = req.channels.len();
    let mut report = BatchReport::default();

    let start = Instant::now();
    for (i, ch) in req.channels.iter().enumerate() {
        check(cancel)?;
        let code = qr(ch).map_err(|message| PosterError::QrSource {
            outer_id: ch.outer_id,
            message,
        })?;
        report.channels.push((ch.clone(), code));
        progress(Progress {
            stage: Stage::Qr,
            done: i + 1,
            total,
        });
    }
    report.qr_time = start.elapsed();
    report.csv = req.out_dir.join("channels.csv");
    write_channels_csv(&report.csv, &report.channels)?;

    let layouts = layouts_of(req, &report.channels)?;
    if req.formats.png {
        report.pngs = req
            .channels
            .iter()
            .map(|c| req.out_dir.join(png_file_name(c)))
            .collect();
    }

    // One worker per core: one writes the PDF first while the others stamp PNGs, then joins
    // them, so the two halves overlap without more threads than cores. Either half failing
    // stops the other at its next item.
    let stop = AtomicBool::new(false);
    let halted = || {
        if cancel.load(Ordering::Relaxed) {
            Err(PosterError::Cancelled)
        } else if stop.load(Ordering::Relaxed) {
            // The other half failed; its error is the one reported.
            Err(PosterError::Cancelled)
        } else {
            Ok(())
        }
    };
    let pdf_result: Mutex<Option<Result<(PathBuf, Duration), PosterError>>> = Mutex::new(None);
    let pdf_job = || {
        let start = Instant::now();
        let path = req.out_dir.join(pdf_file_name(req.template));
        // A panic in the PDF writer becomes an error, as when it had a thread of its own
        // (a panic in a scoped worker would otherwise take the whole batch down).
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_pdf(req, &layouts, &path, progress, &halted)
        }))
        .unwrap_or_else(|_| Err(PosterError::Pdf("the PDF writer panicked".into())));
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        if let Ok(mut slot) = pdf_result.lock() {
            *slot = Some(result.map(|()| (path, start.elapsed())));
        }
    };
    let pdf_first: Option<&(dyn Fn() + Sync)> = req.formats.pdf.then_some(&pdf_job);
    let png = if req.formats.png {
        let start = Instant::now();
        let workers = Workers {
            progress,
            halted: &halted,
            stop: &stop,
            first: pdf_first,
        };
        let result = write_pngs(&layouts, &report.pngs, req.dpi, &workers);
        Some(result.map(|()| start.elapsed()))
    } else {
        if let Some(job) = pdf_first {
            job();
        }
        None
    };
    let pdf = pdf_result.into_inner().ok().flatten();
    // A cancel wins; then a real failure of either half (the other half, stopped by it,
    // reports `Cancelled`).
    check(cancel)?;
    let mut stopped = false;
    let png = settle(png, &mut stopped)?;
    let pdf = settle(pdf, &mut stopped)?;
    if stopped {
        return Err(PosterError::Cancelled);
    }
    if let Some(t) = png {
        report.png_time = t;
    }
    if let Some((path, t)) = pdf {
        report.pdf = Some(path);
        report.pdf_time = t;
    }
    Ok(report)
}

/// The layout of every channel's poster, in order, made on several threads (a layout is
/// mostly the QR code's encoding and its mask choice).
fn layouts_of(
    req: &BatchRequest<'_>,
    channels: &[(Channel, ChannelQr)],
) -> Result<Vec<PosterLayout>, PosterError> {
    let threads = worker_threads(channels.len());
    let per_thread = channels.len().div_ceil(threads).max(1);
    let make = |part: &[(Channel, ChannelQr)]| {
        part.iter()
            .map(|(ch, code)| layout(&req.content.for_channel(&code.url, &ch.label), req.template))
            .collect::<Result<Vec<_>, _>>()
    };
    std::thread::scope(|s| {
        let mut parts = channels.chunks(per_thread);
        let first = parts.next().unwrap_or_default();
        let others: Vec<_> = parts.map(|p| s.spawn(move || make(p))).collect();
        let mut all = make(first)?;
        for h in others {
            let part = h
                .join()
                .map_err(|_| PosterError::Raster("a layout thread panicked".into()))??;
            all.extend(part);
        }
        Ok(all)
    })
}

/// Worker threads for `items` items: the cores, at most 4 (each 300-dpi A4 page rendered
/// page by page holds 35 MB while it is drawn, so more threads would mostly cost memory).
fn worker_threads(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(items.max(1))
}

/// The outcome of one half of the batch: its value, `None` when it did not run or was stopped
/// (then `stopped` is set), or its error.
fn settle<T>(
    half: Option<Result<T, PosterError>>,
    stopped: &mut bool,
) -> Result<Option<T>, PosterError> {
    match half {
        None => Ok(None),
        Some(Ok(v)) => Ok(Some(v)),
        Some(Err(PosterError::Cancelled)) => {
            *stopped = true;
            Ok(None)
        }
        Some(Err(e)) => Err(e),
    }
}

/// Writes one PDF page per layout.
fn write_pdf(
    req: &BatchRequest<'_>,
    layouts: &[PosterLayout],
    path: &Path,
    progress: &(dyn Fn(Progress) + Sync),
    halted: &(dyn Fn() -> Result<(), PosterError> + Sync),
) -> Result<(), PosterError> {
    let title = format!("{} · {}", req.content.brand_name, req.content.title);
    let mut pdf = PdfBuilder::new(&title)?;
    for (i, l) in layouts.iter().enumerate() {
        halted()?;
        pdf.add_batch_page(l)?;
        progress(Progress {
            stage: Stage::Pdf,
            done: i + 1,
            total: layouts.len(),
        });
    }
    write_file(path, &pdf.finish()?)
}

/// The stamps of a batch: for each layout, the index of the [`PngStamp`] that makes its PNG,
/// or `None` to render it page by page. A stamp costs about one page's rendering, so one is
/// made only for pages that at least two channels share.
fn stamps_for(
    layouts: &[PosterLayout],
    dpi: u32,
) -> Result<(Vec<PngStamp>, Vec<Option<usize>>), PosterError> {
    let mut stamps: Vec<PngStamp> = Vec::new();
    let mut which = Vec::with_capacity(layouts.len());
    for (i, l) in layouts.iter().enumerate() {
        if let Some(k) = stamps.iter().position(|s| s.fits(l)) {
            which.push(Some(k));
            continue;
        }
        let stamp = PngStamp::new(l, dpi)?.filter(|s| layouts[i + 1..].iter().any(|o| s.fits(o)));
        which.push(stamp.map(|s| {
            stamps.push(s);
            stamps.len() - 1
        }));
    }
    Ok((stamps, which))
}

/// How the PNG workers report and stop.
#[derive(Clone, Copy)]
struct Workers<'a> {
    progress: &'a (dyn Fn(Progress) + Sync),
    /// Whether to stop (cancelled, or the other half failed).
    halted: &'a (dyn Fn() -> Result<(), PosterError> + Sync),
    /// Set when a PNG fails, so the other half stops too.
    stop: &'a AtomicBool,
    /// Run by one worker before it joins the others (the batch's PDF), while the stamps are
    /// made.
    first: Option<&'a (dyn Fn() + Sync)>,
}

/// Renders and writes the PNGs on the worker threads: stamped (see [`PngStamp`]) where
/// channels share a page, else page by page.
fn write_pngs(
    layouts: &[PosterLayout],
    paths: &[PathBuf],
    dpi: u32,
    w: &Workers<'_>,
) -> Result<(), PosterError> {
    let Workers {
        progress,
        halted,
        stop: failed,
        first,
    } = *w;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let first_error: Mutex<Option<PosterError>> = Mutex::new(None);
    let fail = |e: PosterError| {
        failed.store(true, Ordering::Relaxed);
        if let Ok(mut slot) = first_error.lock() {
            slot.get_or_insert(e);
        }
    };
    // Set once the stamps are made (empty if that failed: the error is in `first_error`).
    type Stamps = (Vec<PngStamp>, Vec<Option<usize>>);
    let stamps: std::sync::OnceLock<Stamps> = std::sync::OnceLock::new();
    let threads = worker_threads(layouts.len()).max(if first.is_some() { 2 } else { 1 });
    let total = layouts.len();
    let work = || {
        let (stamps, which) = stamps.wait();
        loop {
            if failed.load(Ordering::Relaxed) {
                return;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            let (Some(l), Some(path)) = (layouts.get(i), paths.get(i)) else {
                return;
            };
            let stamp = which.get(i).copied().flatten().and_then(|k| stamps.get(k));
            let result = halted().and_then(|()| match stamp {
                Some(s) => s.render_parts(l).and_then(|png| write_stamped(path, &png)),
                None => render_png(l, dpi).and_then(|png| write_file(path, &png)),
            });
            match result {
                Ok(()) => {
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(Progress {
                        stage: Stage::Png,
                        done: n,
                        total,
                    });
                }
                Err(e) => {
                    fail(e);
                    return;
                }
            }
        }
    };
    std::thread::scope(|s| {
        if let Some(first) = first {
            s.spawn(|| {
                first();
                work();
            });
        }
        let others = threads - 1 - usize::from(first.is_some());
        for _ in 0..others {
            s.spawn(work);
        }
        // The stamps cost about a page each: made here while the PDF is being written.
        let made = halted().and_then(|()| stamps_for(layouts, dpi));
        match made {
            Ok(made) => {
                let _ = stamps.set(made);
            }
            Err(e) => {
                fail(e);
                let _ = stamps.set((Vec::new(), Vec::new()));
            }
        }
        work();
    });
    let err = first_error.into_inner().ok().flatten();
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
