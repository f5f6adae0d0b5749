//! DynamoDB's item size, checked before a write is sent.
//!
//! The rules are DynamoDB's documented ones ("Item sizes and formats"): an item's size is the
//! sum, over its attributes, of the name's UTF-8 length and the value's size, where
//! - a string is its UTF-8 length, binary its byte length;
//! - a number is 1 byte plus 1 byte per two significant digits on each side of the decimal
//!   point (leading and trailing zeros do not count), plus 1 byte when negative;
//! - a boolean or null is 1 byte;
//! - a list or map is 3 bytes plus, per element, 1 byte and the element's size (and, for a
//!   map, the key's length);
//! - a set is the sum of its members' sizes.
//!
//! DynamoDB documents the number rule only as "approximately"; the exact one here (digits
//! paired on each side of the point, a byte for the sign) is the one dynoxide measured against
//! the service, and the tests check the 400 KB boundary on both local servers.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{Decimal, Item, KeyRole, check_key_value, key_value_size};
use crate::error::{Error, Limit};
use crate::model::TableSchema;

/// DynamoDB's largest item: 400 KB.
pub const MAX_ITEM_SIZE: usize = Limit::ItemSize.max();

/// Refuses an item whose table or index key attributes DynamoDB would reject (an empty string
/// or binary, a partition key over 2,048 bytes, a sort key over 1,024), naming the item's key
/// and the attribute, before anything is sent.
pub(crate) fn check_key_values(
    schema: &TableSchema,
    table: &str,
    key_text: &dyn Fn() -> String,
    item: &Item,
) -> Result<(), Error> {
    let table_keys = std::iter::once((schema.hash.name, KeyRole::Partition, None))
        .chain(schema.range.map(|r| (r.name, KeyRole::Sort, None)));
    // each attribute of a multi-attribute index key is bounded as a key of its role
    let index_keys = schema.indexes.iter().flat_map(|index| {
        let hash = index
            .hash
            .iter()
            .map(|a| (a.name, KeyRole::Partition, Some(index.name)));
        hash.chain(
            index
                .range
                .iter()
                .map(|a| (a.name, KeyRole::Sort, Some(index.name))),
        )
    });
    for (name, role, index) in table_keys.chain(index_keys) {
        let Some(value) = item.get(name) else {
            continue;
        };
        // the messages are only formatted on a failure: a write that fits pays nothing for them
        let what = || {
            let role_text = match role {
                KeyRole::Partition => "partition key",
                KeyRole::Sort => "sort key",
            };
            match index {
                Some(index) => format!("the {role_text} of index `{index}`"),
                None => format!("the table's {role_text}"),
            }
        };
        if let Some(size) = key_value_size(value)
            && size > role.max_size()
        {
            return Err(Error::LimitExceeded {
                limit: role.limit(),
                found: size,
                at: format!(
                    "the item {} of table `{table}`: attribute `{name}` ({})",
                    key_text(),
                    what()
                ),
            });
        }
        check_key_value(value, role)
            .map_err(|e| Error::Validation(format!("item {}: {}", key_text(), e.at(name))))?;
    }
    Ok(())
}

/// The size DynamoDB counts for `item`, in bytes.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

/// A number is stored as base-100 digits aligned on the decimal point: one byte per pair of
/// significant digits on each side of the point, one byte of exponent, and one more for a
/// negative sign (`1.5` is 3 bytes, `-42` is 3, `100` is 2, `0` is 1).
fn number_size(text: &str) -> usize {
    let number = Decimal::scan(text.trim());
    let Some((digits, point)) = number.significant_digits() else {
        return 1; // zero
    };
    let int_digits = point.clamp(0, digits as i64) as usize;
    let frac_digits = digits - int_digits;
    int_digits.div_ceil(2) + frac_digits.div_ceil(2) + 1 + usize::from(number.is_negative())
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(v) => v.iter().map(String::len).sum(),
        AttributeValue::Ns(v) => v.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(v) => v.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        // A type this SDK version does not know: count nothing rather than guess.
        _ => 0,
    }
}

/// Rejects an item over 400 KB with an error naming its key.
pub(crate) fn check_item_size(
    table: &str,
    key_text: &dyn Fn() -> String,
    item: &Item,
) -> Result<(), Error> {
    let size = item_size(item);
    if size > MAX_ITEM_SIZE {
        return Err(Error::LimitExceeded {
            limit: Limit::ItemSize,
            found: size,
            at: format!("the item {} of table `{table}`", key_text()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        assert_eq!(number_size("0"), 1);
        assert_eq!(number_size("-0"), 1);
        assert_eq!(number_size("12345"), 4);
        assert_eq!(number_size("1.5"), 3);
        assert_eq!(number_size("-1.5000"), 4);
        assert_eq!(number_size("-42"), 3);
        assert_eq!(number_size("100"), 2);
        assert_eq!(number_size("0.005"), 2);
        assert_eq!(number_size("1.23E+2"), 3);
        assert_eq!(number_size("1e20"), 2);
        let mut item = Item::new();
        item.insert("name".into(), AttributeValue::S("héllo".into()));
        item.insert("n".into(), AttributeValue::N("42".into()));
        item.insert(
            "l".into(),
            AttributeValue::L(vec![
                AttributeValue::Bool(true),
                AttributeValue::S("ab".into()),
            ]),
        );
        // 4 + 6, 1 + 2, 1 + (3 + 2 + 3)
        assert_eq!(item_size(&item), 10 + 3 + 9);
    }

    #[test]
    fn limit() {
        let mut item = Item::new();
        item.insert("k".into(), AttributeValue::S("x".repeat(MAX_ITEM_SIZE - 1)));
        assert!(check_item_size("t", &|| "k = \"x\"".to_owned(), &item).is_ok());
        // Extreme exponents neither overflow nor panic.
        assert_eq!(number_size("1e9223372036854775807"), 2);
        assert_eq!(number_size("-1e-9223372036854775808"), 3);
        item.insert("k".into(), AttributeValue::S("x".repeat(MAX_ITEM_SIZE)));
        let err = check_item_size("t", &|| "k = \"x\"".to_owned(), &item).unwrap_err();
        assert!(err.to_string().contains("k = \"x\""), "{err}");
    }
}
