//! Pieces of one zlib stream made separately and joined: what lets the batch compress the
//! rows every poster shares once and, per channel, only the rows that differ.
//!
//! A [`Segment`] is raw deflate data that starts a new block and ends byte-aligned after a
//! sync flush (an empty stored block), so segments can follow each other in any order in one
//! stream; none refers back to bytes before it. It carries the Adler-32 and length of the
//! bytes it stands for, and [`adler32_combine`] joins checksums without the bytes, so the
//! stream's trailer costs nothing per channel.
//!
//! Two ways to make segments: [`Segment::compress`] (flate2, real LZ77 and Huffman trees,
//! for data compressed once) and [`RunEncoder`] (for data compressed per channel: filtered
//! PNG rows that are almost all zeros). The run encoder writes fixed-Huffman blocks of
//! literals and zero runs (a literal 0 followed by copies at distance 1), like fdeflate's
//! fast mode, about ten times faster than flate2's fastest level on such rows.

use flate2::{Compress, Compression, FlushCompress, Status};

/// The zlib header for a 32 KiB window, no dictionary ("fastest" level hint): `78 01`.
pub const ZLIB_HEADER: [u8; 2] = [0x78, 0x01];

/// The last block of a stream: final, fixed Huffman, immediately the end-of-block code.
pub const FINAL_EMPTY_BLOCK: [u8; 2] = [0x03, 0x00];

/// Adler-32's modulus.
const ADLER_MOD: u64 = 65_521;

/// The Adler-32 of `data` continued from `adler` (start with 1).
pub fn adler32(adler: u32, data: &[u8]) -> u32 {
    let mut a = simd_adler32::Adler32::from_checksum(adler);
    a.write(data);
    a.finish()
}

/// The Adler-32 of `A ++ B` from `adler_a`, `adler_b` and the length of `B` (zlib's
/// `adler32_combine`).
pub fn adler32_combine(adler_a: u32, adler_b: u32, len_b: u64) -> u32 {
    let rem = len_b % ADLER_MOD;
    let a1 = u64::from(adler_a & 0xffff);
    let b1 = u64::from(adler_a >> 16);
    let a2 = u64::from(adler_b & 0xffff);
    let b2 = u64::from(adler_b >> 16);
    // s1 = a1 + a2 − 1, s2 = b1 + b2 + rem·a1 − rem (mod 65521), kept non-negative.
    let s1 = (a1 + a2 + ADLER_MOD - 1) % ADLER_MOD;
    let s2 = (b1 + b2 + rem * a1 % ADLER_MOD + ADLER_MOD - rem) % ADLER_MOD;
    // Both are below 65521, so the casts cannot truncate.
    (s1 | (s2 << 16)) as u32
}

/// Raw deflate data that ends byte-aligned (see the module docs), with the Adler-32 and
/// length of the uncompressed bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The compressed bytes.
    pub bytes: Vec<u8>,
    /// Adler-32 of the uncompressed bytes (as if they started a stream).
    pub adler: u32,
    /// Number of uncompressed bytes.
    pub len: u64,
}

impl Segment {
    /// No data.
    pub fn empty() -> Self {
        Self {
            bytes: Vec::new(),
            adler: 1,
            len: 0,
        }
    }

    /// Appends `other` (segments concatenate: each ends byte-aligned).
    pub fn append(&mut self, other: &Segment) {
        self.bytes.extend_from_slice(&other.bytes);
        self.adler = adler32_combine(self.adler, other.adler, other.len);
        self.len += other.len;
    }

    /// Compresses `data` with flate2 at `level` (0–9) and a sync flush.
    pub fn compress(data: &[u8], level: u32) -> Self {
        let mut c = Compress::new(Compression::new(level), false);
        // Deflate never grows data by more than 5 bytes per 16 KiB block; leave room for the
        // flush too.
        let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
        let mut input = data;
        loop {
            let before_in = c.total_in();
            let status = c.compress_vec(input, &mut out, FlushCompress::Sync);
            let used = usize::try_from(c.total_in() - before_in).unwrap_or(input.len());
            input = &input[used.min(input.len())..];
            let done = input.is_empty() && out.len() < out.capacity();
            if done || matches!(status, Ok(Status::StreamEnd) | Err(_)) {
                break;
            }
            out.reserve(out.capacity().max(64));
        }
        Self {
            bytes: out,
            adler: adler32(1, data),
            len: data.len() as u64,
        }
    }
}

