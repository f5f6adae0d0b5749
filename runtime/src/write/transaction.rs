//! Transactions: [`TransactWrite`] (puts, updates, deletes and condition checks across models
//! and tables, all or nothing) and [`TransactGet`] (a consistent read of items of different
//! models, as a tuple of `Option`s).

use std::collections::HashSet;
use std::future::IntoFuture;

use aws_sdk_dynamodb::types::{
    ConditionCheck as SdkConditionCheck, Delete as SdkDelete, Put as SdkPut,
    ReturnConsumedCapacity, TransactGetItem, TransactWriteItem, Update as SdkUpdate,
};

use super::ReturnNothing;
use super::single::{Delete, Put, UpdateItem, on_failure, render_condition};
use crate::client::Client;
use crate::codec::{Item, KeyIdentity};
use crate::error::{CancellationReason, Error, Limit, Result};
use crate::expr::{Condition, Update};
use crate::model::{DynamoModel, ModelKey, TableSchema};
use crate::query::keys::table_key_identity;
use crate::query::keys::{describe_key, key_of};
use crate::query::{ConsumedCapacity, Get, GetDecoder, WithConsumedCapacity};
use crate::table::TableRef;
use crate::telemetry;

use futures::future::BoxFuture;

/// The most actions one transaction takes.
pub const MAX_TRANSACTION_ACTIONS: usize = Limit::TransactionActions.max();

/// A transaction takes 1 to 100 actions: none is a [`Error::Validation`], more is a
/// [`Error::LimitExceeded`].
fn check_action_count(count: usize, what: &str) -> Result<()> {
    if count == 0 {
        return Err(Error::Validation(format!("{what} has no action")));
    }
    if count > MAX_TRANSACTION_ACTIONS {
        return Err(Error::LimitExceeded {
            limit: Limit::TransactionActions,
            found: count,
            at: what.to_owned(),
        });
    }
    Ok(())
}

/// One action of a transaction, ready to send, with what a put writes back into its model
/// once the transaction committed.
pub struct TransactAction<'a> {
    item: TransactWriteItem,
    table: String,
    identity: (String, Option<KeyIdentity>),
    key_text: String,
    written: Option<Box<dyn FnOnce() + Send + 'a>>,
}

impl std::fmt::Debug for TransactAction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactAction")
            .field("table", &self.table)
            .field("key", &self.key_text)
            .finish()
    }
}

/// The table and key an action targets (as DynamoDB tells items apart), and the key as text.
fn identity(
    table: &str,
    schema: &TableSchema,
    key: &Item,
) -> ((String, Option<KeyIdentity>), String) {
    (
        (table.to_owned(), table_key_identity(schema, key)),
        describe_key(schema, key),
    )
}

/// A write builder that can be an action of a [`TransactWrite`]: a [`Put`], [`Delete`] or
/// [`UpdateItem`] without return values (transactions return none), or a [`ConditionCheck`].
/// Their conditions, version checks and `return_old_on_failure` carry over, and a put writes
/// back into its model once the transaction committed, as a single put does.
pub trait IntoTransactAction<'a> {
    /// Renders the action.
    fn into_action(self) -> Result<TransactAction<'a>>;
}

impl<'a, M: DynamoModel> IntoTransactAction<'a> for Put<'a, M, ReturnNothing> {
    fn into_action(self) -> Result<TransactAction<'a>> {
        let (p, written) = self.prepare()?;
        let key = key_of(&M::SCHEMA, &p.item);
        let (identity, key_text) = identity(&p.table, &M::SCHEMA, &key);
        let put = SdkPut::builder()
            .table_name(&p.table)
            .set_item(Some(p.item))
            .set_condition_expression(p.rendered.condition)
            .set_expression_attribute_names(p.rendered.names)
            .set_expression_attribute_values(p.rendered.values)
            .set_return_values_on_condition_check_failure(on_failure(p.on_failure))
            .build()
            .map_err(Error::from)?;
        Ok(TransactAction {
            item: TransactWriteItem::builder().put(put).build(),
            table: p.table,
            identity,
            key_text,
            written: Some(written.boxed()),
        })
    }
}

