//! Opaque, serialisable pagination cursors.
//!
//! A [`Cursor`] is the key of the last item a page returned (DynamoDB's `LastEvaluatedKey`, or
//! the key of the last item handed to the caller when a `limit` cut a response short), plus the
//! table and index it belongs to: a cursor made on one table or index is refused by a read of
//! another ([`CursorError::OtherTable`], [`CursorError::OtherIndex`]), even when their key
//! names are the same. As text it is URL-safe base64 of a small binary form ending in a
//! checksum, so a cursor that was edited, truncated or made up is rejected with a clear error
//! instead of being sent. The checksum detects accidents, not forgery, and the text is not
//! secret: anyone can decode the key values (an email, an id) and the table name in it.
//!
//! For code that also reads with the SDK directly, [`Cursor::from_last_evaluated_key`] makes a
//! cursor from a raw `LastEvaluatedKey` (checked against the table's and index's keys), and
//! [`Cursor::exclusive_start_key`] gives a cursor's key back as an `ExclusiveStartKey`.
//!
//! A cursor that leaves the server (to a browser, in a URL) should be sealed (feature
//! `sealed-cursors`): [`Cursor::seal`] encrypts and authenticates it with a key of yours, and
//! [`Cursor::open`] refuses anything that was not sealed with that key.
//!
//! Here: the two cursors, [`Cursor`] and [`ScanCursor`], their binary form and the
//! [`CursorError`]s that refuse them. `encoding.rs` turns the binary form into text (magic,
//! checksum, base64) and back; `sealed.rs` seals it instead (feature `sealed-cursors`).

use std::fmt;
use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{Item, ScalarType};
use crate::error::{Error, Result};
use crate::model::KeySchema;
use crate::query::ReadSource;
use crate::query::keys::{Reader, write_key_item};
use crate::query::query_op::cursor_key_attributes;

mod encoding;
#[cfg(feature = "sealed-cursors")]
mod sealed;

use encoding::{CURSOR_MAGIC, SCAN_MAGIC, decode_checked, encode_checked, malformed};
#[cfg(feature = "sealed-cursors")]
pub use sealed::CursorKey;

/// Why a cursor cannot be used: it is not one of ours, or it was made by another read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CursorError {
    /// Not a cursor's text: bad base64, a wrong checksum (it was edited or cut short), a
    /// cursor of the other kind, or an older version's.
    #[error("invalid {0}; pass back a cursor exactly as a page returned it")]
    Malformed(String),
    /// The cursor was made on another table.
    #[error("this cursor was made on table `{made_on}`, not on table `{used_on}`")]
    OtherTable {
        /// The table it was made on (with the client's prefix).
        made_on: String,
        /// The table of the read it was given to.
        used_on: String,
    },
    /// The cursor was made on another index of the table, or on the table itself (`None`).
    #[error("this cursor was made on {}, not on {}", describe_index(.made_on.as_deref()), describe_index(.used_on.as_deref()))]
    OtherIndex {
        /// The index it was made on.
        made_on: Option<String>,
        /// The index of the read it was given to.
        used_on: Option<String>,
    },
    /// The cursor holds other key attributes than the table and index have (the model's keys
    /// changed since it was made).
    #[error("this cursor holds the key attributes {found:?}, but {} has {expected:?}", describe_index(.index.as_deref()))]
    OtherKeys {
        /// The index read (`None` for the table).
        index: Option<String>,
        /// The attributes in the cursor.
        found: Vec<String>,
        /// The key attributes of the table and index.
        expected: Vec<String>,
    },
    /// A query cursor given to a query of another partition.
    #[error("this cursor was made by a query of another `{attribute}` value")]
    OtherPartition {
        /// The partition key attribute.
        attribute: String,
    },
    /// A key attribute of a raw key given to [`Cursor::from_last_evaluated_key`] has another
    /// type than the table or index declares for it.
    #[error(
        "key attribute `{attribute}` of this key is not of type {expected}, as the table or index declares it"
    )]
    KeyType {
        /// The attribute.
        attribute: String,
        /// The type it should have: `S`, `N` or `B`.
        expected: &'static str,
    },
    /// A parallel scan cursor given to a scan of another number of segments.
    #[error("this scan cursor belongs to a scan of {made_with} segments, not {used_with}")]
    OtherSegments {
        /// The segments of the scan it was made by.
        made_with: usize,
        /// The segments of the scan it was given to.
        used_with: usize,
    },
    /// A sealed cursor given to `parse`: open it with the key it was sealed with.
    #[error("this cursor is sealed: read it with `open(text, &key)`, not `parse`")]
    Sealed,
    /// A plain cursor given to `open`, which accepts sealed cursors only.
    #[error("this cursor is not sealed, and `open` accepts only cursors sealed with its key")]
    NotSealed,
    /// A sealed cursor that does not open with the key given: it was changed, or sealed with
    /// another key.
    #[error(
        "the sealed cursor does not open with this key: it was changed, or sealed with another key"
    )]
    SealBroken,
}

