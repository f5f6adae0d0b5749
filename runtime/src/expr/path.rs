//! Typed attribute paths: the `{Model}Fields` paths, document paths into maps and lists, the
//! key paths updates refuse, `size(..)` and attribute types.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{IntoAttributeValue, IntoKey, ListElement};

use super::condition::{CompareOp, Condition, Node, Operand, encode};

/// One step of a document path: an attribute (or map key) name, or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A top-level attribute or a key of a map.
    Name(String),
    /// An element of a list.
    Index(usize),
}

/// A path to a value of type `T` inside an item of model `M`.
///
/// Top-level paths come from the generated `{Model}Fields`; [`Path::key`] and [`Path::at`]
/// step into maps and lists.
pub struct Path<M, T> {
    segments: Vec<Segment>,
    _types: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Path<M, T> {
    fn clone(&self) -> Self {
        Path {
            segments: self.segments.clone(),
            _types: PhantomData,
        }
    }
}

impl<M, T> fmt::Debug for Path<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({})", self.display())
    }
}

impl<M, T> Path<M, T> {
    /// The path of a top-level attribute (used by generated code).
    pub fn attribute(name: &str) -> Self {
        Path {
            segments: vec![Segment::Name(name.to_owned())],
            _types: PhantomData,
        }
    }

    fn child<U>(&self, segment: Segment) -> Path<M, U> {
        let mut segments = self.segments.clone();
        segments.push(segment);
        Path {
            segments,
            _types: PhantomData,
        }
    }

    /// The steps of the path.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The path as DynamoDB writes it (`meta.owner`, `tags[2]`), for messages.
    pub fn display(&self) -> String {
        display(&self.segments)
    }

    /// True when the attribute exists.
    pub fn exists(&self) -> Condition<M> {
        Condition::new(Node::Exists(self.segments.clone(), true))
    }

    /// True when the attribute does not exist.
    pub fn not_exists(&self) -> Condition<M> {
        Condition::new(Node::Exists(self.segments.clone(), false))
    }

    /// True when the attribute has DynamoDB type `type_code` (`S`, `N`, `B`, `BOOL`, `NULL`,
    /// `L`, `M`, `SS`, `NS`, `BS`).
    pub fn is_type(&self, type_code: AttributeType) -> Condition<M> {
        Condition::new(Node::IsType(self.segments.clone(), type_code))
    }

    /// The size of the attribute (string length, binary length, number of elements) to compare.
    pub fn size(&self) -> Size<M> {
        Size {
            segments: self.segments.clone(),
            _model: PhantomData,
        }
    }
}

impl<M, T: IntoAttributeValue> Path<M, T> {
    fn compare(&self, op: CompareOp, value: impl IntoKey<T>) -> Condition<M> {
        Condition::new(Node::Compare(
            Operand::Path(self.segments.clone()),
            op,
            Operand::Value(encode(&value.into_key())),
        ))
    }

    /// `path = value`
    pub fn eq(&self, value: impl IntoKey<T>) -> Condition<M> {
        self.compare(CompareOp::Eq, value)
    }

    /// `path <> value`
    pub fn ne(&self, value: impl IntoKey<T>) -> Condition<M> {
        self.compare(CompareOp::Ne, value)
    }

    /// `path < value`
    pub fn lt(&self, value: impl IntoKey<T>) -> Condition<M> {
        self.compare(CompareOp::Lt, value)
    }

    /// `path <= value`
    pub fn le(&self, value: impl IntoKey<T>) -> Condition<M> {
        self.compare(CompareOp::Le, value)
    }

    /// `path > value`
    pub fn gt(&self, value: impl IntoKey<T>) -> Condition<M> {
        self.compare(CompareOp::Gt, value)
    }

    /// `path >= value`
    pub fn ge(&self, value: impl IntoKey<T>) -> Condition<M> {
        self.compare(CompareOp::Ge, value)
    }

    /// `path BETWEEN low AND high` (both ends included).
    pub fn between(&self, low: impl IntoKey<T>, high: impl IntoKey<T>) -> Condition<M> {
        Condition::new(Node::Between(
            self.segments.clone(),
            encode(&low.into_key()),
            encode(&high.into_key()),
        ))
    }

