//! Single-table design: several models (entities) in one table, their keys built from their
//! fields by templates (`USER#{id}`), overloaded index attributes, and collections (one query,
//! several entities).
//!
//! A table type derives `DynamoTable` and declares the table's name, its key attribute names,
//! its global secondary indexes and the attribute that holds each item's entity name, once.
//! Each entity derives `DynamoModel` with `#[dynamo(entity(table = AppTable, name = "User"))]`
//! and its key templates; its schema is the table's, so every entity of a table agrees with it
//! by construction, and what an entity asks of the table (a sort key, an index, an index's sort
//! key) is checked at compile time.

pub mod template;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{Item, ScalarType};
use crate::error::DecodeError;
use crate::expr::{Condition, Path};
use crate::model::{
    DynamoModel, IndexKind, IndexSchema, KeyAttr, Projection, StreamView, TableOptions,
};

pub use template::TemplateValue;

/// The shared table of several entities. Implemented by `#[derive(DynamoTable)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a single-table table",
    label = "not a `DynamoTable`",
    note = "`entity(table = ...)` names a unit struct deriving `DynamoTable`, which declares the table's name, key attributes, indexes and entity attribute"
)]
pub trait EntityTable: Send + Sync + 'static {
    /// What the table declares.
    const TABLE: EntityTableSchema;
}

/// What a [`EntityTable`] declares: the table every entity of it shares.
#[derive(Debug, Clone, Copy)]
pub struct EntityTableSchema {
    /// The table name, without the client's prefix.
    pub name: &'static str,
    /// The partition key attribute (a string).
    pub hash: KeyAttr,
    /// The sort key attribute (a string), if any.
    pub range: Option<KeyAttr>,
    /// The attribute holding each item's entity name.
    pub entity_attribute: &'static str,
    /// The global secondary indexes (their key attributes are strings; each projects all).
    pub indexes: &'static [IndexSchema],
    /// The stream view type, if the table has a stream.
    pub stream: Option<StreamView>,
    /// The TTL attribute, if the table has TTL on (every entity with a `ttl` field stores it
    /// under this name).
    pub ttl: Option<&'static str>,
    /// Billing and the other table options.
    pub options: TableOptions,
}

/// A model stored in a shared table. Implemented by the derive for a model with
/// `#[dynamo(entity(...))]`.
pub trait Entity: DynamoModel {
    /// The table the entity is stored in.
    type Table: EntityTable;
    /// The entity's name, stored in the table's entity attribute of each of its items.
    const NAME: &'static str;
}

/// Which entities a read of a table or index accepts: the items whose entity attribute holds
/// one of `names` (a filter the read sends, so that other entities' items sharing the key range
/// are skipped, never decoded as this one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityFilter {
    /// The entity attribute.
    pub attribute: &'static str,
    /// The accepted entity names.
    pub names: &'static [&'static str],
}

impl EntityFilter {
    /// The filter as a condition: `attribute = name`, or `attribute IN (names)`.
    pub(crate) fn condition<M>(&self) -> Condition<M> {
        let path = Path::<M, String>::attribute(self.attribute);
        match self.names {
            [one] => path.eq(*one),
            names => path.is_in(names.iter().copied()),
        }
    }
}

/// A key attribute of a shared table: always a string. Not a public API.
#[doc(hidden)]
pub const fn string_key(name: &'static str) -> KeyAttr {
    KeyAttr {
        name,
        scalar: ScalarType::String,
    }
}

/// A global secondary index of a shared table. Not a public API.
#[doc(hidden)]
pub const fn string_index(
    name: &'static str,
    hash: &'static [KeyAttr],
    range: &'static [KeyAttr],
) -> IndexSchema {
    IndexSchema {
        name,
        kind: IndexKind::Global,
        hash,
        range,
        projection: Projection::All,
        capacity: None,
    }
}

/// True when `table` declares the index `name`. Not a public API.
#[doc(hidden)]
pub const fn has_index(table: &EntityTableSchema, name: &str) -> bool {
    position(table, name).is_some()
}

