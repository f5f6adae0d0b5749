#![doc = include_str!("../README.md")]
#![doc = include_str!("docs/guide.md")]

#[doc = include_str!("docs/dynamo_model.md")]
pub use dynamo_types_macros::DynamoModel;
#[doc = include_str!("docs/dynamo_projection.md")]
pub use dynamo_types_macros::DynamoProjection;
#[doc = include_str!("docs/dynamo_value.md")]
pub use dynamo_types_macros::DynamoValue;
pub use dynamo_types_runtime::*;