impl<M: DynamoModel> IntoTransactAction<'_> for Delete<M, ReturnNothing> {
    fn into_action(self) -> Result<TransactAction<'static>> {
        let p = self.prepare()?;
        let (identity, key_text) = identity(&p.table, &M::SCHEMA, &p.key);
        let delete = SdkDelete::builder()
            .table_name(&p.table)
            .set_key(Some(p.key))
            .set_condition_expression(p.rendered.condition)
            .set_expression_attribute_names(p.rendered.names)
            .set_expression_attribute_values(p.rendered.values)
            .set_return_values_on_condition_check_failure(on_failure(p.on_failure))
            .build()
            .map_err(Error::from)?;
        Ok(TransactAction {
            item: TransactWriteItem::builder().delete(delete).build(),
            table: p.table,
            identity,
            key_text,
            written: None,
        })
    }
}

impl<M: DynamoModel> IntoTransactAction<'_> for UpdateItem<M, ReturnNothing> {
    fn into_action(self) -> Result<TransactAction<'static>> {
        let p = self.prepare()?;
        let (identity, key_text) = identity(&p.table, &M::SCHEMA, &p.key);
        let update = SdkUpdate::builder()
            .table_name(&p.table)
            .set_key(Some(p.key))
            .set_update_expression(p.rendered.update)
            .set_condition_expression(p.rendered.condition)
            .set_expression_attribute_names(p.rendered.names)
            .set_expression_attribute_values(p.rendered.values)
            .set_return_values_on_condition_check_failure(on_failure(p.on_failure))
            .build()
            .map_err(Error::from)?;
        Ok(TransactAction {
            item: TransactWriteItem::builder().update(update).build(),
            table: p.table,
            identity,
            key_text,
            written: None,
        })
    }
}

/// A transaction action that writes nothing and only requires `condition` to hold for the item
/// with `key`: from [`TransactWrite::condition_check`] or [`ConditionCheck::new`].
#[must_use = "add it to a transaction"]
pub struct ConditionCheck<M: DynamoModel> {
    table: TableRef<M>,
    key: M::Key,
    condition: Condition<M>,
    on_failure: bool,
}

impl<M: DynamoModel> ConditionCheck<M> {
    /// Requires `condition` to hold for the item with `key` in `table`.
    pub fn new(table: &TableRef<M>, key: M::Key, condition: Condition<M>) -> Self {
        ConditionCheck {
            table: table.clone(),
            key,
            condition,
            on_failure: false,
        }
    }

    /// When the check fails, the current item is in the cancellation reason.
    pub fn return_old_on_failure(mut self) -> Self {
        self.on_failure = true;
        self
    }
}

impl<M: DynamoModel> IntoTransactAction<'_> for ConditionCheck<M> {
    fn into_action(self) -> Result<TransactAction<'static>> {
        let key = self.key.to_key_item()?;
        let table = self.table.name().to_owned();
        let (identity, key_text) = identity(&table, &M::SCHEMA, &key);
        let rendered = render_condition(self.condition)?;
        let check = SdkConditionCheck::builder()
            .table_name(&table)
            .set_key(Some(key))
            .set_condition_expression(rendered.condition)
            .set_expression_attribute_names(rendered.names)
            .set_expression_attribute_values(rendered.values)
            .set_return_values_on_condition_check_failure(on_failure(self.on_failure))
            .build()
            .map_err(Error::from)?;
        Ok(TransactAction {
            item: TransactWriteItem::builder().condition_check(check).build(),
            table,
            identity,
            key_text,
            written: None,
        })
    }
}

/// `TransactWriteItems`: up to 100 actions on items of any models and tables, all written or
/// none. From [`Client::transact_write`]. Await it. (A runnable example is in the guide of
/// the `dynamo-types` crate docs.)
///
/// ```text
/// client.transact_write()
///     .put(&posts, &mut post)
///     .update(&users, user_key, User::update().add(&u.post_count, 1))
///     .condition_check(&blogs, blog_key, Blog::fields().open.eq(true))
///     .delete(&drafts, &draft)
///     .token("create-post-42")
///     .await?;
/// ```
///
/// A cancelled transaction is [`Error::TransactionCanceled`] with one reason per action, in the
/// order the actions were added. Two actions on one item, more than 100 actions, and a put of
/// an item over 400 KB are refused before sending.
///
/// Puts take their models as `&mut`: once the transaction committed, each holds what was
/// stored (the next version, the timestamps), as after a single put. A transaction that fails
/// writes nothing, and no model changes.
#[must_use = "a transaction does nothing until it is awaited"]
pub struct TransactWrite<'a> {
    client: Client,
    actions: Vec<Result<TransactAction<'a>>>,
    token: Option<String>,
}

