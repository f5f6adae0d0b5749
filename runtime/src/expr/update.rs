//! Typed update expressions: `SET`, `REMOVE`, `ADD` and `DELETE`.
//!
//! [`Update`] is built from the typed paths of `{Model}Fields`, so each action only accepts
//! values of the field's type, and the actions DynamoDB restricts to some types are only
//! offered there: `append` / `prepend` on lists, `add` on numbers and sets, `delete` on sets,
//! `increment` / `decrement` on numbers. The table's key attributes have a [`KeyPath`](super::KeyPath),
//! which no action takes. Rendering goes through [`Placeholders`] like conditions.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Placeholders, Segment, Updatable, display};
use crate::codec::{IntoAttributeValue, IntoKey, ListElement, SetElement, check_nesting_at};
use crate::error::{EncodeError, Error};

/// A number type: the values `ADD` and `SET path = path + n` take.
#[diagnostic::on_unimplemented(
    message = "`increment` and `decrement` need a number field, and `{Self}` is not a number",
    label = "arithmetic is not defined for a `{Self}` field",
    note = "DynamoDB's `SET a = a + n` only adds numbers; use `set` to replace the value, or `add` to add elements to a set"
)]
pub trait NumberValue: IntoAttributeValue {}

macro_rules! number_value {
    ($($t:ty),*) => {$( impl NumberValue for $t {} )*};
}
number_value!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
);

/// A set type (SS, NS or BS): the values `ADD` and `DELETE` take on set attributes.
#[diagnostic::on_unimplemented(
    message = "`delete` removes elements from a set, and `{Self}` is not a set",
    label = "`delete` is not defined for a `{Self}` field",
    note = "DynamoDB's DELETE action only takes a `HashSet` or `BTreeSet` field (SS, NS or BS); to delete the attribute itself, or a list element (`field.at(i)`), use `remove`"
)]
pub trait SetValue: IntoAttributeValue {}

impl<T: SetElement + Eq + Hash, S: BuildHasher> SetValue for HashSet<T, S> {}
impl<T: SetElement + Ord> SetValue for BTreeSet<T> {}

/// A type `ADD` accepts: numbers (added to the stored number, which starts at 0 when absent)
/// and sets (their elements are added to the stored set).
#[diagnostic::on_unimplemented(
    message = "`add` needs a number or a set field, and `{Self}` is neither",
    label = "`add` is not defined for a `{Self}` field",
    note = "DynamoDB's ADD action adds to a number or adds elements to a set (SS, NS or BS); use `set` to replace any other value, and `append` to add to a list"
)]
pub trait AddValue: IntoAttributeValue {}
#[diagnostic::do_not_recommend]
impl<T: NumberValue> AddValue for T {}
impl<T: SetElement + Eq + Hash, S: BuildHasher> AddValue for HashSet<T, S> {}
impl<T: SetElement + Ord> AddValue for BTreeSet<T> {}

/// A list type (L): the values `append` and `prepend` take, a `Vec` of list elements.
#[diagnostic::on_unimplemented(
    message = "`append` and `prepend` need a list field, and `{Self}` is not a list",
    label = "`append` and `prepend` are not defined for a `{Self}` field",
    note = "DynamoDB's `list_append` only joins lists: the field must be a `Vec` (not `Vec<u8>`, which is binary); use `add` to add elements to a set, and `set` to replace any other value"
)]
pub trait ListValue {
    /// The element type.
    type Element;
}
impl<T: ListElement> ListValue for Vec<T> {
    type Element = T;
}

type Value = Result<Option<AttributeValue>, EncodeError>;

#[derive(Debug, Clone)]
enum SetAction {
    /// `path = :v`. A value stored as nothing (`None`, an empty set) is `REMOVE path` for an
    /// attribute, as `put` leaves it out, and `path = NULL` inside a list or map, where `put`
    /// stores `NULL` (a `REMOVE` there would shift a list's later elements).
    Value(Value),
    /// `path = if_not_exists(path, :v)`; refused for an attribute with a value stored as
    /// nothing (it would write `NULL`, which `put` never stores there).
    IfNotExists(Value),
    /// `path = list_append(if_not_exists(path, :empty), :v)` (or the other way round).
    Append { values: Value, prepend: bool },
    /// `path = path + :n` / `path = path - :n`
    Arithmetic { plus: bool, value: Value },
    /// `path = if_not_exists(path, 0) + 1`
    Counter,
}

