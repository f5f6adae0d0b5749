//! `PutItem` of one model: the versioned and timestamped encoding, conditions, write-back.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::SystemTime;

use futures::future::BoxFuture;

use super::{
    Rendered, entity_guard, on_failure, render, send_write, version_attribute, version_condition,
};
use crate::codec::Item;
use crate::error::{Error, Result};
use crate::expr::{Condition, Path};
use crate::model::DynamoModel;
use crate::query::keys::{describe_key, key_of};
use crate::table::TableRef;
use crate::telemetry;
use crate::write::size::{check_item_size, check_key_values};
use crate::write::written::WriteBack;
use crate::write::{Marker, ReturnAllOld, ReturnNothing, Returns};

/// `PutItem` of one model, from [`Writer::put`](crate::Writer::put),
/// [`put_if_absent`](crate::Writer::put_if_absent) or [`replace`](crate::Writer::replace).
/// Await it.
///
/// Once the put succeeds, the model it was given holds what was stored: the next version of a
/// `#[dynamo(version)]` model, and the times of `#[dynamo(created_at)]` and
/// `#[dynamo(updated_at)]` fields. A put that fails leaves the model as it was. (A put that
/// stored its item but whose [`return_all_old`](Self::return_all_old) item does not decode
/// returns the decode error, with the model holding what was stored.)
///
/// Options: [`condition`](Self::condition) (typed, ANDed with any version check),
/// [`return_all_old`](Self::return_all_old) (the replaced item, decoded),
/// [`return_old_on_failure`](Self::return_old_on_failure) (the current item in
/// [`Error::ConditionalCheckFailed`], also inside [`Error::Unconfirmed`]).
#[must_use = "a write does nothing until it is awaited"]
pub struct Put<'a, M, R = ReturnNothing> {
    table: TableRef<M>,
    item: Result<Item>,
    conditions: Vec<Condition<M>>,
    on_failure: bool,
    written: WriteBack<'a, M>,
    _returns: Marker<R>,
}

/// A put ready to send.
pub(crate) struct PreparedPut {
    pub(crate) table: String,
    pub(crate) item: Item,
    pub(crate) rendered: Rendered,
    pub(crate) on_failure: bool,
}

/// Which put: a plain one, or one that only creates or only replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PutKind {
    /// `put`: creates or replaces.
    Put,
    /// `put_if_absent`: only creates.
    IfAbsent,
    /// `replace`: only replaces.
    Replace,
}

/// A put's item, the condition its version asks for, and whether it sets `created_at`.
pub(super) struct Encoded<M> {
    item: Item,
    condition: Option<Condition<M>>,
    created: bool,
}

/// Encodes `model` for a put at `now`: the version field holds the next version, `updated_at`
/// holds `now`, and so does `created_at` when the model says the item is new (`put_if_absent`, a
/// versioned model at its initial version, or an unset `created_at`); see
/// [`timestamp`](crate::write::timestamp).
pub(super) fn encode_for_put<M: DynamoModel>(
    model: &M,
    kind: PutKind,
    now: SystemTime,
) -> Result<Encoded<M>> {
    let mut item = model.to_item()?;
    let mut initial = false;
    let condition = match model.__version() {
        None => None,
        Some(version) => {
            let version = version?;
            let name = version_attribute::<M>()?;
            item.insert(name.to_owned(), version.next.clone());
            initial = version.initial;
            Some(version_condition::<M>(&version)?)
        }
    };
    let created = kind == PutKind::IfAbsent || initial || model.__created_at_unset();
    let stamps = M::__timestamps(now)?;
    if let (Some(name), Some(value)) = (M::SCHEMA.created_at, stamps.created_at)
        && created
    {
        item.insert(name.to_owned(), value);
    }
    if let (Some(name), Some(value)) = (M::SCHEMA.updated_at, stamps.updated_at) {
        item.insert(name.to_owned(), value);
    }
    Ok(Encoded {
        item,
        condition,
        created,
    })
}

