//! The rules that span more than one attribute. Each rule is one function that opens with the
//! rule it enforces; every error points at the token to change and says how to change it.
//! Errors are accumulated, so one build shows all of them.

use darling::Error;
use darling::util::Flag;
use proc_macro2::Span;
use quote::format_ident;
use syn::LitStr;
use syn::spanned::Spanned;

use crate::attr::{FieldInput, GsiArg, LsiArg, ModelInput, ProjectionArg, StreamArg};
use crate::model::{
    Codec, Field, FieldId, Gsi, IndexNames, Lsi, Missing, Model, Projection, Storage, StreamView,
    TableKeys,
};

/// DynamoDB's per-table limits.
const MAX_LSIS: usize = 5;
const MAX_GSIS: usize = 20;

/// Methods of the generated table handle; an index method must not take one of these names.
const HANDLE_METHODS: &[&str] = &[
    "primary_key",
    "writer",
    "create_table",
    "create_table_if_not_exists",
    "delete_table",
    "describe",
    "verify",
    "name",
    "client",
    "new",
    "clone",
    "table",
];

pub(crate) fn validate(input: ModelInput) -> darling::Result<Model> {
    let mut errors = Error::accumulator();
    let krate = input
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::dynamo_types));
    let raw_fields = input
        .data
        .take_struct()
        .map(|f| f.fields)
        .unwrap_or_default();

    let table = table_name(&input.table, &input.ident, &mut errors);
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
    field_flags_agree(&raw_fields, &mut errors);
    if hash.is_none() && !raw_fields.iter().any(|f| f.hash.is_present()) {
        errors.push(
            Error::custom("missing partition key: mark one field with `#[dynamo(hash)]`")
                .with_span(&input.ident),
        );
    }

    let ttl = input
        .ttl
        .as_ref()
        .and_then(|lit| stored_field(&fields, lit, "ttl", &mut errors));
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
    let gsis: Vec<Gsi> = input
        .gsi
        .iter()
        .filter_map(|arg| gsi(&input.ident, arg, &fields, &table_keys, &mut errors))
        .collect();
    index_counts(&input.lsi, &input.gsi, &mut errors);
    unique_index_names(&lsis, &gsis, &mut errors);
    lsis_need_a_sort_key(range, &input.lsi, &mut errors);

    let keys = match (hash, range) {
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
        version,
        stream,
    })
}