impl std::fmt::Debug for TransactWrite<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactWrite")
            .field("actions", &self.actions.len())
            .field("token", &self.token)
            .finish()
    }
}

impl Client {
    /// A write transaction: see [`TransactWrite`].
    pub fn transact_write<'a>(&self) -> TransactWrite<'a> {
        TransactWrite {
            client: self.clone(),
            actions: Vec::new(),
            token: None,
        }
    }

    /// A read transaction of the [`Get`](crate::Get)s in `gets` (a table's `get(key)`, a primary key's
    /// `get(..)`, projected or not), decoded as a tuple of
    /// `Option`s (or a `Vec` of them): see [`TransactGet`].
    pub fn transact_get<T: TransactGetTuple>(&self, gets: T) -> TransactGet<T> {
        TransactGet {
            client: self.clone(),
            gets,
        }
    }
}

impl<'a> TransactWrite<'a> {
    /// Adds any write builder: `writer.put(&mut m).condition(...)`,
    /// `pk.update(k, u).if_version(3)`, a [`ConditionCheck`], ...
    pub fn action(mut self, action: impl IntoTransactAction<'a>) -> Self {
        self.actions.push(action.into_action());
        self
    }

    /// Puts `item` (with the version check of a versioned model); once the transaction
    /// committed, `item` holds what was stored.
    pub fn put<M: DynamoModel>(self, table: &TableRef<M>, item: &'a mut M) -> Self {
        self.action(table.writer().put(item))
    }

    /// Puts `item` only if no item has its key; once the transaction committed, `item` holds
    /// what was stored.
    pub fn put_if_absent<M: DynamoModel>(self, table: &TableRef<M>, item: &'a mut M) -> Self {
        self.action(table.writer().put_if_absent(item))
    }

    /// Deletes `item`'s key (with the version check of a versioned model).
    pub fn delete<M: DynamoModel>(self, table: &TableRef<M>, item: &M) -> Self {
        self.action(table.writer().delete(item))
    }

    /// Updates the item with `key`. For a versioned model, add the update with
    /// [`action`](Self::action) and `.if_version(n)` instead.
    pub fn update<M: DynamoModel>(
        self,
        table: &TableRef<M>,
        key: M::Key,
        update: Update<M>,
    ) -> Self {
        let key = key.to_key_item().map_err(Error::from);
        self.action(UpdateItem::new(table.clone(), key, update))
    }

    /// Requires `condition` to hold for the item with `key`, writing nothing to it.
    pub fn condition_check<M: DynamoModel>(
        self,
        table: &TableRef<M>,
        key: M::Key,
        condition: Condition<M>,
    ) -> Self {
        self.action(ConditionCheck::new(table, key, condition))
    }

    /// The client request token: retrying the same transaction with the same token within
    /// 10 minutes does not apply it twice.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// How many actions were added.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// True when no action was added.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// The items to send, the token, and what the puts write back once committed.
    #[allow(clippy::type_complexity)]
    fn items(
        self,
    ) -> Result<(
        Vec<TransactWriteItem>,
        Option<String>,
        Vec<Box<dyn FnOnce() + Send + 'a>>,
    )> {
        check_action_count(self.actions.len(), "the transaction")?;
        let mut seen = HashSet::new();
        let mut items = Vec::with_capacity(self.actions.len());
        let mut written = Vec::new();
        for (i, action) in self.actions.into_iter().enumerate() {
            // Whatever went wrong before sending, say which action it was.
            let action = action.map_err(|e| match e {
                Error::Validation(m) => Error::Validation(format!("transaction action #{i}: {m}")),
                Error::Encode(e) => match e.exceeded() {
                    Some((limit, found)) => Error::LimitExceeded {
                        limit,
                        found,
                        at: format!("transaction action #{i}: attribute `{}`", e.path()),
                    },
                    None => Error::Validation(format!("transaction action #{i}: {e}")),
                },
                Error::LimitExceeded { limit, found, at } => Error::LimitExceeded {
                    limit,
                    found,
                    at: format!("transaction action #{i}: {at}"),
                },
                other => other,
            })?;
            // A key without its attributes is DynamoDB's to refuse; it is no duplicate.
            if action.identity.1.is_some() && !seen.insert(action.identity) {
                return Err(Error::Validation(format!(
                    "transaction action #{i} targets {} of table `{}`, which an earlier action targets too; DynamoDB allows one action per item in a transaction",
                    action.key_text, action.table
                )));
            }
            items.push(action.item);
            written.extend(action.written);
        }
        Ok((items, self.token, written))
    }
}

