//! One poster per placement channel: channel lists ("1-200", "1,3,5-9", a CSV of
//! `outer_id,label`, a list of store names), and the batch that asks for each channel's QR
//! url, then writes one multi-page PDF, one PNG per channel and `channels.csv`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::PosterError;
use super::content::PosterContent;
use super::layout::{PosterLayout, layout};
use super::pdf::PdfBuilder;
use super::png::render_png;
use super::stamp::{PngStamp, StampedPng};
use super::template::Template;

/// The highest channel number (`outer_id`) a batch accepts.
pub const MAX_OUTER_ID: u32 = 200;

/// A placement channel: the `outer_id` WeChat reports with each receive, and a label such
/// as a store name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Channel {
    /// 1–200.
    pub outer_id: u32,
    /// Printed small on the poster and used in the file name; may be empty.
    pub label: String,
}

/// A bad channel list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// Nothing listed.
    #[error("the channel list is empty")]
    Empty,
    /// Not a number or a range.
    #[error("\"{0}\" is not a channel number or range (write it like 1-200 or 1,3,5-9)")]
    Syntax(String),
    /// Outside 1–200.
    #[error("channel {0} is outside 1–200")]
    OutOfRange(String),
    /// `9-5`.
    #[error("the range {0} runs backwards")]
    Backwards(String),
    /// A channel listed twice.
    #[error("channel {0} is listed twice")]
    Duplicate(u32),
    /// A CSV problem, with where it is.
    #[error("line {line}, column {column} ({name}): {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: usize,
        /// The column's name.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// More store names than channels.
    #[error("{0} store names, but at most 200 channels")]
    TooMany(usize),
}

fn channel_number(text: &str) -> Result<u32, ChannelError> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ChannelError::Syntax(t.to_owned()));
    }
    match t.parse::<u32>() {
        Ok(n) if (1..=MAX_OUTER_ID).contains(&n) => Ok(n),
        _ => Err(ChannelError::OutOfRange(t.to_owned())),
    }
}

/// Parses "1-200", "1,3,5-9" (spaces allowed) into channel numbers, in the order written.
pub fn parse_channel_spec(spec: &str) -> Result<Vec<u32>, ChannelError> {
    let mut out = Vec::new();
    let mut seen = [false; MAX_OUTER_ID as usize + 1];
    for part in spec.split(',') {
        let part = part.trim();
        if part.is_empty() {
            if spec.trim().is_empty() {
                return Err(ChannelError::Empty);
            }
            return Err(ChannelError::Syntax(spec.trim().to_owned()));
        }
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (channel_number(a)?, channel_number(b)?),
            None => {
                let n = channel_number(part)?;
                (n, n)
            }
        };
        if a > b {
            return Err(ChannelError::Backwards(part.to_owned()));
        }
        for n in a..=b {
            if std::mem::replace(&mut seen[n as usize], true) {
                return Err(ChannelError::Duplicate(n));
            }
            out.push(n);
        }
    }
    Ok(out)
}

/// Reads `outer_id,label` rows (a header row `outer_id,label` is allowed; labels may be
/// quoted and contain commas). Errors name the line and column.
pub fn parse_channels_csv(text: &str) -> Result<Vec<Channel>, ChannelError> {
    let src = text.trim_start_matches('\u{feff}');
    // csv's line numbers ignore blank lines, and a record's position is where the blank
    // lines before it start: skip those and count newlines instead.
    let line_at = |pos: Option<&csv::Position>| {
        let bytes = src.as_bytes();
        let mut byte = pos.map_or(0, |p| p.byte() as usize).min(bytes.len());
        while bytes.get(byte).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            byte += 1;
        }
        bytes[..byte].iter().filter(|b| **b == b'\n').count() as u64 + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(src.as_bytes());
    let mut out: Vec<Channel> = Vec::new();
    let mut seen = [false; MAX_OUTER_ID as usize + 1];
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ChannelError::Csv {
            line: line_at(e.position()),
            column: 1,
            name: "outer_id",
            message: e.to_string(),
        })?;
        let line = line_at(record.position());
        let at = |column: usize, message: String| ChannelError::Csv {
            line,
            column,
            name: if column == 1 { "outer_id" } else { "label" },
            message,
        };
        let id = record.get(0).unwrap_or_default();
        if record.iter().all(str::is_empty) {
            continue;
        }
        if i == 0 && id.eq_ignore_ascii_case("outer_id") {
            continue;
        }
        if record.len() > 2 {
            return Err(at(3, format!("{} columns, expected 2", record.len())));
        }
        let outer_id = match channel_number(id) {
            Ok(n) => n,
            Err(ChannelError::OutOfRange(_)) => {
                return Err(at(1, format!("\"{id}\" is outside 1–200")));
            }
            Err(_) => return Err(at(1, format!("\"{id}\" is not a channel number"))),
        };
        if std::mem::replace(&mut seen[outer_id as usize], true) {
            return Err(at(1, format!("channel {outer_id} is listed twice")));
        }
        let label = record.get(1).unwrap_or_default();
        if label.chars().count() > 40 {
            return Err(at(2, "the label is longer than 40 characters".into()));
        }
        out.push(Channel {
            outer_id,
            label: label.to_owned(),
        });
    }
    if out.is_empty() {
        return Err(ChannelError::Empty);
    }
    Ok(out)
}

