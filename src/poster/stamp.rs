//! The batch's fast PNG path: the posters of one card differ only in the QR code and the
//! channel label, so the page is rendered and compressed once and, per channel, only the rows
//! of the QR code and of the label are made and compressed.
//!
//! How a [`PngStamp`] is built from one channel's layout:
//! 1. Everything but the per-channel items ([`PosterLayout::channel_items`]) is painted once:
//!    the base page.
//! 2. The page is cut into row ranges: the bands where a per-channel item paints (the QR
//!    code's module rows, the rows any glyph of the label could reach) and the shared rows
//!    between them. Each shared range is PNG-filtered and compressed once into a [`Segment`]:
//!    its first row "Sub" (so it does not depend on the band above it), runs of rows equal
//!    to the row above "Up" (all zeros; long runs are precompressed repeat segments), the
//!    other rows "Sub".
//!
//! Per channel, [`PngStamp::render`] writes the file header, then one IDAT chunk holding a
//! single zlib stream: the shared segments as they are, and for each band the channel's rows:
//! a QR band is one new row per module row (base row + that row's dark modules, "Sub"
//! filtered) followed by rows equal to it ("Up" filtered: all zeros, precompressed runs), a
//! label band is the base rows with the label painted on them. Those rows are compressed with
//! the [`RunEncoder`]. The zlib checksum is combined from the parts' checksums, the chunk's
//! CRC is computed over the compressed data. [`PngStamp::render_parts`] leaves the shared
//! segments (most of the file) where they are: the batch writes a file with one vectored
//! write of its own bytes and the borrowed segments, never copying them per channel.
//!
//! Text and QR codes are painted by the same [`Painter`] code as [`super::rasterize`], into
//! the same row windows, so the decoded pixels are identical to the straightforward
//! renderer's (`tests/it/placement/poster.rs` checks this). A layout whose per-channel items overlap
//! each other or are painted over by a later item cannot be stamped ([`PngStamp::new`]
//! answers `None`) and the batch renders it page by page.

use std::sync::Arc;

use super::PosterError;
use super::deflate::{FINAL_EMPTY_BLOCK, RunEncoder, Segment, ZLIB_HEADER};
use super::page::{PRINT_DPI, PosterLayout, Primitive};
use super::png::{PageSize, Painter, QrArea, fill_qr_row};

/// The deflate level of the shared rows, compressed once per stamp.
const SHARED_LEVEL: u32 = 6;
/// Precompressed runs of repeated rows go up to 2^6 rows; longer runs use several.
const MAX_REPEAT_LOG2: u32 = 6;
/// Shorter runs of repeated rows in the shared rows are compressed inline.
const MIN_REPEAT_RUN: u32 = 8;

/// The repeat segments (`repeats[i]`: 2^i rows) that make `n` rows, largest first.
fn repeat_pieces(repeats: &[Segment], mut n: usize) -> Vec<&Segment> {
    let mut out = Vec::new();
    for (i, segment) in repeats.iter().enumerate().rev() {
        while n >= 1 << i {
            out.push(segment);
            n -= 1 << i;
        }
    }
    out
}

fn append_repeats(to: &mut Segment, repeats: &[Segment], n: usize) {
    for segment in repeat_pieces(repeats, n) {
        to.append(segment);
    }
}

/// A poster page rendered once, stamped with each channel's QR code and label.
pub struct PngStamp {
    page: PageSize,
    /// The layout the stamp was made from: others must match it but for the channel items.
    reference: PosterLayout,
    /// The page without the channel items, RGBA.
    base: Vec<u8>,
    /// PNG signature, IHDR and pHYs.
    head: Vec<u8>,
    /// The page's rows in order.
    parts: Vec<Part>,
    /// `repeats[i]`: 2^i rows each equal to the row above ("Up" filter, all zeros).
    repeats: Vec<Segment>,
}

impl std::fmt::Debug for PngStamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PngStamp({}×{}, {} parts)",
            self.page.width,
            self.page.height,
            self.parts.len()
        )
    }
}

/// Per-thread buffers of [`PngStamp::render_parts`].
#[derive(Default)]
struct Scratch {
    rows: Vec<u8>,
    filtered: Vec<u8>,
    painter: Option<Painter>,
}

