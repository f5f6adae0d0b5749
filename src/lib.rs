#![doc = include_str!("../README.md")]

pub use dynamo_types_macros::{DynamoModel, DynamoValue};
pub use dynamo_types_runtime::*;
