//! The rules on the table options: billing and capacity, and tags.

use darling::Error;
use proc_macro2::Span;

use crate::attr::{CapacityArg, GsiArg, TableOptionsArg, TagArg};
use crate::model::{Capacity, TableOptions};

/// DynamoDB's limits on tags (Tagging restrictions in the DynamoDB developer guide).
const MAX_TAGS: usize = 50;
const MAX_TAG_KEY: usize = 128;
const MAX_TAG_VALUE: usize = 256;

pub(super) fn table_options(
    arg: &TableOptionsArg,
    gsis: &[GsiArg],
    errors: &mut darling::error::Accumulator,
) -> TableOptions {
    let provisioned = arg.billing.as_ref().is_some_and(|b| b.provisioned);
    capacity_needs_provisioned_billing(arg, gsis, provisioned, errors);
    for (capacity, key, index) in capacities(arg, gsis) {
        capacity_in_range(capacity, key, index, errors);
    }
    let provisioned = if provisioned {
        provisioned_needs_read_and_write(arg, errors)
    } else {
        None
    };
    tags(&arg.tag, errors);
    TableOptions {
        provisioned,
        infrequent_access: arg
            .table_class
            .as_ref()
            .is_some_and(|c| c.infrequent_access),
        billing_declared: arg.billing.is_some(),
        class_declared: arg.table_class.is_some(),
        deletion_protection: arg.deletion_protection.is_present(),
        point_in_time_recovery: arg.point_in_time_recovery.is_present(),
        tags: arg
            .tag
            .iter()
            .map(|t| {
                (
                    t.key.value(),
                    t.value.as_ref().map(|v| v.value()).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

/// Every capacity given, on the table and on its global indexes, with its key and whether it
/// is an index's.
fn capacities<'a>(
    arg: &'a TableOptionsArg,
    gsis: &'a [GsiArg],
) -> Vec<(&'a CapacityArg, &'static str, bool)> {
    let pairs = |read: &'a Option<CapacityArg>, write: &'a Option<CapacityArg>, index: bool| {
        [
            (read, "read_capacity", index),
            (write, "write_capacity", index),
        ]
    };
    pairs(&arg.read_capacity, &arg.write_capacity, false)
        .into_iter()
        .chain(
            gsis.iter()
                .flat_map(|g| pairs(&g.read_capacity, &g.write_capacity, true)),
        )
        .filter_map(|(capacity, key, index)| Some((capacity.as_ref()?, key, index)))
        .collect()
}

/// A global index's capacity on a provisioned table: its own `read_capacity` /
/// `write_capacity`, each defaulting to the table's. `None` on an on-demand table.
pub(super) fn gsi_capacity(arg: &GsiArg, table: Option<Capacity>) -> Option<Capacity> {
    let table = table?;
    Some(Capacity {
        read: arg.read_capacity.as_ref().map_or(table.read, |c| c.units),
        write: arg.write_capacity.as_ref().map_or(table.write, |c| c.units),
    })
}

/// Capacity units are set only with provisioned billing: an on-demand table (the default) and
/// its indexes have none, and DynamoDB refuses them.
fn capacity_needs_provisioned_billing(
    arg: &TableOptionsArg,
    gsis: &[GsiArg],
    provisioned: bool,
    errors: &mut darling::error::Accumulator,
) {
    if provisioned {
        return;
    }
    let on_demand = if arg.billing.is_some() {
        "this table is on-demand (`billing = \"on_demand\"`)"
    } else {
        "this table is on-demand (the default)"
    };
    let mut report = |capacity: &Option<CapacityArg>, key: &str, whose: String| {
        if let Some(c) = capacity {
            errors.push(
                Error::custom(format!(
                    "{whose}`{key}` needs provisioned billing, and {on_demand}: add `billing = \"provisioned\"` to the struct's `#[dynamo(...)]`, or remove `{key}`"
                ))
                .with_span(&c.span),
            );
        }
    };
    report(&arg.read_capacity, "read_capacity", String::new());
    report(&arg.write_capacity, "write_capacity", String::new());
    for g in gsis {
        let whose = format!("index `{}`: ", g.name.value());
        report(&g.read_capacity, "read_capacity", whose.clone());
        report(&g.write_capacity, "write_capacity", whose);
    }
}

/// A provisioned capacity is 1 or more units (DynamoDB refuses 0), and fits the API's 64-bit
/// signed number.
fn capacity_in_range(
    capacity: &CapacityArg,
    key: &str,
    index: bool,
    errors: &mut darling::error::Accumulator,
) {
    if capacity.units == 0 {
        let instead = if index {
            format!("remove it to give the index the table's `{key}`")
        } else {
            "for a table that costs nothing when idle, use on-demand billing (remove `billing = \"provisioned\"` and the capacities)".to_owned()
        };
        errors.push(
            Error::custom(format!(
                "`{key}` must be at least 1: DynamoDB refuses a provisioned capacity of 0 units; {instead}"
            ))
            .with_span(&capacity.span),
        );
    } else if i64::try_from(capacity.units).is_err() {
        errors.push(
            Error::custom(format!(
                "`{key}` is too large: DynamoDB takes at most {} units",
                i64::MAX
            ))
            .with_span(&capacity.span),
        );
    }
}

/// Provisioned billing needs both of the table's capacities: DynamoDB has no default for either.
/// (An index's default to the table's.)
fn provisioned_needs_read_and_write(
    arg: &TableOptionsArg,
    errors: &mut darling::error::Accumulator,
) -> Option<Capacity> {
    let span = arg
        .billing
        .as_ref()
        .map_or_else(Span::call_site, |b| b.span);
    match (&arg.read_capacity, &arg.write_capacity) {
        (Some(read), Some(write)) => Some(Capacity {
            read: read.units,
            write: write.units,
        }),
        (read, write) => {
            let missing = match (read, write) {
                (None, None) => "`read_capacity = N` and `write_capacity = N`",
                (None, Some(_)) => "`read_capacity = N`",
                _ => "`write_capacity = N`",
            };
            errors.push(
                Error::custom(format!(
                    "provisioned billing needs the table's read and write capacity units: add {missing} (each global index gets the table's unless it sets its own)"
                ))
                .with_span(&span),
            );
            None
        }
    }
}

/// Tags follow DynamoDB's restrictions: at most 50; each key once, 1 to 128 characters, not
/// starting with `aws:` (reserved for AWS); values up to 256 characters; letters, numbers,
/// white space and `+ - = . _ : /` only.
fn tags(tags: &[TagArg], errors: &mut darling::error::Accumulator) {
    if let Some(extra) = tags.get(MAX_TAGS) {
        errors.push(
            Error::custom(format!(
                "too many tags: DynamoDB allows {MAX_TAGS} per table and this model declares {}; remove {}",
                tags.len(),
                tags.len() - MAX_TAGS
            ))
            .with_span(&extra.key.span()),
        );
    }
    for (i, tag) in tags.iter().enumerate() {
        let key = tag.key.value();
        let Some(value_lit) = &tag.value else {
            errors.push(
                Error::custom(format!(
                    "tag `{key}` has no value: add `value = \"...\"` (an empty value is `value = \"\"`)"
                ))
                .with_span(&tag.key.span()),
            );
            continue;
        };
        let value = value_lit.value();
        let key_len = key.chars().count();
        if key_len == 0 {
            errors.push(
                Error::custom(
                    "a tag key cannot be empty: write `tag(key = \"team\", value = \"...\")`",
                )
                .with_span(&tag.key.span()),
            );
        } else if key_len > MAX_TAG_KEY {
            errors.push(
                Error::custom(format!(
                    "tag key is {key_len} characters long: DynamoDB allows at most {MAX_TAG_KEY}; shorten it"
                ))
                .with_span(&tag.key.span()),
            );
        }
        if key
            .get(..4)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("aws:"))
        {
            errors.push(
                Error::custom(format!(
                    "tag key `{key}` starts with `aws:`, which DynamoDB reserves for tags AWS assigns: choose a key without it"
                ))
                .with_span(&tag.key.span()),
            );
        }
        let value_len = value.chars().count();
        if value_len > MAX_TAG_VALUE {
            errors.push(
                Error::custom(format!(
                    "tag value is {value_len} characters long: DynamoDB allows at most {MAX_TAG_VALUE}; shorten it"
                ))
                .with_span(&value_lit.span()),
            );
        }
        for (what, text, span) in [
            ("key", &key, tag.key.span()),
            ("value", &value, value_lit.span()),
        ] {
            if let Some(c) = text.chars().find(|c| !allowed_in_tag(*c)) {
                errors.push(
                    Error::custom(format!(
                        "tag {what} `{text}` holds `{c}`, which DynamoDB does not allow in tags: use letters, numbers, spaces and `+ - = . _ : /`"
                    ))
                    .with_span(&span),
                );
            }
        }
        if tags[..i].iter().any(|t| t.key.value() == key) {
            errors.push(
                Error::custom(format!(
                    "duplicate tag key `{key}`: a table has one value per tag key; remove one of them or give it another key"
                ))
                .with_span(&tag.key.span()),
            );
        }
    }
}

fn allowed_in_tag(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "+-=._:/".contains(c)
}
