//! Typed expressions: attribute paths, conditions and filters.
//!
//! The derive generates a `{Model}Fields` struct of typed [`Path`]s (`Post::fields().likes`);
//! comparisons take values of the field's type, so a condition cannot compare a number field
//! with a string. Rendering puts every attribute name behind a `#n` placeholder and every value
//! behind a `:v` placeholder: nothing from user data is ever spliced into expression text, and
//! fields named after DynamoDB reserved words (`name`, `status`, `size`, ...) just work.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{IntoAttributeValue, IntoKey, ListElement};
use crate::error::{EncodeError, Error, Limit};

mod update;
pub use update::{AddValue, ListValue, NumberValue, SetValue, Update};

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

/// A path that updates take: any [`Path`], never a table key's [`KeyPath`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is the path of a key attribute, and DynamoDB does not update key attributes",
    label = "a key attribute of the table: updates cannot set, remove or add to it",
    note = "an item's key never changes: `put` the item under its new key and `delete` the old one (in `client.transact_write()` to do both or neither)"
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
fn display(segments: &[Segment]) -> String {
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
    fn code(self) -> &'static str {
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

fn encode<T: IntoAttributeValue>(value: &T) -> Result<AttributeValue, EncodeError> {
    Ok(value
        .to_attribute_value()?
        .unwrap_or(AttributeValue::Null(true)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone)]
enum Operand {
    Path(Vec<Segment>),
    Size(Vec<Segment>),
    Value(Result<AttributeValue, EncodeError>),
}

#[derive(Debug, Clone)]
enum Node {
    Compare(Operand, CompareOp, Operand),
    Between(
        Vec<Segment>,
        Result<AttributeValue, EncodeError>,
        Result<AttributeValue, EncodeError>,
    ),
    In(Vec<Segment>, Vec<Result<AttributeValue, EncodeError>>),
    Exists(Vec<Segment>, bool),
    IsType(Vec<Segment>, AttributeType),
    Function(
        &'static str,
        Vec<Segment>,
        Result<AttributeValue, EncodeError>,
    ),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// A condition or filter on items of model `M`, built from typed paths and combined with
/// [`and`](Condition::and), [`or`](Condition::or), [`not`](Condition::not) (or `&`, `|`, `!`).
pub struct Condition<M> {
    node: Node,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Condition<M> {
    fn clone(&self) -> Self {
        Condition::new(self.node.clone())
    }
}

impl<M> fmt::Debug for Condition<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Placeholders::default();
        match names.condition(self) {
            Ok(text) => write!(f, "Condition({text})"),
            Err(e) => write!(f, "Condition(<invalid: {e}>)"),
        }
    }
}

impl<M> Condition<M> {
    fn new(node: Node) -> Self {
        Condition {
            node,
            _model: PhantomData,
        }
    }

    /// Both conditions hold.
    pub fn and(self, other: Condition<M>) -> Condition<M> {
        Condition::new(match (self.node, other.node) {
            (Node::And(mut a), Node::And(b)) => {
                a.extend(b);
                Node::And(a)
            }
            (Node::And(mut a), b) => {
                a.push(b);
                Node::And(a)
            }
            (a, b) => Node::And(vec![a, b]),
        })
    }

    /// Either condition holds.
    pub fn or(self, other: Condition<M>) -> Condition<M> {
        Condition::new(match (self.node, other.node) {
            (Node::Or(mut a), Node::Or(b)) => {
                a.extend(b);
                Node::Or(a)
            }
            (Node::Or(mut a), b) => {
                a.push(b);
                Node::Or(a)
            }
            (a, b) => Node::Or(vec![a, b]),
        })
    }

    /// The condition does not hold.
    #[allow(clippy::should_implement_trait)] // `!` is implemented too
    pub fn not(self) -> Condition<M> {
        Condition::new(Node::Not(Box::new(self.node)))
    }

    /// All of `conditions` hold (`None` when there are none).
    pub fn all(conditions: impl IntoIterator<Item = Condition<M>>) -> Option<Condition<M>> {
        conditions.into_iter().reduce(Condition::and)
    }

    /// Any of `conditions` holds (`None` when there are none).
    pub fn any(conditions: impl IntoIterator<Item = Condition<M>>) -> Option<Condition<M>> {
        conditions.into_iter().reduce(Condition::or)
    }
}

impl<M> BitAnd for Condition<M> {
    type Output = Condition<M>;
    fn bitand(self, rhs: Self) -> Self {
        self.and(rhs)
    }
}

impl<M> BitOr for Condition<M> {
    type Output = Condition<M>;
    fn bitor(self, rhs: Self) -> Self {
        self.or(rhs)
    }
}

impl<M> Not for Condition<M> {
    type Output = Condition<M>;
    fn not(self) -> Self {
        Condition::not(self)
    }
}

/// DynamoDB's longest expression string: 4 KB, in bytes.
pub const MAX_EXPRESSION_LENGTH: usize = Limit::ExpressionLength.max();

/// Refuses an expression over 4 KB before sending, naming it (`which` is the request's
/// parameter: `ConditionExpression`, `KeyConditionExpression`, ...) and its length. Names and
/// values are behind placeholders (`#n0`, `:v0`), so only the shape of the expression counts:
/// its paths, operators and functions.
pub(crate) fn check_expression(which: &str, expression: &str) -> Result<(), Error> {
    if expression.len() > MAX_EXPRESSION_LENGTH {
        return Err(Error::LimitExceeded {
            limit: Limit::ExpressionLength,
            found: expression.len(),
            at: format!("the {which}"),
        });
    }
    Ok(())
}

/// `ExpressionAttributeNames`: placeholder to attribute name.
pub type Names = HashMap<String, String>;
/// `ExpressionAttributeValues`: placeholder to value.
pub type Values = HashMap<String, AttributeValue>;

/// The `#name` and `:value` placeholders of one request, shared by all its expressions (key
/// condition, filter, condition, update, projection).
#[derive(Debug, Default)]
pub struct Placeholders {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    /// The top-level attributes the rendered paths start from.
    attributes: Vec<String>,
}

impl Placeholders {
    /// The placeholder of an attribute name (the same name always gets the same one).
    pub fn name(&mut self, name: &str) -> String {
        if let Some(existing) = self.names.iter().find(|(_, n)| n.as_str() == name) {
            return existing.0.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), name.to_owned());
        placeholder
    }

    /// The top-level attributes the paths rendered so far start from (not the names of map
    /// keys inside them).
    pub(crate) fn attributes(&self) -> impl Iterator<Item = &str> {
        self.attributes.iter().map(String::as_str)
    }

    /// The placeholder of a value.
    pub fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// A document path with each name behind a placeholder: `#n0.#n1[3]`.
    pub fn path(&mut self, segments: &[Segment]) -> String {
        if let Some(Segment::Name(first)) = segments.first()
            && !self.attributes.contains(first)
        {
            self.attributes.push(first.clone());
        }
        let mut out = String::new();
        for segment in segments {
            match segment {
                Segment::Name(n) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    let placeholder = self.name(n);
                    out.push_str(&placeholder);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// Renders a condition, registering its names and values.
    pub fn condition<M>(&mut self, condition: &Condition<M>) -> Result<String, Error> {
        self.node(&condition.node, false)
    }

    fn operand(&mut self, operand: &Operand) -> Result<String, Error> {
        Ok(match operand {
            Operand::Path(p) => self.path(p),
            Operand::Size(p) => format!("size({})", self.path(p)),
            Operand::Value(v) => {
                let v = v.clone()?;
                self.value(v)
            }
        })
    }

    fn node(&mut self, node: &Node, nested: bool) -> Result<String, Error> {
        let text = match node {
            Node::Compare(a, op, b) => {
                format!("{} {} {}", self.operand(a)?, op.symbol(), self.operand(b)?)
            }
            Node::Between(p, low, high) => {
                let path = self.path(p);
                let low = self.value(low.clone()?);
                let high = self.value(high.clone()?);
                format!("{path} BETWEEN {low} AND {high}")
            }
            Node::In(p, values) => {
                if values.is_empty() || values.len() > 100 {
                    return Err(Error::Validation(format!(
                        "`IN` takes 1 to 100 values, this one has {}",
                        values.len()
                    )));
                }
                let path = self.path(p);
                let mut placeholders = Vec::with_capacity(values.len());
                for v in values {
                    placeholders.push(self.value(v.clone()?));
                }
                format!("{path} IN ({})", placeholders.join(", "))
            }
            Node::Exists(p, true) => format!("attribute_exists({})", self.path(p)),
            Node::Exists(p, false) => format!("attribute_not_exists({})", self.path(p)),
            Node::IsType(p, t) => {
                let path = self.path(p);
                let ty = self.value(AttributeValue::S(t.code().to_owned()));
                format!("attribute_type({path}, {ty})")
            }
            Node::Function(f, p, v) => {
                let path = self.path(p);
                let v = self.value(v.clone()?);
                format!("{f}({path}, {v})")
            }
            Node::And(nodes) | Node::Or(nodes) => {
                let joiner = if matches!(node, Node::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                let parts = nodes
                    .iter()
                    .map(|n| self.node(n, true))
                    .collect::<Result<Vec<_>, _>>()?;
                let joined = parts.join(joiner);
                return Ok(if nested {
                    format!("({joined})")
                } else {
                    joined
                });
            }
            Node::Not(inner) => format!("NOT {}", self.node(inner, true)?),
        };
        Ok(if nested && matches!(node, Node::Not(_)) {
            format!("({text})")
        } else {
            text
        })
    }

    /// The names for `ExpressionAttributeNames` (`None` when empty, as the API wants).
    pub fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    /// The values for `ExpressionAttributeValues` (`None` when empty, as the API wants).
    pub fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }

    /// Moves the names and values out, for the request builder.
    pub fn into_parts(self) -> (Option<Names>, Option<Values>) {
        (
            (!self.names.is_empty()).then_some(self.names),
            (!self.values.is_empty()).then_some(self.values),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct M;

    #[test]
    fn renders_with_placeholders_only() {
        let status: Path<M, String> = Path::attribute("status");
        let size: Path<M, u64> = Path::attribute("size");
        let cond = status
            .eq("open")
            .and(size.gt(3u64))
            .or(!status.not_exists());
        let mut p = Placeholders::default();
        let text = p.condition(&cond).unwrap();
        assert_eq!(
            text,
            "(#n0 = :v0 AND #n1 > :v1) OR (NOT attribute_not_exists(#n0))"
        );
        let (names, values) = p.into_parts();
        assert_eq!(names.unwrap()["#n0"], "status");
        assert_eq!(values.unwrap()[":v1"], AttributeValue::N("3".into()));
    }

    #[test]
    fn nested_paths() {
        let meta: Path<M, HashMap<String, Vec<String>>> = Path::attribute("meta");
        let path = meta.key("owners").at(2);
        assert_eq!(path.display(), "meta.owners[2]");
        let mut p = Placeholders::default();
        assert_eq!(p.path(path.segments()), "#n0.#n1[2]");
    }

    #[test]
    fn invalid_values_surface_when_rendered() {
        let score: Path<M, f64> = Path::attribute("score");
        let mut p = Placeholders::default();
        assert!(matches!(
            p.condition(&score.eq(f64::NAN)),
            Err(Error::Encode(_))
        ));
        assert!(matches!(
            p.condition(&score.is_in(Vec::<f64>::new())),
            Err(Error::Validation(_))
        ));
    }
}