impl From<CursorError> for Error {
    fn from(e: CursorError) -> Self {
        Error::Cursor(e)
    }
}

/// Where a query or scan resumes: returned in [`Page::cursor`](crate::Page) and passed to
/// `.start_after(cursor)`.
///
/// Opaque: store it as a string (`to_string()` / `parse()`, or serde with the `serde` feature)
/// and hand it back unchanged.
#[derive(Clone, PartialEq)]
pub struct Cursor {
    scope: Scope,
    key: Item,
}

/// The table and index a cursor belongs to.
#[derive(Debug, Clone, PartialEq)]
struct Scope {
    table: String,
    index: Option<String>,
}

impl Scope {
    fn write(&self, out: &mut Vec<u8>) {
        put_str(out, &self.table);
        match &self.index {
            None => out.push(0),
            Some(name) => {
                out.push(1);
                put_str(out, name);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        let table = String::from_utf8(reader.bytes()?.to_vec()).ok()?;
        let index = match reader.u8()? {
            0 => None,
            1 => Some(String::from_utf8(reader.bytes()?.to_vec()).ok()?),
            _ => return None,
        };
        Some(Scope { table, index })
    }

    /// Checks that this is the scope of a read of `table` and `index`.
    fn check(&self, table: &str, index: Option<&str>) -> Result<(), CursorError> {
        if self.table != table {
            return Err(CursorError::OtherTable {
                made_on: self.table.clone(),
                used_on: table.to_owned(),
            });
        }
        if self.index.as_deref() != index {
            return Err(CursorError::OtherIndex {
                made_on: self.index.clone(),
                used_on: index.map(str::to_owned),
            });
        }
        Ok(())
    }
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

impl Cursor {
    /// A cursor resuming after `key` in `table` (its full name) and `index`. Fails when the key
    /// cannot be written (an attribute that is not a string, number or binary value, or more
    /// than 255 attributes), so that a cursor, once made, always has a text form.
    pub(crate) fn new(table: &str, index: Option<&str>, key: Item) -> Result<Self> {
        let cursor = Cursor {
            scope: Scope {
                table: table.to_owned(),
                index: index.map(str::to_owned),
            },
            key,
        };
        cursor.write(&mut Vec::new())?;
        Ok(cursor)
    }

    /// A cursor from a raw key, for code that also reads with the SDK directly: a
    /// `LastEvaluatedKey` (or any item's key attributes) of a query or scan of `source` (a
    /// query object: `posts.primary_key()`, `posts.by_author()`, ...). The cursor resumes a
    /// query or scan of that table and index right after the key, as one made by a page does.
    ///
    /// The key must hold exactly the key attributes of the table and of the index, with the
    /// types they are declared with, as DynamoDB's `LastEvaluatedKey` does:
    /// otherwise [`CursorError::OtherKeys`] or [`CursorError::KeyType`]. A query given the
    /// cursor still checks that it is in the query's partition.
    pub fn from_last_evaluated_key<E: ReadSource>(source: &E, key: Item) -> Result<Self> {
        let index = <E::Schema as KeySchema>::INDEX.map(|i| i.name);
        let attributes = cursor_key_attributes::<E::Schema>();
        let mut expected: Vec<&str> = attributes.iter().map(|a| a.name).collect();
        expected.sort_unstable();
        let mut found: Vec<&str> = key.keys().map(String::as_str).collect();
        found.sort_unstable();
        if expected != found {
            return Err(CursorError::OtherKeys {
                index: index.map(str::to_owned),
                found: found.into_iter().map(str::to_owned).collect(),
                expected: expected.into_iter().map(str::to_owned).collect(),
            }
            .into());
        }
        for attribute in &attributes {
            let fits = matches!(
                (attribute.scalar, &key[attribute.name]),
                (ScalarType::String, AttributeValue::S(_))
                    | (ScalarType::Number, AttributeValue::N(_))
                    | (ScalarType::Binary, AttributeValue::B(_))
            );
            if !fits {
                return Err(CursorError::KeyType {
                    attribute: attribute.name.to_owned(),
                    expected: match attribute.scalar {
                        ScalarType::String => "S",
                        ScalarType::Number => "N",
                        ScalarType::Binary => "B",
                    },
                }
                .into());
            }
        }
        Cursor::new(source.table_ref().name(), index, key)
    }

    /// The key to resume after, as DynamoDB's `ExclusiveStartKey`: to resume with the SDK
    /// directly where a page of this crate ended.
    pub fn exclusive_start_key(&self) -> &Item {
        &self.key
    }

    /// The key to resume after, owned (see [`exclusive_start_key`](Self::exclusive_start_key)).
    pub fn into_exclusive_start_key(self) -> Item {
        self.key
    }

    /// The table the cursor was made on (its full name, with the client's prefix).
    pub fn table(&self) -> &str {
        &self.scope.table
    }

    /// The index the cursor was made on (`None` for the table).
    pub fn index(&self) -> Option<&str> {
        self.scope.index.as_deref()
    }

    /// Parses a cursor made by `to_string()`. Rejects anything else with
    /// [`Error::Cursor`].
    pub fn parse(text: &str) -> Result<Self> {
        let bytes = decode_checked(text, CURSOR_MAGIC, "cursor")?;
        Ok(Self::from_body(&bytes)?)
    }

    /// Reads the binary form after its magic.
    fn from_body(body: &[u8]) -> Result<Self, CursorError> {
        let mut reader = Reader::new(body);
        let cursor = read_cursor(&mut reader).filter(|_| reader.is_empty());
        cursor.ok_or_else(|| malformed("cursor", "its content is malformed"))
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        self.scope.write(out);
        write_key_item(out, &self.key)
    }

    /// The magic and binary form, as sealed or checksummed.
    fn body(&self) -> Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(CURSOR_MAGIC);
        self.write(&mut bytes)?;
        Ok(bytes)
    }

    /// Checks that the cursor belongs to `table` and `index` and holds exactly the key
    /// attributes `names`.
    pub(crate) fn check(&self, table: &str, index: Option<&str>, names: &[&str]) -> Result<()> {
        self.scope.check(table, index)?;
        let mut expected: Vec<&str> = names.to_vec();
        expected.sort_unstable();
        expected.dedup();
        let mut found: Vec<&str> = self.key.keys().map(String::as_str).collect();
        found.sort_unstable();
        if expected != found {
            return Err(CursorError::OtherKeys {
                index: index.map(str::to_owned),
                found: found.into_iter().map(str::to_owned).collect(),
                expected: expected.into_iter().map(str::to_owned).collect(),
            }
            .into());
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
    let scope = Scope::read(reader)?;
    read_key(reader, scope)
}

/// A cursor's key, after its scope.
fn read_key(reader: &mut Reader<'_>, scope: Scope) -> Option<Cursor> {
    let key = reader.key_item()?;
    if key.is_empty() {
        return None;
    }
    Some(Cursor { scope, key })
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body().map_err(|_| fmt::Error)?;
        f.write_str(&encode_checked(body))
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("table", &self.scope.table)
            .field("index", &self.scope.index)
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
/// Opaque like [`Cursor`], and bound like it to its table and index: serialise it with
/// `to_string()` and read it back with `parse()`, or seal it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanCursor {
    scope: Scope,
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
    /// Where the segments of a parallel scan of `table` and `index` stand.
    pub(crate) fn new(table: &str, index: Option<&str>, segments: Vec<SegmentState>) -> Self {
        ScanCursor {
            scope: Scope {
                table: table.to_owned(),
                index: index.map(str::to_owned),
            },
            segments,
        }
    }

    /// The table the cursor was made on (its full name, with the client's prefix).
    pub fn table(&self) -> &str {
        &self.scope.table
    }

    /// The index the cursor was made on (`None` for the table).
    pub fn index(&self) -> Option<&str> {
        self.scope.index.as_deref()
    }

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

    /// Checks that the cursor belongs to a parallel scan of `table` and `index` in `total`
    /// segments.
    pub(crate) fn check(&self, table: &str, index: Option<&str>, total: usize) -> Result<()> {
        self.scope.check(table, index)?;
        if self.segments.len() != total {
            return Err(CursorError::OtherSegments {
                made_with: self.segments.len(),
                used_with: total,
            }
            .into());
        }
        Ok(())
    }

    /// Parses a scan cursor made by `to_string()`. Rejects anything else with
    /// [`Error::Cursor`].
    pub fn parse(text: &str) -> Result<Self> {
        let bytes = decode_checked(text, SCAN_MAGIC, "scan cursor")?;
        Ok(Self::from_body(&bytes)?)
    }

    /// Reads the binary form after its magic.
    fn from_body(body: &[u8]) -> Result<Self, CursorError> {
        let mut reader = Reader::new(body);
        let parsed = (|| {
            let scope = Scope::read(&mut reader)?;
            let total = reader.u32()?;
            if total == 0 || total > 1_000_000 {
                return None;
            }
            let mut segments = Vec::with_capacity(total.min(4096) as usize);
            for _ in 0..total {
                segments.push(match reader.u8()? {
                    0 => SegmentState::Start,
                    1 => SegmentState::After(read_key(&mut reader, scope.clone())?),
                    2 => SegmentState::Done,
                    _ => return None,
                });
            }
            reader.is_empty().then_some(ScanCursor { scope, segments })
        })();
        parsed.ok_or_else(|| malformed("scan cursor", "its content is malformed"))
    }

    /// The magic and binary form, as sealed or checksummed. The segments' cursors share the
    /// scan cursor's scope, written once.
    fn body(&self) -> Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(32 + 64 * self.segments.len());
        bytes.extend_from_slice(SCAN_MAGIC);
        self.scope.write(&mut bytes);
        bytes.extend_from_slice(&(self.segments.len() as u32).to_be_bytes());
        for segment in &self.segments {
            match segment {
                SegmentState::Start => bytes.push(0),
                SegmentState::After(cursor) => {
                    bytes.push(1);
                    write_key_item(&mut bytes, &cursor.key)?;
                }
                SegmentState::Done => bytes.push(2),
            }
        }
        Ok(bytes)
    }
}

impl fmt::Display for ScanCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body().map_err(|_| fmt::Error)?;
        f.write_str(&encode_checked(body))
    }
}

impl FromStr for ScanCursor {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ScanCursor::parse(s)
    }
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