const fn position(table: &EntityTableSchema, name: &str) -> Option<usize> {
    let mut i = 0;
    while i < table.indexes.len() {
        if str_eq(table.indexes[i].name, name) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Stands in for an index, a sort key or a name the table lacks, in the constants the derive
/// generates: the derive's own check of the same thing fails the build with a message naming
/// the entity and the table, so the stand-in is never used (and adds no error of its own).
const MISSING_INDEX: IndexSchema = string_index("", &[], &[]);

/// True for a table type whose declaration has an error: its impl is a placeholder (no name),
/// and its entities skip their checks against it, so that the error is reported once. Not a
/// public API.
#[doc(hidden)]
pub const fn in_error(table: &EntityTableSchema) -> bool {
    table.name.is_empty()
}

/// True when `table`'s TTL attribute is `attribute`. Not a public API.
#[doc(hidden)]
pub const fn ttl_is(table: &EntityTableSchema, attribute: &str) -> bool {
    match table.ttl {
        Some(ttl) => str_eq(ttl, attribute),
        None => false,
    }
}
const MISSING_NAMES: &[&str] = &[""];

/// The index `name` of `table` (a stand-in for one it lacks). Not a public API.
#[doc(hidden)]
pub const fn index(table: &'static EntityTableSchema, name: &str) -> &'static IndexSchema {
    match position(table, name) {
        Some(i) => &table.indexes[i],
        None => &MISSING_INDEX,
    }
}

/// The index `name`'s partition and sort key attribute names, for generated key schemas.
/// Not a public API.
#[doc(hidden)]
pub const fn index_hash(table: &'static EntityTableSchema, name: &str) -> &'static [&'static str] {
    match index(table, name).hash {
        [one] => std::slice::from_ref(&one.name),
        _ => MISSING_NAMES,
    }
}

/// See [`index_hash`]. Not a public API.
#[doc(hidden)]
pub const fn index_range(table: &'static EntityTableSchema, name: &str) -> &'static [&'static str] {
    match index(table, name).range {
        [one] => std::slice::from_ref(&one.name),
        [] => &[],
        _ => MISSING_NAMES,
    }
}

/// True when `table`'s index `name` has a sort key. Not a public API.
#[doc(hidden)]
pub const fn index_has_range(table: &EntityTableSchema, name: &str) -> bool {
    match position(table, name) {
        Some(i) => !table.indexes[i].range.is_empty(),
        None => false,
    }
}

/// True when `attribute` is one of `table`'s key attributes or its entity attribute: an entity
/// field stored under such a name would be overwritten. Not a public API.
#[doc(hidden)]
pub const fn is_reserved(table: &EntityTableSchema, attribute: &str) -> bool {
    if str_eq(table.hash.name, attribute) || str_eq(table.entity_attribute, attribute) {
        return true;
    }
    if let Some(range) = table.range
        && str_eq(range.name, attribute)
    {
        return true;
    }
    let mut i = 0;
    while i < table.indexes.len() {
        let index = &table.indexes[i];
        let mut k = 0;
        while k < index.hash.len() {
            if str_eq(index.hash[k].name, attribute) {
                return true;
            }
            k += 1;
        }
        k = 0;
        while k < index.range.len() {
            if str_eq(index.range[k].name, attribute) {
                return true;
            }
            k += 1;
        }
        i += 1;
    }
    false
}

/// `&str` equality in a constant. Not a public API.
#[doc(hidden)]
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Checks the entity attribute an item held (`found`, `None` when absent) against the entity
/// being decoded: an item of another entity (or of none) is a [`DecodeError`] naming both,
/// never decoded as this one. Not a public API.
#[doc(hidden)]
pub fn check_entity(
    found: Option<AttributeValue>,
    attribute: &str,
    expected: &str,
) -> Result<(), DecodeError> {
    match found {
        Some(AttributeValue::S(name)) if name == expected => Ok(()),
        found => Err(not_the_entity(
            found.as_ref(),
            attribute,
            format!("the entity `{expected}`"),
        )),
    }
}

/// The error for an item whose entity attribute (`found`) is not what the read expected.
fn not_the_entity(
    found: Option<&AttributeValue>,
    attribute: &str,
    expected: String,
) -> DecodeError {
    match found {
        Some(AttributeValue::S(name)) => {
            DecodeError::invalid_value(expected, &format!("an item of the entity `{name}`"))
        }
        Some(other) => DecodeError::wrong_type("a string (S)", other),
        None => DecodeError::invalid_value(expected, "an item without an entity attribute"),
    }
    .at(attribute)
}

/// The entity name an item holds, if it holds one as a string.
pub fn entity_of<'i>(item: &'i Item, attribute: &str) -> Option<&'i str> {
    match item.get(attribute) {
        Some(AttributeValue::S(name)) => Some(name),
        _ => None,
    }
}

/// An item of an entity a collection does not list, as a collection's `#[dynamo(other)]`
/// variant holds it: its entity name (`None` when it has no entity attribute) and the item.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherEntity {
    /// The value of the entity attribute, if it is a string.
    pub entity: Option<String>,
    /// The whole item, as read.
    pub item: Item,
}

/// A key text built by a template, as a key attribute value (checked as a key). Not a public
/// API.
#[doc(hidden)]
pub fn key_text(text: String) -> AttributeValue {
    AttributeValue::S(text)
}

/// The values `Update::set_index` takes: a struct generated for each index of an entity with
/// one field per field its key templates are built from (`UserGsi1Values`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the values of an index of `{M}`",
    label = "not an index's values struct",
    note = "`set_index` takes the `{{Model}}{{Index}}Values` struct the derive generates for each `index(...)` of the entity"
)]
pub trait IndexValues<M> {
    /// Adds the actions (and conditions) that set the fields and the index key.
    fn apply(self, update: crate::expr::Update<M>) -> crate::expr::Update<M>;
}

