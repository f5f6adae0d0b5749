//! Typed Lambda event filters (feature `lambda`): the `FilterCriteria` of an event source
//! mapping, built from a model's typed paths, so that Lambda drops uninteresting records
//! before they cost an invocation.
//!
//! ```
//! # use dynamo_types_runtime as dynamo_types;
//! # use dynamo_types::stream::filter::{FilterCriteria, Pattern};
//! # use dynamo_types::stream::{EventKind, StreamModel};
//! # fn criteria<Post: StreamModel>(author: &dynamo_types::Path<Post, String>) -> dynamo_types::Result<String>
//! # where Post::View: dynamo_types::stream::filter::HasNewImage {
//! let criteria = FilterCriteria::new()
//!     // inserts and modifications of posts by alice
//!     .pattern(
//!         Pattern::<Post>::new()
//!             .kinds([EventKind::Insert, EventKind::Modify])
//!             .new_eq(author, "alice"),
//!     )
//!     // or any post that expired
//!     .pattern(Pattern::<Post>::expired());
//! let json = criteria.to_json()?; // {"Filters":[{"Pattern":"..."},{"Pattern":"..."}]}
//! # Ok(json) }
//! ```
//!
//! Each pattern is what Lambda matches a record against; a record passes when any pattern
//! matches it (at most 5 patterns, each at most 4,096 characters: Lambda's limits, checked by
//! [`FilterCriteria::to_json`]). Within a pattern every rule must hold. Values are written with
//! DynamoDB's type descriptors as the stream carries them (`{"S": [...]}`, `{"N": ["42"]}`,
//! `{"BOOL": [true]}`); a number matches by its text, as DynamoDB writes it. Lambda cannot
//! compare numbers in stream images (they are strings there), nor look inside lists: neither is
//! offered.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::codec::{IntoAttributeValue, IntoKey, KeyAttribute, ScalarType};
use crate::error::{Error, Result};
use crate::expr::{Path, Segment};

use super::record::{EventKind, NewAndOldImages, NewImage, OldImage, StreamModel, ViewType};

/// Lambda's default limit of filters per event source mapping.
pub const MAX_FILTERS: usize = 5;
/// Lambda's limit on the length of one filter pattern.
pub const MAX_PATTERN_LENGTH: usize = 4096;

/// A view type whose records carry the new image (`new_image`, `new_and_old_images`).
#[diagnostic::on_unimplemented(
    message = "this model's stream carries no new images",
    label = "the view type has no `NewImage`",
    note = "filtering on the new image needs `stream = \"new_image\"` or `\"new_and_old_images\"`"
)]
pub trait HasNewImage: ViewType {}
impl HasNewImage for NewAndOldImages {}
impl HasNewImage for NewImage {}

/// A view type whose records carry the old image (`old_image`, `new_and_old_images`).
#[diagnostic::on_unimplemented(
    message = "this model's stream carries no old images",
    label = "the view type has no `OldImage`",
    note = "filtering on the old image needs `stream = \"old_image\"` or `\"new_and_old_images\"`"
)]
pub trait HasOldImage: ViewType {}
impl HasOldImage for NewAndOldImages {}
impl HasOldImage for OldImage {}

/// A value type whose DynamoDB type is known without a value: what `exists` filters need.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no single DynamoDB type to filter on",
    label = "`exists` filters need a string, number, binary or boolean attribute",
    note = "Lambda matches `exists` only on leaf values such as `{{\"S\": ...}}`; lists, maps and sets are not leaves"
)]
pub trait FilterType {
    /// The type descriptor (`S`, `N`, `B`, `BOOL`).
    const DESCRIPTOR: &'static str;
}

impl<T: KeyAttribute> FilterType for T {
    const DESCRIPTOR: &'static str = match T::SCALAR_TYPE {
        ScalarType::String => "S",
        ScalarType::Number => "N",
        ScalarType::Binary => "B",
    };
}

impl FilterType for bool {
    const DESCRIPTOR: &'static str = "BOOL";
}

/// Where in the record a rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Keys,
    NewImage,
    OldImage,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Keys => "Keys",
            Section::NewImage => "NewImage",
            Section::OldImage => "OldImage",
        }
    }
}

