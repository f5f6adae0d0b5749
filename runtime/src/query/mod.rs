//! The five query objects (one per kind of key a table or index has) and the reads they offer:
//! `get`, `batch_get` and `batch_get_full` on primary keys, `query` and `scan` on all five.

use crate::codec::{IntoKey, IntoKeyParts};
use crate::model::{DynamoModel, KeySchema, RangeKeySchema};
use crate::table::TableRef;

mod batch_get;
mod cursor;
mod get;
pub(crate) mod keys;
mod page;
mod plan;
mod projection;
mod query_op;
mod range;
mod scan;

pub use batch_get::{BatchGet, BatchGetFull};
#[cfg(feature = "sealed-cursors")]
pub use cursor::CursorKey;
pub use cursor::{Cursor, CursorError, ScanCursor};
pub use get::{Get, GetDecoder};
pub use keys::{ByKey, ByKeyRef, ByParts, FullKeyArg, HashKeyArg};
pub use page::{ConsumedCapacity, Count, Page, ScanPage, WithConsumedCapacity};
#[doc(hidden)]
pub use projection::{Column, ProjectionSource, ReadsAs};
pub use projection::{DynamoProjection, ItemOf, ReadItem};
pub use query_op::Query;
pub use range::{
    AfterRangeOperator, IntoRange, NoSortKeyAttributeLeft, RangeCondition, SortKey, SortKeyRange,
};
pub use scan::{ParallelScan, Scan};

macro_rules! query_entity {
    ($(#[$doc:meta])* $name:ident<$param:ident: $bound:path> for $model:ty) => {
        $(#[$doc])*
        pub struct $name<$param: $bound> {
            pub(crate) table: TableRef<$model>,
        }

        impl<$param: $bound> Clone for $name<$param> {
            fn clone(&self) -> Self {
                $name { table: self.table.clone() }
            }
        }

        impl<$param: $bound> std::fmt::Debug for $name<$param> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).field("table", &self.table.name()).finish()
            }
        }

        impl<$param: $bound> $name<$param> {
            /// The query object of `table` (called by the generated table handle).
            pub fn new(table: TableRef<$model>) -> Self {
                $name { table }
            }

            /// The table this reads.
            pub fn table(&self) -> &TableRef<$model> {
                &self.table
            }

            /// A query of one partition: `.range(...)` narrows the sort key, `.filter(...)`,
            /// `.descending()`, `.limit(n)`, `.start_after(cursor)`; await it for a
            /// [`Page`], or call `.stream()` for every item.
            ///
            /// A partition key of several attributes (a global secondary index's) takes a tuple
            /// with a value for each, in the order the index declares them.
            pub fn query(
                &self,
                hash: impl IntoKeyParts<<$param as KeySchema>::Hash>,
            ) -> Query<Self> {
                Query::new(self.clone(), hash.into_parts())
            }

            /// A scan of every item (of the index, for an index): `.filter(...)`, `.limit(n)`,
            /// `.start_after(cursor)`, `.segments(n)` for a parallel scan; await it for a
            /// [`Page`], or call `.stream()` for every item.
            pub fn scan(&self) -> Scan<Self> {
                Scan::new(self.clone())
            }
        }

        impl<$param: $bound> ReadSource for $name<$param> {
            type Schema = $param;
            fn table_ref(&self) -> &TableRef<<$param as KeySchema>::Model> {
                &self.table
            }
        }
    };
}

query_entity!(
    /// The primary key of a table with a partition key and a sort key.
    FullPrimaryKey<M: RangeKeySchemaOf> for M
);
query_entity!(
    /// The primary key of a table with only a partition key.
    HashPrimaryKey<M: KeySchemaOf> for M
);
query_entity!(
    /// A local secondary index: the table's partition key and another sort key.
    LocalSecondaryIndex<I: RangeKeySchema> for I::Model
);
query_entity!(
    /// A global secondary index with only a partition key.
    HashGlobalSecondaryIndex<I: KeySchema> for I::Model
);
query_entity!(
    /// A global secondary index with a partition key and a sort key.
    FullGlobalSecondaryIndex<I: RangeKeySchema> for I::Model
);

query_entity!(
    /// A collection's query over the table's primary key: several entities of a shared table
    /// that share a partition, read by one query (see [`entity`](crate::entity)). A collection
    /// over a global secondary index is read by a [`FullGlobalSecondaryIndex`] or
    /// [`HashGlobalSecondaryIndex`] of its marker.
    Collection<C: KeySchema> for C::Model
);

query_entity!(
    /// A collection's query over one global secondary index of the shared table (see
    /// [`Collection`]).
    IndexCollection<C: KeySchema> for C::Model
);

