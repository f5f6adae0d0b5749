//! Typed projections: structs that hold some of a model's attributes, read with
//! `.project::<P>()`, and what a query or scan of a table or index returns by default.
//!
//! A projection is a struct deriving `DynamoProjection` with `#[dynamo(model = Post)]`: each of
//! its fields names a stored field of the model, with the same type (checked at compile time),
//! and is read as the model reads it. The derive implements [`DynamoProjection`]; reads send a
//! `ProjectionExpression` of its attributes.

use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::Item;
use crate::error::{DecodeError, Error, Result};
use crate::expr::{Names, Placeholders, check_expression};
use crate::model::{DynamoModel, IndexSchema};

/// A struct holding some of the attributes of a model, read with `.project::<P>()` on `get`,
/// `batch_get`, `batch_get_full`, `query` and `scan`. Implemented by
/// `#[derive(DynamoProjection)]`, and by the item types generated for `keys_only` and
/// `include(..)` indexes (`PostBySlugItem`).
///
/// It can be implemented by hand too: reads send a `ProjectionExpression` of
/// [`ATTRIBUTES`](Self::ATTRIBUTES) (with the key attributes a read needs to resume or to match
/// answers to keys) and hand each item to [`from_item`](Self::from_item).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a projection",
    label = "not a `DynamoProjection`",
    note = "`project` reads a struct deriving `DynamoProjection` with `#[dynamo(model = ...)]` naming the model read; a read without `project` returns the model itself"
)]
pub trait DynamoProjection: Sized + Send + 'static {
    /// The model this is a projection of.
    type Model: DynamoModel;

    /// The attributes read (DynamoDB names, after `rename`), each once.
    const ATTRIBUTES: &'static [&'static str];

    /// Decodes an item that holds (at most) [`ATTRIBUTES`](Self::ATTRIBUTES) and the key
    /// attributes. Never panics: a mismatch is a [`DecodeError`] naming the attribute.
    fn from_item(item: Item) -> Result<Self, DecodeError>;
}

/// Decodes a projection `P` of model `M` read by key; for an entity of a shared table, after
/// checking the item is of that entity (a read never takes another entity's item).
pub(crate) fn decode_projection<M: DynamoModel, P: DynamoProjection<Model = M>>(
    item: Item,
) -> Result<P, DecodeError> {
    if let Some(entity) = M::SCHEMA.entity {
        crate::entity::check_entity_in(item.get(entity.attribute), &entity)?;
    }
    P::from_item(item)
}

/// What a query or scan of a table or index returns unless told otherwise (`.keys_only()`,
/// `.project::<P>()`): the model for the table and for an index projecting `all`, the
/// generated item type (`PostBySlugItem`) for a `keys_only` or `include(..)` index.
/// Implemented by the derive for the model and for each index marker.
pub trait ReadItem {
    /// The type read.
    type Item: Send + 'static;

    /// The attributes to ask for (`None`: every attribute the table or index holds).
    const ATTRIBUTES: Option<&'static [&'static str]>;

    /// Decodes one item.
    fn decode(item: Item) -> Result<Self::Item, DecodeError>;

    /// The entities a read keeps, for a table shared by several (see
    /// [`entity`](crate::entity)): `None` reads every item.
    const ENTITIES: Option<crate::entity::EntityFilter> = None;

    /// True for a collection (see [`entity`](crate::entity)): its items are of several models,
    /// so its reads take whole items, never `.keys_only()` or `.project::<P>()` (which would
    /// read every item as one model).
    const SEVERAL_MODELS: bool = false;
}

/// What a query or scan of `E` returns by default (see [`ReadItem`]).
pub type ItemOf<E> = <<E as crate::query::ReadSource>::Schema as ReadItem>::Item;

/// The stored fields of a model, for the projection derive: implemented by `DynamoModel`'s
/// derive with a struct (`PostAttributes`) holding one [`Column`] per stored field, under the
/// field's name. Not a public API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model that can be projected",
    label = "not a `DynamoModel`",
    note = "`#[dynamo(model = ...)]` names a struct that derives `DynamoModel`"
)]
pub trait ProjectionSource: DynamoModel {
    /// The struct of columns (`PostAttributes`).
    type Attributes: 'static;
    /// One [`Column`] per stored field.
    const COLUMNS: Self::Attributes;
}

/// One stored field of a model `M`, of type `T`: its attribute name and how the model decodes
/// it. Not a public API.
#[doc(hidden)]
pub struct Column<M, T> {
    name: &'static str,
    decode: fn(Option<AttributeValue>) -> Result<T, DecodeError>,
    _model: PhantomData<fn() -> M>,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Column<M, T> {}

impl<M, T> Column<M, T> {
    /// A column: the attribute name, and the model's decoding of the attribute (`None` when
    /// absent); the column adds the name to the path of a decoding error.
    pub const fn new(
        name: &'static str,
        decode: fn(Option<AttributeValue>) -> Result<T, DecodeError>,
    ) -> Self {
        Column {
            name,
            decode,
            _model: PhantomData,
        }
    }

    /// The attribute name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// The model's column `Self` reads a projection's field of type `P`: only when `P` is the
/// model field's type. Not a public API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this field is `{P}`, but the model's field of the same name is not",
    label = "not the type of the model's field",
    note = "a projection's field has exactly the type of the model's field it reads (found the model's `{Self}`)"
)]
pub trait ReadsAs<P>: Sized {
    /// Takes the column's attribute out of `item` and decodes it as the model does.
    fn read_from(self, item: &mut Item) -> Result<P, DecodeError>;
}

impl<M, T> ReadsAs<T> for Column<M, T> {
    fn read_from(self, item: &mut Item) -> Result<T, DecodeError> {
        (self.decode)(item.remove(self.name)).map_err(|e| e.at(self.name))
    }
}

impl<M, T> Column<M, T> {
    /// The projection field of type `P` read from `item` (a method, so that the column's type
    /// is known first and a `P` other than `T` is an unmet [`ReadsAs`] bound).
    pub fn read<P>(self, item: &mut Item) -> Result<P, DecodeError>
    where
        Self: ReadsAs<P>,
    {
        self.read_from(item)
    }
}

/// The `ProjectionExpression` of `attributes` and then `extra` (each name once), through
/// placeholders, with its `ExpressionAttributeNames`.
pub(crate) fn projection_expression(
    attributes: &[&str],
    extra: &[&str],
) -> Result<(String, Option<Names>)> {
    let mut p = Placeholders::default();
    let expression = projection_names(&mut p, attributes, extra);
    check_expression("ProjectionExpression", &expression)?;
    Ok((expression, p.into_parts().0))
}

/// The placeholders of `attributes` and then `extra`, each name once, joined with `, `.
pub(crate) fn projection_names(
    p: &mut Placeholders,
    attributes: &[&str],
    extra: &[&str],
) -> String {
    let mut seen: Vec<&str> = Vec::with_capacity(attributes.len() + extra.len());
    for name in attributes.iter().chain(extra) {
        if !seen.contains(name) {
            seen.push(name);
        }
    }
    seen.iter()
        .map(|name| p.name(name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`Error::IndexProjection`] when `index` lacks some of `attributes` (of model `M`).
pub(crate) fn check_index_holds<M: DynamoModel>(
    index: &IndexSchema,
    attributes: &[&str],
) -> Result<()> {
    let missing: Vec<String> = attributes
        .iter()
        .filter(|a| !index.projects(&M::SCHEMA, a))
        .map(|a| (*a).to_owned())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::IndexProjection {
            index: index.name.to_owned(),
            missing,
        })
    }
}
