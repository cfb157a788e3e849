//! The XML body of a push: `<xml>` with one element per member, text in CDATA or bare.
//!
//! Read with quick-xml, which expands only the five predefined entities and character
//! references; a document type declaration is refused outright, so neither external entities
//! nor "billion laughs" expansions can reach the server.

use quick_xml::Reader;
use quick_xml::events::{BytesCData, BytesEnd, BytesStart, BytesText, Event};
use serde_json::{Map, Value};

/// The largest push body read (WeChat's card events are under 2 KiB).
pub const MAX_BODY: usize = 64 * 1024;

/// Why a body is not a push.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XmlError {
    /// Larger than [`MAX_BODY`].
    #[error("the body is larger than {MAX_BODY} bytes")]
    TooLarge,
    /// It declares a document type (the way to entity expansion attacks).
    #[error("a document type declaration is not accepted")]
    Doctype,
    /// Not well-formed, an unknown entity, or not an `<xml>` root.
    #[error("not a push body: {0}")]
    Malformed(String),
}

/// One member of a push: its element name, its text, and whether the text came in CDATA
/// (WeChat's mark of a string; bare text is a number or an enum).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The element name (`Event`, `CardId`, …); a nested element is named `Parent.Child`.
    pub name: String,
    /// The text, entities expanded.
    pub value: String,
    /// Whether it was (or is to be) written as CDATA.
    pub cdata: bool,
}

/// A push body: its members in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Push {
    /// The members.
    pub members: Vec<Member>,
}

impl Push {
    /// An empty push, to be filled with [`Push::text`] and [`Push::number`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a string member (written as CDATA).
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.members.push(Member {
            name: name.to_owned(),
            value: value.into(),
            cdata: true,
        });
        self
    }

    /// Adds a number member (written bare).
    pub fn number(mut self, name: &str, value: i64) -> Self {
        self.members.push(Member {
            name: name.to_owned(),
            value: value.to_string(),
            cdata: false,
        });
        self
    }

    /// The first member's text of this name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.members
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value.as_str())
    }

    /// Parses a body; refuses DTDs, unknown entities, other roots and bodies over
    /// [`MAX_BODY`].
    pub fn parse(body: &[u8]) -> Result<Self, XmlError> {
        if body.len() > MAX_BODY {
            return Err(XmlError::TooLarge);
        }
        let text = std::str::from_utf8(body).map_err(|e| XmlError::Malformed(e.to_string()))?;
        let mut reader = Reader::from_str(text);
        reader.config_mut().trim_text(false);
        let mut path: Vec<String> = Vec::new();
        let mut members = Vec::new();
        let mut current: Option<Member> = None;
        let mut rooted = false;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| XmlError::Malformed(e.to_string()))?;
            match event {
                Event::DocType(_) => return Err(XmlError::Doctype),
                Event::Start(start) => {
                    let name = element_name(&start)?;
                    if path.is_empty() {
                        if rooted || name != "xml" {
                            return Err(XmlError::Malformed(format!("root <{name}>")));
                        }
                        rooted = true;
                    } else {
                        // A parent's own text (around its children) is not kept.
                        current = None;
                    }
                    path.push(name);
                    if path.len() >= 2 {
                        current = Some(Member {
                            name: path[1..].join("."),
                            value: String::new(),
                            cdata: false,
                        });
                    }
                }
                Event::Empty(start) => {
                    let name = element_name(&start)?;
                    if path.is_empty() {
                        if rooted || name != "xml" {
                            return Err(XmlError::Malformed(format!("root <{name}>")));
                        }
                        rooted = true;
                        continue;
                    }
                    let mut full = path[1..].to_vec();
                    full.push(name);
                    members.push(Member {
                        name: full.join("."),
                        value: String::new(),
                        cdata: false,
                    });
                }
                Event::Text(t) => {
                    if let Some(m) = current.as_mut() {
                        let s = t.decode().map_err(|e| XmlError::Malformed(e.to_string()))?;
                        let s = quick_xml::escape::unescape(&s)
                            .map_err(|e| XmlError::Malformed(e.to_string()))?;
                        m.value.push_str(&s);
                    }
                }
                Event::GeneralRef(r) => {
                    // &amp; and friends and &#NN; arrive as references of their own.
                    let Some(m) = current.as_mut() else { continue };
                    let name = r.decode().map_err(|e| XmlError::Malformed(e.to_string()))?;
                    let reference = format!("&{name};");
                    let expanded = quick_xml::escape::unescape(&reference)
                        .map_err(|e| XmlError::Malformed(e.to_string()))?;
                    m.value.push_str(&expanded);
                }
                Event::CData(c) => {
                    if let Some(m) = current.as_mut() {
                        let s = c.decode().map_err(|e| XmlError::Malformed(e.to_string()))?;
                        m.value.push_str(&s);
                        m.cdata = true;
                    }
                }
                Event::End(_) => {
                    if let Some(mut m) = current.take() {
                        if !m.cdata {
                            m.value = m.value.trim().to_owned();
                        }
                        members.push(m);
                    }
                    path.pop();
                }
                Event::Eof => break,
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            }
        }
        if !rooted || !path.is_empty() {
            return Err(XmlError::Malformed("no complete <xml> root".into()));
        }
        Ok(Self { members })
    }

    /// The body as WeChat writes it: `<xml>`, strings in CDATA, numbers bare.
    pub fn to_xml(&self) -> String {
        let mut writer = quick_xml::Writer::new(Vec::new());
        // Writing to a Vec cannot fail; an error would only drop a member.
        let _ = writer.write_event(Event::Start(BytesStart::new("xml")));
        for m in &self.members {
            let _ = writer.write_event(Event::Start(BytesStart::new(m.name.as_str())));
            if m.cdata {
                // "]]>" cannot sit inside one CDATA section: split it across two.
                for part in BytesCData::escaped(&m.value) {
                    let _ = writer.write_event(Event::CData(part));
                }
            } else {
                let _ = writer.write_event(Event::Text(BytesText::new(&m.value)));
            }
            let _ = writer.write_event(Event::End(BytesEnd::new(m.name.as_str())));
        }
        let _ = writer.write_event(Event::End(BytesEnd::new("xml")));
        String::from_utf8(writer.into_inner()).unwrap_or_default()
    }

    /// The members as a JSON object under their XML names: CDATA text as a string, bare text
    /// that is a whole number as a number (how WeChat marks its numbers), else a string. A
    /// repeated name keeps its first value.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        for m in &self.members {
            if out.contains_key(&m.name) {
                continue;
            }
            let value = match (m.cdata, m.value.parse::<i64>()) {
                (false, Ok(n)) => Value::from(n),
                _ => Value::from(m.value.clone()),
            };
            out.insert(m.name.clone(), value);
        }
        out
    }
}

