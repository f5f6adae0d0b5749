//! The rules that span more than one attribute. Each rule is one function that opens with the
//! rule it enforces; every error points at the token to change and says how to change it.
//! Errors are accumulated, so one build shows all of them.
//!
//! This file holds the rules on the struct, its fields and the strings that name fields;
//! `index.rs` the rules on secondary indexes.

mod entity;
mod index;
mod options;

use darling::Error;
use darling::util::Flag;
use proc_macro2::Span;
use quote::format_ident;
use syn::LitStr;
use syn::spanned::Spanned;

use self::index::{gsi, index_counts, lsi, lsis_need_a_sort_key, unique_index_names};
use crate::attr::{FieldInput, ModelInput, StreamArg};
use crate::model::{
    Codec, Field, FieldId, Gsi, Lsi, Missing, Model, Storage, StreamView, TableKeys,
};

pub(crate) fn validate(input: ModelInput) -> darling::Result<Model> {
    let mut errors = Error::accumulator();
    let krate = input
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::dynamo_types));
    let is_entity = input.entity.is_some();
    if is_entity {
        entity::not_for_entities(&input, &mut errors);
    } else {
        entity::entity_only(&input, &mut errors);
    }
    let raw_fields = input
        .data
        .take_struct()
        .map(|f| f.fields)
        .unwrap_or_default();

    owned_data(&input.generics, &mut errors);
    let table = if is_entity {
        entity::no_key_flags(&raw_fields, &mut errors);
        Some(String::new())
    } else {
        table_name(input.table.as_deref(), &input.ident, &mut errors)
    };
    let fields = fields(&raw_fields, &mut errors);
    duplicate_attribute_names(&raw_fields, &fields, &mut errors);
    let hash = single_flag(&raw_fields, |f| &f.hash, "hash", &input.ident, &mut errors);
    let range = single_flag(
        &raw_fields,
        |f| &f.range,
        "range",
        &input.ident,
        &mut errors,
    );
    let version = single_flag(
        &raw_fields,
        |f| &f.version,
        "version",
        &input.ident,
        &mut errors,
    );
    let created_at = single_flag(
        &raw_fields,
        |f| &f.created_at,
        "created_at",
        &input.ident,
        &mut errors,
    );
    let updated_at = single_flag(
        &raw_fields,
        |f| &f.updated_at,
        "updated_at",
        &input.ident,
        &mut errors,
    );
    field_flags_agree(&raw_fields, &mut errors);
    timestamp_flags_agree(&raw_fields, &mut errors);
    if !is_entity && hash.is_none() && !raw_fields.iter().any(|f| f.hash.is_present()) {
        errors.push(
            Error::custom("missing partition key: mark one field with `#[dynamo(hash)]`")
                .with_span(&input.ident),
        );
    }

    let ttl = input
        .ttl
        .as_ref()
        .and_then(|lit| Some((stored_field(&fields, lit, "ttl", &mut errors)?, lit.span())));
    let stream = input.stream.as_ref().map(|s| match **s {
        StreamArg::KeysOnly => StreamView::KeysOnly,
        StreamArg::NewImage => StreamView::NewImage,
        StreamArg::OldImage => StreamView::OldImage,
        StreamArg::NewAndOldImages => StreamView::NewAndOldImages,
    });

    let table_keys: Vec<FieldId> = hash.into_iter().chain(range).collect();
    let lsis: Vec<Lsi> = input
        .lsi
        .iter()
        .filter_map(|arg| lsi(&input.ident, arg, &fields, &table_keys, &mut errors))
        .collect();
    let options = options::table_options(&input.options, &input.gsi, &mut errors);
    let gsis: Vec<Gsi> = input
        .gsi
        .iter()
        .filter_map(|arg| {
            let mut gsi = gsi(&input.ident, arg, &fields, &table_keys, &mut errors)?;
            gsi.capacity = options::gsi_capacity(arg, options.provisioned);
            Some(gsi)
        })
        .collect();
    index_counts(&input.lsi, &input.gsi, &mut errors);
    unique_index_names(&lsis, &gsis, &mut errors);
    lsis_need_a_sort_key(range, &input.lsi, &mut errors);

    let entity = input.entity.as_ref().and_then(|arg| {
        let key = input.key.as_deref();
        entity::entity(&input.ident, key, &input.index, arg, &fields, &mut errors)
    });
    let keys = match (hash, range) {
        _ if is_entity => Some(TableKeys::Entity),
        (Some(hash), Some(range)) if hash != range => Some(TableKeys::Full { hash, range, lsis }),
        (Some(hash), None) => Some(TableKeys::Hash { hash }),
        _ => None,
    };
    errors.finish()?;
    let keys = keys.ok_or_else(|| Error::custom("invalid keys").with_span(&input.ident))?;
    Ok(Model {
        ident: input.ident,
        vis: input.vis,
        generics: input.generics,
        krate,
        table: table.unwrap_or_default(),
        fields,
        keys,
        gsis,
        ttl,
        version: version.map(|id| (id, raw_fields[id].version.span())),
        created_at: created_at.map(|id| (id, raw_fields[id].created_at.span())),
        updated_at: updated_at.map(|id| (id, raw_fields[id].updated_at.span())),
        stream,
        options,
        entity,
    })
}