    /// `path IN (values...)`: DynamoDB allows 1 to 100 values.
    pub fn is_in<V: IntoKey<T>>(&self, values: impl IntoIterator<Item = V>) -> Condition<M> {
        let values: Vec<_> = values.into_iter().map(|v| encode(&v.into_key())).collect();
        Condition::new(Node::In(self.segments.clone(), values))
    }

    /// `path = other` for two attributes of the same type.
    pub fn eq_path(&self, other: &Path<M, T>) -> Condition<M> {
        Condition::new(Node::Compare(
            Operand::Path(self.segments.clone()),
            CompareOp::Eq,
            Operand::Path(other.segments.clone()),
        ))
    }
}

impl<M> Path<M, String> {
    /// `begins_with(path, prefix)`
    pub fn begins_with(&self, prefix: impl IntoKey<String>) -> Condition<M> {
        Condition::new(Node::Function(
            "begins_with",
            self.segments.clone(),
            encode(&prefix.into_key()),
        ))
    }

    /// `contains(path, substring)`
    pub fn contains(&self, substring: impl IntoKey<String>) -> Condition<M> {
        Condition::new(Node::Function(
            "contains",
            self.segments.clone(),
            encode(&substring.into_key()),
        ))
    }
}

impl<M> Path<M, Vec<u8>> {
    /// `begins_with(path, prefix)` for binary.
    pub fn begins_with(&self, prefix: impl IntoKey<Vec<u8>>) -> Condition<M> {
        Condition::new(Node::Function(
            "begins_with",
            self.segments.clone(),
            encode(&prefix.into_key()),
        ))
    }
}

impl<M> Path<M, bytes::Bytes> {
    /// `begins_with(path, prefix)` for binary.
    pub fn begins_with(&self, prefix: impl IntoKey<bytes::Bytes>) -> Condition<M> {
        Condition::new(Node::Function(
            "begins_with",
            self.segments.clone(),
            encode(&prefix.into_key()),
        ))
    }
}

/// Containers whose paths support `contains(element)`: sets and lists (not `Vec<u8>`, which is
/// binary).
#[diagnostic::on_unimplemented(
    message = "`contains_element` needs a set or a list, and `{Self}` is neither",
    label = "not a set or a list",
    note = "for a substring of a string attribute, use `contains`"
)]
pub trait Container {
    /// The element type.
    type Element: IntoAttributeValue;
}

impl<T: IntoAttributeValue, S> Container for HashSet<T, S> {
    type Element = T;
}
impl<T: IntoAttributeValue> Container for BTreeSet<T> {
    type Element = T;
}
impl<T: IntoAttributeValue + ListElement> Container for Vec<T> {
    type Element = T;
}

/// Maps whose paths can step into a key.
#[diagnostic::on_unimplemented(
    message = "`key` steps into a map, and `{Self}` is not a map",
    label = "not a map with `String` keys",
    note = "`key` needs a `HashMap<String, _>` or `BTreeMap<String, _>` field"
)]
pub trait MapLike {
    /// The value type.
    type Value;
}
impl<V, S> MapLike for HashMap<String, V, S> {
    type Value = V;
}
impl<V> MapLike for BTreeMap<String, V> {
    type Value = V;
}

impl<M, T> Path<M, T> {
    /// `contains(path, element)`: the set or list holds `element`.
    pub fn contains_element(&self, element: impl IntoKey<T::Element>) -> Condition<M>
    where
        T: Container,
    {
        Condition::new(Node::Function(
            "contains",
            self.segments.clone(),
            encode(&element.into_key()),
        ))
    }
}

impl<M, T> Path<M, Vec<T>> {
    /// The list element at `index`.
    pub fn at(&self, index: usize) -> Path<M, T>
    where
        T: ListElement,
    {
        self.child(Segment::Index(index))
    }
}

impl<M, T: MapLike> Path<M, T> {
    /// The map value under `key`.
    pub fn key(&self, key: &str) -> Path<M, T::Value> {
        self.child(Segment::Name(key.to_owned()))
    }
}

/// The path of a key attribute of the table (its partition or sort key), from `{Model}Fields`.
///
/// It is a [`Path`] (it dereferences to one) for conditions and filters, but updates do not
/// take it: DynamoDB never changes an item's key, and rejects an update that sets, removes or
/// adds to a key attribute. To move an item to another key, `put` it under the new key and
/// `delete` the old one (in one transaction to do both or neither).
///
/// A single-table entity's fields that its key templates are built from get a `KeyPath` too:
/// a field of its primary key's templates is part of its key, and a field of an index's
/// templates changes only with the index key (`Update::set_index`).
pub struct KeyPath<M, T>(Path<M, T>);

