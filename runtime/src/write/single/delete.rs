//! `DeleteItem` of one key: by item or by key, with the version check.

use std::future::IntoFuture;
use std::marker::PhantomData;

use futures::future::BoxFuture;

use super::{
    Rendered, VersionMode, entity_guard, missing_version, on_failure, render, send_write,
    version_condition,
};
use crate::codec::{IntoAttributeValue, Item, VersionAttribute};
use crate::error::{Error, Result};
use crate::expr::Condition;
use crate::model::DynamoModel;
use crate::query::keys::describe_key;
use crate::table::TableRef;
use crate::telemetry;
use crate::write::{Marker, ReturnAllOld, ReturnNothing, Returns};

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
        conditions.extend(entity_guard::<M>(true));
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
            let span = telemetry::request(telemetry::Operation::DeleteItem, &p.table);
            let out = send_write(
                &span,
                client
                    .sdk()
                    .delete_item()
                    .table_name(p.table)
                    .set_key(Some(p.key))
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
