//! Opaque, serialisable pagination cursors.
//!
//! A [`Cursor`] is the key of the last item a page returned (DynamoDB's `LastEvaluatedKey`, or
//! the key of the last item handed to the caller when a `limit` cut a response short), plus the
//! index it belongs to. As text it is URL-safe base64 of a small binary form ending in a
//! checksum, so a cursor that was edited, truncated or made up is rejected with a clear error
//! instead of being sent. The checksum detects accidents, not forgery: a cursor is not secret
//! and carries no authority (it only says where to resume).

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::codec::Item;
use crate::error::{Error, Result};
use crate::query::keys::{Reader, write_key_item};

const CURSOR_MAGIC: &[u8; 3] = b"dt1";
const SCAN_MAGIC: &[u8; 3] = b"ds1";

/// Where a query or scan resumes: returned in [`Page::cursor`](crate::Page) and passed to
/// `.start_after(cursor)`.
///
/// Opaque: store it as a string (`to_string()` / `parse()`, or serde with the `serde` feature)
/// and hand it back unchanged.
#[derive(Clone, PartialEq)]
pub struct Cursor {
    index: Option<String>,
    key: Item,
}

impl Cursor {
    /// A cursor resuming after `key`. Fails when the key cannot be written (an attribute that
    /// is not a string, number or binary value, or more than 255 attributes), so that a cursor,
    /// once made, always has a text form.
    pub(crate) fn new(index: Option<&str>, key: Item) -> Result<Self> {
        let cursor = Cursor {
            index: index.map(str::to_owned),
            key,
        };
        cursor.write(&mut Vec::new())?;
        Ok(cursor)
    }

    /// The key to resume after, as DynamoDB's `ExclusiveStartKey`.
    pub fn exclusive_start_key(&self) -> &Item {
        &self.key
    }

    /// The index the cursor was made on (`None` for the table).
    pub fn index(&self) -> Option<&str> {
        self.index.as_deref()
    }

    /// Parses a cursor made by `to_string()`. Rejects anything else with
    /// [`Error::Validation`].
    pub fn parse(text: &str) -> Result<Self> {
        let bytes = decode_checked(text, CURSOR_MAGIC, "cursor")?;
        let mut reader = Reader::new(&bytes);
        let cursor = read_cursor(&mut reader).filter(|_| reader.is_empty());
        cursor.ok_or_else(|| invalid("cursor", "its content is malformed"))
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        match &self.index {
            None => out.push(0),
            Some(name) => {
                out.push(1);
                out.extend_from_slice(&(name.len() as u32).to_be_bytes());
                out.extend_from_slice(name.as_bytes());
            }
        }
        write_key_item(out, &self.key)
    }

    /// Checks that the cursor belongs to `index` and holds exactly the key attributes `names`.
    pub(crate) fn check(&self, index: Option<&str>, names: &[&str]) -> Result<()> {
        if self.index.as_deref() != index {
            return Err(Error::Validation(format!(
                "this cursor was made on {}, not on {}",
                describe_index(self.index.as_deref()),
                describe_index(index)
            )));
        }
        let mut expected: Vec<&str> = names.to_vec();
        expected.sort_unstable();
        expected.dedup();
        let mut found: Vec<&str> = self.key.keys().map(String::as_str).collect();
        found.sort_unstable();
        if expected != found {
            return Err(Error::Validation(format!(
                "this cursor holds the attributes {found:?}, but {} has the key attributes {expected:?}",
                describe_index(index)
            )));
        }
        Ok(())
    }
}

fn describe_index(index: Option<&str>) -> String {
    match index {
        None => "the table".to_owned(),
        Some(name) => format!("index `{name}`"),
    }
}

fn read_cursor(reader: &mut Reader<'_>) -> Option<Cursor> {
    let index = match reader.u8()? {
        0 => None,
        1 => Some(String::from_utf8(reader.bytes()?.to_vec()).ok()?),
        _ => return None,
    };
    let key = reader.key_item()?;
    if key.is_empty() {
        return None;
    }
    Some(Cursor { index, key })
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(64);
        self.write(&mut bytes).map_err(|_| fmt::Error)?;
        f.write_str(&encode_checked(CURSOR_MAGIC, bytes))
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("index", &self.index)
            .field("key", &self.key)
            .finish()
    }
}

impl FromStr for Cursor {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Cursor::parse(s)
    }
}

/// Where each segment of a parallel scan stands: returned in [`ScanPage::cursor`](crate::query::ScanPage::cursor) and passed to
/// `ParallelScan::start_after`, so a parallel scan resumes segment by segment.
///
/// Opaque like [`Cursor`]: serialise it with `to_string()` and read it back with `parse()`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanCursor {
    pub(crate) segments: Vec<SegmentState>,
}

/// How far one segment of a parallel scan got.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SegmentState {
    /// Not read yet.
    Start,
    /// Read up to this cursor.
    After(Cursor),
    /// Read to the end.
    Done,
}

impl ScanCursor {
    /// The number of segments of the scan this cursor belongs to.
    pub fn total_segments(&self) -> usize {
        self.segments.len()
    }

