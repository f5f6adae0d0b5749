//! Integration tests against a real DynamoDB-compatible server: the embedded one (dynoxide) by
//! default, or the server at `DYNAMODB_ENDPOINT` (AWS's DynamoDB Local in CI). Every test makes
//! its own tables through `dynamo_types::local::client()`, whose table prefix is unique per call,
//! so tests run in parallel.
#![allow(unreachable_pub)]

mod common;
mod consumer;
mod empty_keys;
mod faults;
mod keys;
mod limits;
mod multi_key;
mod other_writers;
mod proxy;
mod reads;
mod single_table;
#[path = "../support/spans.rs"]
mod span_capture;
mod spans;
mod sparse_index;
mod streams;
mod table;
mod table_options;
mod writes;