impl<M, T> KeyPath<M, T> {
    /// The path of the key attribute `name` (used by generated code).
    pub fn attribute(name: &str) -> Self {
        KeyPath(Path::attribute(name))
    }
}

impl<M, T> std::ops::Deref for KeyPath<M, T> {
    type Target = Path<M, T>;
    fn deref(&self) -> &Path<M, T> {
        &self.0
    }
}

impl<M, T> Clone for KeyPath<M, T> {
    fn clone(&self) -> Self {
        KeyPath(self.0.clone())
    }
}

impl<M, T> fmt::Debug for KeyPath<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPath({})", self.0.display())
    }
}

/// A path that updates take: any [`Path`], never a [`KeyPath`] (a table key's, or a field a
/// single-table entity's key template is built from).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is the path of a key attribute, or of a field a key is built from: an update cannot change it",
    label = "a key of the table, or a field of a key template: updates cannot set, remove or add to it",
    note = "an item's key never changes: `put` the item under its new key and `delete` the old one (in `client.transact_write()` to do both or neither)",
    note = "a field of an entity's index template changes with the index key: `Update::set_index` with the index's values struct (`{{Model}}{{Index}}Values`) sets them together"
)]
pub trait Updatable<M> {
    /// The type of the value at the path.
    type Value;
    /// The steps of the path.
    #[doc(hidden)]
    fn update_segments(&self) -> &[Segment];
}

impl<M, T> Updatable<M> for Path<M, T> {
    type Value = T;
    fn update_segments(&self) -> &[Segment] {
        &self.segments
    }
}

/// A document path as DynamoDB writes it (`meta.owner`, `tags[2]`), for messages.
pub(super) fn display(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Name(n) if out.is_empty() => out.push_str(n),
            Segment::Name(n) => {
                out.push('.');
                out.push_str(n);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// `size(path)`, to compare with a number.
pub struct Size<M> {
    segments: Vec<Segment>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Size<M> {
    fn compare(&self, op: CompareOp, n: u64) -> Condition<M> {
        Condition::new(Node::Compare(
            Operand::Size(self.segments.clone()),
            op,
            Operand::Value(Ok(AttributeValue::N(n.to_string()))),
        ))
    }
    /// `size(path) = n`
    pub fn eq(&self, n: u64) -> Condition<M> {
        self.compare(CompareOp::Eq, n)
    }
    /// `size(path) <> n`
    pub fn ne(&self, n: u64) -> Condition<M> {
        self.compare(CompareOp::Ne, n)
    }
    /// `size(path) < n`
    pub fn lt(&self, n: u64) -> Condition<M> {
        self.compare(CompareOp::Lt, n)
    }
    /// `size(path) <= n`
    pub fn le(&self, n: u64) -> Condition<M> {
        self.compare(CompareOp::Le, n)
    }
    /// `size(path) > n`
    pub fn gt(&self, n: u64) -> Condition<M> {
        self.compare(CompareOp::Gt, n)
    }
    /// `size(path) >= n`
    pub fn ge(&self, n: u64) -> Condition<M> {
        self.compare(CompareOp::Ge, n)
    }
}

/// DynamoDB attribute types, for [`Path::is_type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    /// S
    String,
    /// N
    Number,
    /// B
    Binary,
    /// BOOL
    Bool,
    /// NULL
    Null,
    /// L
    List,
    /// M
    Map,
    /// SS
    StringSet,
    /// NS
    NumberSet,
    /// BS
    BinarySet,
}

impl AttributeType {
    pub(super) fn code(self) -> &'static str {
        match self {
            AttributeType::String => "S",
            AttributeType::Number => "N",
            AttributeType::Binary => "B",
            AttributeType::Bool => "BOOL",
            AttributeType::Null => "NULL",
            AttributeType::List => "L",
            AttributeType::Map => "M",
            AttributeType::StringSet => "SS",
            AttributeType::NumberSet => "NS",
            AttributeType::BinarySet => "BS",
        }
    }
}
