//! Single-item writes: `PutItem`, `DeleteItem` and `UpdateItem` builders.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::SystemTime;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::size::{check_item_size, check_key_values};
use super::version::VersionValues;
use super::written::WriteBack;
use super::{
    Marker, ReturnAllNew, ReturnAllOld, ReturnNothing, ReturnUpdatedNew, ReturnUpdatedOld, Returns,
};
use crate::codec::{IntoAttributeValue, Item, VersionAttribute};
use crate::error::{Error, Result};
use crate::expr::{Condition, Names, Path, Placeholders, Update, Values, check_expression};
use crate::model::DynamoModel;
use crate::query::keys::{describe_key, key_of};
use crate::table::TableRef;
use crate::telemetry;

use futures::future::BoxFuture;

/// A rendered condition (or update) with its placeholders.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub(crate) condition: Option<String>,
    pub(crate) update: Option<String>,
    pub(crate) names: Option<Names>,
    pub(crate) values: Option<Values>,
}

fn render<M>(conditions: Vec<Condition<M>>, update: Option<&Update<M>>) -> Result<Rendered> {
    let mut placeholders = Placeholders::default();
    let update = update.map(|u| placeholders.update(u)).transpose()?;
    let condition = Condition::all(conditions)
        .map(|c| placeholders.condition(&c))
        .transpose()?;
    if let Some(update) = &update {
        check_expression("UpdateExpression", update)?;
    }
    if let Some(condition) = &condition {
        check_expression("ConditionExpression", condition)?;
    }
    let (names, values) = placeholders.into_parts();
    Ok(Rendered {
        condition,
        update,
        names,
        values,
    })
}

pub(crate) fn on_failure(asked: bool) -> Option<ReturnValuesOnConditionCheckFailure> {
    asked.then_some(ReturnValuesOnConditionCheckFailure::AllOld)
}

/// What a write's failure means after `lost` watched its attempts: once one was sent and got
/// no answer (or a 5xx), a later attempt's failure leaves the write open, whether its condition
/// was false (perhaps against that attempt's own result) or it was throttled. A failure that
/// itself got no answer says so already.
fn write_outcome(error: Error, lost: &crate::retry::LostAnswers) -> Error {
    if lost.any() && !error.is_unanswered() {
        Error::Unconfirmed {
            source: Box::new(error),
        }
    } else {
        error
    }
}

/// The condition a versioned write of a model at `version` needs.
fn version_condition<M: DynamoModel>(version: &VersionValues) -> Result<Condition<M>> {
    if version.initial {
        return Ok(Path::<M, ()>::attribute(M::SCHEMA.hash.name).not_exists());
    }
    let name = version_attribute::<M>()?;
    Ok(Path::<M, AttributeValue>::attribute(name).eq(version.current.clone()))
}

fn version_attribute<M: DynamoModel>() -> Result<&'static str> {
    M::SCHEMA.version.ok_or_else(|| {
        Error::Validation(format!(
            "model of table `{}` has no `#[dynamo(version)]` field",
            M::SCHEMA.table
        ))
    })
}

/// How a write by key treats `#[dynamo(version)]`.
#[derive(Debug, Clone)]
pub(crate) enum VersionMode {
    /// The model has no version field.
    Unversioned,
    /// The caller gave the version the item was read at.
    Expect(VersionValues),
    /// The caller asked to write whatever version is stored.
    Skip,
    /// Versioned, and the caller said neither: refused before sending.
    Missing,
}

impl VersionMode {
    fn for_model<M: DynamoModel>() -> Self {
        if M::SCHEMA.version.is_some() {
            VersionMode::Missing
        } else {
            VersionMode::Unversioned
        }
    }

    fn expect<M: DynamoModel, V: VersionAttribute + IntoAttributeValue>(
        version: V,
    ) -> Result<Self> {
        version_attribute::<M>()?;
        Ok(VersionMode::Expect(VersionValues::of(version)?))
    }

    fn skip<M: DynamoModel>() -> Self {
        match Self::for_model::<M>() {
            VersionMode::Unversioned => VersionMode::Unversioned,
            _ => VersionMode::Skip,
        }
    }
}

fn missing_version<M: DynamoModel>(what: &str, key: &Item) -> Error {
    Error::Validation(format!(
        "{what} of {} in table `{}`: the model is versioned (`#[dynamo(version)]`); give the version the item was read at with `.if_version(n)`, or write unconditionally with `.skip_version_check()`",
        describe_key(&M::SCHEMA, key),
        M::SCHEMA.table
    ))
}

// ---------------------------------------------------------------------------------------------
// Put

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
    pub(crate) key: Item,
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
struct Encoded<M> {
    item: Item,
    condition: Option<Condition<M>>,
    created: bool,
}

