//! `from_item` of a model with a field of every supported type, on arbitrary items (mostly
//! edits of a valid one).
//!
//! Properties: decoding never panics; a refusal names an attribute of the model (one the item
//! has, unless it is missing); a decoded model encodes again (or names the field it cannot
//! store), and what it encodes to decodes back to the same model and encodes to the same item
//! (up to the order of set members).

#![no_main]

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DecodeErrorKind, DynamoModel, Item, ModelKey};
use dynamo_types_fuzz::{Everything, FIELDS, ItemInput, top_attribute, valid_item};
use libfuzzer_sys::fuzz_target;

/// `value` with the members of its sets (and of sets inside it) in order.
fn sort_sets(value: AttributeValue) -> AttributeValue {
    match value {
        AttributeValue::Ss(mut v) => {
            v.sort();
            AttributeValue::Ss(v)
        }
        AttributeValue::Ns(mut v) => {
            v.sort();
            AttributeValue::Ns(v)
        }
        AttributeValue::Bs(mut v) => {
            v.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
            AttributeValue::Bs(v)
        }
        AttributeValue::L(v) => AttributeValue::L(v.into_iter().map(sort_sets).collect()),
        AttributeValue::M(m) => {
            AttributeValue::M(m.into_iter().map(|(k, v)| (k, sort_sets(v))).collect())
        }
        other => other,
    }
}

fn sorted(item: Item) -> Item {
    item.into_iter().map(|(k, v)| (k, sort_sets(v))).collect()
}

fuzz_target!(|input: ItemInput| {
    let item = input.build(&valid_item());
    match Everything::from_item(item.clone()) {
        Err(err) => {
            let attribute = top_attribute(err.path());
            assert!(
                FIELDS.contains(&attribute),
                "`{err}` names no field of the model ({err:?})"
            );
            assert!(
                err.to_string().contains(&format!("`{}`", err.path())),
                "{err}"
            );
            if err.kind() != &DecodeErrorKind::Missing {
                assert!(item.contains_key(attribute), "{err:?}");
            }
        }
        Ok(model) => match model.to_item() {
            Ok(again) => {
                for name in again.keys() {
                    assert!(FIELDS.contains(&name.as_str()), "wrote `{name}`");
                }
                let back = Everything::from_item(again.clone());
                assert_eq!(back.as_ref(), Ok(&model), "from {item:?} via {again:?}");
                // The same item again (sets compared as sets: a `HashSet` has no order).
                let twice = back.unwrap().to_item().expect("it encoded once");
                assert_eq!(sorted(twice), sorted(again.clone()));
                // The key is the item's key; DynamoDB refuses an empty string key, which the
                // key alone is checked for.
                match model.key().to_key_item() {
                    Ok(key) => {
                        for (name, value) in &key {
                            assert_eq!(again.get(name), Some(value), "key `{name}`");
                        }
                    }
                    Err(err) => assert!(
                        err.path() == "id" && model.id.is_empty(),
                        "the key of {model:?}: {err}"
                    ),
                }
            }
            // Decoding accepts a few numbers DynamoDB would never send (`1e-200` reads as an
            // f64 too small to store): encoding refuses them, naming the field.
            Err(err) => assert!(
                FIELDS.contains(&top_attribute(err.path())),
                "{err} (from {item:?})"
            ),
        },
    }
});
