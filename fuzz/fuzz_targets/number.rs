//! The number codec on arbitrary number text: DynamoDB's `N` strings as every number type
//! reads and writes them, their normal form (the one text DynamoDB keeps), and key identity.
//!
//! Properties:
//! - the normal form is a fixed point, names the same key, passes DynamoDB's limits exactly
//!   when the text does, and every number type reads it as it reads the text;
//! - a number that decodes re-encodes to canonical text (its own normal form; floats keep the
//!   sign of zero, `-0`) that decodes to the same value; an integer's text is the normal form
//!   of the text it was read from;
//! - a key that decodes re-encodes to the same key; a value written as a key reads back.

#![no_main]

use std::fmt::Debug;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::__private::decode_key;
use dynamo_types::{FromAttributeValue, IntoAttributeValue};
use dynamo_types_runtime::__fuzz::{check_number, key_identity, normal_number};
use libfuzzer_sys::fuzz_target;

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.to_owned())
}

fn written<T: IntoAttributeValue>(value: &T) -> Option<String> {
    match value.to_attribute_value() {
        Ok(Some(AttributeValue::N(text))) => Some(text),
        Ok(other) => panic!("a number wrote {other:?}"),
        Err(_) => None,
    }
}

/// Checks one number type on `text` (with `normal`, its normal form, when it has one).
fn check<T>(text: &str, normal: Option<&str>, integer: bool)
where
    T: FromAttributeValue + IntoAttributeValue + PartialEq + Debug,
{
    let read = T::from_attribute_value(n(text));
    if let Some(normal) = normal {
        // The same number, so the same reading.
        let read_normal = T::from_attribute_value(n(normal));
        assert_eq!(
            read.as_ref().ok(),
            read_normal.as_ref().ok(),
            "{text:?} vs {normal:?}"
        );
    }
    if let Ok(value) = &read {
        let normal = normal.unwrap_or_else(|| panic!("{text:?} decoded but is no number"));
        if let Some(out) = written(value) {
            // Canonical; but a float's -0.0 is written `-0`, on purpose, so that it reads back
            // with its sign (tests/model/codec/numbers.rs): DynamoDB keeps it as `0`.
            assert!(
                normal_number(&out).as_deref() == Some(out.as_str()) || (!integer && out == "-0"),
                "{value:?} wrote non-canonical {out:?}"
            );
            assert!(check_number(&out).is_ok(), "{value:?} wrote {out:?}");
            let again = T::from_attribute_value(n(&out));
            assert_eq!(
                again.as_ref().ok(),
                Some(value),
                "{text:?} -> {value:?} -> {out:?}"
            );
            if integer {
                assert_eq!(out, normal, "{text:?} read as {value:?}");
            }
            // A written key reads back.
            let key = decode_key::<T>(n(&out));
            assert_eq!(key.as_ref().ok(), Some(value), "key {out:?}");
        } else if integer {
            // Only an integer of more than 38 digits cannot be written, read from text with
            // as many.
            assert!(
                check_number(text).is_err(),
                "{value:?} (from {text:?}) cannot be written"
            );
        }
    }
    // A key read is the key that will be written.
    if let Ok(value) = decode_key::<T>(n(text)) {
        let out = written(&value).unwrap_or_else(|| panic!("key {text:?} cannot be written"));
        assert_eq!(
            key_identity(&n(&out)),
            key_identity(&n(text)),
            "{text:?} -> {out:?}"
        );
        assert_eq!(read.as_ref().ok(), Some(&value), "{text:?}");
    }
}

fuzz_target!(|text: &str| {
    let normal = normal_number(text);
    if let Some(normal) = &normal {
        assert_eq!(normal_number(normal).as_ref(), Some(normal), "{text:?}");
        assert_eq!(key_identity(&n(normal)), key_identity(&n(text)), "{text:?}");
        assert_eq!(
            check_number(normal).is_ok(),
            check_number(text).is_ok(),
            "{text:?} -> {normal:?}"
        );
        // The text's digits, at most 130 zeros after the point (DynamoDB's smallest
        // magnitude), and a sign: no longer.
        assert!(normal.len() <= text.len() + 133, "{text:?} -> {normal:?}");
    } else {
        assert!(check_number(text).is_err(), "{text:?}");
    }
    let normal = normal.as_deref();
    check::<i8>(text, normal, true);
    check::<u8>(text, normal, true);
    check::<i16>(text, normal, true);
    check::<u16>(text, normal, true);
    check::<i32>(text, normal, true);
    check::<u32>(text, normal, true);
    check::<i64>(text, normal, true);
    check::<u64>(text, normal, true);
    check::<i128>(text, normal, true);
    check::<u128>(text, normal, true);
    check::<isize>(text, normal, true);
    check::<usize>(text, normal, true);
    check::<f32>(text, normal, false);
    check::<f64>(text, normal, false);
});
