//! How a live table differs from its model: [`SchemaDifference`], and the comparison that
//! finds each one.

use std::fmt;

use aws_sdk_dynamodb::types::{
    KeySchemaElement, KeyType, Projection as SdkProjection, ProjectionType,
};

use super::create::{gsi_capacity, projection};
use super::describe::{Live, LiveOptions};
use crate::model::{Billing, Capacity, IndexKind, KeyAttr, TableClass, TableSchema};

/// One way a live table differs from its model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaDifference {
    /// A key (of the table, or of `index`) has another attribute or type than the model.
    Key {
        /// `None` for the table's own key.
        index: Option<String>,
        /// `HASH` or `RANGE`.
        role: &'static str,
        /// `name (S)` as the model declares it (`a (S), b (N)` for a key of several attributes,
        /// in order), or `none`.
        expected: String,
        /// `name (N)` as the table has it, or `none`.
        found: String,
    },
    /// The model declares an index the table lacks.
    MissingIndex {
        /// The index name.
        name: String,
        /// `local` or `global`.
        kind: &'static str,
    },
    /// The table has an index the model does not declare.
    ExtraIndex {
        /// The index name.
        name: String,
    },
    /// An index projects other attributes than the model declares.
    Projection {
        /// The index name.
        index: String,
        /// What the model declares.
        expected: String,
        /// What the table has.
        found: String,
    },
    /// The stream view type differs (`none` when streams are off).
    Stream {
        /// What the model declares.
        expected: String,
        /// What the table has.
        found: String,
    },
    /// The TTL attribute differs (`none` when TTL is off).
    Ttl {
        /// What the model declares.
        expected: String,
        /// What the table has.
        found: String,
    },
    /// The billing mode or the table's provisioned capacity differs.
    Billing {
        /// What the model declares.
        expected: Billing,
        /// What the table has.
        found: Billing,
    },
    /// A global secondary index of a provisioned table has another capacity than the model
    /// declares (the table's, unless the index sets its own).
    IndexCapacity {
        /// The index name.
        index: String,
        /// What the model declares.
        expected: Capacity,
        /// What the index has; `None` when DescribeTable reports no capacity for it.
        found: Option<Capacity>,
    },
    /// The table class differs.
    TableClass {
        /// What the model declares.
        expected: TableClass,
        /// What the table has.
        found: TableClass,
    },
    /// Deletion protection is on where the model says off, or the reverse.
    DeletionProtection {
        /// What the model declares.
        expected: bool,
        /// What the table has.
        found: bool,
    },
    /// Point-in-time recovery differs, or the model declares it and the server does not say
    /// (`found: None`, with `reason`).
    PointInTimeRecovery {
        /// What the model declares.
        expected: bool,
        /// What the table has, if the server said.
        found: Option<bool>,
        /// Why `found` is `None` (empty otherwise).
        reason: String,
    },
    /// A tag the model declares is missing from the table or has another value. Tags the
    /// table has beyond the model's are not a difference.
    Tag {
        /// The tag key.
        key: String,
        /// The model's value.
        expected: String,
        /// The table's value; `None` when the table lacks the tag.
        found: Option<String>,
    },
    /// The model declares tags, and the server did not say which tags the table has.
    TagsUnknown {
        /// Why (the server's answer to ListTagsOfResource).
        reason: String,
    },
}

impl fmt::Display for SchemaDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaDifference::Key {
                index,
                role,
                expected,
                found,
            } => {
                let whose = index
                    .as_ref()
                    .map_or("table".to_owned(), |i| format!("index `{i}`"));
                write!(
                    f,
                    "{whose} {role} key: model has {expected}, table has {found}"
                )
            }
            SchemaDifference::MissingIndex { name, kind } => {
                write!(f, "the table lacks the {kind} index `{name}`")
            }
            SchemaDifference::ExtraIndex { name } => {
                write!(
                    f,
                    "the table has index `{name}`, which the model does not declare"
                )
            }
            SchemaDifference::Projection {
                index,
                expected,
                found,
            } => write!(
                f,
                "index `{index}` projection: model has {expected}, table has {found}"
            ),
            SchemaDifference::Stream { expected, found } => {
                write!(f, "stream view: model has {expected}, table has {found}")
            }
            SchemaDifference::Ttl { expected, found } => {
                write!(f, "TTL attribute: model has {expected}, table has {found}")
            }
            SchemaDifference::Billing { expected, found } => write!(
                f,
                "billing: model has {}, table has {}",
                describe_billing(*expected),
                describe_billing(*found)
            ),
            SchemaDifference::IndexCapacity {
                index,
                expected,
                found,
            } => write!(
                f,
                "index `{index}` capacity: model has {}, table has {}",
                describe_capacity(*expected),
                found.map_or("none".to_owned(), describe_capacity)
            ),
            SchemaDifference::TableClass { expected, found } => write!(
                f,
                "table class: model has {}, table has {}",
                expected.to_sdk().as_str(),
                found.to_sdk().as_str()
            ),
            SchemaDifference::DeletionProtection { expected, found } => write!(
                f,
                "deletion protection: model has {}, table has {}",
                on_off(*expected),
                on_off(*found)
            ),
            SchemaDifference::PointInTimeRecovery {
                expected,
                found,
                reason,
            } => match found {
                Some(found) => write!(
                    f,
                    "point-in-time recovery: model has {}, table has {}",
                    on_off(*expected),
                    on_off(*found)
                ),
                None => write!(
                    f,
                    "point-in-time recovery: model has {}, and the server does not say whether the table has it ({reason})",
                    on_off(*expected)
                ),
            },
            SchemaDifference::Tag {
                key,
                expected,
                found,
            } => match found {
                Some(found) => write!(
                    f,
                    "tag `{key}`: model has `{expected}`, table has `{found}`"
                ),
                None => write!(f, "tag `{key}`: model has `{expected}`, the table lacks it"),
            },
            SchemaDifference::TagsUnknown { reason } => write!(
                f,
                "tags: the model declares some, and the server does not say which the table has ({reason})"
            ),
        }
    }
}