/// One filter pattern over the records of model `M`'s stream: every rule must hold.
pub struct Pattern<M> {
    kinds: Vec<EventKind>,
    expired: bool,
    rules: Vec<(Section, Vec<Segment>, String, Vec<Value>)>,
    error: Option<Error>,
    _model: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for Pattern<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_value() {
            Ok(v) => write!(f, "Pattern({v})"),
            Err(e) => write!(f, "Pattern(invalid: {e})"),
        }
    }
}

impl<M: StreamModel> Default for Pattern<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: StreamModel> Pattern<M> {
    /// A pattern matching every record of the stream; narrow it with the methods below.
    pub fn new() -> Self {
        Pattern {
            kinds: Vec::new(),
            expired: false,
            rules: Vec::new(),
            error: None,
            _model: PhantomData,
        }
    }

    /// Only removals made by DynamoDB's TTL process (`REMOVE` records whose user identity is
    /// the `Service` `dynamodb.amazonaws.com`).
    pub fn expired() -> Self {
        let mut p = Self::new().kinds([EventKind::Remove]);
        p.expired = true;
        p
    }

    /// Only these kinds of events.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = EventKind>) -> Self {
        for kind in kinds {
            if !self.kinds.contains(&kind) {
                self.kinds.push(kind);
            }
        }
        self
    }

    fn rule(
        mut self,
        section: Section,
        path: &[Segment],
        descriptor: &str,
        matchers: Vec<Value>,
    ) -> Self {
        self.rules
            .push((section, path.to_vec(), descriptor.to_owned(), matchers));
        self
    }

    fn value_rule<T: IntoAttributeValue>(
        mut self,
        section: Section,
        path: &[Segment],
        values: impl IntoIterator<Item = T>,
        prefix: bool,
    ) -> Self {
        let mut descriptor = None;
        let mut matchers = Vec::new();
        for value in values {
            match leaf(&value) {
                Ok((d, text)) => {
                    if descriptor.is_some_and(|known| known != d) {
                        self.error.get_or_insert(Error::Validation(
                            "a filter's values must all have one DynamoDB type".to_owned(),
                        ));
                    }
                    descriptor = Some(d);
                    matchers.push(if prefix {
                        json!({ "prefix": text })
                    } else {
                        text
                    });
                }
                Err(e) => {
                    self.error.get_or_insert(e);
                }
            }
        }
        match descriptor {
            Some(d) => self.rule(section, path, d, matchers),
            None => {
                self.error.get_or_insert(Error::Validation(
                    "a filter needs at least one value".to_owned(),
                ));
                self
            }
        }
    }

    /// The key attribute at `path` (the table's partition or sort key) equals `value`.
    pub fn key_eq<T: IntoAttributeValue>(
        mut self,
        path: &Path<M, T>,
        value: impl IntoKey<T>,
    ) -> Self {
        let schema = &M::SCHEMA;
        let is_key = matches!(path.segments(), [Segment::Name(name)]
            if *name == schema.hash.name || schema.range.is_some_and(|r| r.name == name));
        if !is_key {
            self.error.get_or_insert(Error::Validation(format!(
                "`{}` is not a key attribute of table `{}`: the `Keys` of a record hold only the table's partition and sort key",
                path.display(),
                schema.table
            )));
            return self;
        }
        self.value_rule(Section::Keys, path.segments(), [value.into_key()], false)
    }

    /// In the new image, the attribute at `path` equals `value`.
    pub fn new_eq<T: IntoAttributeValue>(self, path: &Path<M, T>, value: impl IntoKey<T>) -> Self
    where
        M::View: HasNewImage,
    {
        self.value_rule(
            Section::NewImage,
            path.segments(),
            [value.into_key()],
            false,
        )
    }

    /// In the new image, the attribute at `path` equals one of `values`.
    pub fn new_in<T: IntoAttributeValue, V: IntoKey<T>>(
        self,
        path: &Path<M, T>,
        values: impl IntoIterator<Item = V>,
    ) -> Self
    where
        M::View: HasNewImage,
    {
        let values: Vec<T> = values.into_iter().map(IntoKey::into_key).collect();
        self.value_rule(Section::NewImage, path.segments(), values, false)
    }

    /// In the new image, the string attribute at `path` begins with `prefix`.
    pub fn new_begins_with(self, path: &Path<M, String>, prefix: impl IntoKey<String>) -> Self
    where
        M::View: HasNewImage,
    {
        self.value_rule(
            Section::NewImage,
            path.segments(),
            [prefix.into_key()],
            true,
        )
    }

    /// The new image has the attribute at `path`.
    pub fn new_exists<T: FilterType>(self, path: &Path<M, T>) -> Self
    where
        M::View: HasNewImage,
    {
        self.rule(
            Section::NewImage,
            path.segments(),
            T::DESCRIPTOR,
            vec![json!({ "exists": true })],
        )
    }

    /// The new image lacks the attribute at `path`.
    pub fn new_not_exists<T: FilterType>(self, path: &Path<M, T>) -> Self
    where
        M::View: HasNewImage,
    {
        self.rule(
            Section::NewImage,
            path.segments(),
            T::DESCRIPTOR,
            vec![json!({ "exists": false })],
        )
    }

    /// In the old image, the attribute at `path` equals `value`.
    pub fn old_eq<T: IntoAttributeValue>(self, path: &Path<M, T>, value: impl IntoKey<T>) -> Self
    where
        M::View: HasOldImage,
    {
        self.value_rule(
            Section::OldImage,
            path.segments(),
            [value.into_key()],
            false,
        )
    }

    /// In the old image, the string attribute at `path` begins with `prefix`.
    pub fn old_begins_with(self, path: &Path<M, String>, prefix: impl IntoKey<String>) -> Self
    where
        M::View: HasOldImage,
    {
        self.value_rule(
            Section::OldImage,
            path.segments(),
            [prefix.into_key()],
            true,
        )
    }

    /// The old image has the attribute at `path`.
    pub fn old_exists<T: FilterType>(self, path: &Path<M, T>) -> Self
    where
        M::View: HasOldImage,
    {
        self.rule(
            Section::OldImage,
            path.segments(),
            T::DESCRIPTOR,
            vec![json!({ "exists": true })],
        )
    }

    /// In the old image, the attribute at `path` equals one of `values`.
    pub fn old_in<T: IntoAttributeValue, V: IntoKey<T>>(
        self,
        path: &Path<M, T>,
        values: impl IntoIterator<Item = V>,
    ) -> Self
    where
        M::View: HasOldImage,
    {
        let values: Vec<T> = values.into_iter().map(IntoKey::into_key).collect();
        self.value_rule(Section::OldImage, path.segments(), values, false)
    }

    /// The old image lacks the attribute at `path`.
    pub fn old_not_exists<T: FilterType>(self, path: &Path<M, T>) -> Self
    where
        M::View: HasOldImage,
    {
        self.rule(
            Section::OldImage,
            path.segments(),
            T::DESCRIPTOR,
            vec![json!({ "exists": false })],
        )
    }
}