/// One stamped PNG file ([`PngStamp::render_parts`]): the bytes made for its channel, with
/// the stamp's shared rows borrowed in between.
#[derive(Debug)]
pub struct StampedPng<'a> {
    own: Vec<u8>,
    /// In file order: the own bytes up to `.0` come before the shared bytes `.1`.
    pieces: Vec<(usize, &'a [u8])>,
}

impl StampedPng<'_> {
    /// The file's pieces in order.
    fn slices(&self) -> Vec<&[u8]> {
        let mut out = Vec::with_capacity(self.pieces.len() * 2 + 1);
        let mut from = 0;
        for &(at, bytes) in &self.pieces {
            out.push(&self.own[from..at]);
            out.push(bytes);
            from = at;
        }
        out.push(&self.own[from..]);
        out
    }

    /// The file's size in bytes.
    pub fn len(&self) -> usize {
        self.own.len() + self.pieces.iter().map(|(_, b)| b.len()).sum::<usize>()
    }

    /// Whether the file is empty (never: a PNG has a header).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole file.
    pub fn to_vec(&self) -> Vec<u8> {
        self.slices().concat()
    }

    /// Writes the file to `w` with vectored writes (one system call for a whole file, as a
    /// rule), without joining the pieces first.
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        let slices = self.slices();
        let mut io: Vec<std::io::IoSlice<'_>> =
            slices.iter().map(|s| std::io::IoSlice::new(s)).collect();
        let mut rest = io.as_mut_slice();
        while !rest.is_empty() {
            match w.write_vectored(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => std::io::IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// A row range of the page.
enum Part {
    /// Rows every channel shares, compressed.
    Shared(Segment),
    /// The rows of one channel item: `[first, end)`, and the index of the item in the layout.
    Band {
        first: u32,
        end: u32,
        item: usize,
        /// For QR bands: whether each base row equals the one above it.
        same_as_above: Vec<bool>,
    },
}

/// Where a channel item paints: rows `[first, end)` and, for the QR code, its area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Footprint {
    first: u32,
    end: u32,
    qr: Option<QrArea>,
}

/// What a primitive may touch, in page pixels `(x0, y0, x1, y1)` (a pixel of margin for
/// anti-aliasing), for checking that nothing painted later covers a channel item.
fn bounds(item: &Primitive, painter: &Painter, page: PageSize) -> (f32, f32, f32, f32) {
    let s = page.scale;
    let full = |first: u32, end: u32| (0.0, first as f32, page.width as f32, end as f32);
    match item {
        Primitive::Rect { rect, .. } | Primitive::Image { rect, .. } => (
            rect.x * s - 1.0,
            rect.y * s - 1.0,
            (rect.x + rect.w) * s + 1.0,
            (rect.y + rect.h) * s + 1.0,
        ),
        Primitive::Text(run) => {
            let (first, end) = painter.text_rows(run);
            full(first, end)
        }
        Primitive::Qr(q) => {
            let a = painter.qr_area(q);
            (
                a.x as f32,
                a.y as f32,
                (a.x + a.side) as f32,
                (a.y + a.side) as f32,
            )
        }
    }
}

fn overlaps(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn footprint(item: &Primitive, painter: &Painter) -> Option<Footprint> {
    match item {
        Primitive::Text(run) => {
            let (first, end) = painter.text_rows(run);
            Some(Footprint {
                first,
                end,
                qr: None,
            })
        }
        Primitive::Qr(q) => {
            let a = painter.qr_area(q);
            Some(Footprint {
                first: a.y,
                end: a.y + a.side,
                qr: Some(a),
            })
        }
        Primitive::Rect { .. } | Primitive::Image { .. } => None,
    }
}

/// Whether two primitives that are not channel items are the same (pictures compared by
/// pointer first: every channel's layout shares the card's logo).
fn same_item(a: &Primitive, b: &Primitive) -> bool {
    match (a, b) {
        (
            Primitive::Image {
                rect: ra,
                image: ia,
            },
            Primitive::Image {
                rect: rb,
                image: ib,
            },
        ) => ra == rb && (Arc::ptr_eq(ia, ib) || ia == ib),
        _ => a == b,
    }
}

/// The PNG file up to the image data: signature, IHDR (RGBA, 8 bits) and pHYs.
fn png_head(page: PageSize, dpi: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&page.width.to_be_bytes());
    ihdr.extend_from_slice(&page.height.to_be_bytes());
    // Bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace. The
    // page is opaque, but dropping the alpha per row costs more than it saves in the file.
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    let mut phys = Vec::with_capacity(9);
    phys.extend_from_slice(&ppm.to_be_bytes());
    phys.extend_from_slice(&ppm.to_be_bytes());
    phys.push(1); // unit: metre
    chunk(&mut out, b"pHYs", &phys);
    out
}

/// Appends a PNG chunk.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// Appends row `row` filtered with "Sub" (each byte minus the one a pixel to its left).
fn sub_filter(out: &mut Vec<u8>, row: &[u8]) {
    out.push(1);
    out.extend_from_slice(&row[..4.min(row.len())]);
    out.extend(
        row.iter()
            .skip(4)
            .zip(row)
            .map(|(b, left)| b.wrapping_sub(*left)),
    );
}

/// The footprints of `layout`'s channel items, top to bottom, or `None` when they cannot be
/// painted after everything else (they overlap each other, or something painted after one
/// covers it).
fn footprints(
    layout: &PosterLayout,
    painter: &Painter,
    page: PageSize,
) -> Option<Vec<(Footprint, usize)>> {
    let mut prints: Vec<(Footprint, usize)> = Vec::new();
    for &i in &layout.channel_items {
        let item = layout.items.get(i)?;
        let fp = footprint(item, painter)?;
        let own = bounds(item, painter, page);
        let covered = layout.items[i + 1..]
            .iter()
            .any(|later| overlaps(own, bounds(later, painter, page)));
        if covered || fp.first >= fp.end {
            return None;
        }
        prints.push((fp, i));
    }
    prints.sort_by_key(|(fp, _)| fp.first);
    if prints.windows(2).any(|w| w[0].0.end > w[1].0.first) {
        return None;
    }
    Some(prints)
}

/// Whether `layout`'s channel items can be drawn after everything else without changing the
/// page (judged on the 300-dpi pixel grid): what both the PNG stamp and the batch PDF's shared
/// page content rely on.
pub(crate) fn separable(layout: &PosterLayout) -> bool {
    let Ok(page) = PageSize::of(layout, PRINT_DPI as u32) else {
        return false;
    };
    Painter::new(page).is_ok_and(|painter| footprints(layout, &painter, page).is_some())
}

/// Whether two layouts are the same page but for their channel items (which may differ in
/// anything).
pub(crate) fn same_page(a: &PosterLayout, b: &PosterLayout) -> bool {
    a.template == b.template
        && a.width == b.width
        && a.height == b.height
        && a.channel_items == b.channel_items
        && a.items.len() == b.items.len()
        && a.items
            .iter()
            .zip(&b.items)
            .enumerate()
            .all(|(i, (x, y))| a.channel_items.contains(&i) || same_item(x, y))
}

impl PngStamp {
    /// A stamp for posters like `layout` at `dpi`, or `None` when its channel items cannot be
    /// painted separately (they overlap each other, or something painted after one covers
    /// it).
    pub fn new(layout: &PosterLayout, dpi: u32) -> Result<Option<Self>, PosterError> {
        let page = PageSize::of(layout, dpi)?;
        let mut painter = Painter::new(page)?;
        let channel = &layout.channel_items;
        let Some(prints) = footprints(layout, &painter, page) else {
            return Ok(None);
        };

        let mut base = painter.blank_page()?;
        for (i, item) in layout.items.iter().enumerate() {
            if !channel.contains(&i) {
                painter.paint(&mut base, 0, item);
            }
        }
        let stride = page.stride();
        let row = |y: u32| &base[y as usize * stride..(y as usize + 1) * stride];
        // Whether each base row equals the one above it: most of a poster is flat colour.
        let same: Vec<bool> = (0..page.height)
            .map(|y| y > 0 && row(y) == row(y - 1))
            .collect();
        let mut zeros = vec![0u8; stride + 1];
        zeros[0] = 2;
        let repeats: Vec<Segment> = (0..=MAX_REPEAT_LOG2)
            .map(|i| Segment::compress(&zeros.repeat(1 << i), SHARED_LEVEL))
            .collect();
        // Shared rows: runs of rows equal to the row above are the precompressed repeats; the
        // other rows are "Sub" filtered and compressed (a range's first row is never a
        // repeat, so it does not depend on the band above it).
        let shared = |first: u32, end: u32| {
            let mut segment = Segment::empty();
            let mut filtered = Vec::new();
            let mut y = first;
            while y < end {
                if y > first && same[y as usize] {
                    // A run of repeated rows: long runs become repeats, short ones inline.
                    let n = (y..end).take_while(|&r| same[r as usize]).count() as u32;
                    if n >= MIN_REPEAT_RUN {
                        if !filtered.is_empty() {
                            segment.append(&Segment::compress(&filtered, SHARED_LEVEL));
                            filtered.clear();
                        }
                        append_repeats(&mut segment, &repeats, n as usize);
                    } else {
                        for _ in 0..n {
                            filtered.extend_from_slice(&zeros);
                        }
                    }
                    y += n;
                } else {
                    sub_filter(&mut filtered, row(y));
                    y += 1;
                }
            }
            if !filtered.is_empty() {
                segment.append(&Segment::compress(&filtered, SHARED_LEVEL));
            }
            segment
        };
        let mut parts = Vec::new();
        let mut y = 0;
        for (fp, item) in &prints {
            if fp.first > y {
                parts.push(Part::Shared(shared(y, fp.first)));
            }
            parts.push(Part::Band {
                first: fp.first,
                end: fp.end,
                item: *item,
                same_as_above: same[fp.first as usize..fp.end as usize].to_vec(),
            });
            y = fp.end;
        }
        if y < page.height {
            parts.push(Part::Shared(shared(y, page.height)));
        }
        Ok(Some(Self {
            page,
            reference: layout.clone(),
            base,
            head: png_head(page, dpi),
            parts,
            repeats,
        }))
    }

    /// Whether `layout` is the stamp's page with other channel items in the same places, so
    /// that [`PngStamp::render`] can make it.
    pub fn fits(&self, layout: &PosterLayout) -> bool {
        let r = &self.reference;
        if !same_page(r, layout) {
            return false;
        }
        let Ok(painter) = Painter::new(self.page) else {
            return false;
        };
        r.channel_items
            .iter()
            .all(|&i| match (layout.items.get(i), r.items.get(i)) {
                (Some(Primitive::Qr(a)), Some(Primitive::Qr(b))) => {
                    painter.qr_area(a) == painter.qr_area(b) && a.matrix.width == b.matrix.width
                }
                (Some(Primitive::Text(a)), Some(Primitive::Text(b))) => {
                    painter.text_rows(a) == painter.text_rows(b)
                }
                _ => false,
            })
    }

    /// The PNG file of `layout`, which must [fit](PngStamp::fits) the stamp.
    pub fn render(&self, layout: &PosterLayout) -> Result<Vec<u8>, PosterError> {
        Ok(self.render_parts(layout)?.to_vec())
    }

    /// The PNG file of `layout`, which must [fit](PngStamp::fits) the stamp, as pieces that
    /// borrow the stamp's shared rows: written with [`StampedPng::write_to`], the shared rows
    /// (most of the file) go to the file without being copied per channel.
    pub fn render_parts(&self, layout: &PosterLayout) -> Result<StampedPng<'_>, PosterError> {
        if !self.fits(layout) {
            return Err(PosterError::Raster(
                "this poster does not match the batch's page".into(),
            ));
        }
        let mut own = Vec::with_capacity(self.head.len() + 64 * 1024);
        let mut pieces = Vec::with_capacity(self.parts.len());
        own.extend_from_slice(&self.head);
        // The IDAT chunk: its length is patched in at the end.
        let length_at = own.len();
        own.extend_from_slice(&[0, 0, 0, 0]);
        own.extend_from_slice(b"IDAT");
        own.extend_from_slice(&ZLIB_HEADER);
        let mut enc = RunEncoder::new(&mut own, 1);
        // Row buffers and the painter (its glyph outlines), kept per thread: making them per
        // poster costs more (page faults, outlines) than much of the stamping.
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
        }
        SCRATCH.with_borrow_mut(|scratch| -> Result<(), PosterError> {
            let painter = match &mut scratch.painter {
                Some(p) if p.page() == self.page => p,
                slot => slot.insert(Painter::new(self.page)?),
            };
            for part in &self.parts {
                match part {
                    Part::Shared(segment) => {
                        enc.skip(segment);
                        pieces.push((enc.len(), segment.bytes.as_slice()));
                    }
                    Part::Band {
                        first,
                        end,
                        item,
                        same_as_above,
                    } => {
                        if let Some(item) = layout.items.get(*item) {
                            let band = (*first, *end, same_as_above.as_slice());
                            let buffers = (&mut scratch.rows, &mut scratch.filtered);
                            self.band(&mut enc, painter, buffers, item, band);
                        }
                    }
                }
            }
            Ok(())
        })?;
        enc.flush();
        let adler = enc.adler;
        own.extend_from_slice(&FINAL_EMPTY_BLOCK);
        own.extend_from_slice(&adler.to_be_bytes());
        let shared: usize = pieces.iter().map(|(_, bytes)| bytes.len()).sum();
        let data_len = own.len() + shared - length_at - 8;
        let len = u32::try_from(data_len)
            .map_err(|_| PosterError::Raster("the PNG is too large".into()))?;
        own[length_at..length_at + 4].copy_from_slice(&len.to_be_bytes());
        let mut png = StampedPng { own, pieces };
        // The chunk's CRC covers its type and data: the file so far, from the type on.
        let mut crc = crc32fast::Hasher::new();
        let mut skip = length_at + 4;
        for slice in png.slices() {
            crc.update(slice.get(skip..).unwrap_or_default());
            skip = skip.saturating_sub(slice.len());
        }
        png.own.extend_from_slice(&crc.finalize().to_be_bytes());
        chunk(&mut png.own, b"IEND", &[]);
        Ok(png)
    }

    /// Appends `n` rows equal to the row above them.
    fn repeat(&self, enc: &mut RunEncoder<'_>, n: usize) {
        for segment in repeat_pieces(&self.repeats, n) {
            enc.segment(segment);
        }
    }

    /// Encodes the rows `[first, end)` of one channel item's band (`same_as_above`: whether
    /// each base row equals the one above it), using `scratch` and `filtered` as buffers.
    fn band(
        &self,
        enc: &mut RunEncoder<'_>,
        painter: &mut Painter,
        (scratch, filtered): (&mut Vec<u8>, &mut Vec<u8>),
        item: &Primitive,
        (first, end, same_as_above): (u32, u32, &[bool]),
    ) {
        let stride = self.page.stride();
        let base_rows = &self.base[first as usize * stride..end as usize * stride];
        let mut pending = 0;
        let mut emit = |enc: &mut RunEncoder<'_>, row: Option<&[u8]>, pending: &mut usize| match row
        {
            None => *pending += 1,
            Some(row) => {
                self.repeat(enc, std::mem::take(pending));
                filtered.clear();
                sub_filter(filtered, row);
                enc.write(filtered);
            }
        };
        match item {
            Primitive::Qr(q) => {
                let area = painter.qr_area(q);
                scratch.resize(stride, 0);
                for (i, base_row) in base_rows.chunks_exact(stride).enumerate() {
                    let y = first + i as u32;
                    let module_row = area.module_row(y);
                    let starts_module = (y - area.y).is_multiple_of(area.module);
                    if i > 0 && same_as_above.get(i) == Some(&true) && !starts_module {
                        emit(enc, None, &mut pending);
                        continue;
                    }
                    scratch.copy_from_slice(base_row);
                    if let Some(r) = module_row {
                        fill_qr_row(scratch, q, &area, r);
                    }
                    emit(enc, Some(scratch), &mut pending);
                }
            }
            _ => {
                scratch.clear();
                scratch.extend_from_slice(base_rows);
                painter.paint(scratch, first, item);
                let mut above: Option<&[u8]> = None;
                for row in scratch.chunks_exact(stride) {
                    if above == Some(row) {
                        emit(enc, None, &mut pending);
                    } else {
                        emit(enc, Some(row), &mut pending);
                    }
                    above = Some(row);
                }
            }
        }
        self.repeat(enc, pending);
    }
}
