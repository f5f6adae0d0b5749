#![doc = include_str!("../README.md")]
#![doc = include_str!("docs/guide.md")]

/// Derives a collection on an enum over entities of one shared table that share a partition:
/// one query reads them all, each item decoded as its entity. See the README's "Single-table
/// design".
pub use dynamo_types_macros::DynamoCollection;
#[doc = include_str!("docs/dynamo_model.md")]
pub use dynamo_types_macros::DynamoModel;
#[doc = include_str!("docs/dynamo_projection.md")]
pub use dynamo_types_macros::DynamoProjection;
/// Derives the shared table of a single-table design on a unit struct: its name, key
/// attributes, global secondary indexes, entity attribute and stream, declared once. See the
/// README's "Single-table design".
pub use dynamo_types_macros::DynamoTable;
#[doc = include_str!("docs/dynamo_value.md")]
pub use dynamo_types_macros::DynamoValue;
pub use dynamo_types_runtime::*;
