//! Keys as values: the arguments batch reads accept, the identity of a key (to find duplicates
//! and match answers, as DynamoDB tells keys apart), and the compact binary form cursors use.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{
    IntoAttributeValue, IntoKey, Item, KeyIdentity, KeyParts, KeyRole, check_key_value,
};
use crate::error::{EncodeError, Error, Result};
use crate::model::{DynamoModel, ModelKey, RangeKeySchema, TableSchema};
use crate::query::{KeySchemaOf, RangeKeySchemaOf};

/// Marks a key given as its parts: `(hash, range)` or a bare `hash`.
#[derive(Debug)]
pub enum ByParts {}
/// Marks a key given as the model's key struct (`PostKey`).
#[derive(Debug)]
pub enum ByKey {}
/// Marks a key given as a reference to the model's key struct (`&PostKey`).
#[derive(Debug)]
pub enum ByKeyRef {}

/// A key of a table with a partition and a sort key, as `batch_get` takes it: a
/// `(hash, range)` tuple, a `PostKey`, or a `&PostKey`.
///
/// The `Form` parameter only tells the forms apart; it is inferred.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a key of `{M}`",
    label = "not a key of `{M}`",
    note = "`batch_get`, `batch_get_full` and `batch_delete` on `{M}` take `(partition, sort)` tuples of its key fields' types, its key struct, or references to its key struct"
)]
pub trait FullKeyArg<M: RangeKeySchemaOf, Form> {
    /// The key as an item of its key attributes.
    fn into_key_item(self) -> Result<Item, EncodeError>;
}

impl<M, H, R> FullKeyArg<M, ByParts> for (H, R)
where
    M: RangeKeySchemaOf,
    H: IntoKey<M::Hash>,
    R: IntoKey<<M as RangeKeySchema>::Range>,
{
    fn into_key_item(self) -> Result<Item, EncodeError> {
        full_key_item::<M>(self.0.into_key(), self.1.into_key())
    }
}

impl<M: RangeKeySchemaOf> FullKeyArg<M, ByKey> for M::Key {
    fn into_key_item(self) -> Result<Item, EncodeError> {
        self.to_key_item()
    }
}

impl<M: RangeKeySchemaOf> FullKeyArg<M, ByKeyRef> for &M::Key {
    fn into_key_item(self) -> Result<Item, EncodeError> {
        self.to_key_item()
    }
}

/// A key of a table with only a partition key, as `batch_get` takes it: the partition key
/// value, a `SessionKey`, or a `&SessionKey`.
///
/// The `Form` parameter only tells the forms apart; it is inferred.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a key of `{M}`",
    label = "not a key of `{M}`",
    note = "`batch_get`, `batch_get_full` and `batch_delete` on `{M}` take values of its partition key's type, its key struct, or references to its key struct"
)]
pub trait HashKeyArg<M: KeySchemaOf, Form> {
    /// The key as an item of its key attribute.
    fn into_key_item(self) -> Result<Item, EncodeError>;
}

impl<M, H> HashKeyArg<M, ByParts> for H
where
    M: KeySchemaOf,
    H: IntoKey<M::Hash>,
{
    fn into_key_item(self) -> Result<Item, EncodeError> {
        hash_key_item::<M>(self.into_key())
    }
}

impl<M: KeySchemaOf> HashKeyArg<M, ByKey> for M::Key {
    fn into_key_item(self) -> Result<Item, EncodeError> {
        self.to_key_item()
    }
}

impl<M: KeySchemaOf> HashKeyArg<M, ByKeyRef> for &M::Key {
    fn into_key_item(self) -> Result<Item, EncodeError> {
        self.to_key_item()
    }
}

/// Encodes one key attribute; a key can never be absent.
pub(crate) fn key_value<T: IntoAttributeValue>(
    value: &T,
    name: &str,
    role: KeyRole,
) -> Result<AttributeValue, EncodeError> {
    unnamed_key_value(value, role).map_err(|e| e.at(name))
}

/// A key value, encoded and checked, for a caller that names the attribute itself.
pub(crate) fn unnamed_key_value<T: IntoAttributeValue>(
    value: &T,
    role: KeyRole,
) -> Result<AttributeValue, EncodeError> {
    let value = value
        .to_attribute_value()?
        .ok_or_else(|| EncodeError::new("a key attribute cannot be absent"))?;
    check_key_value(&value, role)?;
    Ok(value)
}

pub(crate) fn hash_key_item<M: KeySchemaOf>(hash: M::Hash) -> Result<Item, EncodeError> {
    Ok(hash
        .encode_parts(M::HASH_ATTRIBUTES, KeyRole::Partition)?
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect())
}

pub(crate) fn full_key_item<M: RangeKeySchemaOf>(
    hash: M::Hash,
    range: <M as RangeKeySchema>::Range,
) -> Result<Item, EncodeError> {
    let hash = hash.encode_parts(M::HASH_ATTRIBUTES, KeyRole::Partition)?;
    let range = range.encode_parts(M::RANGE_ATTRIBUTES, KeyRole::Sort)?;
    Ok(hash
        .into_iter()
        .chain(range)
        .map(|(name, value)| (name.to_owned(), value))
        .collect())
}

/// The names of the table's own key attributes.
pub(crate) fn table_key_names<M: DynamoModel>() -> Vec<&'static str> {
    let mut names = vec![M::SCHEMA.hash.name];
    names.extend(M::SCHEMA.range.map(|r| r.name));
    names
}

