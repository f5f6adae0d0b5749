//! `get`: one item by its primary key.

use std::future::IntoFuture;

use crate::codec::Item;
use crate::error::{EncodeError, Result};
use crate::model::DynamoModel;
use crate::table::TableRef;

/// Reads one item by primary key. Await it for `Option<M>`.
#[must_use = "a read does nothing until it is awaited"]
pub struct Get<M: DynamoModel> {
    table: TableRef<M>,
    key: Result<Item, EncodeError>,
    consistent: bool,
}

impl<M: DynamoModel> std::fmt::Debug for Get<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Get")
            .field("table", &self.table.name())
            .field("key", &self.key)
            .field("consistent", &self.consistent)
            .finish()
    }
}

impl<M: DynamoModel> Get<M> {
    pub(crate) fn new(table: TableRef<M>, key: Result<Item, EncodeError>) -> Self {
        Get {
            table,
            key,
            consistent: false,
        }
    }

    /// A strongly consistent read: it sees every write that succeeded before it.
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    async fn run(self) -> Result<Option<M>> {
        let key = self.key?;
        let out = self
            .table
            .client()
            .sdk()
            .get_item()
            .table_name(self.table.name())
            .set_key(Some(key))
            .set_consistent_read(self.consistent.then_some(true))
            .send()
            .await?;
        match out.item {
            Some(item) if !item.is_empty() => Ok(Some(super::batch_get::decode_item::<M>(
                self.table.name(),
                item,
            )?)),
            _ => Ok(None),
        }
    }
}

impl<M: DynamoModel> IntoFuture for Get<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