impl<M> Pattern<M> {
    /// The pattern as Lambda's JSON.
    fn to_value(&self) -> Result<Value> {
        if let Some(e) = &self.error {
            return Err(match e {
                Error::Validation(m) => Error::Validation(m.clone()),
                other => Error::Validation(other.to_string()),
            });
        }
        if self.expired && self.kinds != [EventKind::Remove] {
            return Err(Error::Validation(
                "TTL expiries are removals: an `expired()` pattern cannot match other kinds"
                    .to_owned(),
            ));
        }
        if self.kinds.is_empty() && self.rules.is_empty() && !self.expired {
            return Err(Error::Validation(
                "an empty pattern: give it kinds or rules (with no filter at all, Lambda passes every record)"
                    .to_owned(),
            ));
        }
        let mut root = Map::new();
        if !self.kinds.is_empty() {
            root.insert(
                "eventName".to_owned(),
                Value::Array(self.kinds.iter().map(|k| json!(k.as_str())).collect()),
            );
        }
        if self.expired {
            root.insert(
                "userIdentity".to_owned(),
                json!({ "type": ["Service"], "principalId": ["dynamodb.amazonaws.com"] }),
            );
        }
        let mut sections: BTreeMap<Section, Map<String, Value>> = BTreeMap::new();
        for (section, path, descriptor, matchers) in &self.rules {
            let names = path
                .iter()
                .map(|s| match s {
                    Segment::Name(n) => Ok(n.as_str()),
                    Segment::Index(_) => Err(Error::Validation(
                        "Lambda filters cannot look inside lists: filter on a top-level attribute or a map key".to_owned(),
                    )),
                })
                .collect::<Result<Vec<_>>>()?;
            let Some((last, parents)) = names.split_last() else {
                return Err(Error::Validation("a filter on an empty path".to_owned()));
            };
            let mut node = sections.entry(*section).or_default();
            for parent in parents {
                let entry = node
                    .entry((*parent).to_owned())
                    .or_insert_with(|| json!({ "M": {} }));
                node = match entry.get_mut("M").and_then(Value::as_object_mut) {
                    Some(m) => m,
                    None => return Err(duplicate(section, &names)),
                };
            }
            if node.contains_key(*last) {
                return Err(duplicate(section, &names));
            }
            node.insert((*last).to_owned(), json!({ descriptor.as_str(): matchers }));
        }
        if !sections.is_empty() {
            let dynamodb: Map<String, Value> = sections
                .into_iter()
                .map(|(s, m)| (s.name().to_owned(), Value::Object(m)))
                .collect();
            root.insert("dynamodb".to_owned(), Value::Object(dynamodb));
        }
        Ok(Value::Object(root))
    }