/// Fixed-Huffman codes of the literal/length alphabet, bit-reversed for LSB-first output:
/// `(code, length)`.
fn fixed_code(symbol: u16) -> (u32, u8) {
    let (code, len) = match symbol {
        0..=143 => (0x30 + u32::from(symbol), 8),
        144..=255 => (0x190 + u32::from(symbol) - 144, 9),
        256..=279 => (u32::from(symbol) - 256, 7),
        _ => (0xc0 + u32::from(symbol) - 280, 8),
    };
    (code.reverse_bits() >> (32 - u32::from(len)), len)
}

/// Deflate's length symbols: for lengths 3..=258, `(symbol, extra bits, base length)`.
fn length_symbol(len: u16) -> (u16, u8, u16) {
    const BASES: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const EXTRA: [u8; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    let i = BASES.partition_point(|&b| b <= len).saturating_sub(1);
    (257 + i as u16, EXTRA[i], BASES[i])
}

/// The codes a [`RunEncoder`] writes, precomputed: every literal byte, and every zero-run
/// copy length 3..=258 with its extra bits and the distance-1 code appended.
struct Tables {
    literal: [(u32, u8); 256],
    copy: [(u32, u8); 259],
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut literal = [(0, 0); 256];
        for (b, slot) in literal.iter_mut().enumerate() {
            *slot = fixed_code(b as u16);
        }
        let mut copy = [(0, 0); 259];
        for (len, slot) in copy.iter_mut().enumerate().skip(3) {
            let (symbol, extra, base) = length_symbol(len as u16);
            let (code, n) = fixed_code(symbol);
            // Then the extra bits (LSB first), then distance code 0 (distance 1): five 0 bits.
            let bits = code | (u32::from(len as u16 - base) << n);
            *slot = (bits, n + extra + 5);
        }
        Tables { literal, copy }
    })
}

/// Writes fixed-Huffman deflate blocks of literals and zero runs, for data that is mostly
/// zeros (PNG rows after the Sub or Up filter). Output is appended to a caller's buffer;
/// [`RunEncoder::flush`] ends the block byte-aligned so a [`Segment`] can follow.
pub struct RunEncoder<'a> {
    out: &'a mut Vec<u8>,
    bits: u64,
    nbits: u32,
    in_block: bool,
    /// Adler-32 of everything encoded since the start of the stream.
    pub adler: u32,
}

impl<'a> RunEncoder<'a> {
    /// An encoder appending to `out`, continuing a stream whose Adler-32 so far is `adler`.
    pub fn new(out: &'a mut Vec<u8>, adler: u32) -> Self {
        Self {
            out,
            bits: 0,
            nbits: 0,
            in_block: false,
            adler,
        }
    }

    fn put(&mut self, bits: u32, n: u8) {
        self.bits |= u64::from(bits) << self.nbits;
        self.nbits += u32::from(n);
        if self.nbits >= 32 {
            self.out
                .extend_from_slice(&(self.bits as u32).to_le_bytes());
            self.bits >>= 32;
            self.nbits -= 32;
        }
    }

    /// Encodes `data` (continuing the current block, or starting one).
    pub fn write(&mut self, data: &[u8]) {
        self.adler = adler32(self.adler, data);
        if !self.in_block {
            // BFINAL = 0, BTYPE = 01 (fixed Huffman).
            self.put(0b010, 3);
            self.in_block = true;
        }
        let t = tables();
        let mut i = 0;
        while i < data.len() {
            let b = data[i];
            if b != 0 {
                let (code, n) = t.literal[usize::from(b)];
                self.put(code, n);
                i += 1;
                continue;
            }
            let run = zero_run(&data[i..]);
            i += run;
            // A literal 0, then copies of the previous byte (distance 1).
            let (zero, zero_bits) = t.literal[0];
            self.put(zero, zero_bits);
            let mut left = run - 1;
            while left >= 3 {
                let len = left.min(258);
                // Never leave 1 or 2 bytes for a last copy shorter than deflate's minimum.
                let len = if (1..3).contains(&(left - len)) {
                    len - 3
                } else {
                    len
                };
                let (copy, copy_bits) = t.copy[len];
                self.put(copy, copy_bits);
                left -= len;
            }
            for _ in 0..left {
                self.put(zero, zero_bits);
            }
        }
    }