/// What a projected read by key asks for besides the projection's attributes: the table's key
/// attributes (to match answers to keys), and an entity's entity attribute (to check it).
pub(crate) fn read_key_names<M: DynamoModel>() -> Vec<&'static str> {
    let mut names = table_key_names::<M>();
    names.extend(M::SCHEMA.entity.map(|e| e.attribute));
    names
}

/// The identity of the table key of `item` (its partition key, then its sort key): see
/// [`KeyIdentity`]. `None` when an attribute is missing or not a string, number or binary.
pub(crate) fn table_key_identity(schema: &TableSchema, item: &Item) -> Option<KeyIdentity> {
    let names: Vec<&str> = std::iter::once(schema.hash.name)
        .chain(schema.range.map(|r| r.name))
        .collect();
    KeyIdentity::of(item, &names)
}

const TAG_S: u8 = 1;
const TAG_N: u8 = 2;
const TAG_B: u8 = 3;

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Appends a tagged, length-prefixed scalar. `None` for anything but S, N and B.
fn put_scalar(out: &mut Vec<u8>, value: &AttributeValue) -> Option<()> {
    match value {
        AttributeValue::S(s) => {
            out.push(TAG_S);
            put_bytes(out, s.as_bytes());
        }
        AttributeValue::N(n) => {
            out.push(TAG_N);
            put_bytes(out, n.as_bytes());
        }
        AttributeValue::B(b) => {
            out.push(TAG_B);
            put_bytes(out, b.as_ref());
        }
        _ => return None,
    }
    Some(())
}

/// Writes a key item (scalar attributes only) in a compact, self-delimiting binary form,
/// attributes sorted by name so that equal keys give equal bytes.
pub(crate) fn write_key_item(out: &mut Vec<u8>, item: &Item) -> Result<()> {
    let mut names: Vec<&String> = item.keys().collect();
    names.sort_unstable();
    let count = u8::try_from(names.len())
        .map_err(|_| Error::Validation("a key holds at most 255 attributes".to_owned()))?;
    out.push(count);
    for name in names {
        put_bytes(out, name.as_bytes());
        put_scalar(out, &item[name]).ok_or_else(|| {
            Error::Validation(format!(
                "key attribute `{name}` is not a string, number or binary value"
            ))
        })?;
    }
    Ok(())
}

/// Reads bytes written by [`write_key_item`]; `None` on anything malformed.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        let (&first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(first)
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        let head = self.bytes.get(..4)?;
        let value = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        self.bytes = &self.bytes[4..];
        Some(value)
    }

    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        let head = self.bytes.get(..len)?;
        self.bytes = &self.bytes[len..];
        Some(head)
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    fn scalar(&mut self) -> Option<AttributeValue> {
        match self.u8()? {
            TAG_S => Some(AttributeValue::S(self.string()?)),
            TAG_N => {
                let n = self.string()?;
                // a decimal number within DynamoDB's limits
                crate::codec::check_number(&n).ok()?;
                Some(AttributeValue::N(n))
            }
            TAG_B => Some(AttributeValue::B(Blob::new(self.bytes()?.to_vec()))),
            _ => None,
        }
    }

    pub(crate) fn key_item(&mut self) -> Option<Item> {
        let count = self.u8()?;
        let mut item = Item::with_capacity(usize::from(count));
        for _ in 0..count {
            let name = self.string()?;
            let value = self.scalar()?;
            if item.insert(name, value).is_some() {
                return None; // a name twice
            }
        }
        Some(item)
    }
}

/// A key as people read it, for messages: `blog_id = "b-1", post_id = "p-1"`.
pub(crate) fn describe_key(schema: &TableSchema, key: &Item) -> String {
    let mut parts = Vec::with_capacity(2);
    for attr in std::iter::once(schema.hash).chain(schema.range) {
        let value = key
            .get(attr.name)
            .map_or_else(|| "<missing>".to_owned(), describe_value);
        parts.push(format!("{} = {value}", attr.name));
    }
    parts.join(", ")
}

fn describe_value(value: &AttributeValue) -> String {
    match value {
        // A long key (one over its size limit, say) is shortened: the error stays readable.
        AttributeValue::S(s) if s.len() > 64 => {
            let head: String = s.chars().take(32).collect();
            format!("{head:?}... ({} bytes)", s.len())
        }
        AttributeValue::S(s) => format!("{s:?}"),
        AttributeValue::N(n) => n.clone(),
        AttributeValue::B(b) => {
            let hex: String = b
                .as_ref()
                .iter()
                .take(32)
                .map(|byte| format!("{byte:02x}"))
                .collect();
            match b.as_ref().len() {
                len if len > 32 => format!("0x{hex}... ({len} bytes)"),
                _ => format!("0x{hex}"),
            }
        }
        other => format!("{other:?}"),
    }
}

/// The key attributes of `item`, by the schema.
pub(crate) fn key_of(schema: &TableSchema, item: &Item) -> Item {
    std::iter::once(schema.hash.name)
        .chain(schema.range.map(|r| r.name))
        .filter_map(|name| item.get(name).map(|v| (name.to_owned(), v.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_items_round_trip() {
        let item: Item = [
            ("h".to_owned(), AttributeValue::S("blog-1".into())),
            ("r".to_owned(), AttributeValue::N("-12.5".into())),
            ("b".to_owned(), AttributeValue::B(Blob::new(vec![0, 255]))),
        ]
        .into();
        let mut bytes = Vec::new();
        write_key_item(&mut bytes, &item).unwrap();
        let mut reader = Reader::new(&bytes);
        assert_eq!(reader.key_item().unwrap(), item);
        assert!(reader.is_empty());
        for cut in 0..bytes.len() {
            assert!(Reader::new(&bytes[..cut]).key_item().is_none(), "{cut}");
        }
    }
}