/// The table name is required and follows DynamoDB's rule: 3 to 255 characters of
/// `A-Z a-z 0-9 _ - .`.
fn table_name(
    table: &Option<LitStr>,
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

/// Table and index names: 3 to 255 characters of `A-Z a-z 0-9 _ - .` (DynamoDB's rule).
fn check_name(name: &str, what: &str, span: Span, errors: &mut darling::error::Accumulator) {
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
            let ident = f.ident.clone().expect("named fields");
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
fn rust_name(ident: &syn::Ident) -> String {
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

/// A table has one partition key, at most one sort key and at most one version field: the
/// second flag of a kind is an error, pointing at that flag.
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
                let what = match name {
                    "hash" => "partition key",
                    "range" => "sort key",
                    _ => "version field",
                };
                errors.push(
                    Error::custom(format!(
                        "duplicate {what}: `{}` is already marked `#[dynamo({name})]`; a table has only one",
                        raw[prev].ident.as_ref().expect("named fields")
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

/// A string naming a field (`ttl`, index keys, `include`) must name a stored field; a typo gets
/// a did-you-mean.
fn stored_field(
    fields: &[Field],
    lit: &LitStr,
    role: &str,
    errors: &mut darling::error::Accumulator,
) -> Option<FieldId> {
    let wanted = lit.value();
    named_field(fields, &wanted, role, lit.span(), errors)
}

fn named_field(
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
                    "`{role}` names `{wanted}`, which is `skip`ped and so never stored"
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

fn index_names(
    model: &syn::Ident,
    lit: &LitStr,
    errors: &mut darling::error::Accumulator,
) -> IndexNames {
    let name = lit.value();
    check_name(&name, "index", lit.span(), errors);
    let words: Vec<String> = split_words(&name);
    let snake = words.join("_");
    let method = if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("index_{snake}")
    } else {
        snake
    };
    if HANDLE_METHODS.contains(&method.as_str()) {
        errors.push(
            Error::custom(format!(
                "index name `{name}` would make a method `{method}()` that the table handle already has; choose another index name"
            ))
            .with_span(lit),
        );
    }
    let pascal: String = words
        .iter()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let method =
        syn::parse_str::<syn::Ident>(&method).unwrap_or_else(|_| format_ident!("r#{}", method));
    IndexNames {
        name,
        method: syn::Ident::new(&method.to_string(), lit.span()),
        marker: format_ident!("{}{}Index", model, pascal, span = lit.span()),
        span: lit.span(),
    }
}

/// Splits `by-Author.v2`, `ByAuthor` and `by_author` into lowercase words.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `include` names non-key fields, each once: every index holds the table's and its own keys
/// already, and DynamoDB rejects a key attribute in `NonKeyAttributes`.
fn projection(
    arg: &Option<ProjectionArg>,
    fields: &[Field],
    keys: &[FieldId],
    errors: &mut darling::error::Accumulator,
) -> Projection {
    match arg {
        None | Some(ProjectionArg::All) => Projection::All,
        Some(ProjectionArg::KeysOnly) => Projection::KeysOnly,
        Some(ProjectionArg::Include(paths)) => {
            let mut ids: Vec<FieldId> = Vec::new();
            for path in paths.iter() {
                let wanted = path
                    .get_ident()
                    .map(rust_name)
                    .unwrap_or_else(|| quote::quote!(#path).to_string());
                if let Some(id) = named_field(fields, &wanted, "include", path.span(), errors) {
                    if keys.contains(&id) {
                        errors.push(
                            Error::custom(format!(
                                "`{wanted}` is a key attribute, which the index holds already: remove it from `include`"
                            ))
                            .with_span(path),
                        );
                    } else if ids.contains(&id) {
                        errors.push(
                            Error::custom(format!("`{wanted}` is already in `include`"))
                                .with_span(path),
                        );
                    } else {
                        ids.push(id);
                    }
                }
            }
            Projection::Include(ids)
        }
    }
}

fn lsi(
    model: &syn::Ident,
    arg: &LsiArg,
    fields: &[Field],
    table_keys: &[FieldId],
    errors: &mut darling::error::Accumulator,
) -> Option<Lsi> {
    let names = index_names(model, &arg.name, errors);
    let range = stored_field(fields, &arg.range, "range", errors);
    let keys: Vec<FieldId> = table_keys.iter().copied().chain(range).collect();
    let projection = projection(&arg.projection, fields, &keys, errors);
    Some(Lsi {
        names,
        range: range?,
        projection,
    })
}

fn gsi(
    model: &syn::Ident,
    arg: &GsiArg,
    fields: &[Field],
    table_keys: &[FieldId],
    errors: &mut darling::error::Accumulator,
) -> Option<Gsi> {
    let names = index_names(model, &arg.name, errors);
    let hash = stored_field(fields, &arg.hash, "hash", errors);
    let range = match &arg.range {
        Some(lit) => Some(stored_field(fields, lit, "range", errors)?),
        None => None,
    };
    if let (Some(h), Some(r), Some(lit)) = (hash, range, &arg.range)
        && h == r
    {
        errors.push(
            Error::custom("an index cannot use one field as both its partition and sort key")
                .with_span(lit),
        );
    }
    let keys: Vec<FieldId> = table_keys
        .iter()
        .copied()
        .chain(hash)
        .chain(range)
        .collect();
    let projection = projection(&arg.projection, fields, &keys, errors);
    Some(Gsi {
        names,
        hash: hash?,
        range,
        projection,
    })
}

/// DynamoDB allows at most 5 local and 20 global secondary indexes per table.
fn index_counts(lsis: &[LsiArg], gsis: &[GsiArg], errors: &mut darling::error::Accumulator) {
    if let Some(extra) = lsis.get(MAX_LSIS) {
        errors.push(
            Error::custom(format!(
                "too many local secondary indexes: DynamoDB allows {MAX_LSIS} per table, this model declares {}",
                lsis.len()
            ))
            .with_span(&extra.name),
        );
    }
    if let Some(extra) = gsis.get(MAX_GSIS) {
        errors.push(
            Error::custom(format!(
                "too many global secondary indexes: DynamoDB allows {MAX_GSIS} per table, this model declares {}",
                gsis.len()
            ))
            .with_span(&extra.name),
        );
    }
}

/// Index names are unique within a table, across local and global indexes.
fn unique_index_names(lsis: &[Lsi], gsis: &[Gsi], errors: &mut darling::error::Accumulator) {
    let all: Vec<&IndexNames> = lsis
        .iter()
        .map(|l| &l.names)
        .chain(gsis.iter().map(|g| &g.names))
        .collect();
    for (i, names) in all.iter().enumerate() {
        if all[..i].iter().any(|n| n.name == names.name) {
            errors.push(
                Error::custom(format!(
                    "duplicate index name `{}`: index names must be unique within a table",
                    names.name
                ))
                .with_span(&names.span),
            );
        } else if let Some(other) = all[..i].iter().find(|n| n.method == names.method) {
            errors.push(
                Error::custom(format!(
                    "index names `{}` and `{}` both make the method `{}()`; rename one",
                    other.name, names.name, names.method
                ))
                .with_span(&names.span),
            );
        }
    }
}

/// A local secondary index shares the table's partition key and replaces its sort key, so the
/// table must have a sort key.
fn lsis_need_a_sort_key(
    range: Option<FieldId>,
    lsis: &[LsiArg],
    errors: &mut darling::error::Accumulator,
) {
    if range.is_some() {
        return;
    }
    for arg in lsis {
        errors.push(
            Error::custom(format!(
                "local secondary index `{}` needs a table with a sort key: mark a field `#[dynamo(range)]`, or make it a `gsi`",
                arg.name.value()
            ))
            .with_span(&arg.name),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(split_words("by_author"), ["by", "author"]);
        assert_eq!(split_words("ByAuthor"), ["by", "author"]);
        assert_eq!(split_words("gsi-1.v2"), ["gsi", "1", "v2"]);
        assert_eq!(split_words("GSI1"), ["gsi1"]);
    }

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