impl<'a, M: DynamoModel> Put<'a, M> {
    pub(crate) fn new(table: TableRef<M>, model: &'a mut M, kind: PutKind) -> Self {
        let mut conditions = Vec::new();
        // One instant per write: `created_at` and `updated_at` are equal on a create.
        let now = SystemTime::now();
        let mut created = false;
        let mut item = encode_for_put(&*model, kind, now).map(|encoded| {
            conditions.extend(encoded.condition);
            created = encoded.created;
            encoded.item
        });
        let version = model.__version();
        match kind {
            PutKind::Put => {}
            // A versioned model read at version n > 0 says the item exists, so that
            // combination could only fail: it is refused before sending.
            PutKind::IfAbsent => {
                if matches!(version, Some(Ok(ref v)) if !v.initial) {
                    item = Err(Error::Validation(format!(
                        "put_if_absent of a `{}` whose version is not 0: a stored version means the item exists; use `put`, which checks the version",
                        M::SCHEMA.table
                    )));
                }
                conditions.push(Path::<M, ()>::attribute(M::SCHEMA.hash.name).not_exists());
            }
            // A versioned model at version 0 was never stored, so that combination could only
            // fail: it is refused before sending.
            PutKind::Replace => {
                if matches!(version, Some(Ok(ref v)) if v.initial) {
                    item = Err(Error::Validation(format!(
                        "replace of a `{}` at version 0: version 0 means it was never stored; use `put` to create it",
                        M::SCHEMA.table
                    )));
                }
                conditions.push(Path::<M, ()>::attribute(M::SCHEMA.hash.name).exists());
            }
        }
        Put {
            table,
            item,
            conditions,
            on_failure: false,
            written: WriteBack::new(model, now, created),
            _returns: PhantomData,
        }
    }

    /// Returns the item this put replaced, decoded (`None` when there was none).
    pub fn return_all_old(self) -> Put<'a, M, ReturnAllOld> {
        Put {
            table: self.table,
            item: self.item,
            conditions: self.conditions,
            on_failure: self.on_failure,
            written: self.written,
            _returns: PhantomData,
        }
    }
}

impl<'a, M: DynamoModel, R> Put<'a, M, R> {
    /// Only writes when `condition` holds for the stored item (ANDed with earlier conditions
    /// and the version check). A false condition is [`Error::ConditionalCheckFailed`], or
    /// [`Error::Unconfirmed`] when an earlier attempt got no answer or a 5xx.
    pub fn condition(mut self, condition: Condition<M>) -> Self {
        self.conditions.push(condition);
        self
    }

    /// On a failed condition, asks DynamoDB for the current item
    /// (`ReturnValuesOnConditionCheckFailure = ALL_OLD`); it is in the error's `item`, and
    /// [`Error::current_item`] decodes it.
    pub fn return_old_on_failure(mut self) -> Self {
        self.on_failure = true;
        self
    }

    /// The item this put writes, without its conditions (for `BatchWriteItem`), and what to
    /// write back into the model once it is written.
    pub(crate) fn into_item(self) -> (Result<Item>, WriteBack<'a, M>) {
        (self.item, self.written)
    }

    /// The size of the item this put writes (0 when it could not be encoded).
    pub(crate) fn item_size(&self) -> usize {
        self.item.as_ref().map_or(0, crate::write::size::item_size)
    }

    /// The same put with its item encoded and checked against DynamoDB's limits for keys and
    /// items (what [`prepare`](Self::prepare) does first), so that a run of puts can be
    /// refused before the first is sent.
    pub(crate) fn validated(self) -> Result<Self> {
        let item = self.item?;
        let key_text = || describe_key(&M::SCHEMA, &key_of(&M::SCHEMA, &item));
        check_key_values(&M::SCHEMA, self.table.name(), &key_text, &item)?;
        check_item_size(self.table.name(), &key_text, &item)?;
        Ok(Put {
            item: Ok(item),
            ..self
        })
    }

    /// The item's key attributes (empty when the item did not encode).
    pub(crate) fn key(&self) -> Item {
        self.item
            .as_ref()
            .map(|item| key_of(&M::SCHEMA, item))
            .unwrap_or_default()
    }

    /// The put ready to send, and what to write back into the model once it succeeded.
    pub(crate) fn prepare(self) -> Result<(PreparedPut, WriteBack<'a, M>)> {
        let put = self.validated()?;
        Ok((
            PreparedPut {
                table: put.table.name().to_owned(),
                item: put.item?,
                rendered: render(
                    put.conditions
                        .into_iter()
                        .chain(entity_guard::<M>(true))
                        .collect(),
                    None,
                )?,
                on_failure: put.on_failure,
            },
            put.written,
        ))
    }
}

impl<'a, M: DynamoModel, R: Returns<M>> IntoFuture for Put<'a, M, R> {
    type Output = Result<R::Output>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let client = self.table.client().clone();
        Box::pin(async move {
            let (p, written) = self.prepare()?;
            let span = telemetry::request(telemetry::Operation::PutItem, &p.table);
            let out = send_write(
                &span,
                client
                    .sdk()
                    .put_item()
                    .table_name(p.table)
                    .set_item(Some(p.item))
                    .set_condition_expression(p.rendered.condition)
                    .set_expression_attribute_names(p.rendered.names)
                    .set_expression_attribute_values(p.rendered.values)
                    .set_return_values(R::return_value())
                    .set_return_values_on_condition_check_failure(on_failure(p.on_failure))
                    .send(),
            )
            .await?;
            // Stored: the model takes what was written, whether or not the returned old item
            // decodes.
            written.apply();
            R::output(out.attributes)
        })
    }
}