/// What a query or scan reads: the table's primary key or one of its indexes. Implemented by
/// the five query objects.
pub trait ReadSource: Clone + Send + Sync + 'static {
    /// The key schema: the model itself for the primary key, an index marker for an index.
    type Schema: KeySchema;

    /// The table handle.
    fn table_ref(&self) -> &TableRef<<Self::Schema as KeySchema>::Model>;
}

/// A [`ReadSource`] that supports strongly consistent reads: the table and its local secondary
/// indexes. Global secondary indexes do not, so their queries and scans have no
/// `.consistent()`.
pub trait ConsistentSource: ReadSource {}

impl<M: RangeKeySchemaOf> ConsistentSource for FullPrimaryKey<M> {}
impl<M: KeySchemaOf> ConsistentSource for HashPrimaryKey<M> {}
impl<I: RangeKeySchema> ConsistentSource for LocalSecondaryIndex<I> {}
impl<C: KeySchema> ConsistentSource for Collection<C> {}

/// The model a [`ReadSource`] reads.
pub type ModelOf<E> = <<E as ReadSource>::Schema as KeySchema>::Model;
/// The primary key struct of the model a [`ReadSource`] reads.
pub type KeyOf<E> = <ModelOf<E> as DynamoModel>::Key;

impl<M: RangeKeySchemaOf> FullPrimaryKey<M> {
    /// Reads one item by its partition and sort key; `None` when there is none.
    /// `.consistent()` for a strongly consistent read.
    pub fn get(
        &self,
        hash: impl IntoKey<M::Hash>,
        range: impl IntoKey<<M as RangeKeySchema>::Range>,
    ) -> Get<M> {
        Get::new(
            self.table.clone(),
            keys::full_key_item::<M>(hash.into_key(), range.into_key()),
        )
    }

    /// Reads many items by key: `(hash, range)` tuples, `PostKey`s or `&PostKey`s. Returns the
    /// items found, in the order of the keys (a key given twice gives its item twice; a key
    /// with no item gives nothing). See [`BatchGet`] for how requests are split and retried.
    pub fn batch_get<K, Form>(&self, keys: impl IntoIterator<Item = K>) -> BatchGet<M>
    where
        K: FullKeyArg<M, Form>,
    {
        BatchGet::new(
            self.table.clone(),
            keys.into_iter().map(K::into_key_item).collect(),
        )
    }

    /// Like [`batch_get`](Self::batch_get), but answers every key: `Some(item)` or `None`, at
    /// the key's position.
    pub fn batch_get_full<K, Form>(&self, keys: impl IntoIterator<Item = K>) -> BatchGetFull<M>
    where
        K: FullKeyArg<M, Form>,
    {
        BatchGetFull::new(
            self.table.clone(),
            keys.into_iter().map(K::into_key_item).collect(),
        )
    }
}

impl<M: KeySchemaOf> HashPrimaryKey<M> {
    /// Reads one item by its partition key; `None` when there is none. `.consistent()` for a
    /// strongly consistent read.
    pub fn get(&self, hash: impl IntoKey<M::Hash>) -> Get<M> {
        Get::new(
            self.table.clone(),
            keys::hash_key_item::<M>(hash.into_key()),
        )
    }

    /// Reads many items by key: partition key values, `SessionKey`s or `&SessionKey`s. Returns
    /// the items found, in the order of the keys (a key given twice gives its item twice; a key
    /// with no item gives nothing). See [`BatchGet`] for how requests are split and retried.
    pub fn batch_get<K, Form>(&self, keys: impl IntoIterator<Item = K>) -> BatchGet<M>
    where
        K: HashKeyArg<M, Form>,
    {
        BatchGet::new(
            self.table.clone(),
            keys.into_iter().map(K::into_key_item).collect(),
        )
    }

    /// Like [`batch_get`](Self::batch_get), but answers every key: `Some(item)` or `None`, at
    /// the key's position.
    pub fn batch_get_full<K, Form>(&self, keys: impl IntoIterator<Item = K>) -> BatchGetFull<M>
    where
        K: HashKeyArg<M, Form>,
    {
        BatchGetFull::new(
            self.table.clone(),
            keys.into_iter().map(K::into_key_item).collect(),
        )
    }
}

/// A model whose own key schema is `Self` (its primary key).
pub trait KeySchemaOf: DynamoModel + KeySchema<Model = Self> {}
impl<M: DynamoModel + KeySchema<Model = M>> KeySchemaOf for M {}

/// A model whose primary key has a sort key.
pub trait RangeKeySchemaOf: KeySchemaOf + RangeKeySchema {}
impl<M: KeySchemaOf + RangeKeySchema> RangeKeySchemaOf for M {}