/// An enum over entities of one table that share a partition (of the table, or of one of its
/// indexes): one query reads them all, each item decoded as its entity. Implemented by
/// `#[derive(DynamoCollection)]`.
pub trait DynamoCollection: Sized + Send + 'static {
    /// The key schema the collection's queries read: a marker type whose
    /// [`ReadItem`](crate::ReadItem) decodes items into `Self`.
    type Schema: crate::model::KeySchema + crate::query::ReadItem<Item = Self>;
    /// A key of any entity of the collection (`OrgMembersKey`), for [`batch_get`].
    type Key: crate::model::ModelKey;
}

/// Reads many items of a collection's entities by key, in one batch read: each item is decoded
/// as its entity (items of an entity the collection does not list are an error, or its `other`
/// variant). Answers come in the order of the keys, as [`BatchGet`](crate::BatchGet)'s do.
pub fn batch_get<C: DynamoCollection>(
    client: &crate::Client,
    keys: impl IntoIterator<Item = impl Into<C::Key>>,
) -> crate::query::BatchGet<<C::Schema as crate::model::KeySchema>::Model, C> {
    use crate::model::ModelKey;
    let keys = keys.into_iter().map(|k| k.into().to_key_item()).collect();
    crate::query::BatchGet::__decoded_by(
        crate::table::TableRef::new(client),
        keys,
        <C::Schema as crate::query::ReadItem>::decode,
    )
}

/// The sort key attribute's name; the derive checks first that the table has one. Not a
/// public API.
#[doc(hidden)]
pub const fn range_name(table: &EntityTableSchema) -> &'static str {
    match table.range {
        Some(range) => range.name,
        None => MISSING_NAMES[0],
    }
}

/// The sort key attribute's name as a one-name list, for a generated key schema. Not a public
/// API.
#[doc(hidden)]
pub const fn range_names(table: &'static EntityTableSchema) -> &'static [&'static str] {
    match &table.range {
        Some(range) => std::slice::from_ref(&range.name),
        None => MISSING_NAMES,
    }
}

/// The partition key attribute's name as a one-name list. Not a public API.
#[doc(hidden)]
pub const fn hash_names(table: &'static EntityTableSchema) -> &'static [&'static str] {
    std::slice::from_ref(&table.hash.name)
}

/// The index `name`'s partition key attribute. Not a public API.
#[doc(hidden)]
pub const fn index_hash_name(table: &'static EntityTableSchema, name: &str) -> &'static str {
    match index_hash(table, name) {
        [one] => one,
        _ => MISSING_NAMES[0],
    }
}

/// The index `name`'s sort key attribute. Not a public API.
#[doc(hidden)]
pub const fn index_range_name(table: &'static EntityTableSchema, name: &str) -> &'static str {
    match index_range(table, name) {
        [one] => one,
        _ => MISSING_NAMES[0],
    }
}

/// A key text as a template's type reads it: a string, else a [`DecodeError`]. Not a public
/// API.
#[doc(hidden)]
pub fn key_string(value: AttributeValue) -> Result<String, DecodeError> {
    match value {
        AttributeValue::S(text) => Ok(text),
        other => Err(DecodeError::wrong_type("a string (S)", &other)),
    }
}

/// Splits a key text by a template's literal parts into exactly `N` field texts (see
/// [`template::split`]). Not a public API.
#[doc(hidden)]
pub fn split_n<'t, const N: usize>(
    text: &'t str,
    literals: &[&str],
) -> Result<[&'t str; N], DecodeError> {
    let parts = template::split(text, literals)?;
    <[&str; N]>::try_from(parts).map_err(|parts| {
        DecodeError::custom(format!(
            "the key template has {N} fields, and the key text `{text}` gave {}",
            parts.len()
        ))
    })
}

/// The key template types' shape, for a collection's check that its entities share a partition
/// key template: the literal parts and the fields' types. Not a public API.
#[doc(hidden)]
pub trait TemplateShape {
    /// The fields' types, as a tuple.
    type Fields;
    /// The literal parts.
    const LITERALS: &'static [&'static str];
}

/// True when two templates have the same literal parts. Not a public API.
#[doc(hidden)]
pub const fn same_literals(a: &[&str], b: &[&str]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !str_eq(a[i], b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Compiles only when `A` and `B` have fields of the same types. Not a public API.
#[doc(hidden)]
pub fn same_fields<A: TemplateShape, B: TemplateShape>()
where
    B::Fields: SameFields<A::Fields>,
{
}

/// The fields of two partition key templates have the same types. Not a public API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the entities of a collection share a partition, and their partition key templates have fields of other types: `{Self}` and `{T}`",
    label = "this entity's partition key template has fields of other types than the first entity's",
    note = "a collection lists entities whose partition key templates (of the table, or of the index it names) have the same literal text and the same field types, in order"
)]
pub trait SameFields<T> {}
impl<T> SameFields<T> for T {}

/// Two entities are of one table. Not a public API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the entities of a collection are stored in one table, and these are in `{Self}` and `{T}`",
    label = "of another table than the collection's first entity",
    note = "a collection reads one partition of one table: list entities whose `entity(table = ...)` names the same table type"
)]
pub trait SameTable<T> {}
impl<T> SameTable<T> for T {}