/// Channels 1, 2, 3, … labelled with store names (for example `business_name` +
/// `branch_name` from the store list), blank names dropped.
pub fn channels_from_store_names<S: AsRef<str>>(names: &[S]) -> Result<Vec<Channel>, ChannelError> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.as_ref().trim())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Err(ChannelError::Empty);
    }
    if names.len() > MAX_OUTER_ID as usize {
        return Err(ChannelError::TooMany(names.len()));
    }
    Ok(names
        .into_iter()
        .zip(1..)
        .map(|(label, outer_id)| Channel {
            outer_id,
            label: label.to_owned(),
        })
        .collect())
}

/// Channels for `ids`, labelled from `labels` where a label exists for the id.
pub fn label_channels(ids: &[u32], labels: &[Channel]) -> Vec<Channel> {
    ids.iter()
        .map(|&outer_id| Channel {
            outer_id,
            label: labels
                .iter()
                .find(|c| c.outer_id == outer_id)
                .map(|c| c.label.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// Which files a batch writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputFormats {
    /// One multi-page PDF.
    pub pdf: bool,
    /// One PNG per channel.
    pub png: bool,
}

impl FromStr for OutputFormats {
    type Err = PosterError;

    /// "pdf", "png", "pdf,png" (any order, case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut f = Self {
            pdf: false,
            png: false,
        };
        for part in s.split(',') {
            match part.trim().to_ascii_lowercase().as_str() {
                "pdf" => f.pdf = true,
                "png" => f.png = true,
                _ => return Err(PosterError::UnknownFormat(part.trim().to_owned())),
            }
        }
        Ok(f)
    }
}

/// A channel's QR code, as card/qrcode/create answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelQr {
    /// The URL encoded in the QR code.
    pub url: String,
    /// The ticket (empty when unknown).
    pub ticket: String,
    /// Seconds until it expires; `None` for a permanent code.
    pub expire_seconds: Option<i64>,
}

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

/// A label made safe for a file name: path separators, reserved and control characters
/// become "_", at most 40 characters.
fn file_label(label: &str) -> String {
    label
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .take(40)
        .collect::<String>()
        .trim_matches(['.', '_'])
        .to_owned()
}

/// `channel-007-朝阳店.png` (or `channel-007.png` without a label).
pub fn png_file_name(channel: &Channel) -> String {
    let label = file_label(&channel.label);
    if label.is_empty() {
        format!("channel-{:03}.png", channel.outer_id)
    } else {
        format!("channel-{:03}-{label}.png", channel.outer_id)
    }
}

/// `posters-a5.pdf`.
pub fn pdf_file_name(template: Template) -> String {
    format!("posters-{}.pdf", template.name())
}

/// Writes a file of `len` bytes with `write`, over any file already at `path`: its blocks
/// are overwritten in place and only the excess is cut off at the end. Truncating first, as
/// `File::create` does, makes the file system free every page and allocate it again, which
/// made re-running a 200-poster batch into the same folder take a third longer (measured:
/// 22 ms of 92 ms were system time, 5 ms without the truncation).
fn overwrite(
    path: &Path,
    len: usize,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), PosterError> {
    let io = |source| PosterError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io)?;
    write(&mut file).map_err(io)?;
    file.set_len(len as u64).map_err(io)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PosterError> {
    overwrite(path, bytes.len(), |file| file.write_all(bytes))
}

/// Writes a stamped PNG without joining its pieces.
fn write_stamped(path: &Path, png: &StampedPng<'_>) -> Result<(), PosterError> {
    overwrite(path, png.len(), |file| png.write_to(file))
}

