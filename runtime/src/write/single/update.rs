//! `UpdateItem` of one key: typed update actions, the version check and the timestamps.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::SystemTime;

use futures::future::BoxFuture;

use super::{
    Rendered, VersionMode, entity_guard, missing_version, on_failure, render, send_write,
    version_condition,
};
use crate::codec::{IntoAttributeValue, Item, VersionAttribute};
use crate::error::{Error, Result};
use crate::expr::{Condition, Update};
use crate::model::DynamoModel;
use crate::query::keys::describe_key;
use crate::table::TableRef;
use crate::telemetry;
use crate::write::size::check_key_values;
use crate::write::{
    Marker, ReturnAllNew, ReturnAllOld, ReturnNothing, ReturnUpdatedNew, ReturnUpdatedOld, Returns,
};

/// `UpdateItem` of one key, from a primary key's `update`. Await it.
///
/// Like DynamoDB, an update of a key that holds no item creates one with the key and the
/// updated attributes (add `.condition(...)` with `exists()` to prevent that); except for an
/// entity of a shared table, whose update needs an item of that entity at the key (see
/// [`entity`](crate::entity)). Return values:
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
            &|| describe_key(&M::SCHEMA, &key),
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
                VersionMode::Expect(v) if v.initial && M::SCHEMA.entity.is_some() => {
                    return Err(Error::Validation(format!(
                        "update of {} in table `{}`: version 0 means no item is stored, and an update of an entity of a shared table needs its item (it would create one without its other fields or its entity name); create it with `put`",
                        describe_key(&M::SCHEMA, &key),
                        M::SCHEMA.table
                    )));
                }
                VersionMode::Expect(v) => {
                    conditions.push(version_condition::<M>(&v)?);
                    update = update.set_raw(name, v.next);
                }
                VersionMode::Skip => update = update.increment_raw(name),
                VersionMode::Missing => return Err(missing_version::<M>("update", &key)),
                VersionMode::Unversioned => {}
            }
        }
        conditions.extend(update.guards().iter().cloned());
        conditions.extend(entity_guard::<M>(false));
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
            let span = telemetry::request(telemetry::Operation::UpdateItem, &p.table);
            let out = send_write(
                &span,
                client
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
                    .send(),
            )
            .await?;
            R::output(out.attributes)
        })
    }
}

/// An update with the model's timestamps (see [`timestamp`](crate::write::timestamp)): `updated_at`
/// set to now, `created_at` set to now only where the item has none (an update that creates
/// the item). An attribute the update acts on itself is left to that action.
pub(super) fn with_timestamps<M: DynamoModel>(mut update: Update<M>) -> Result<Update<M>> {
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