/// An update of items of model `M`: what `UpdateItem` does to the stored item.
///
/// ```text
/// let f = Post::fields();
/// let update = Post::update()
///     .set(&f.body, "new body")
///     .add(&f.like_count, 1)
///     .remove(&f.expires_at);
/// posts.primary_key().update("blog-1", "p-1", update).await?;
/// ```
pub struct Update<M> {
    set: Vec<(Vec<Segment>, SetAction)>,
    remove: Vec<Vec<Segment>>,
    add: Vec<(Vec<Segment>, Value)>,
    delete: Vec<(Vec<Segment>, Value)>,
    /// Conditions the update brings with it (`set_index`'s: the primary key's fields it was
    /// given are the item's).
    guards: Vec<super::Condition<M>>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Update<M> {
    fn clone(&self) -> Self {
        Update {
            set: self.set.clone(),
            remove: self.remove.clone(),
            add: self.add.clone(),
            delete: self.delete.clone(),
            guards: self.guards.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> Default for Update<M> {
    fn default() -> Self {
        Update::new()
    }
}

impl<M> fmt::Debug for Update<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Placeholders::default();
        match names.update(self) {
            Ok(text) => write!(f, "Update({text})"),
            Err(e) => write!(f, "Update(<invalid: {e}>)"),
        }
    }
}

impl<M> Update<M> {
    /// An empty update (also available as `Model::update()`).
    pub fn new() -> Self {
        Update {
            set: Vec::new(),
            remove: Vec::new(),
            add: Vec::new(),
            delete: Vec::new(),
            guards: Vec::new(),
            _model: PhantomData,
        }
    }

    /// True when no action was added.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
            && self.remove.is_empty()
            && self.add.is_empty()
            && self.delete.is_empty()
    }

    /// `SET path = value`. A value stored as nothing (`None`, an empty set) removes the
    /// attribute instead, as `put` would leave it out; inside a list or a map it is written as
    /// `NULL` in its place, as `put` stores it (removing a list element would shift the ones
    /// after it: use [`remove`](Self::remove) for that).
    pub fn set<P>(mut self, path: &P, value: impl IntoKey<P::Value>) -> Self
    where
        P: Updatable<M>,
        P::Value: IntoAttributeValue,
    {
        let value = value.into_key().to_attribute_value();
        self.set
            .push((path.update_segments().to_vec(), SetAction::Value(value)));
        self
    }

    /// Sets every field an index's key templates are built from, and the index's key
    /// attributes with them (a single-table entity's overloaded index, see
    /// [`entity`](crate::entity)): `User::update().set_index(UserGsi1Values { org_id, id })`.
    /// A field of an index template cannot be `set` alone, which would leave the index key
    /// stale; the values struct has a field for each one the index needs, so none can be
    /// forgotten. Fields that also build the primary key cannot change: the update then
    /// carries the condition that the item holds the values given.
    pub fn set_index<V: crate::entity::IndexValues<M>>(self, values: V) -> Self {
        values.apply(self)
    }

    /// `SET name = value` on a top-level attribute, for the generated `set_index`. Not a
    /// public API.
    #[doc(hidden)]
    pub fn __set_attribute(mut self, name: &str, value: Value) -> Self {
        self.set.push((
            vec![Segment::Name(name.to_owned())],
            SetAction::Value(value),
        ));
        self
    }

    /// Adds a condition the update needs, for the generated `set_index`. Not a public API.
    #[doc(hidden)]
    pub fn __guard(mut self, condition: super::Condition<M>) -> Self {
        self.guards.push(condition);
        self
    }

    /// The conditions the update brings with it.
    pub(crate) fn guards(&self) -> &[super::Condition<M>] {
        &self.guards
    }

    /// `SET path = if_not_exists(path, value)`: sets the value only when the attribute is absent.
    /// A value stored as nothing (`None`, an empty set) is an [`Error::Validation`] before
    /// sending for an attribute (it has nothing to set, and would write `NULL`); inside a list
    /// or map it is `NULL`, as `put` stores it there.
    pub fn set_if_not_exists<P>(mut self, path: &P, value: impl IntoKey<P::Value>) -> Self
    where
        P: Updatable<M>,
        P::Value: IntoAttributeValue,
    {
        let value = value.into_key().to_attribute_value();
        self.set.push((
            path.update_segments().to_vec(),
            SetAction::IfNotExists(value),
        ));
        self
    }

    /// `REMOVE path`: deletes the attribute (or the map key, or the list element, closing up
    /// the list).
    pub fn remove<P: Updatable<M>>(mut self, path: &P) -> Self {
        self.remove.push(path.update_segments().to_vec());
        self
    }

    /// `SET path = path + n`: adds `n` to a number that exists, at any path (a map's entry, a
    /// list element). Fails on the server when the attribute is absent; [`add`](Self::add)
    /// (DynamoDB's `ADD`) is the one for a counter that may not exist yet (absent counts as 0).
    pub fn increment<P>(mut self, path: &P, n: impl IntoKey<P::Value>) -> Self
    where
        P: Updatable<M>,
        P::Value: NumberValue,
    {
        let value = n.into_key().to_attribute_value();
        self.set.push((
            path.update_segments().to_vec(),
            SetAction::Arithmetic { plus: true, value },
        ));
        self
    }

    /// `SET path = path - n`: subtracts `n` from a number that exists. Fails on the server when
    /// the attribute is absent.
    pub fn decrement<P>(mut self, path: &P, n: impl IntoKey<P::Value>) -> Self
    where
        P: Updatable<M>,
        P::Value: NumberValue,
    {
        let value = n.into_key().to_attribute_value();
        self.set.push((
            path.update_segments().to_vec(),
            SetAction::Arithmetic { plus: false, value },
        ));
        self
    }

    /// `ADD path value`: adds to a number (an absent number counts as 0) or adds the elements
    /// of a set to a set (an absent set counts as empty). Atomic: concurrent `add`s all count.
    pub fn add<P>(mut self, path: &P, value: impl IntoKey<P::Value>) -> Self
    where
        P: Updatable<M>,
        P::Value: AddValue,
    {
        let value = value.into_key().to_attribute_value();
        self.add.push((path.update_segments().to_vec(), value));
        self
    }

    /// `DELETE path elements`: removes the elements from a set attribute.
    pub fn delete<P>(mut self, path: &P, elements: impl IntoKey<P::Value>) -> Self
    where
        P: Updatable<M>,
        P::Value: SetValue,
    {
        let value = elements.into_key().to_attribute_value();
        self.delete.push((path.update_segments().to_vec(), value));
        self
    }

    /// `SET path = list_append(path, values)`: appends to a list (an absent list counts as empty).
    pub fn append<P, T>(mut self, path: &P, values: impl IntoIterator<Item = T>) -> Self
    where
        P: Updatable<M>,
        P::Value: ListValue<Element = T>,
        T: IntoAttributeValue,
    {
        let values: Vec<T> = values.into_iter().collect();
        self.set.push((
            path.update_segments().to_vec(),
            SetAction::Append {
                values: values.to_attribute_value(),
                prepend: false,
            },
        ));
        self
    }

    /// `SET path = list_append(values, path)`: puts values in front of a list.
    pub fn prepend<P, T>(mut self, path: &P, values: impl IntoIterator<Item = T>) -> Self
    where
        P: Updatable<M>,
        P::Value: ListValue<Element = T>,
        T: IntoAttributeValue,
    {
        let values: Vec<T> = values.into_iter().collect();
        self.set.push((
            path.update_segments().to_vec(),
            SetAction::Append {
                values: values.to_attribute_value(),
                prepend: true,
            },
        ));
        self
    }

    /// The first action on a key attribute of the table (`hash`, and `range` when there is
    /// one), which DynamoDB would reject: paths built by hand can name one.
    pub(crate) fn key_attribute(&self, hash: &str, range: Option<&str>) -> Option<String> {
        [Some(hash), range]
            .into_iter()
            .flatten()
            .find(|name| self.touches(name))
            .map(str::to_owned)
    }

    /// The values this update sets the top-level attributes `names` to (`set`,
    /// `set_if_not_exists`), as an item: what the limits of key attributes are checked on.
    pub(crate) fn top_level_values(&self, names: &[&str]) -> crate::Item {
        self.set
            .iter()
            .filter_map(|(path, action)| match (path.as_slice(), action) {
                (
                    [Segment::Name(name)],
                    SetAction::Value(Ok(Some(value))) | SetAction::IfNotExists(Ok(Some(value))),
                ) if names.contains(&name.as_str()) => Some((name.clone(), value.clone())),
                _ => None,
            })
            .collect()
    }

    /// Whether any action targets the top-level attribute `name` (or something inside it).
    pub(crate) fn touches(&self, name: &str) -> bool {
        let hit = |segments: &Vec<Segment>| matches!(segments.first(), Some(Segment::Name(n)) if n == name);
        self.set.iter().any(|(p, _)| hit(p))
            || self.remove.iter().any(hit)
            || self.add.iter().any(|(p, _)| hit(p))
            || self.delete.iter().any(|(p, _)| hit(p))
    }

    /// `SET name = :value` on a top-level attribute, for the version bump.
    pub(crate) fn set_raw(mut self, name: &str, value: AttributeValue) -> Self {
        self.set.push((
            vec![Segment::Name(name.to_owned())],
            SetAction::Value(Ok(Some(value))),
        ));
        self
    }

    /// `SET name = if_not_exists(name, :value)` on a top-level attribute, for `created_at`.
    pub(crate) fn set_if_not_exists_raw(mut self, name: &str, value: AttributeValue) -> Self {
        self.set.push((
            vec![Segment::Name(name.to_owned())],
            SetAction::IfNotExists(Ok(Some(value))),
        ));
        self
    }

    /// `SET name = if_not_exists(name, 0) + 1` on a top-level attribute, for the version bump
    /// of an update that skips the version check.
    pub(crate) fn increment_raw(mut self, name: &str) -> Self {
        self.set
            .push((vec![Segment::Name(name.to_owned())], SetAction::Counter));
        self
    }
}

impl Placeholders {
    /// Renders an update expression, registering its names and values.
    pub fn update<M>(&mut self, update: &Update<M>) -> Result<String, Error> {
        if update.is_empty() {
            return Err(Error::Validation(
                "an update needs at least one action (set, remove, add, delete, append)".to_owned(),
            ));
        }
        let mut set = Vec::new();
        let mut remove = Vec::new();
        for (segments, action) in &update.set {
            // Inside a list or a map, a value stored as nothing is `NULL`, as `put` stores it.
            let nested = segments.len() > 1;
            match action {
                SetAction::Value(value) => match value.clone()? {
                    Some(v) => {
                        placed(&v, segments)?;
                        let path = self.path(segments);
                        let v = self.value(v);
                        set.push(format!("{path} = {v}"));
                    }
                    None if nested => {
                        let path = self.path(segments);
                        let v = self.value(AttributeValue::Null(true));
                        set.push(format!("{path} = {v}"));
                    }
                    None => remove.push(self.path(segments)),
                },
                SetAction::IfNotExists(value) => {
                    let v = match value.clone()? {
                        Some(v) => v,
                        None if nested => AttributeValue::Null(true),
                        None => {
                            return Err(Error::Validation(format!(
                                "`set_if_not_exists` on `{}`: the value is stored as no attribute \
                                 (`None` or an empty set), so there is nothing to set, and \
                                 `if_not_exists` would write NULL; leave the action out",
                                display(segments)
                            )));
                        }
                    };
                    placed(&v, segments)?;
                    let path = self.path(segments);
                    let v = self.value(v);
                    set.push(format!("{path} = if_not_exists({path}, {v})"));
                }
                SetAction::Append { values, prepend } => {
                    let values = present(values, segments)?;
                    // The elements land where the list's own would: as if it were set there.
                    placed(&values, segments)?;
                    let path = self.path(segments);
                    let v = self.value(values);
                    let empty = self.value(AttributeValue::L(Vec::new()));
                    let current = format!("if_not_exists({path}, {empty})");
                    if *prepend {
                        set.push(format!("{path} = list_append({v}, {current})"));
                    } else {
                        set.push(format!("{path} = list_append({current}, {v})"));
                    }
                }
                SetAction::Counter => {
                    let path = self.path(segments);
                    let zero = self.value(AttributeValue::N("0".to_owned()));
                    let one = self.value(AttributeValue::N("1".to_owned()));
                    set.push(format!("{path} = if_not_exists({path}, {zero}) + {one}"));
                }
                SetAction::Arithmetic { plus, value } => {
                    let path = self.path(segments);
                    let v = self.value(present(value, segments)?);
                    let op = if *plus { '+' } else { '-' };
                    set.push(format!("{path} = {path} {op} {v}"));
                }
            }
        }
        for segments in &update.remove {
            remove.push(self.path(segments));
        }
        let mut add = Vec::new();
        for (segments, value) in &update.add {
            // Adding an empty set adds nothing (and must not leave an unused name behind).
            if let Some(v) = value.clone()? {
                let path = self.path(segments);
                let v = self.value(v);
                add.push(format!("{path} {v}"));
            }
        }
        let mut delete = Vec::new();
        for (segments, value) in &update.delete {
            if let Some(v) = value.clone()? {
                let path = self.path(segments);
                let v = self.value(v);
                delete.push(format!("{path} {v}"));
            }
        }
        let mut clauses = Vec::new();
        for (keyword, parts) in [
            ("SET", set),
            ("REMOVE", remove),
            ("ADD", add),
            ("DELETE", delete),
        ] {
            if !parts.is_empty() {
                clauses.push(format!("{keyword} {}", parts.join(", ")));
            }
        }
        if clauses.is_empty() {
            return Err(Error::Validation(
                "the update does nothing: every value added or deleted is an empty set".to_owned(),
            ));
        }
        Ok(clauses.join(" "))
    }
}

/// The value of an action that needs one (a list to append, a number to add): a value stored
/// as nothing is refused rather than sent as `NULL`, which DynamoDB would reject.
/// A value set at `segments` stays within DynamoDB's nesting limit, counting the lists and
/// maps of its path.
fn placed(value: &AttributeValue, segments: &[Segment]) -> Result<(), Error> {
    check_nesting_at(value, segments.len().max(1))
        .map_err(|e| Error::Encode(e.at(&display(segments))))
}

fn present(value: &Value, segments: &[Segment]) -> Result<AttributeValue, Error> {
    value.clone()?.ok_or_else(|| {
        Error::Validation(format!(
            "the update of `{}` needs a value, and this one is stored as no attribute",
            display(segments)
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::expr::Path;

    struct M;

    #[test]
    fn renders_every_clause_through_placeholders() {
        let status: Path<M, String> = Path::attribute("status");
        let count: Path<M, u64> = Path::attribute("count");
        let tags: Path<M, BTreeSet<String>> = Path::attribute("tags");
        let log: Path<M, Vec<String>> = Path::attribute("log");
        let update = Update::<M>::new()
            .set(&status, "open")
            .increment(&count, 2)
            .append(&log, ["x".to_owned()])
            .remove(&Path::<M, String>::attribute("size"))
            .add(&count, 1)
            .delete(&tags, BTreeSet::from(["a".to_owned()]));
        let mut p = Placeholders::default();
        let text = p.update(&update).unwrap();
        assert_eq!(
            text,
            "SET #n0 = :v0, #n1 = #n1 + :v1, #n2 = list_append(if_not_exists(#n2, :v3), :v2) \
             REMOVE #n3 ADD #n1 :v4 DELETE #n4 :v5"
        );
        let (names, _) = p.into_parts();
        assert_eq!(names.unwrap()["#n3"], "size");
    }

    #[test]
    fn empty_sets_leave_no_unused_placeholder() {
        let tags: Path<M, BTreeSet<String>> = Path::attribute("tags");
        let status: Path<M, String> = Path::attribute("status");
        let update = Update::<M>::new()
            .add(&tags, BTreeSet::new())
            .delete(&tags, BTreeSet::new())
            .set(&status, "x");
        let mut p = Placeholders::default();
        assert_eq!(p.update(&update).unwrap(), "SET #n0 = :v0");
        assert_eq!(p.names().unwrap().len(), 1);
        // An update of nothing but empty sets does nothing, and says so.
        let mut p = Placeholders::default();
        let only_empty = Update::<M>::new().add(&tags, BTreeSet::new());
        assert!(matches!(p.update(&only_empty), Err(Error::Validation(_))));
        // Setting an empty set removes the attribute.
        let mut p = Placeholders::default();
        let clear = Update::<M>::new().set(&tags, BTreeSet::new());
        assert_eq!(p.update(&clear).unwrap(), "REMOVE #n0");
    }

    #[test]
    fn nothing_inside_a_list_or_map_is_null_and_at_the_top_is_no_attribute() {
        let slots: Path<M, Vec<Option<i32>>> = Path::attribute("slots");
        let notes: Path<M, std::collections::HashMap<String, Option<String>>> =
            Path::attribute("notes");
        let tags: Path<M, BTreeSet<String>> = Path::attribute("tags");
        let update = Update::<M>::new()
            .set(&slots.at(1), None)
            .set_if_not_exists(&notes.key("a"), None)
            .set(&tags, BTreeSet::new());
        let mut p = Placeholders::default();
        assert_eq!(
            p.update(&update).unwrap(),
            "SET #n0[1] = :v0, #n1.#n2 = if_not_exists(#n1.#n2, :v1) REMOVE #n3"
        );
        let (_, values) = p.into_parts();
        let values = values.unwrap();
        assert_eq!(values[":v0"], AttributeValue::Null(true));
        assert_eq!(values[":v1"], AttributeValue::Null(true));
        // `if_not_exists` of an attribute with nothing to set would write NULL: refused.
        let mut p = Placeholders::default();
        let err = p
            .update(&Update::<M>::new().set_if_not_exists(&tags, BTreeSet::new()))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(m) if m.contains("`set_if_not_exists` on `tags`")),
            "{err}"
        );
    }
}