/// Writes `outer_id,label,url,ticket,expire_seconds` rows as Excel's own "CSV UTF-8": a BOM
/// (without it Excel on a Chinese Windows reads the labels as GBK) and CRLF line ends.
pub fn write_channels_csv(path: &Path, rows: &[(Channel, ChannelQr)]) -> Result<(), PosterError> {
    let file_error = |source| PosterError::Io {
        path: path.to_owned(),
        source,
    };
    let io = |e: csv::Error| file_error(std::io::Error::other(e.to_string()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(file_error)?);
    std::io::Write::write_all(&mut file, "\u{feff}".as_bytes()).map_err(file_error)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(file);
    w.write_record(["outer_id", "label", "url", "ticket", "expire_seconds"])
        .map_err(io)?;
    for (c, q) in rows {
        w.write_record([
            c.outer_id.to_string(),
            c.label.clone(),
            q.url.clone(),
            q.ticket.clone(),
            q.expire_seconds.map(|s| s.to_string()).unwrap_or_default(),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(file_error)
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

/// A cancel flag for [`run_batch`].
pub fn cancel_flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_specs() {
        assert_eq!(parse_channel_spec("1-3").unwrap(), [1, 2, 3]);
        assert_eq!(parse_channel_spec(" 1, 3 ,5-7").unwrap(), [1, 3, 5, 6, 7]);
        assert_eq!(parse_channel_spec("1-200").unwrap().len(), 200);
        assert_eq!(parse_channel_spec(""), Err(ChannelError::Empty));
        assert_eq!(
            parse_channel_spec("0"),
            Err(ChannelError::OutOfRange("0".into()))
        );
        assert_eq!(
            parse_channel_spec("1-201"),
            Err(ChannelError::OutOfRange("201".into()))
        );
        assert_eq!(
            parse_channel_spec("99999999999999"),
            Err(ChannelError::OutOfRange("99999999999999".into()))
        );
        assert_eq!(
            parse_channel_spec("9-5"),
            Err(ChannelError::Backwards("9-5".into()))
        );
        assert_eq!(parse_channel_spec("1-5,3"), Err(ChannelError::Duplicate(3)));
        assert_eq!(
            parse_channel_spec("a"),
            Err(ChannelError::Syntax("a".into()))
        );
        assert_eq!(
            parse_channel_spec("1,,2"),
            Err(ChannelError::Syntax("1,,2".into()))
        );
        assert_eq!(
            parse_channel_spec("-3"),
            Err(ChannelError::Syntax("".into()))
        );
        assert_eq!(
            parse_channel_spec("1-2-3"),
            Err(ChannelError::Syntax("2-3".into()))
        );
        assert_eq!(
            parse_channel_spec("+1"),
            Err(ChannelError::Syntax("+1".into()))
        );
    }

    #[test]
    fn csv_channels() {
        let c =
            parse_channels_csv("\u{feff}outer_id,label\n1,朝阳店\n 2 ,\"海淀,中关村店\"\n\n3,\n")
                .unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].label, "海淀,中关村店");
        assert_eq!(c[2].label, "");
        let e = parse_channels_csv("1,a\nx,b\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column 1 (outer_id): \"x\" is not a channel number"
        );
        let e = parse_channels_csv("1,a\n2,b\n300,c").unwrap_err();
        assert!(e.to_string().starts_with("line 3, column 1"), "{e}");
        let e = parse_channels_csv("1,a\n1,b").unwrap_err();
        assert!(e.to_string().contains("listed twice"), "{e}");
        let e = parse_channels_csv("1,a,b").unwrap_err();
        assert!(e.to_string().starts_with("line 1, column 3"), "{e}");
        let long = format!("1,{}", "店".repeat(41));
        let e = parse_channels_csv(&long).unwrap_err();
        assert!(e.to_string().starts_with("line 1, column 2 (label)"), "{e}");
        assert_eq!(
            parse_channels_csv("outer_id,label\n"),
            Err(ChannelError::Empty)
        );
    }

    #[test]
    fn store_names_and_labels() {
        let c = channels_from_store_names(&["朝阳店", " ", "海淀店"]).unwrap();
        assert_eq!(
            c[1],
            Channel {
                outer_id: 2,
                label: "海淀店".into()
            }
        );
        let many: Vec<String> = (0..201).map(|i| format!("店{i}")).collect();
        assert_eq!(
            channels_from_store_names(&many),
            Err(ChannelError::TooMany(201))
        );
        let l = label_channels(&[2, 5], &c);
        assert_eq!(l[0].label, "海淀店");
        assert_eq!(l[1].label, "");
    }

    #[test]
    fn file_names_and_formats() {
        let c = Channel {
            outer_id: 7,
            label: "朝阳/大悦城 店".into(),
        };
        assert_eq!(png_file_name(&c), "channel-007-朝阳_大悦城_店.png");
        let c = Channel {
            outer_id: 12,
            label: "..".into(),
        };
        assert_eq!(png_file_name(&c), "channel-012.png");
        assert_eq!(pdf_file_name(Template::A5), "posters-a5.pdf");
        let f: OutputFormats = "PNG, pdf".parse().unwrap();
        assert!(f.pdf && f.png);
        assert!("svg".parse::<OutputFormats>().is_err());
    }
}
