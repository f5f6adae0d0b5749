//! When two keys are the same key: as DynamoDB tells them apart.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, normal_number};

/// The identity of a key: equal for two keys exactly when DynamoDB takes them for the same
/// item. Every place that compares keys uses it: `batch_get` (sending each key once, matching
/// the items returned to the keys asked for), cursors (checking the partition they resume),
/// batch writes and transactions (refusing two writes to one item), and the decoding of key
/// fields (which accept only the text the field's type writes back as the same key).
///
/// Strings and binary compare by their bytes. Numbers compare by value, as DynamoDB stores
/// them ([`normal_number`]): `-0` and `0`, `1.50` and `1.5`, `1E+2` and `100` are one key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct KeyIdentity(pub(crate) Vec<u8>);

impl KeyIdentity {
    /// The identity of the attributes `names` of `item`, in that order. `None` when one is
    /// missing or is not a string, number or binary value.
    pub(crate) fn of(item: &Item, names: &[&str]) -> Option<Self> {
        let mut out = Vec::with_capacity(32);
        for name in names {
            push(&mut out, item.get(*name)?)?;
        }
        Some(KeyIdentity(out))
    }

    /// The identity of one key value. `None` unless it is a string, number or binary value.
    pub(crate) fn of_value(value: &AttributeValue) -> Option<Self> {
        let mut out = Vec::new();
        push(&mut out, value)?;
        Some(KeyIdentity(out))
    }
}

/// Whether two key values are the same key value (see [`KeyIdentity`]); never for values that
/// cannot be keys.
pub(crate) fn same_key_value(a: &AttributeValue, b: &AttributeValue) -> bool {
    match (KeyIdentity::of_value(a), KeyIdentity::of_value(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Appends a tagged, length-prefixed scalar, a number in its normal form. `None` for anything
/// but S, N and B.
fn push(out: &mut Vec<u8>, value: &AttributeValue) -> Option<()> {
    let (tag, normal);
    let bytes: &[u8] = match value {
        AttributeValue::S(s) => {
            tag = b'S';
            s.as_bytes()
        }
        AttributeValue::N(n) => {
            tag = b'N';
            // Text that is no number never comes back from DynamoDB; it is its own identity.
            normal = normal_number(n);
            normal.as_deref().unwrap_or(n).as_bytes()
        }
        AttributeValue::B(b) => {
            tag = b'B';
            b.as_ref()
        }
        _ => return None,
    };
    out.push(tag);
    out.extend_from_slice(&bytes.len().to_be_bytes());
    out.extend_from_slice(bytes);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_identities_tell_types_apart_and_numbers_by_value() {
        let one = |v: AttributeValue| -> Item { [("k".to_owned(), v)].into() };
        let id = |item: &Item| KeyIdentity::of(item, &["k"]);
        let s = one(AttributeValue::S("1".into()));
        let n = one(AttributeValue::N("1".into()));
        assert_ne!(id(&s), id(&n));
        assert_eq!(id(&s), id(&s.clone()));
        assert_eq!(KeyIdentity::of(&s, &["missing"]), None);
        assert_eq!(id(&one(AttributeValue::Bool(true))), None);
        for (a, b) in [
            ("-0", "0"),
            ("1.50", "1.5"),
            ("007", "7"),
            ("1E+2", "100"),
            ("-0.0e5", "0"),
        ] {
            let (a, b) = (AttributeValue::N(a.into()), AttributeValue::N(b.into()));
            assert!(same_key_value(&a, &b), "{a:?} {b:?}");
            assert_eq!(id(&one(a)), id(&one(b)));
        }
        assert!(!same_key_value(
            &AttributeValue::N("1.5".into()),
            &AttributeValue::N("1.05".into())
        ));
        assert!(!same_key_value(
            &AttributeValue::S("1.5".into()),
            &AttributeValue::N("1.5".into())
        ));
        // Strings are exact: DynamoDB compares their bytes.
        assert!(!same_key_value(
            &AttributeValue::S("a".into()),
            &AttributeValue::S("A".into())
        ));
        // Two attributes: the boundary between them is part of the identity.
        let ab: Item = [
            ("h".to_owned(), AttributeValue::S("ab".into())),
            ("r".to_owned(), AttributeValue::S("c".into())),
        ]
        .into();
        let a_bc: Item = [
            ("h".to_owned(), AttributeValue::S("a".into())),
            ("r".to_owned(), AttributeValue::S("bc".into())),
        ]
        .into();
        assert_ne!(
            KeyIdentity::of(&ab, &["h", "r"]),
            KeyIdentity::of(&a_bc, &["h", "r"])
        );
    }
}