fn element_name(start: &BytesStart<'_>) -> Result<String, XmlError> {
    std::str::from_utf8(start.name().as_ref())
        .map(str::to_owned)
        .map_err(|e| XmlError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = "<xml><ToUserName><![CDATA[gh_fc0a06a20993]]></ToUserName>\
        <FromUserName><![CDATA[oZI8Fj040-be6rlDohc6gkoPOQTQ]]></FromUserName>\
        <CreateTime>1472551036</CreateTime><MsgType><![CDATA[event]]></MsgType>\
        <Event><![CDATA[user_get_card]]></Event>\
        <CardId><![CDATA[pZI8Fjwsy5fVPRBeD78J4RmqVvBc]]></CardId>\
        <IsGiveByFriend>0</IsGiveByFriend><UserCardCode><![CDATA[226009850808]]></UserCardCode>\
        <FriendUserName><![CDATA[]]></FriendUserName><OuterId>12</OuterId>\
        <OldUserCardCode><![CDATA[]]></OldUserCardCode><OuterStr><![CDATA[a&b]]></OuterStr>\
        </xml>";

    #[test]
    fn a_claim_push_reads_with_its_types() {
        let p = Push::parse(CLAIM.as_bytes()).unwrap();
        assert_eq!(p.get("Event"), Some("user_get_card"));
        assert_eq!(p.get("OuterStr"), Some("a&b"));
        let json = p.to_json();
        assert_eq!(json["CreateTime"], Value::from(1_472_551_036));
        assert_eq!(json["OuterId"], Value::from(12));
        // A code is a string even though it is all digits: it came in CDATA.
        assert_eq!(json["UserCardCode"], Value::from("226009850808"));
        assert_eq!(json["FriendUserName"], Value::from(""));
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let p = Push::new()
            .text("ToUserName", "gh_1")
            .number("CreateTime", 1_700_000_000)
            .text("Event", "card_pay_order")
            .text("Memo", "a ]]> b & <c>")
            .text("Desc", "汉字");
        let back = Push::parse(p.to_xml().as_bytes()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn entities_and_doctypes_are_refused() {
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">\
            <!ENTITY lol2 \"&lol;&lol;\">]><xml><Event>&lol2;</Event></xml>";
        assert_eq!(Push::parse(laughs.as_bytes()), Err(XmlError::Doctype));
        let external =
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><A>&e;</A></xml>";
        assert_eq!(Push::parse(external.as_bytes()), Err(XmlError::Doctype));
        // An undeclared entity is an error, not an empty string.
        assert!(matches!(
            Push::parse(b"<xml><A>&e;</A></xml>"),
            Err(XmlError::Malformed(_))
        ));
        assert_eq!(
            Push::parse(b"<xml><A>&amp;&#27721;</A></xml>")
                .unwrap()
                .get("A"),
            Some("&汉")
        );
    }

    #[test]
    fn malformed_bodies_are_refused() {
        for body in [
            &b""[..],
            b"<xml>",
            b"<html></html>",
            b"<xml></xml><xml></xml>",
            b"<xml><A></B></xml>",
            b"\xff\xfe",
        ] {
            assert!(Push::parse(body).is_err(), "{body:?}");
        }
        let big = format!("<xml><A>{}</A></xml>", "a".repeat(MAX_BODY));
        assert_eq!(Push::parse(big.as_bytes()), Err(XmlError::TooLarge));
    }

    #[test]
    fn nested_members_are_named_by_their_path() {
        let p = Push::parse(b"<xml><Video><MediaId><![CDATA[m1]]></MediaId></Video><E/></xml>")
            .unwrap();
        assert_eq!(p.get("Video.MediaId"), Some("m1"));
        assert_eq!(p.get("E"), Some(""));
    }
}
