//! The rules on secondary indexes: names, keys, projections and DynamoDB's limits.

use darling::Error;
use quote::format_ident;
use syn::LitStr;
use syn::spanned::Spanned;

use super::{check_name, named_field, rust_name, stored_field};
use crate::attr::{GsiArg, KeyNames, LsiArg, ProjectionArg};
use crate::model::{Field, FieldId, Gsi, IndexNames, Lsi, Projection};

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
    "deref",
    "fmt",
    "get_item",
];

pub(super) fn index_names(
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
    IndexNames {
        method: method_ident(&name, &method, lit, errors),
        name,
        marker: format_ident!("{}{}Index", model, pascal, span = lit.span()),
        span: lit.span(),
    }
}

/// The method name as an identifier: a keyword becomes a raw identifier (`"type"` gives
/// `r#type()`); `self`, `super` and `crate` cannot be one, so they are an error.
fn method_ident(
    name: &str,
    method: &str,
    lit: &LitStr,
    errors: &mut darling::error::Accumulator,
) -> syn::Ident {
    if syn::parse_str::<syn::Ident>(method).is_ok() {
        return syn::Ident::new(method, lit.span());
    }
    if matches!(method, "self" | "super" | "crate") {
        errors.push(
            Error::custom(format!(
                "index name `{name}` would make a method `{method}()`, which Rust does not allow; choose another index name"
            ))
            .with_span(lit),
        );
        return format_ident!("index_{}", method, span = lit.span());
    }
    syn::Ident::new_raw(method, lit.span())
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
                            Error::custom(format!(
                                "`{wanted}` is already in `include`: remove this one"
                            ))
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

/// An `lsi` names its sort key (`range`: the partition key is the table's), a `gsi` its
/// partition key (`hash`); either is required.
fn missing_key(name: &LitStr, kind: &str, errors: &mut darling::error::Accumulator) {
    let message = if kind == "lsi" {
        format!(
            "local secondary index `{}` needs a sort key: add `range = \"field\"` (it shares the table's partition key)",
            name.value()
        )
    } else {
        format!(
            "global secondary index `{}` needs a partition key: add `hash = \"field\"`",
            name.value()
        )
    };
    errors.push(Error::custom(message).with_span(name));
}

pub(super) fn lsi(
    model: &syn::Ident,
    arg: &LsiArg,
    fields: &[Field],
    table_keys: &[FieldId],
    errors: &mut darling::error::Accumulator,
) -> Option<Lsi> {
    let names = index_names(model, &arg.name, errors);
    if let Some(hash) = &arg.hash {
        errors.push(
            Error::custom(
                "a local secondary index shares the table's partition key, so it takes no `hash`: remove it, or make this index a `gsi` to give it its own partition key",
            )
            .with_span(&**hash),
        );
    }
    let lit = match &arg.range {
        None => {
            missing_key(&arg.name, "lsi", errors);
            None
        }
        Some(key) => {
            if let Some(extra) = key.names.get(1) {
                errors.push(
                    Error::custom(
                        "a local secondary index's sort key is one attribute: keys of several attributes are for global secondary indexes (`gsi`); name one field in `range`",
                    )
                    .with_span(extra),
                );
            }
            key.names.first()
        }
    };
    let range = lit.and_then(|lit| stored_field(fields, lit, "range", errors));
    // The sort key of an LSI cannot be the partition key it shares with the table: DynamoDB
    // rejects a key schema that names one attribute twice.
    if let (Some(r), Some(&table_hash), Some(lit)) = (range, table_keys.first(), lit)
        && r == table_hash
    {
        errors.push(
            Error::custom("a local secondary index's sort key must differ from the table's partition key, which the index shares: name another field in `range`")
                .with_span(lit),
        );
    }
    let keys: Vec<FieldId> = table_keys.iter().copied().chain(range).collect();
    let projection = projection(&arg.projection, fields, &keys, errors);
    Some(Lsi {
        names,
        range: range?,
        projection,
    })
}

/// DynamoDB takes up to four attributes in each of a global secondary index's keys.
const MAX_KEY_ATTRIBUTES: usize = 4;

/// The fields of one key of a global index (`role`: `hash` or `range`), each named once
/// across the index's keys (`taken`); `None` when one of them is wrong.
fn gsi_key_fields(
    key: &KeyNames,
    role: &str,
    fields: &[Field],
    taken: &mut Vec<FieldId>,
    errors: &mut darling::error::Accumulator,
) -> Option<Vec<FieldId>> {
    if let Some(extra) = key.names.get(MAX_KEY_ATTRIBUTES) {
        let what = if role == "hash" { "partition" } else { "sort" };
        errors.push(
            Error::custom(format!(
                "a global secondary index's {what} key has at most {MAX_KEY_ATTRIBUTES} attributes, and `{role}` names {}: remove {}",
                key.names.len(),
                key.names.len() - MAX_KEY_ATTRIBUTES
            ))
            .with_span(extra),
        );
    }
    let mut ids = Vec::with_capacity(key.names.len());
    let mut ok = true;
    for lit in &key.names {
        let Some(id) = stored_field(fields, lit, role, errors) else {
            ok = false;
            continue;
        };
        if taken.contains(&id) {
            let message = if role == "range" && !ids.contains(&id) {
                "an index cannot use one field as both its partition and sort key: name another field in `range`, or leave `range` out".to_owned()
            } else {
                format!(
                    "`{}` is named twice in `{role}`: an index key names each field once",
                    lit.value()
                )
            };
            errors.push(Error::custom(message).with_span(lit));
            ok = false;
            continue;
        }
        taken.push(id);
        ids.push(id);
    }
    ok.then_some(ids)
}

pub(super) fn gsi(
    model: &syn::Ident,
    arg: &GsiArg,
    fields: &[Field],
    table_keys: &[FieldId],
    errors: &mut darling::error::Accumulator,
) -> Option<Gsi> {
    let names = index_names(model, &arg.name, errors);
    let mut taken = Vec::new();
    let hash = match &arg.hash {
        Some(key) => gsi_key_fields(key, "hash", fields, &mut taken, errors),
        None => {
            missing_key(&arg.name, "gsi", errors);
            None
        }
    };
    // A bad `range` still lets the projection be checked, so one build shows every error.
    let range = match &arg.range {
        Some(key) => gsi_key_fields(key, "range", fields, &mut taken, errors),
        None => Some(Vec::new()),
    };
    let keys: Vec<FieldId> = table_keys.iter().copied().chain(taken).collect();
    let projection = projection(&arg.projection, fields, &keys, errors);
    let span_of = |key: &Option<KeyNames>| key.as_ref().map_or(arg.name.span(), |k| k.span);
    Some(Gsi {
        names,
        hash: hash?,
        range: range?,
        key_spans: (span_of(&arg.hash), span_of(&arg.range)),
        projection,
        // set from the table's billing by `options::gsi_capacity`
        capacity: None,
    })
}

/// DynamoDB allows at most 5 local and 20 global secondary indexes per table.
pub(super) fn index_counts(
    lsis: &[LsiArg],
    gsis: &[GsiArg],
    errors: &mut darling::error::Accumulator,
) {
    if let Some(extra) = lsis.get(MAX_LSIS) {
        errors.push(
            Error::custom(format!(
                "too many local secondary indexes: DynamoDB allows {MAX_LSIS} per table and this model declares {}; remove one, or make it a `gsi`",
                lsis.len()
            ))
            .with_span(&extra.name),
        );
    }
    if let Some(extra) = gsis.get(MAX_GSIS) {
        errors.push(
            Error::custom(format!(
                "too many global secondary indexes: DynamoDB allows {MAX_GSIS} per table and this model declares {}; remove one",
                gsis.len()
            ))
            .with_span(&extra.name),
        );
    }
}

/// Index names are unique within a table, across local and global indexes.
pub(super) fn unique_index_names(
    lsis: &[Lsi],
    gsis: &[Gsi],
    errors: &mut darling::error::Accumulator,
) {
    let all: Vec<&IndexNames> = lsis
        .iter()
        .map(|l| &l.names)
        .chain(gsis.iter().map(|g| &g.names))
        .collect();
    for (i, names) in all.iter().enumerate() {
        if all[..i].iter().any(|n| n.name == names.name) {
            errors.push(
                Error::custom(format!(
                    "duplicate index name `{}`: index names are unique within a table; rename one of them",
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
pub(super) fn lsis_need_a_sort_key(
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

    /// Every valid index name makes identifiers without panicking: keywords become raw
    /// identifiers, and the three that cannot are errors.
    #[test]
    fn keyword_names() {
        let model = format_ident!("Post");
        for (name, method, ok) in [
            ("type", "r#type", true),
            ("Match", "r#match", true),
            ("async", "r#async", true),
            ("self", "index_self", false),
            ("Self", "index_self", false),
            ("super", "index_super", false),
            ("crate", "index_crate", false),
            ("---", "index_", true),
            ("007", "index_007", true),
        ] {
            let mut errors = Error::accumulator();
            let lit = LitStr::new(name, proc_macro2::Span::call_site());
            let names = index_names(&model, &lit, &mut errors);
            assert_eq!(names.method.to_string(), method, "{name}");
            assert_eq!(errors.finish().is_ok(), ok, "{name}");
        }
    }

    #[test]
    fn words() {
        assert_eq!(split_words("by_author"), ["by", "author"]);
        assert_eq!(split_words("ByAuthor"), ["by", "author"]);
        assert_eq!(split_words("gsi-1.v2"), ["gsi", "1", "v2"]);
        assert_eq!(split_words("GSI1"), ["gsi1"]);
    }
}
