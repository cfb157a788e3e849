//! Channel lists for a batch: which placement channels (`outer_id`) get a poster and their
//! labels, read from a spec such as "1-200" or "1,3,5-9", from a CSV of `outer_id,label`,
//! or from a list of store names; and a channel's QR code as WeChat answers it.

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
}