impl<'a> TransactWrite<'a> {
    /// Also returns the write capacity the transaction consumed (over its tables): see
    /// [`WithConsumedCapacity`].
    pub fn return_consumed_capacity(self) -> WithConsumedCapacity<Self> {
        WithConsumedCapacity(self)
    }

    pub(crate) async fn run(self, capacity: bool) -> Result<Option<ConsumedCapacity>> {
        let client = self.client.clone();
        let (items, token, written) = self.items()?;
        let tables = telemetry::table_names(items.iter().filter_map(|item| {
            let table = if let Some(put) = &item.put {
                &put.table_name
            } else if let Some(update) = &item.update {
                &update.table_name
            } else if let Some(delete) = &item.delete {
                &delete.table_name
            } else {
                &item.condition_check.as_ref()?.table_name
            };
            Some(table.as_str())
        }));
        let span = telemetry::request(telemetry::Operation::TransactWriteItems, &tables);
        span.record(
            "dynamo_types.transaction.actions",
            telemetry::count(items.len()),
        );
        let request = client
            .sdk()
            .transact_write_items()
            .set_transact_items(Some(items))
            .set_client_request_token(token)
            .set_return_consumed_capacity(capacity.then_some(ReturnConsumedCapacity::Total))
            .send();
        let out = telemetry::send(&span, request).await?;
        telemetry::capacity(&span, out.consumed_capacity.iter().flatten());
        // Committed: every put's model takes what was stored.
        for write_back in written {
            write_back();
        }
        Ok(ConsumedCapacity::from_sdk_list(out.consumed_capacity))
    }
}

impl<'a> IntoFuture for TransactWrite<'a> {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.run(false).await.map(|_| ()) })
    }
}

impl<'a> IntoFuture for WithConsumedCapacity<TransactWrite<'a>> {
    type Output = Result<Option<ConsumedCapacity>>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.0.run(true))
    }
}

impl CancellationReason {
    /// The current item this reason carries (for a failed condition whose action asked with
    /// `return_old_on_failure()`), decoded as `M`.
    pub fn current_item<M: DynamoModel>(&self) -> Option<Result<M>> {
        self.item
            .as_ref()
            .filter(|item| !item.is_empty())
            .map(|item| M::from_item(item.clone()).map_err(Error::from))
    }

    /// True when this action's condition was false.
    pub fn is_condition_failed(&self) -> bool {
        self.code.as_deref() == Some("ConditionalCheckFailed")
    }
}

// ---------------------------------------------------------------------------------------------
// TransactGet

/// Reads that make one `TransactGetItems`: tuples of up to 6 [`Get`]s of any models, each
/// perhaps projected (`(Option<A>, Option<B>, ...)`), or a `Vec<Get<M, T>>` (`Vec<Option<T>>`).
/// A read in a transaction is always strongly consistent, with or without `.consistent()`.
pub trait TransactGetTuple: Send + 'static {
    /// What the transaction returns.
    type Output: Send + 'static;
    /// How the answers are decoded, in order.
    #[doc(hidden)]
    type Decode: Send + 'static;
    /// The reads, in order, and how to decode their answers.
    #[doc(hidden)]
    fn gets(self) -> Result<(Vec<TransactGetItem>, Self::Decode)>;
    /// Decodes the responses, in order (`None` where no item exists).
    #[doc(hidden)]
    fn decode(decode: Self::Decode, items: Vec<Option<Item>>) -> Result<Self::Output>;
}