/// Encodes `model` for a put at `now`: the version field holds the next version, `updated_at`
/// holds `now`, and so does `created_at` when the item is known to be new (`put_if_absent`, a
/// versioned model at its initial version, or an unset `created_at`); see
/// [`timestamp`](super::timestamp).
fn encode_for_put<M: DynamoModel>(model: &M, kind: PutKind, now: SystemTime) -> Result<Encoded<M>> {
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
        self.item.as_ref().map_or(0, super::size::item_size)
    }

    /// The same put with its item encoded and checked against DynamoDB's limits for keys and
    /// items (what [`prepare`](Self::prepare) does first), so that a run of puts can be
    /// refused before the first is sent.
    pub(crate) fn validated(self) -> Result<Self> {
        let item = self.item?;
        let key = key_of(&M::SCHEMA, &item);
        let key_text = describe_key(&M::SCHEMA, &key);
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
        let key = put.key();
        Ok((
            PreparedPut {
                table: put.table.name().to_owned(),
                item: put.item?,
                key,
                rendered: render(put.conditions, None)?,
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
            let lost = crate::retry::LostAnswers::default();
            let span = telemetry::request(telemetry::Operation::PutItem, &p.table);
            let request = client
                .sdk()
                .put_item()
                .table_name(p.table)
                .set_item(Some(p.item))
                .set_condition_expression(p.rendered.condition)
                .set_expression_attribute_names(p.rendered.names)
                .set_expression_attribute_values(p.rendered.values)
                .set_return_values(R::return_value())
                .set_return_values_on_condition_check_failure(on_failure(p.on_failure))
                .customize()
                .interceptor(lost.clone())
                .send();
            let out = telemetry::send(&span, request)
                .await
                .map_err(|e| write_outcome(e.into(), &lost))?;
            // Stored: the model takes what was written, whether or not the returned old item
            // decodes.
            written.apply();
            R::output(out.attributes)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Delete

/// `DeleteItem` of one key, from [`Writer::delete`](crate::Writer::delete) or a primary key's
/// `delete`. Await it. Deleting a key that holds no item succeeds.
#[must_use = "a write does nothing until it is awaited"]
pub struct Delete<M, R = ReturnNothing> {
    table: TableRef<M>,
    key: Result<Item>,
    conditions: Vec<Condition<M>>,
    version: Result<VersionMode>,
    on_failure: bool,
    _returns: Marker<R>,
}

/// A delete ready to send.
pub(crate) struct PreparedDelete {
    pub(crate) table: String,
    pub(crate) key: Item,
    pub(crate) rendered: Rendered,
    pub(crate) on_failure: bool,
}

impl<M: DynamoModel> Delete<M> {
    pub(crate) fn of_item(table: TableRef<M>, model: &M) -> Self {
        // Only the key is encoded: a model whose other fields do not encode (a NaN, say) can
        // still be deleted.
        let key = crate::model::ModelKey::to_key_item(&model.key()).map_err(Error::from);
        let version = match model.__version() {
            None => Ok(VersionMode::Unversioned),
            Some(v) => v.map(VersionMode::Expect).map_err(Error::from),
        };
        Delete {
            table,
            key,
            conditions: Vec::new(),
            version,
            on_failure: false,
            _returns: PhantomData,
        }
    }

    pub(crate) fn of_key(table: TableRef<M>, key: Result<Item>) -> Self {
        Delete {
            table,
            key,
            conditions: Vec::new(),
            version: Ok(VersionMode::for_model::<M>()),
            on_failure: false,
            _returns: PhantomData,
        }
    }

    /// Returns the deleted item, decoded (`None` when there was none).
    pub fn return_all_old(self) -> Delete<M, ReturnAllOld> {
        Delete {
            table: self.table,
            key: self.key,
            conditions: self.conditions,
            version: self.version,
            on_failure: self.on_failure,
            _returns: PhantomData,
        }
    }
}

impl<M: DynamoModel, R> Delete<M, R> {
    /// Only deletes when `condition` holds for the stored item.
    pub fn condition(mut self, condition: Condition<M>) -> Self {
        self.conditions.push(condition);
        self
    }

    /// On a failed condition, the current item is in the error (see [`Error::current_item`]).
    pub fn return_old_on_failure(mut self) -> Self {
        self.on_failure = true;
        self
    }

    /// For a versioned model: only deletes when the stored version is `version`.
    pub fn if_version<V: VersionAttribute + IntoAttributeValue>(mut self, version: V) -> Self {
        self.version = VersionMode::expect::<M, V>(version);
        self
    }

    /// For a versioned model: deletes whatever version is stored.
    pub fn skip_version_check(mut self) -> Self {
        self.version = Ok(VersionMode::skip::<M>());
        self
    }

    pub(crate) fn prepare(self) -> Result<PreparedDelete> {
        let key = self.key?;
        let mut conditions = self.conditions;
        match self.version? {
            VersionMode::Unversioned | VersionMode::Skip => {}
            VersionMode::Expect(v) => {
                if v.initial {
                    return Err(Error::Validation(format!(
                        "delete of {} in table `{}`: a model at version 0 was never stored, so there is nothing to delete",
                        describe_key(&M::SCHEMA, &key),
                        M::SCHEMA.table
                    )));
                }
                conditions.push(version_condition::<M>(&v)?);
            }
            VersionMode::Missing => return Err(missing_version::<M>("delete", &key)),
        }
        Ok(PreparedDelete {
            table: self.table.name().to_owned(),
            key,
            rendered: render(conditions, None)?,
            on_failure: self.on_failure,
        })
    }
}

impl<M: DynamoModel, R: Returns<M>> IntoFuture for Delete<M, R> {
    type Output = Result<R::Output>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let client = self.table.client().clone();
        Box::pin(async move {
            let p = self.prepare()?;
            let lost = crate::retry::LostAnswers::default();
            let span = telemetry::request(telemetry::Operation::DeleteItem, &p.table);
            let request = client
                .sdk()
                .delete_item()
                .table_name(p.table)
                .set_key(Some(p.key))
                .set_condition_expression(p.rendered.condition)
                .set_expression_attribute_names(p.rendered.names)
                .set_expression_attribute_values(p.rendered.values)
                .set_return_values(R::return_value())
                .set_return_values_on_condition_check_failure(on_failure(p.on_failure))
                .customize()
                .interceptor(lost.clone())
                .send();
            let out = telemetry::send(&span, request)
                .await
                .map_err(|e| write_outcome(e.into(), &lost))?;
            R::output(out.attributes)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Update

/// `UpdateItem` of one key, from a primary key's `update`. Await it.
///
/// Like DynamoDB, an update of a key that holds no item creates one with the key and the
/// updated attributes (add `.condition(...)` with `exists()` to prevent that). Return values:
/// [`return_all_old`](Self::return_all_old) and [`return_all_new`](Self::return_all_new)
/// decode the whole item into the model (an item that lacks required attributes is a
/// [`Error::Decode`], never a half-filled model);
/// [`return_updated_old`](Self::return_updated_old) and
/// [`return_updated_new`](Self::return_updated_new) give the updated attributes as a raw item.
#[must_use = "a write does nothing until it is awaited"]
pub struct UpdateItem<M, R = ReturnNothing> {
    table: TableRef<M>,
    key: Result<Item>,
    update: Update<M>,
    conditions: Vec<Condition<M>>,
    version: Result<VersionMode>,
    on_failure: bool,
    _returns: Marker<R>,
}

/// An update ready to send.
pub(crate) struct PreparedUpdate {
    pub(crate) table: String,
    pub(crate) key: Item,
    pub(crate) rendered: Rendered,
    pub(crate) on_failure: bool,
}

impl<M: DynamoModel> UpdateItem<M> {
    pub(crate) fn new(table: TableRef<M>, key: Result<Item>, update: Update<M>) -> Self {
        UpdateItem {
            table,
            key,
            update,
            conditions: Vec::new(),
            version: Ok(VersionMode::for_model::<M>()),
            on_failure: false,
            _returns: PhantomData,
        }
    }
}

impl<M: DynamoModel, R> UpdateItem<M, R> {
    fn returning<R2>(self) -> UpdateItem<M, R2> {
        UpdateItem {
            table: self.table,
            key: self.key,
            update: self.update,
            conditions: self.conditions,
            version: self.version,
            on_failure: self.on_failure,
            _returns: PhantomData,
        }
    }

    /// Returns the whole item as it was before, decoded (`None` when there was none).
    pub fn return_all_old(self) -> UpdateItem<M, ReturnAllOld> {
        self.returning()
    }

    /// Returns the whole item as it is after the update, decoded.
    pub fn return_all_new(self) -> UpdateItem<M, ReturnAllNew> {
        self.returning()
    }

    /// Returns the updated attributes as they were before, as a raw item.
    pub fn return_updated_old(self) -> UpdateItem<M, ReturnUpdatedOld> {
        self.returning()
    }

    /// Returns the updated attributes as they are after, as a raw item.
    pub fn return_updated_new(self) -> UpdateItem<M, ReturnUpdatedNew> {
        self.returning()
    }

    /// Only updates when `condition` holds for the stored item.
    pub fn condition(mut self, condition: Condition<M>) -> Self {
        self.conditions.push(condition);
        self
    }

    /// On a failed condition, the current item is in the error (see [`Error::current_item`]).
    pub fn return_old_on_failure(mut self) -> Self {
        self.on_failure = true;
        self
    }

    /// For a versioned model: only updates when the stored version is `version`, and stores
    /// `version + 1`.
    pub fn if_version<V: VersionAttribute + IntoAttributeValue>(mut self, version: V) -> Self {
        self.version = VersionMode::expect::<M, V>(version);
        self
    }

    /// For a versioned model: updates whatever version is stored, and still increments it
    /// (so that writers holding the old version lose their race).
    pub fn skip_version_check(mut self) -> Self {
        self.version = Ok(VersionMode::skip::<M>());
        self
    }

    pub(crate) fn prepare(self) -> Result<PreparedUpdate> {
        let key = self.key?;
        let mut conditions = self.conditions;
        let mut update = self.update;
        let mode = self.version?;
        // DynamoDB never changes an item's key. `{Model}Fields` gives key attributes no update
        // actions; a path built by hand is caught here, before sending.
        let range = M::SCHEMA.range.as_ref().map(|r| r.name);
        if let Some(name) = update.key_attribute(M::SCHEMA.hash.name, range) {
            return Err(Error::Validation(format!(
                "update of {} in table `{}`: `{name}` is a key attribute, and DynamoDB does not update key attributes; put the item under its new key and delete the old one",
                describe_key(&M::SCHEMA, &key),
                M::SCHEMA.table
            )));
        }
        // an index's key attribute set here is held to the limits a put's would be
        let key_names: Vec<&str> = M::SCHEMA.key_attributes().iter().map(|a| a.name).collect();
        check_key_values(
            &M::SCHEMA,
            self.table.name(),
            &describe_key(&M::SCHEMA, &key),
            &update.top_level_values(&key_names),
        )?;
        update = with_timestamps::<M>(update)?;
        if let Some(name) = M::SCHEMA.version {
            if update.touches(name) {
                return Err(Error::Validation(format!(
                    "update of {} in table `{}`: the version attribute `{name}` is managed by `#[dynamo(version)]` and cannot be updated directly",
                    describe_key(&M::SCHEMA, &key),
                    M::SCHEMA.table
                )));
            }
            match mode {
                VersionMode::Expect(v) => {
                    conditions.push(version_condition::<M>(&v)?);
                    update = update.set_raw(name, v.next);
                }
                VersionMode::Skip => update = update.increment_raw(name),
                VersionMode::Missing => return Err(missing_version::<M>("update", &key)),
                VersionMode::Unversioned => {}
            }
        }
        Ok(PreparedUpdate {
            table: self.table.name().to_owned(),
            key,
            rendered: render(conditions, Some(&update))?,
            on_failure: self.on_failure,
        })
    }
}

impl<M: DynamoModel, R: Returns<M>> IntoFuture for UpdateItem<M, R> {
    type Output = Result<R::Output>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let client = self.table.client().clone();
        Box::pin(async move {
            let p = self.prepare()?;
            let lost = crate::retry::LostAnswers::default();
            let span = telemetry::request(telemetry::Operation::UpdateItem, &p.table);
            let request = client
                .sdk()
                .update_item()
                .table_name(p.table)
                .set_key(Some(p.key))
                .set_update_expression(p.rendered.update)
                .set_condition_expression(p.rendered.condition)
                .set_expression_attribute_names(p.rendered.names)
                .set_expression_attribute_values(p.rendered.values)
                .set_return_values(R::return_value())
                .set_return_values_on_condition_check_failure(on_failure(p.on_failure))
                .customize()
                .interceptor(lost.clone())
                .send();
            let out = telemetry::send(&span, request)
                .await
                .map_err(|e| write_outcome(e.into(), &lost))?;
            R::output(out.attributes)
        })
    }
}

/// An update with the model's timestamps (see [`timestamp`](super::timestamp)): `updated_at`
/// set to now, `created_at` set to now only where the item has none (an update that creates
/// the item). An attribute the update acts on itself is left to that action.
fn with_timestamps<M: DynamoModel>(mut update: Update<M>) -> Result<Update<M>> {
    if M::SCHEMA.created_at.is_none() && M::SCHEMA.updated_at.is_none() {
        return Ok(update);
    }
    let stamps = M::__timestamps(SystemTime::now())?;
    if let (Some(name), Some(value)) = (M::SCHEMA.created_at, stamps.created_at)
        && !update.touches(name)
    {
        update = update.set_if_not_exists_raw(name, value);
    }
    if let (Some(name), Some(value)) = (M::SCHEMA.updated_at, stamps.updated_at)
        && !update.touches(name)
    {
        update = update.set_raw(name, value);
    }
    Ok(update)
}

/// Makes a prepared condition for transactions' `ConditionCheck`.
pub(crate) fn render_condition<M>(condition: Condition<M>) -> Result<Rendered> {
    render(vec![condition], None)
}