    /// Ends the current block (if any) with a sync flush, so the output is byte-aligned and
    /// another segment may follow.
    pub fn flush(&mut self) {
        if !self.in_block {
            return;
        }
        // End of block (7 zero bits), then an empty stored block: BFINAL = 0, BTYPE = 00,
        // padding to a byte, LEN = 0, NLEN = 0xffff.
        self.put(0, 7);
        self.put(0, 3);
        let pad = (8 - self.nbits % 8) % 8;
        self.put(0, pad as u8);
        while self.nbits > 0 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.nbits -= 8;
        }
        self.out.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
        self.in_block = false;
    }

    /// Bytes in the output buffer.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether the output buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Accounts for a ready segment the caller places after the output so far (ending any
    /// open block first) without copying it: continues the checksum past it.
    pub fn skip(&mut self, s: &Segment) {
        self.flush();
        self.adler = adler32_combine(self.adler, s.adler, s.len);
    }

    /// Appends a ready segment (ending any open block first).
    pub fn segment(&mut self, s: &Segment) {
        self.flush();
        self.out.extend_from_slice(&s.bytes);
        self.adler = adler32_combine(self.adler, s.adler, s.len);
    }
}

/// The number of zero bytes `data` starts with (at least 1: `data[0]` is 0).
fn zero_run(data: &[u8]) -> usize {
    let mut n = 0;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if word != 0 {
            return n + (word.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + chunks
        .remainder()
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(chunks.remainder().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(stream)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// A zlib stream of `parts`, as the batch assembles one.
    fn stream(parts: &[&[u8]], compress: &[bool]) -> Vec<u8> {
        let mut out = ZLIB_HEADER.to_vec();
        let mut enc = RunEncoder::new(&mut out, 1);
        for (p, c) in parts.iter().zip(compress) {
            if *c {
                enc.segment(&Segment::compress(p, 6));
            } else {
                enc.write(p);
            }
        }
        enc.flush();
        let adler = enc.adler;
        out.extend_from_slice(&FINAL_EMPTY_BLOCK);
        out.extend_from_slice(&adler.to_be_bytes());
        out
    }

    #[test]
    fn adler_combines() {
        let (a, b) = (b"Coupon Studio ".as_slice(), vec![7u8; 100_000]);
        let whole: Vec<u8> = a.iter().chain(&b).copied().collect();
        let joined = adler32_combine(adler32(1, a), adler32(1, &b), b.len() as u64);
        assert_eq!(joined, adler32(1, &whole));
        assert_eq!(adler32_combine(adler32(1, a), 1, 0), adler32(1, a));
    }

    #[test]
    fn run_encoder_and_segments_make_one_valid_stream() {
        let mut rows = Vec::new();
        // Zero runs of every length around the copy limits, with literals between.
        for len in [1usize, 2, 3, 4, 5, 257, 258, 259, 260, 261, 516, 517, 7000] {
            rows.push(1u8);
            rows.extend(std::iter::repeat_n(0u8, len));
            rows.extend([200, 143, 144, 255]);
        }
        let shared: Vec<u8> = (0..50_000u32).map(|i| (i % 7) as u8).collect();
        let parts: [&[u8]; 5] = [&rows, &shared, &rows, &rows, &shared];
        let s = stream(&parts, &[false, true, false, false, true]);
        assert_eq!(inflate(&s), parts.concat());
        // Mostly zeros compress well even without trees.
        let zeros = vec![0u8; 100_000];
        let s = stream(&[&zeros], &[false]);
        assert!(s.len() < 1_000, "{}", s.len());
        assert_eq!(inflate(&s), zeros);
    }

    #[test]
    fn length_symbols_match_the_deflate_table() {
        assert_eq!(length_symbol(3), (257, 0, 3));
        assert_eq!(length_symbol(10), (264, 0, 10));
        assert_eq!(length_symbol(12), (265, 1, 11));
        assert_eq!(length_symbol(130), (280, 4, 115));
        assert_eq!(length_symbol(257), (284, 5, 227));
        assert_eq!(length_symbol(258), (285, 0, 258));
    }
}
