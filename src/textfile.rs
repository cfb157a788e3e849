//! Text files as the user's other programs write them. Excel on a Chinese Windows saves
//! "CSV UTF-8" with a byte-order mark, plain "CSV" in the ANSI code page (GBK, i.e. GB18030's
//! two-byte subset) and "Unicode text" as UTF-16 LE with a BOM, all with CRLF line ends;
//! Notepad and WPS do the same. Reading them with `read_to_string` would refuse two of the
//! three, so every text file the app reads goes through [`decode`].

use std::borrow::Cow;

/// How a file's bytes were encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a BOM.
    Utf8,
    /// UTF-16 with a BOM (little- or big-endian).
    Utf16,
    /// Not UTF-8 and no BOM: read as GB18030, which GBK (code page 936) is part of.
    Gb18030,
}

/// The text of `bytes` without a BOM, and the encoding it was read in. Line ends are kept
/// (the csv crate takes CRLF, LF and CR alike). Never fails: GB18030 maps every byte sequence,
/// and a broken sequence becomes U+FFFD, which the CSV reader's own checks then name.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let kind = if encoding == encoding_rs::UTF_8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        return (text, kind);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), Encoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            (text, Encoding::Gb18030)
        }
    }
}

/// Reads a text file in any of the encodings [`decode`] knows.
pub fn read(path: &std::path::Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(decode(&bytes).0.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "outer_id,label\r\n1,朝阳店\r\n2,\"海淀,中关村店\"\r\n";

    #[test]
    fn excel_csv_utf8_with_a_bom_loses_the_bom_and_keeps_crlf() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(TEXT.as_bytes());
        assert_eq!(decode(&bytes), (Cow::Borrowed(TEXT), Encoding::Utf8));
    }

    #[test]
    fn excel_plain_csv_in_gbk_is_read_as_gb18030() {
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(TEXT);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&gbk).is_err(),
            "the sample must not be valid UTF-8"
        );
        let (text, encoding) = decode(&gbk);
        assert_eq!((text.as_ref(), encoding), (TEXT, Encoding::Gb18030));
    }

    #[test]
    fn unicode_text_is_utf16_le_with_a_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in TEXT.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let (text, encoding) = decode(&bytes);
        assert_eq!((text.as_ref(), encoding), (TEXT, Encoding::Utf16));
    }

    #[test]
    fn plain_utf8_is_borrowed() {
        assert!(matches!(decode(TEXT.as_bytes()), (Cow::Borrowed(t), Encoding::Utf8) if t == TEXT));
    }
}