/// A model owns its data: it is decoded from an item that is gone once the model is built, and
/// the query objects hand out models with no borrow to tie them to. So no lifetime parameters.
fn owned_data(generics: &syn::Generics, errors: &mut darling::error::Accumulator) {
    for lifetime in generics.lifetimes() {
        errors.push(
            Error::custom(format!(
                "a model owns its data, so it cannot have a lifetime: remove `{}` and use owned types (`String` instead of `&str`, `Vec<T>` instead of `&[T]`)",
                lifetime.lifetime
            ))
            .with_span(&lifetime.lifetime),
        );
    }
}

/// The table name is required and follows DynamoDB's rule: 3 to 255 characters of
/// `A-Z a-z 0-9 _ - .`.
fn table_name(
    table: Option<&LitStr>,
    ident: &syn::Ident,
    errors: &mut darling::error::Accumulator,
) -> Option<String> {
    let Some(lit) = table else {
        errors.push(
            Error::custom(format!(
                "missing table name: add `#[dynamo(table = \"...\")]` to `{ident}`"
            ))
            .with_span(ident),
        );
        return None;
    };
    let name = lit.value();
    check_name(&name, "table", lit.span(), errors);
    Some(name)
}

/// The generated names of an index an entity or a collection names (`UserGsi1Index`).
pub(crate) fn entity_index_names(
    model: &syn::Ident,
    lit: &LitStr,
    errors: &mut darling::error::Accumulator,
) -> crate::model::IndexNames {
    index::index_names(model, lit, errors)
}

/// Table and index names: 3 to 255 characters of `A-Z a-z 0-9 _ - .` (DynamoDB's rule).
pub(crate) fn check_name(
    name: &str,
    what: &str,
    span: Span,
    errors: &mut darling::error::Accumulator,
) {
    let bad_char = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')));
    let message = if let Some(c) = bad_char {
        Some(format!(
            "invalid {what} name `{name}`: `{c}` is not allowed; use only A-Z, a-z, 0-9, `_`, `-` and `.`"
        ))
    } else if !(3..=255).contains(&name.len()) {
        Some(format!(
            "invalid {what} name `{name}`: DynamoDB needs 3 to 255 characters, this has {}",
            name.len()
        ))
    } else {
        None
    };
    if let Some(message) = message {
        errors.push(Error::custom(message).with_span(&span));
    }
}

/// Each field's attribute name is its Rust name or `rename`; `rename` cannot be empty.
fn fields(raw: &[FieldInput], errors: &mut darling::error::Accumulator) -> Vec<Field> {
    raw.iter()
        .map(|f| {
            let ident = f.ident.clone().unwrap_or_else(|| format_ident!("_"));
            let name = match &f.rename {
                Some(lit) => {
                    let value = lit.value();
                    if value.is_empty() {
                        errors.push(
                            Error::custom("`rename` cannot be empty: DynamoDB attribute names need at least one character")
                                .with_span(lit),
                        );
                    }
                    value
                }
                None => rust_name(&ident),
            };
            let storage = if f.skip.is_present() {
                Storage::Skipped
            } else {
                Storage::Stored {
                    missing: if f.default.is_present() {
                        Missing::Default
                    } else {
                        Missing::ByType
                    },
                    codec: if f.serde.is_present() {
                        Codec::Serde
                    } else {
                        Codec::Native
                    },
                }
            };
            Field {
                ident,
                ty: f.ty.clone(),
                name,
                storage,
            }
        })
        .collect()
}

