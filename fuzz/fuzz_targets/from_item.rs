//! `from_item` of a model with a field of every supported type, on arbitrary items (mostly
//! edits of a valid one).
//!
//! Properties: decoding never panics; a refusal names an attribute of the model (one the item
//! has, unless it is missing); a decoded model encodes again (or names the field it cannot
//! store), and what it encodes to decodes back to the same model and encodes to the same item
//! (up to the order of set members).

#![no_main]

use dynamo_types::{DecodeErrorKind, DynamoModel, ModelKey};
use dynamo_types_fuzz::{Everything, FIELDS, ItemInput, sorted_sets, top_attribute, valid_item};
use libfuzzer_sys::fuzz_target;

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
                assert_eq!(sorted_sets(twice), sorted_sets(again.clone()));
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
