//! DynamoDB's limit on nesting lists and maps ([`MAX_NESTING_DEPTH`]), and its check.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::EncodeError;

/// DynamoDB's deepest nesting of lists and maps: 32 levels, the item itself counting as the
/// first (an attribute holds lists or maps at most 31 deep).
pub const MAX_NESTING_DEPTH: usize = crate::error::Limit::NestingDepth.max();

/// Checks that a top-level attribute's value is nested no deeper than DynamoDB stores: an
/// [`EncodeError`] naming the path of the list or map past the limit otherwise. Called by
/// `to_item` on every attribute, without recursion, so a value of any depth is safe to check.
#[doc(hidden)]
#[inline]
pub fn check_nesting(value: &AttributeValue) -> Result<(), EncodeError> {
    // a scalar or a set is no level of its own: the call is left out for most attributes
    if is_container(value) {
        check_nesting_at(value, 1)
    } else {
        Ok(())
    }
}

/// [`check_nesting`] for a value placed at `level` (1 for a top-level attribute, one more per
/// path segment: an update's `SET meta.a[2] = :v` places it at 3).
pub(crate) fn check_nesting_at(value: &AttributeValue, level: usize) -> Result<(), EncodeError> {
    if within_limit(value, level) {
        return Ok(());
    }
    let deepest = nesting_depth(value, level);
    // Over the limit (rare): walk again, keeping paths, to name the first list or map whose
    // contents lie past it.
    #[derive(Clone, Copy)]
    enum Step<'a> {
        Index(usize),
        Key(&'a str),
    }
    let mut stack = vec![(value, level, Vec::new())];
    let mut at: Vec<Step<'_>> = Vec::new();
    while let Some((value, level, path)) = stack.pop() {
        if level >= MAX_NESTING_DEPTH {
            at = path;
            break;
        }
        let child = |step| {
            let mut path = path.clone();
            path.push(step);
            path
        };
        match value {
            AttributeValue::L(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    if is_container(item) {
                        stack.push((item, level + 1, child(Step::Index(i))));
                    }
                }
            }
            AttributeValue::M(map) => {
                for (key, item) in map {
                    if is_container(item) {
                        stack.push((item, level + 1, child(Step::Key(key))));
                    }
                }
            }
            _ => {}
        }
    }
    let mut error = EncodeError::exceeds(crate::error::Limit::NestingDepth, deepest);
    for step in at.iter().rev() {
        error = match *step {
            Step::Index(i) => error.at_index(i),
            Step::Key(k) => error.at(k),
        };
    }
    Err(error)
}

/// Whether `value`, placed at `level`, reaches no deeper than [`MAX_NESTING_DEPTH`]: the test
/// of every attribute `to_item` writes, so it allocates nothing. Recursive, but no deeper than
/// the limit: it descends into a list or map only while its contents are within it, and stops
/// at the first one past it.
fn within_limit(value: &AttributeValue, level: usize) -> bool {
    match value {
        // A list or map at `level` holds values one level down.
        AttributeValue::L(items) => {
            level < MAX_NESTING_DEPTH && items.iter().all(|item| within_limit(item, level + 1))
        }
        AttributeValue::M(map) => {
            level < MAX_NESTING_DEPTH && map.values().all(|item| within_limit(item, level + 1))
        }
        _ => level <= MAX_NESTING_DEPTH,
    }
}

fn is_container(value: &AttributeValue) -> bool {
    matches!(value, AttributeValue::L(_) | AttributeValue::M(_))
}

