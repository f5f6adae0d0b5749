//! `get`: one item by its primary key.

use std::future::IntoFuture;

use aws_sdk_dynamodb::types::TransactGetItem;

use crate::codec::Item;
use crate::error::{EncodeError, Result};
use crate::model::DynamoModel;
use crate::query::keys::read_key_names;
use crate::query::page::Decoder;
use crate::query::projection::{DynamoProjection, projection_expression};
use crate::table::TableRef;
use crate::telemetry::{self, Operation};

/// Reads one item by primary key. Await it for `Option<M>`, or `Option<P>` after
/// [`project`](Self::project).
#[must_use = "a read does nothing until it is awaited"]
pub struct Get<M: DynamoModel, T = M> {
    table: TableRef<M>,
    key: Result<Item, EncodeError>,
    consistent: bool,
    /// The attributes read (`.project::<P>()`); `None`: the whole item.
    attributes: Option<&'static [&'static str]>,
    decode: Decoder<T>,
}

impl<M: DynamoModel, T> std::fmt::Debug for Get<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Get")
            .field("table", &self.table.name())
            .field("key", &self.key)
            .field("consistent", &self.consistent)
            .field("attributes", &self.attributes)
            .finish()
    }
}

impl<M: DynamoModel> TableRef<M> {
    /// `GetItem` of the item with `key` (the generated key struct, such as `PostKey`): what
    /// `primary_key().get(..)` reads, addressed by the key struct. Await it, or put it in a
    /// [`Client::transact_get`](crate::Client::transact_get).
    pub fn get(&self, key: M::Key) -> Get<M> {
        Get::new(self.clone(), crate::model::ModelKey::to_key_item(&key))
    }
}

impl<M: DynamoModel> Get<M> {
    pub(crate) fn new(table: TableRef<M>, key: Result<Item, EncodeError>) -> Self {
        Get {
            table,
            key,
            consistent: false,
            attributes: None,
            decode: M::from_item,
        }
    }

    /// Reads the item as the projection `P` (a struct deriving `DynamoProjection` of this
    /// model): the request's `ProjectionExpression` names `P`'s attributes and the table's key
    /// attributes (so that an item lacking all of `P`'s attributes is still told apart from
    /// no item). Await it for `Option<P>`.
    pub fn project<P: DynamoProjection<Model = M>>(self) -> Get<M, P> {
        Get {
            table: self.table,
            key: self.key,
            consistent: self.consistent,
            attributes: Some(P::ATTRIBUTES),
            decode: super::projection::decode_projection::<M, P>,
        }
    }
}

impl<M: DynamoModel, T: Send + 'static> Get<M, T> {
    /// A strongly consistent read: it sees every write that succeeded before it.
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    async fn run(self) -> Result<Option<T>> {
        let key = self.key?;
        let (projection, names) = match self.attributes {
            Some(attributes) => {
                let keys = read_key_names::<M>();
                let (expression, names) = projection_expression(attributes, &keys)?;
                (Some(expression), names)
            }
            None => (None, None),
        };
        let span = telemetry::request(Operation::GetItem, self.table.name());
        span.record("aws.dynamodb.consistent_read", self.consistent);
        if let Some(projection) = &projection {
            telemetry::projection(&span, projection, names.as_ref());
        }
        let request = self
            .table
            .client()
            .sdk()
            .get_item()
            .table_name(self.table.name())
            .set_key(Some(key))
            .set_consistent_read(self.consistent.then_some(true))
            .set_projection_expression(projection)
            .set_expression_attribute_names(names)
            .send();
        let out = telemetry::send(&span, request).await?;
        match out.item {
            Some(item) if !item.is_empty() => Ok(Some(super::batch_get::decode_with::<M, T>(
                self.table.name(),
                item,
                self.decode,
            )?)),
            _ => Ok(None),
        }
    }
}

/// How the answer of a [`Get`] in a transaction is decoded.
#[doc(hidden)]
pub struct GetDecoder<M, T> {
    table: String,
    decode: Decoder<T>,
    _model: std::marker::PhantomData<fn() -> M>,
}

impl<M: DynamoModel, T> GetDecoder<M, T> {
    pub(crate) fn decode(self, item: Option<Item>) -> Result<Option<T>> {
        match item {
            Some(item) if !item.is_empty() => Ok(Some(super::batch_get::decode_with::<M, T>(
                &self.table,
                item,
                self.decode,
            )?)),
            _ => Ok(None),
        }
    }
}

impl<M: DynamoModel, T> Get<M, T> {
    /// The read as one action of a `TransactGetItems`, and how to decode its answer.
    pub(crate) fn into_transact(self) -> Result<(TransactGetItem, GetDecoder<M, T>)> {
        let key = self.key?;
        let (projection, names) = match self.attributes {
            Some(attributes) => {
                let (expression, names) =
                    projection_expression(attributes, &read_key_names::<M>())?;
                (Some(expression), names)
            }
            None => (None, None),
        };
        let get = aws_sdk_dynamodb::types::Get::builder()
            .table_name(self.table.name())
            .set_key(Some(key))
            .set_projection_expression(projection)
            .set_expression_attribute_names(names)
            .build()
            .map_err(crate::Error::from)?;
        let decoder = GetDecoder {
            table: self.table.name().to_owned(),
            decode: self.decode,
            _model: std::marker::PhantomData,
        };
        Ok((TransactGetItem::builder().get(get).build(), decoder))
    }
}

impl<M: DynamoModel, T: Send + 'static> IntoFuture for Get<M, T> {
    type Output = Result<Option<T>>;
    type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