/// The name a user writes for a field (`r#type` is `type`).
pub(crate) fn rust_name(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// Two stored fields cannot have the same DynamoDB attribute name.
fn duplicate_attribute_names(
    raw: &[FieldInput],
    fields: &[Field],
    errors: &mut darling::error::Accumulator,
) {
    for (i, field) in fields.iter().enumerate() {
        if matches!(field.storage, Storage::Skipped) {
            continue;
        }
        if let Some(first) = fields[..i]
            .iter()
            .find(|f| f.name == field.name && matches!(f.storage, Storage::Stored { .. }))
        {
            let span = raw[i]
                .rename
                .as_ref()
                .map_or_else(|| field.ident.span(), |r| r.span());
            errors.push(
                Error::custom(format!(
                    "duplicate attribute name `{}`: field `{}` is already stored under it; give one of them another `#[dynamo(rename = \"...\")]`",
                    field.name, first.ident
                ))
                .with_span(&span),
            );
        }
    }
}

/// A table has one partition key, at most one sort key, at most one version field and at most
/// one `created_at` and one `updated_at` field: the second flag of a kind is an error, pointing
/// at that flag.
fn single_flag(
    raw: &[FieldInput],
    flag: impl Fn(&FieldInput) -> &Flag,
    name: &str,
    _ident: &syn::Ident,
    errors: &mut darling::error::Accumulator,
) -> Option<FieldId> {
    let mut first: Option<FieldId> = None;
    for (i, f) in raw.iter().enumerate() {
        if !flag(f).is_present() {
            continue;
        }
        match first {
            None => first = Some(i),
            Some(prev) => {
                let (what, instead) = match name {
                    "hash" => (
                        "a table has one partition key",
                        " (to query by this field too, declare a `gsi` on it)",
                    ),
                    "range" => (
                        "a table has one sort key",
                        " (to sort by this field too, declare an `lsi` on it)",
                    ),
                    "created_at" => ("a model has one `created_at` field", ""),
                    "updated_at" => ("a model has one `updated_at` field", ""),
                    _ => ("a model has one version field", ""),
                };
                let first = raw[prev].ident.as_ref().map_or_else(String::new, rust_name);
                errors.push(
                    Error::custom(format!(
                        "{what}, and `{first}` is already marked `#[dynamo({name})]`: remove this `{name}`{instead}"
                    ))
                    .with_span(&flag(f).span()),
                );
            }
        }
    }
    first
}

/// Flags on one field must make sense together: a key cannot also be the sort key, be skipped
/// or be the version; a skipped field takes no other storage option.
fn field_flags_agree(raw: &[FieldInput], errors: &mut darling::error::Accumulator) {
    for f in raw {
        if f.hash.is_present() && f.range.is_present() {
            errors.push(
                Error::custom("a field cannot be both the partition key and the sort key: remove `range` or `hash`")
                    .with_span(&f.range.span()),
            );
        }
        let is_key = f.hash.is_present() || f.range.is_present();
        if is_key && f.skip.is_present() {
            errors.push(
                Error::custom("a key field is always stored: remove `skip`")
                    .with_span(&f.skip.span()),
            );
        }
        if is_key && f.version.is_present() {
            errors.push(
                Error::custom("a key field cannot be the version: a version changes on every write, a key never does")
                    .with_span(&f.version.span()),
            );
        }
        if is_key && f.default.is_present() {
            errors.push(
                Error::custom("a key field is always present: remove `default`")
                    .with_span(&f.default.span()),
            );
        }
        if f.skip.is_present() {
            let conflicts = [
                ("rename", f.rename.as_ref().map(|r| r.span())),
                ("default", f.default.is_present().then(|| f.default.span())),
                ("version", f.version.is_present().then(|| f.version.span())),
                ("serde", f.serde.is_present().then(|| f.serde.span())),
            ];
            for (what, span) in conflicts {
                if let Some(span) = span {
                    errors.push(
                        Error::custom(format!(
                            "`{what}` has no effect on a `skip` field, which is not stored: remove one of them"
                        ))
                        .with_span(&span),
                    );
                }
            }
        }
    }
}

/// A timestamp field is written by the writer, so it is a stored field of its own: not a key
/// (a key never changes), not the version, not skipped, not stored through serde (the writer
/// encodes the time itself), and not both `created_at` and `updated_at`.
fn timestamp_flags_agree(raw: &[FieldInput], errors: &mut darling::error::Accumulator) {
    for f in raw {
        for (flag, name) in [(&f.created_at, "created_at"), (&f.updated_at, "updated_at")] {
            if !flag.is_present() {
                continue;
            }
            let conflict = if f.hash.is_present() || f.range.is_present() {
                Some(format!(
                    "a key field cannot be `{name}`: the writer sets `{name}` on writes, and a key never changes; mark another field"
                ))
            } else if f.version.is_present() {
                Some(format!(
                    "the version field cannot also be `{name}`: a version is a counter, a timestamp an instant; use two fields"
                ))
            } else if f.skip.is_present() {
                Some(format!(
                    "a `skip` field is not stored, so it cannot be `{name}`: remove `skip` or `{name}`"
                ))
            } else if f.serde.is_present() {
                Some(format!(
                    "a `{name}` field is stored by the writer, not through serde: remove `serde` or `{name}`"
                ))
            } else {
                None
            };
            if let Some(message) = conflict {
                errors.push(Error::custom(message).with_span(&flag.span()));
            }
        }
        if f.created_at.is_present() && f.updated_at.is_present() {
            errors.push(
                Error::custom("a field cannot be both `created_at` and `updated_at`: they differ after the first write; use two fields")
                    .with_span(&f.updated_at.span()),
            );
        }
    }
}

/// A string naming a field (`ttl`, index keys, `include`) must name a stored field; a typo gets
/// a did-you-mean.
fn stored_field(
    fields: &[Field],
    lit: &LitStr,
    role: &str,
    errors: &mut darling::error::Accumulator,
) -> Option<FieldId> {
    // `"r#type"` names the field `r#type`, as `"type"` does.
    let value = lit.value();
    let wanted = value.strip_prefix("r#").unwrap_or(&value);
    named_field(fields, wanted, role, lit.span(), errors)
}

pub(super) fn named_field(
    fields: &[Field],
    wanted: &str,
    role: &str,
    span: Span,
    errors: &mut darling::error::Accumulator,
) -> Option<FieldId> {
    match fields.iter().position(|f| rust_name(&f.ident) == wanted) {
        Some(id) if matches!(fields[id].storage, Storage::Skipped) => {
            errors.push(
                Error::custom(format!(
                    "`{role}` names `{wanted}`, which is `skip`ped and so never stored: name a stored field, or remove `skip` from `{wanted}`"
                ))
                .with_span(&span),
            );
            None
        }
        Some(id) => Some(id),
        None => {
            let mut message =
                format!("`{role}` names `{wanted}`, but the struct has no such field");
            if let Some(attr_match) = fields.iter().find(|f| f.name == wanted) {
                message.push_str(&format!(
                    "; `{wanted}` is the attribute name of field `{}`: indexes and `ttl` name Rust fields",
                    attr_match.ident
                ));
            } else if let Some(best) =
                did_you_mean(wanted, fields.iter().map(|f| rust_name(&f.ident)))
            {
                message.push_str(&format!("; did you mean `{best}`?"));
            }
            errors.push(Error::custom(message).with_span(&span));
            None
        }
    }
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
fn did_you_mean(wanted: &str, candidates: impl Iterator<Item = String>) -> Option<String> {
    candidates
        .map(|c| (edit_distance(wanted, &c), c))
        .filter(|(d, c)| *d <= (wanted.len().max(c.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let names = || {
            ["author_id", "published_at", "slug"]
                .map(String::from)
                .into_iter()
        };
        assert_eq!(did_you_mean("auther_id", names()), Some("author_id".into()));
        assert_eq!(did_you_mean("zzz", names()), None);
    }
}
