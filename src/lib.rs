#![doc = include_str!("../README.md")]

pub use dynamo_types_macros::DynamoModel;
pub use dynamo_types_runtime::*;