    /// The pattern as the JSON text Lambda takes, checked against Lambda's length limit.
    pub fn to_json(&self) -> Result<String> {
        let text = self.to_value()?.to_string();
        let length = text.chars().count();
        if length > MAX_PATTERN_LENGTH {
            return Err(Error::Validation(format!(
                "a Lambda filter pattern is at most {MAX_PATTERN_LENGTH} characters; this one has {length}"
            )));
        }
        Ok(text)
    }
}

fn duplicate(section: &Section, names: &[&str]) -> Error {
    Error::Validation(format!(
        "two rules on `{}` in {} of one pattern: use `new_in` for several values, or two patterns for either of two conditions",
        names.join("."),
        section.name()
    ))
}

/// The type descriptor and the JSON value a leaf attribute value is matched by.
fn leaf<T: IntoAttributeValue>(value: &T) -> Result<(&'static str, Value)> {
    let encoded = value.to_attribute_value().map_err(Error::from)?;
    match encoded {
        Some(AttributeValue::S(s)) => Ok(("S", Value::String(s))),
        Some(AttributeValue::N(n)) => Ok(("N", Value::String(n))),
        Some(AttributeValue::B(b)) => Ok((
            "B",
            Value::String(base64::engine::general_purpose::STANDARD.encode(b.as_ref())),
        )),
        Some(AttributeValue::Bool(b)) => Ok(("BOOL", Value::Bool(b))),
        Some(other) => Err(Error::Validation(format!(
            "Lambda filters match strings, numbers, binary and booleans, not {}",
            crate::error::type_name(&other)
        ))),
        None => Err(Error::Validation(
            "a filter value that encodes to no attribute (use `not_exists`)".to_owned(),
        )),
    }
}

/// The `FilterCriteria` of an event source mapping: up to five patterns, any of which lets a
/// record through.
#[derive(Debug, Default)]
pub struct FilterCriteria {
    patterns: Vec<Result<String>>,
}

impl FilterCriteria {
    /// No patterns yet (Lambda then lets every record through).
    pub fn new() -> Self {
        FilterCriteria::default()
    }

    /// Adds a pattern: records matching it pass, whatever the other patterns say.
    pub fn pattern<M>(mut self, pattern: Pattern<M>) -> Self {
        self.patterns.push(pattern.to_json());
        self
    }

    /// The patterns' JSON texts (for CloudFormation's or the SDK's `Filters[].Pattern`).
    pub fn patterns(&self) -> Result<Vec<String>> {
        if self.patterns.len() > MAX_FILTERS {
            return Err(Error::Validation(format!(
                "an event source mapping takes at most {MAX_FILTERS} filters by default; this has {}",
                self.patterns.len()
            )));
        }
        self.patterns
            .iter()
            .map(|p| match p {
                Ok(text) => Ok(text.clone()),
                Err(Error::Validation(m)) => Err(Error::Validation(m.clone())),
                Err(other) => Err(Error::Validation(other.to_string())),
            })
            .collect()
    }

    /// The whole `FilterCriteria` object: `{"Filters": [{"Pattern": "..."}, ...]}`.
    pub fn to_json(&self) -> Result<String> {
        let filters: Vec<Value> = self
            .patterns()?
            .into_iter()
            .map(|p| json!({ "Pattern": p }))
            .collect();
        Ok(json!({ "Filters": filters }).to_string())
    }
}
