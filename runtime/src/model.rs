//! The traits the derive implements, and the schema it describes.

use std::fmt::Debug;

use crate::codec::{Item, KeyAttribute, ScalarType};
use crate::error::{DecodeError, EncodeError};

/// A struct stored as a DynamoDB item. Implemented by `#[derive(DynamoModel)]`.
pub trait DynamoModel: Sized + Send + Sync + 'static {
    /// The primary key as a struct (`PostKey` for `Post`).
    type Key: ModelKey;

    /// The table, keys, indexes, TTL and stream settings the model declares.
    const SCHEMA: TableSchema;

    /// The primary key of this item.
    fn key(&self) -> Self::Key;

    /// Encodes the model as an item.
    fn to_item(&self) -> Result<Item, EncodeError>;

    /// Decodes an item. Never panics: any mismatch is a [`DecodeError`] naming the attribute.
    fn from_item(item: Item) -> Result<Self, DecodeError>;
}

/// The primary key of a model as a value (`PostKey`).
pub trait ModelKey: Debug + Clone + PartialEq + Send + Sync + 'static {
    /// The key as an item holding only the key attributes.
    fn to_key_item(&self) -> Result<Item, EncodeError>;

    /// Reads the key attributes out of an item (other attributes are ignored).
    fn from_key_item(item: &Item) -> Result<Self, DecodeError>;
}

/// The key of the table or of one index: which model it reads and its partition key.
///
/// Implemented by the derive for the model itself (its primary key) and for one marker type per
/// index (`PostByAuthorIndex`, ...). The query objects are generic over it.
pub trait KeySchema: Send + Sync + 'static {
    /// The model the table or index holds.
    type Model: DynamoModel;
    /// The Rust type of the partition key.
    type Hash: KeyAttribute;
    /// The index, or `None` for the table's primary key.
    const INDEX: Option<&'static IndexSchema>;
    /// The attribute name of the partition key.
    const HASH_ATTRIBUTE: &'static str;
}

/// A [`KeySchema`] that also has a sort key.
pub trait RangeKeySchema: KeySchema {
    /// The Rust type of the sort key.
    type Range: KeyAttribute;
    /// The attribute name of the sort key.
    const RANGE_ATTRIBUTE: &'static str;
}

/// A key attribute: its DynamoDB name and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAttr {
    /// The attribute name (after `rename`).
    pub name: &'static str,
    /// Its scalar type.
    pub scalar: ScalarType,
}

/// What a model declares about its table.
#[derive(Debug, Clone, Copy)]
pub struct TableSchema {
    /// The table name, without the client's prefix.
    pub table: &'static str,
    /// The partition key.
    pub hash: KeyAttr,
    /// The sort key, if any.
    pub range: Option<KeyAttr>,
    /// Every attribute the model stores (after `rename`, without `skip` fields).
    pub attributes: &'static [&'static str],
    /// Local and global secondary indexes.
    pub indexes: &'static [IndexSchema],
    /// The TTL attribute, if any.
    pub ttl: Option<&'static str>,
    /// The stream view type, if streams are on.
    pub stream: Option<StreamView>,
    /// The optimistic-locking version attribute, if any.
    pub version: Option<&'static str>,
}

impl TableSchema {
    /// Every key attribute of the table and its indexes, each once, with its type.
    pub fn key_attributes(&self) -> Vec<KeyAttr> {
        let mut all = vec![self.hash];
        all.extend(self.range);
        for index in self.indexes {
            all.push(index.hash);
            all.extend(index.range);
        }
        let mut seen = Vec::with_capacity(all.len());
        for attr in all {
            if !seen.iter().any(|s: &KeyAttr| s.name == attr.name) {
                seen.push(attr);
            }
        }
        seen
    }

    /// The index named `name`.
    pub fn index(&self, name: &str) -> Option<&'static IndexSchema> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// A secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSchema {
    /// The index name.
    pub name: &'static str,
    /// Local (shares the table's partition key) or global.
    pub kind: IndexKind,
    /// The index's partition key.
    pub hash: KeyAttr,
    /// The index's sort key.
    pub range: Option<KeyAttr>,
    /// Which attributes the index holds.
    pub projection: Projection,
}

impl IndexSchema {
    /// The model's attributes this index does not hold (empty for `All`). Reading such an
    /// index into the model would leave fields unfilled, so the query objects refuse to.
    pub fn missing_attributes(&self, table: &TableSchema) -> Vec<&'static str> {
        match self.projection {
            Projection::All => Vec::new(),
            Projection::KeysOnly | Projection::Include(_) => table
                .attributes
                .iter()
                .copied()
                .filter(|attr| !self.projects(table, attr))
                .collect(),
        }
    }

    /// Whether the index holds `attribute`.
    pub fn projects(&self, table: &TableSchema, attribute: &str) -> bool {
        let is_key = attribute == table.hash.name
            || table.range.is_some_and(|r| r.name == attribute)
            || attribute == self.hash.name
            || self.range.is_some_and(|r| r.name == attribute);
        is_key
            || match self.projection {
                Projection::All => true,
                Projection::KeysOnly => false,
                Projection::Include(list) => list.contains(&attribute),
            }
    }
}

/// Local or global secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// A local secondary index: the table's partition key, another sort key.
    Local,
    /// A global secondary index: any partition and sort key.
    Global,
}

/// Which attributes a secondary index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    /// Every attribute.
    All,
    /// Only the table's and the index's keys.
    KeysOnly,
    /// The keys and these attributes.
    Include(&'static [&'static str]),
}

/// What a stream record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamView {
    /// Only the key attributes.
    KeysOnly,
    /// The item after the change.
    NewImage,
    /// The item before the change.
    OldImage,
    /// Both.
    NewAndOldImages,
}

impl StreamView {
    /// The SDK's name for this view type.
    pub fn to_sdk(self) -> aws_sdk_dynamodb::types::StreamViewType {
        use aws_sdk_dynamodb::types::StreamViewType as V;
        match self {
            StreamView::KeysOnly => V::KeysOnly,
            StreamView::NewImage => V::NewImage,
            StreamView::OldImage => V::OldImage,
            StreamView::NewAndOldImages => V::NewAndOldImages,
        }
    }
}