    pub(super) fn sample() -> Cursor {
        Cursor::new(
            "dev_posts",
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

    pub(super) fn scan_sample() -> ScanCursor {
        ScanCursor::new(
            "dev_posts",
            Some("by_author"),
            vec![
                SegmentState::Start,
                SegmentState::After(sample()),
                SegmentState::Done,
            ],
        )
    }

    #[test]
    fn checks_scope() {
        let cursor = sample();
        let names = ["blog_id", "post_id", "published_at"];
        assert!(cursor.check("dev_posts", Some("by_author"), &names).is_ok());
        let err = cursor
            .check("dev_posts", None, &["blog_id", "post_id"])
            .unwrap_err();
        assert!(
            matches!(&err, Error::Cursor(CursorError::OtherIndex { .. })),
            "{err}"
        );
        assert!(err.to_string().contains("index `by_author`"), "{err}");
        let err = cursor
            .check("prod_posts", Some("by_author"), &names)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "this cursor was made on table `dev_posts`, not on table `prod_posts`"
        );
        let err = cursor
            .check("dev_posts", Some("by_author"), &["blog_id", "post_id"])
            .unwrap_err();
        assert!(
            matches!(&err, Error::Cursor(CursorError::OtherKeys { .. })),
            "{err}"
        );
        let scan = scan_sample();
        assert!(scan.check("dev_posts", Some("by_author"), 3).is_ok());
        assert!(scan.check("prod_posts", Some("by_author"), 3).is_err());
        assert!(scan.check("dev_posts", Some("by_author"), 4).is_err());
    }
}