macro_rules! transact_get_tuple {
    ($($m:ident $t:ident $g:ident),+) => {
        impl<$($m: DynamoModel, $t: Send + 'static),+> TransactGetTuple for ($(Get<$m, $t>,)+) {
            type Output = ($(Option<$t>,)+);
            type Decode = ($(GetDecoder<$m, $t>,)+);

            fn gets(self) -> Result<(Vec<TransactGetItem>, Self::Decode)> {
                let ($($g,)+) = self;
                $(let $g = $g.into_transact()?;)+
                Ok((vec![$($g.0),+], ($($g.1,)+)))
            }

            fn decode(decode: Self::Decode, items: Vec<Option<Item>>) -> Result<Self::Output> {
                let mut items = items.into_iter();
                let ($($g,)+) = decode;
                Ok(($($g.decode(items.next().flatten())?,)+))
            }
        }
    };
}

transact_get_tuple!(A TA a);
transact_get_tuple!(A TA a, B TB b);
transact_get_tuple!(A TA a, B TB b, C TC c);
transact_get_tuple!(A TA a, B TB b, C TC c, D TD d);
transact_get_tuple!(A TA a, B TB b, C TC c, D TD d, E TE e);
transact_get_tuple!(A TA a, B TB b, C TC c, D TD d, E TE e, F TF f);

impl<M: DynamoModel, T: Send + 'static> TransactGetTuple for Vec<Get<M, T>> {
    type Output = Vec<Option<T>>;
    type Decode = Vec<GetDecoder<M, T>>;

    fn gets(self) -> Result<(Vec<TransactGetItem>, Self::Decode)> {
        self.into_iter().map(Get::into_transact).collect()
    }

    fn decode(decode: Self::Decode, items: Vec<Option<Item>>) -> Result<Self::Output> {
        decode
            .into_iter()
            .zip(items)
            .map(|(decode, item)| decode.decode(item))
            .collect()
    }
}

/// `TransactGetItems`: a serialisable read of items of different models, from
/// [`Client::transact_get`]. Await it. (A runnable example is in the guide of the
/// `dynamo-types` crate docs.)
///
/// ```text
/// let (post, user): (Option<Post>, Option<User>) = client
///     .transact_get((posts.get(post_key), users.primary_key().get("u1")))
///     .await?;
/// ```
#[must_use = "a read does nothing until it is awaited"]
pub struct TransactGet<T> {
    client: Client,
    gets: T,
}

impl<T: TransactGetTuple> TransactGet<T> {
    /// Also returns the read capacity the transaction consumed (over its tables), beside the
    /// items: see [`WithConsumedCapacity`].
    pub fn return_consumed_capacity(self) -> WithConsumedCapacity<Self> {
        WithConsumedCapacity(self)
    }

    async fn run(self, capacity: bool) -> Result<(T::Output, Option<ConsumedCapacity>)> {
        {
            let (gets, decode) = self.gets.gets()?;
            let count = gets.len();
            check_action_count(count, "the read transaction")?;
            let tables = telemetry::table_names(
                gets.iter()
                    .filter_map(|g| Some(g.get.as_ref()?.table_name.as_str())),
            );
            let span = telemetry::request(telemetry::Operation::TransactGetItems, &tables);
            span.record("dynamo_types.transaction.actions", telemetry::count(count));
            let request = self
                .client
                .sdk()
                .transact_get_items()
                .set_transact_items(Some(gets))
                .set_return_consumed_capacity(capacity.then_some(ReturnConsumedCapacity::Total))
                .send();
            let out = telemetry::send(&span, request).await?;
            telemetry::capacity(&span, out.consumed_capacity.iter().flatten());
            let consumed = ConsumedCapacity::from_sdk_list(out.consumed_capacity);
            let responses = out.responses.unwrap_or_default();
            if responses.len() != count {
                return Err(Error::Validation(format!(
                    "TransactGetItems returned {} responses for {count} reads",
                    responses.len()
                )));
            }
            Ok((
                T::decode(decode, responses.into_iter().map(|r| r.item).collect())?,
                consumed,
            ))
        }
    }
}

impl<T: TransactGetTuple> IntoFuture for TransactGet<T> {
    type Output = Result<T::Output>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.run(false).await.map(|(items, _)| items) })
    }
}

impl<T: TransactGetTuple> IntoFuture for WithConsumedCapacity<TransactGet<T>> {
    type Output = Result<(T::Output, Option<ConsumedCapacity>)>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.0.run(true))
    }
}