pub(super) fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

pub(super) fn describe_capacity(capacity: Capacity) -> String {
    format!("read {} / write {}", capacity.read, capacity.write)
}

pub(super) fn describe_billing(billing: Billing) -> String {
    match billing {
        Billing::OnDemand => "on-demand (PAY_PER_REQUEST)".to_owned(),
        Billing::Provisioned(c) => format!("provisioned ({})", describe_capacity(c)),
    }
}

/// A key schema's attributes as `` `a` (S), `b` (N) ``, or `none`.
pub(super) fn describe_key_schema(attrs: &[KeyAttr]) -> String {
    if attrs.is_empty() {
        return "none".to_owned();
    }
    attrs
        .iter()
        .map(|a| format!("`{}` ({})", a.name, a.scalar.to_sdk().as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn compare(
    schema: &TableSchema,
    table: &aws_sdk_dynamodb::types::TableDescription,
    ttl: Option<&str>,
) -> Vec<SchemaDifference> {
    let definitions = table.attribute_definitions();
    // A key's live attributes of one role, in key-schema order (a multi-attribute key lists
    // several of each role, in order).
    let live_key = |elements: &[KeySchemaElement], role: KeyType| -> String {
        let described: Vec<String> = elements
            .iter()
            .filter(|e| e.key_type == role)
            .map(|e| {
                let ty = definitions
                    .iter()
                    .find(|d| d.attribute_name == e.attribute_name)
                    .map_or("?", |d| d.attribute_type.as_str());
                format!("`{}` ({ty})", e.attribute_name)
            })
            .collect();
        if described.is_empty() {
            "none".to_owned()
        } else {
            described.join(", ")
        }
    };
    let compare_keys = |index: Option<&str>,
                        elements: &[KeySchemaElement],
                        hash: &[KeyAttr],
                        range: &[KeyAttr]|
     -> Vec<SchemaDifference> {
        [(KeyType::Hash, hash), (KeyType::Range, range)]
            .into_iter()
            .filter_map(|(role, expected)| {
                let expected = describe_key_schema(expected);
                let found = live_key(elements, role.clone());
                (expected != found).then(|| SchemaDifference::Key {
                    index: index.map(str::to_owned),
                    role: if role == KeyType::Hash {
                        "HASH"
                    } else {
                        "RANGE"
                    },
                    expected,
                    found,
                })
            })
            .collect()
    };
    let mut out = compare_keys(
        None,
        table.key_schema(),
        &[schema.hash],
        schema.range.as_slice(),
    );

    let live_indexes: Vec<(
        &str,
        &[KeySchemaElement],
        Option<&SdkProjection>,
        &'static str,
    )> = table
        .local_secondary_indexes()
        .iter()
        .map(|i| {
            (
                i.index_name().unwrap_or_default(),
                i.key_schema(),
                i.projection(),
                "local",
            )
        })
        .chain(table.global_secondary_indexes().iter().map(|i| {
            (
                i.index_name().unwrap_or_default(),
                i.key_schema(),
                i.projection(),
                "global",
            )
        }))
        .collect();
    for index in schema.indexes {
        let kind = match index.kind {
            IndexKind::Local => "local",
            IndexKind::Global => "global",
        };
        match live_indexes
            .iter()
            .find(|(name, _, _, live_kind)| *name == index.name && *live_kind == kind)
        {
            None => out.push(SchemaDifference::MissingIndex {
                name: index.name.to_owned(),
                kind,
            }),
            Some((_, elements, live_projection, _)) => {
                out.extend(compare_keys(
                    Some(index.name),
                    elements,
                    index.hash,
                    index.range,
                ));
                let expected = describe_projection(Some(&projection(index)));
                let found = describe_projection(*live_projection);
                if expected != found {
                    out.push(SchemaDifference::Projection {
                        index: index.name.to_owned(),
                        expected,
                        found,
                    });
                }
            }
        }
    }
    for (name, _, _, live_kind) in &live_indexes {
        // Compared by kind too: a local index where the model declares a global one of that
        // name (or the reverse) is reported both as missing and as extra.
        let declared = schema.indexes.iter().any(|i| {
            i.name == *name
                && matches!(
                    (i.kind, *live_kind),
                    (IndexKind::Local, "local") | (IndexKind::Global, "global")
                )
        });
        if !declared {
            out.push(SchemaDifference::ExtraIndex {
                name: (*name).to_owned(),
            });
        }
    }

    let expected_stream = schema
        .stream
        .map_or("none".to_owned(), |v| v.to_sdk().as_str().to_owned());
    let found_stream = table
        .stream_specification()
        .filter(|s| s.stream_enabled())
        .and_then(|s| s.stream_view_type())
        .map_or("none".to_owned(), |v| v.as_str().to_owned());
    if expected_stream != found_stream {
        out.push(SchemaDifference::Stream {
            expected: expected_stream,
            found: found_stream,
        });
    }
    let expected_ttl = schema.ttl.unwrap_or("none");
    let found_ttl = ttl.unwrap_or("none");
    if expected_ttl != found_ttl {
        out.push(SchemaDifference::Ttl {
            expected: expected_ttl.to_owned(),
            found: found_ttl.to_owned(),
        });
    }
    out
}

pub(super) fn describe_projection(projection: Option<&SdkProjection>) -> String {
    let Some(p) = projection else {
        return "none".to_owned();
    };
    match p.projection_type() {
        Some(ProjectionType::Include) => {
            let mut attrs: Vec<&str> = p.non_key_attributes().iter().map(String::as_str).collect();
            attrs.sort_unstable();
            format!("INCLUDE({})", attrs.join(", "))
        }
        Some(other) => other.as_str().to_owned(),
        None => "none".to_owned(),
    }
}

/// The options the model declares against the live ones.
pub(super) fn compare_options(schema: &TableSchema, live: &LiveOptions) -> Vec<SchemaDifference> {
    let options = &schema.options;
    let mut out = Vec::new();
    // Only what the model states is compared (see `TableOptions`).
    if options.billing_declared && options.billing != live.billing {
        out.push(SchemaDifference::Billing {
            expected: options.billing,
            found: live.billing,
        });
    }
    // Index capacities are compared when both sides are provisioned (a billing difference
    // says the rest), for the indexes both have (a missing index is reported as such).
    if options.billing_declared && matches!(live.billing, Billing::Provisioned(_)) {
        for index in schema.indexes {
            if index.kind != IndexKind::Global || !live.gsi_names.iter().any(|n| n == index.name) {
                continue;
            }
            let Some(expected) = gsi_capacity(schema, index) else {
                continue;
            };
            let found = live.index_capacities.get(index.name).copied();
            if found != Some(expected) {
                out.push(SchemaDifference::IndexCapacity {
                    index: index.name.to_owned(),
                    expected,
                    found,
                });
            }
        }
    }
    if options.class_declared && options.class != live.class {
        out.push(SchemaDifference::TableClass {
            expected: options.class,
            found: live.class,
        });
    }
    if options.deletion_protection && !live.deletion_protection {
        out.push(SchemaDifference::DeletionProtection {
            expected: options.deletion_protection,
            found: live.deletion_protection,
        });
    }
    match &live.point_in_time_recovery {
        Live::Known(found) if options.point_in_time_recovery && !*found => {
            out.push(SchemaDifference::PointInTimeRecovery {
                expected: options.point_in_time_recovery,
                found: Some(*found),
                reason: String::new(),
            });
        }
        Live::Unknown(reason) if options.point_in_time_recovery => {
            out.push(SchemaDifference::PointInTimeRecovery {
                expected: true,
                found: None,
                reason: reason.clone(),
            });
        }
        _ => {}
    }
    match &live.tags {
        Live::Known(tags) => {
            for tag in options.tags {
                let found = tags.get(tag.key);
                if found.map(String::as_str) != Some(tag.value) {
                    out.push(SchemaDifference::Tag {
                        key: tag.key.to_owned(),
                        expected: tag.value.to_owned(),
                        found: found.cloned(),
                    });
                }
            }
        }
        Live::Unknown(reason) if !options.tags.is_empty() => {
            out.push(SchemaDifference::TagsUnknown {
                reason: reason.clone(),
            });
        }
        Live::Unknown(_) => {}
    }
    out
}