/// The least text greater than every text that begins with `prefix`: `prefix` with its last
/// character replaced by the next one (`ORDER#` gives `ORDER$`); `None` for an empty prefix, or
/// one ending in the last character there is. Not a public API.
#[doc(hidden)]
pub fn after_prefix(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    loop {
        let last = chars.pop()?;
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
}

/// The sort key condition "the field after `before` is at least `low`" (`before` is the key's
/// text up to that field): from `before + low` to the end of the keys beginning with `before`.
/// Not a public API.
#[doc(hidden)]
pub fn at_least<T>(
    before: Result<String, crate::EncodeError>,
    low: Result<String, crate::EncodeError>,
) -> crate::RangeCondition<T> {
    match before {
        Ok(before) => match after_prefix(&before) {
            Some(end) => crate::RangeCondition::__text_between(low, Ok(end)),
            None => crate::RangeCondition::__text_ge(low),
        },
        Err(e) => crate::RangeCondition::__text_ge(Err(e)),
    }
}

/// The sort key condition "the field after `before` is at most `high`": from `before` to
/// `high_end`, the greatest text of keys whose field is `high`. Not a public API.
#[doc(hidden)]
pub fn at_most<T>(
    before: Result<String, crate::EncodeError>,
    high_end: Result<String, crate::EncodeError>,
) -> crate::RangeCondition<T> {
    match before {
        Ok(before) if before.is_empty() => crate::RangeCondition::__text_le(high_end),
        before => crate::RangeCondition::__text_between(before, high_end),
    }
}

/// The greatest text (inclusive bound) of keys whose field ends `text`: `text` itself when the
/// field ends the key, else the text after every key beginning with `text#` (`last` says which).
/// Not a public API.
#[doc(hidden)]
pub fn field_end(
    text: Result<String, crate::EncodeError>,
    last: bool,
) -> Result<String, crate::EncodeError> {
    let text = text?;
    if last {
        return Ok(text);
    }
    Ok(text + "$")
}

/// Compiles only when two entities share a table. Not a public API.
#[doc(hidden)]
pub fn same_table<A: Entity, B: Entity>()
where
    B::Table: SameTable<A::Table>,
{
}

/// The error for an item of an entity a collection does not list (`found`: its entity name, if
/// any), at the entity attribute. Not a public API.
#[doc(hidden)]
pub fn unlisted(found: Option<&str>, attribute: &str, collection: &str) -> DecodeError {
    not_the_entity(
        found
            .map(|name| AttributeValue::S(name.to_owned()))
            .as_ref(),
        attribute,
        format!(
            "an entity `{collection}` lists (add it to the enum, or a `#[dynamo(other)]` variant holding `OtherEntity` to receive such items)"
        ),
    )
}

/// Checks that the entity attribute an item holds (`found`) names one of `filter`'s entities.
/// Not a public API.
#[doc(hidden)]
pub fn check_entity_in(
    found: Option<&AttributeValue>,
    filter: &EntityFilter,
) -> Result<(), DecodeError> {
    match (found, filter.names) {
        (Some(AttributeValue::S(name)), names) if names.contains(&name.as_str()) => Ok(()),
        (found, [one]) => Err(not_the_entity(
            found,
            filter.attribute,
            format!("the entity `{one}`"),
        )),
        (found, names) => Err(not_the_entity(
            found,
            filter.attribute,
            format!("one of the entities {names:?}"),
        )),
    }
}