    /// How many segments are read to the end.
    pub fn finished_segments(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, SegmentState::Done))
            .count()
    }

    /// True when every segment is read to the end.
    pub fn is_finished(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, SegmentState::Done))
    }

    /// Parses a scan cursor made by `to_string()`. Rejects anything else with
    /// [`Error::Validation`].
    pub fn parse(text: &str) -> Result<Self> {
        let bytes = decode_checked(text, SCAN_MAGIC, "scan cursor")?;
        let mut reader = Reader::new(&bytes);
        let parsed = (|| {
            let total = reader.u32()?;
            if total == 0 || total > 1_000_000 {
                return None;
            }
            let mut segments = Vec::with_capacity(total.min(4096) as usize);
            for _ in 0..total {
                segments.push(match reader.u8()? {
                    0 => SegmentState::Start,
                    1 => SegmentState::After(read_cursor(&mut reader)?),
                    2 => SegmentState::Done,
                    _ => return None,
                });
            }
            reader.is_empty().then_some(ScanCursor { segments })
        })();
        parsed.ok_or_else(|| invalid("scan cursor", "its content is malformed"))
    }
}

impl fmt::Display for ScanCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(16 + 64 * self.segments.len());
        bytes.extend_from_slice(&(self.segments.len() as u32).to_be_bytes());
        for segment in &self.segments {
            match segment {
                SegmentState::Start => bytes.push(0),
                SegmentState::After(cursor) => {
                    bytes.push(1);
                    cursor.write(&mut bytes).map_err(|_| fmt::Error)?;
                }
                SegmentState::Done => bytes.push(2),
            }
        }
        f.write_str(&encode_checked(SCAN_MAGIC, bytes))
    }
}

impl FromStr for ScanCursor {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ScanCursor::parse(s)
    }
}

/// 64-bit FNV-1a: enough to catch an edited or truncated cursor.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn encode_checked(magic: &[u8; 3], body: Vec<u8>) -> String {
    let mut bytes = Vec::with_capacity(body.len() + 11);
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&body);
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum.to_be_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_checked(text: &str, magic: &[u8; 3], what: &str) -> Result<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim().as_bytes())
        .map_err(|_| invalid(what, "it is not URL-safe base64"))?;
    if bytes.len() < magic.len() + 8 {
        return Err(invalid(what, "it is too short"));
    }
    let (content, sum) = bytes.split_at(bytes.len() - 8);
    let mut sum_bytes = [0u8; 8];
    sum_bytes.copy_from_slice(sum);
    if checksum(content) != u64::from_be_bytes(sum_bytes) {
        return Err(invalid(
            what,
            "its checksum does not match (it was changed or cut short)",
        ));
    }
    match content.strip_prefix(magic.as_slice()) {
        Some(body) => Ok(body.to_vec()),
        None => Err(invalid(
            what,
            "it is not a cursor of this kind (a query cursor given for a parallel scan, or the reverse?)",
        )),
    }
}

fn invalid(what: &str, why: &str) -> Error {
    Error::Validation(format!(
        "invalid {what}: {why}; pass back a cursor exactly as a page returned it"
    ))
}

#[cfg(feature = "serde")]
mod serde_impls {
    use super::{Cursor, ScanCursor};

    macro_rules! as_string {
        ($t:ty) => {
            impl serde::Serialize for $t {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.collect_str(self)
                }
            }
            impl<'de> serde::Deserialize<'de> for $t {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                    <$t>::parse(&text).map_err(serde::de::Error::custom)
                }
            }
        };
    }
    as_string!(Cursor);
    as_string!(ScanCursor);
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;

    fn sample() -> Cursor {
        Cursor::new(
            Some("by_author"),
            [
                ("blog_id".to_owned(), AttributeValue::S("b".into())),
                ("post_id".to_owned(), AttributeValue::S("p".into())),
                ("published_at".to_owned(), AttributeValue::N("12".into())),
            ]
            .into(),
        )
        .unwrap()
    }

    #[test]
    fn round_trips_as_text() {
        let cursor = sample();
        let text = cursor.to_string();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(Cursor::parse(&text).unwrap(), cursor);
        let scan = ScanCursor {
            segments: vec![
                SegmentState::Start,
                SegmentState::After(sample()),
                SegmentState::Done,
            ],
        };
        assert_eq!(ScanCursor::parse(&scan.to_string()).unwrap(), scan);
    }

    #[test]
    fn rejects_tampering_and_garbage() {
        let text = sample().to_string();
        let mut chars: Vec<char> = text.chars().collect();
        chars[6] = if chars[6] == 'A' { 'B' } else { 'A' };
        let edited: String = chars.into_iter().collect();
        for bad in [
            edited.as_str(),
            &text[..text.len() - 2],
            "",
            "not a cursor!",
            "AAAAAAAAAAAAAAAAAAAA",
        ] {
            let err = Cursor::parse(bad).unwrap_err();
            assert!(
                matches!(&err, Error::Validation(m) if m.contains("invalid cursor")),
                "{bad}: {err}"
            );
        }
        assert!(ScanCursor::parse(&text).is_err());
    }

    #[test]
    fn checks_scope() {
        let cursor = sample();
        assert!(
            cursor
                .check(Some("by_author"), &["blog_id", "post_id", "published_at"])
                .is_ok()
        );
        let err = cursor.check(None, &["blog_id", "post_id"]).unwrap_err();
        assert!(err.to_string().contains("index `by_author`"), "{err}");
        assert!(
            cursor
                .check(Some("by_author"), &["blog_id", "post_id"])
                .is_err()
        );
    }
}
