//! What the fuzz targets share: a model with a field of most supported types, and fuzz input
//! that builds DynamoDB items (edits of a valid item, or items from scratch).

use arbitrary::Arbitrary;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DynamoModel, Item};

#[path = "../../tests/support/everything.rs"]
mod everything;
pub use everything::*;

/// An attribute or map key name: mostly the model's own.
#[derive(Debug, Arbitrary)]
pub enum Name {
    Field(u8),
    Other(String),
}

impl Name {
    pub fn text(&self) -> String {
        match self {
            Name::Field(i) => FIELDS[usize::from(*i) % FIELDS.len()].to_owned(),
            Name::Other(s) => s.clone(),
        }
    }
}

/// Number text.
#[derive(Debug, Arbitrary)]
pub enum Num {
    Edge(u8),
    Int(i128),
    Float(f64),
    Sci(i64, i16),
    Text(String),
}

impl Num {
    pub fn text(&self) -> String {
        match self {
            Num::Edge(i) => NUMBERS[usize::from(*i) % NUMBERS.len()].to_owned(),
            Num::Int(v) => v.to_string(),
            Num::Float(v) => v.to_string(),
            Num::Sci(m, e) => format!("{m}e{e}"),
            Num::Text(s) => s.clone(),
        }
    }
}

/// String text.
#[derive(Debug, Arbitrary)]
pub enum Text {
    Edge(u8),
    Any(String),
}

impl Text {
    pub fn text(&self) -> String {
        match self {
            Text::Edge(i) => STRINGS[usize::from(*i) % STRINGS.len()].to_owned(),
            Text::Any(s) => s.clone(),
        }
    }
}

/// An attribute value.
#[derive(Debug, Arbitrary)]
pub enum Value {
    S(Text),
    N(Num),
    B(Vec<u8>),
    Bool(bool),
    Null(bool),
    Ss(Vec<Text>),
    Ns(Vec<Num>),
    Bs(Vec<Vec<u8>>),
    L(Vec<Value>),
    M(Vec<(Name, Value)>),
}

/// Deeper than any field of [`Everything`] reads, and deep enough for `raw`.
const MAX_DEPTH: usize = 8;

impl Value {
    pub fn build(&self, depth: usize) -> AttributeValue {
        match self {
            Value::S(t) => AttributeValue::S(t.text()),
            Value::N(n) => AttributeValue::N(n.text()),
            Value::B(b) => AttributeValue::B(Blob::new(b.clone())),
            Value::Bool(b) => AttributeValue::Bool(*b),
            Value::Null(b) => AttributeValue::Null(*b),
            Value::Ss(v) => AttributeValue::Ss(v.iter().map(Text::text).collect()),
            Value::Ns(v) => AttributeValue::Ns(v.iter().map(Num::text).collect()),
            Value::Bs(v) => AttributeValue::Bs(v.iter().map(|b| Blob::new(b.clone())).collect()),
            _ if depth >= MAX_DEPTH => AttributeValue::Null(true),
            Value::L(v) => AttributeValue::L(v.iter().map(|v| v.build(depth + 1)).collect()),
            Value::M(v) => AttributeValue::M(
                v.iter()
                    .map(|(k, v)| (k.text(), v.build(depth + 1)))
                    .collect(),
            ),
        }
    }
}

/// A change to an item.
#[derive(Debug, Arbitrary)]
pub enum Edit {
    Remove(Name),
    Insert(Name, Value),
    /// Replaces a value inside attribute `at` (or the attribute itself), following `path`: each
    /// step picks an element of a list, map or set.
    Replace {
        at: Name,
        path: Vec<u8>,
        value: Value,
    },
}

/// An item: a valid one (or an empty one) with some edits.
#[derive(Debug, Arbitrary)]
pub struct ItemInput {
    pub from_empty: bool,
    pub edits: Vec<Edit>,
}

impl ItemInput {
    pub fn build(&self, valid: &Item) -> Item {
        let mut item = if self.from_empty {
            Item::new()
        } else {
            valid.clone()
        };
        for edit in &self.edits {
            match edit {
                Edit::Remove(name) => {
                    item.remove(&name.text());
                }
                Edit::Insert(name, value) => {
                    item.insert(name.text(), value.build(0));
                }
                Edit::Replace { at, path, value } => {
                    if let Some(target) = item.get_mut(&at.text()) {
                        replace(target, path, value);
                    }
                }
            }
        }
        item
    }
}

fn replace(target: &mut AttributeValue, path: &[u8], value: &Value) {
    let Some((&step, rest)) = path.split_first() else {
        *target = value.build(0);
        return;
    };
    let step = usize::from(step);
    match target {
        AttributeValue::L(list) if !list.is_empty() => {
            let len = list.len();
            replace(&mut list[step % len], rest, value);
        }
        AttributeValue::M(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let key = keys[step % keys.len()].clone();
            if let Some(inner) = map.get_mut(&key) {
                replace(inner, rest, value);
            }
        }
        AttributeValue::Ss(v) | AttributeValue::Ns(v) if !v.is_empty() => {
            let len = v.len();
            v[step % len] = match value {
                Value::N(n) => n.text(),
                Value::S(t) => t.text(),
                _ => String::new(),
            };
        }
        _ => *target = value.build(0),
    }
}

/// The attribute an error path starts with: `tags` for `tags[3]`, `meta` for `meta.owner`.
pub fn top_attribute(path: &str) -> &str {
    let end = FIELDS
        .iter()
        .filter(|f| {
            path.starts_with(*f)
                && matches!(path.as_bytes().get(f.len()), None | Some(b'.') | Some(b'['))
        })
        .map(|f| f.len())
        .max()
        .unwrap_or(path.len());
    &path[..end]
}

/// A valid item of [`Everything`].
pub fn valid_item() -> Item {
    sample().to_item().expect("the sample encodes")
}
