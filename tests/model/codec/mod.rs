//! The codec: every supported type survives `to_item` -> `from_item`, values DynamoDB cannot
//! store are refused with the attribute named, and decoding any item either succeeds or names
//! the attribute that does not fit, without panicking.

mod decode_errors;
#[path = "../../support/everything.rs"]
#[allow(unreachable_pub, dead_code)]
mod everything;
mod fuzz;
mod keys;
mod nulls;
mod numbers;
mod props;
mod round_trip;

use std::fmt::Debug;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DynamoModel, Item};

/// Encodes `model`, decodes the item, checks the result equals `model`, and returns the item.
#[track_caller]
fn round_trip<M: DynamoModel + PartialEq + Debug>(model: &M) -> Item {
    let item = model.to_item().expect("the model encodes");
    let back = M::from_item(item.clone()).expect("the item decodes");
    assert_eq!(&back, model);
    item
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.to_owned())
}