/// The deepest level a value reaches when placed at `level`: `level` for a scalar or a set, one
/// more for each list or map on its deepest chain. Iterative: no stack overflow on any input.
pub(crate) fn nesting_depth(value: &AttributeValue, level: usize) -> usize {
    if !is_container(value) {
        return level;
    }
    let mut deepest = level;
    let mut stack = vec![(value, level)];
    while let Some((value, level)) = stack.pop() {
        // A list or map at `level` holds values one level down.
        let inner = level + 1;
        deepest = deepest.max(inner);
        let below = |item: &&AttributeValue| is_container(item);
        match value {
            AttributeValue::L(items) => {
                stack.extend(items.iter().filter(below).map(|item| (item, inner)));
            }
            AttributeValue::M(map) => {
                stack.extend(map.values().filter(below).map(|item| (item, inner)));
            }
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(levels: usize) -> AttributeValue {
        let mut value = AttributeValue::S("x".into());
        for _ in 0..levels {
            value = AttributeValue::L(vec![AttributeValue::N("1".into()), value]);
        }
        value
    }

    #[test]
    fn nesting_is_checked_at_the_limit_and_names_the_path() {
        // The item is level 1: an attribute holds 31 lists, 32 levels in all (both local
        // servers accept 31 and refuse 32, which is DynamoDB's "32 levels").
        assert_eq!(nesting_depth(&lists(31), 1), 32);
        assert!(check_nesting(&lists(31)).is_ok());
        let err = check_nesting(&lists(32)).unwrap_err().at("d");
        assert_eq!(err.limit(), Some(crate::error::Limit::NestingDepth));
        assert_eq!(
            err.exceeded(),
            Some((crate::error::Limit::NestingDepth, 33))
        );
        // The 32nd list, whose contents are level 33: `d` and 31 `[1]`s.
        assert_eq!(err.path(), format!("d{}", "[1]".repeat(31)));
        assert!(err.to_string().contains("33 levels"), "{err}");
        // Maps count as lists do, and a value set deeper in a path counts its path.
        let mut map = AttributeValue::S("x".into());
        for _ in 0..29 {
            map = AttributeValue::M([("k".to_owned(), map)].into());
        }
        assert!(check_nesting_at(&map, 3).is_ok());
        let err = check_nesting_at(&map, 4).unwrap_err();
        assert_eq!(err.path(), "k.".repeat(28).trim_end_matches('.'));
        // Scalars and sets are no level of their own.
        assert!(check_nesting_at(&AttributeValue::Ss(vec!["a".into()]), 32).is_ok());
    }

    #[test]
    fn the_quick_test_agrees_with_the_measure() {
        let map = |inner: AttributeValue| {
            AttributeValue::M(
                [
                    ("a".to_owned(), AttributeValue::Bool(true)),
                    ("k".to_owned(), inner),
                ]
                .into(),
            )
        };
        for depth in [0, 1, 2, 29, 30, 31, 32, 33, 40] {
            for level in [1, 2, 3, 31, 32, 33] {
                for value in [
                    lists(depth),
                    (0..depth).fold(AttributeValue::S("x".into()), |v, _| map(v)),
                ] {
                    assert_eq!(
                        within_limit(&value, level),
                        nesting_depth(&value, level) <= MAX_NESTING_DEPTH,
                        "{depth} levels placed at {level}"
                    );
                }
            }
        }
        // Past the limit the quick test stops: a value of any depth is safe to give it.
        let deep = lists(200_000);
        assert!(!within_limit(&deep, 1));
        let mut value = deep;
        while let AttributeValue::L(mut items) = value {
            value = items.pop().unwrap();
        }
    }

    #[test]
    fn nesting_of_any_depth_is_measured_without_recursion() {
        // Deep enough to overflow a recursive walk on a test thread's stack; the value is
        // taken apart by hand below, since dropping it is recursive too.
        let depth = 200_000;
        let value = lists(depth);
        assert_eq!(nesting_depth(&value, 1), depth + 1);
        let err = check_nesting(&value).unwrap_err();
        assert_eq!(err.exceeded().map(|e| e.1), Some(depth + 1));
        let mut value = value;
        while let AttributeValue::L(mut items) = value {
            value = items.pop().unwrap();
        }
    }
}
