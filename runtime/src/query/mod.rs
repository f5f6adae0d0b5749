//! The five query objects: one per kind of key a table or index has.

use crate::model::{DynamoModel, KeySchema, RangeKeySchema};
use crate::table::TableRef;

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

/// A model whose own key schema is `Self` (its primary key).
pub trait KeySchemaOf: DynamoModel + KeySchema<Model = Self> {}
impl<M: DynamoModel + KeySchema<Model = M>> KeySchemaOf for M {}

/// A model whose primary key has a sort key.
pub trait RangeKeySchemaOf: KeySchemaOf + RangeKeySchema {}
impl<M: KeySchemaOf + RangeKeySchema> RangeKeySchemaOf for M {}
