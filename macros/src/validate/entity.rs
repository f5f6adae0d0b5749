//! The rules of an entity of a shared table (`#[dynamo(entity(...))]`): its keys are
//! templates over its fields, its table and indexes are its table type's, and the key
//! templates split back into their fields.

use darling::Error;
use darling::error::Accumulator;

use super::index::index_names;
use super::{FieldInput, ModelInput, named_field};
use crate::attr::{EntityArg, IndexTemplateArg, KeyTemplateArg};
use crate::model::{Codec, Entity, EntityIndex, Field, Storage, Template};

/// An entity's table, keys and indexes are its table type's: `table = ...`, `lsi(...)`,
/// `gsi(...)`, `hash` / `range` fields, table options and generics have no place on it.
pub(super) fn not_for_entities(input: &ModelInput, errors: &mut Accumulator) {
    if let Some(table) = &input.table {
        errors.push(
            Error::custom(
                "an entity is stored in its `DynamoTable` type's table: remove `table = ...` (the table type names the table)",
            )
            .with_span(&**table),
        );
    }
    for lsi in &input.lsi {
        errors.push(
            Error::custom(
                "an entity's indexes are its table's: declare the index on the `DynamoTable` type with `gsi(...)`, and give this entity's key templates for it with `index(name = \"...\", hash = \"...\", range = \"...\")`",
            )
            .with_span(&*lsi.name),
        );
    }
    for gsi in &input.gsi {
        errors.push(
            Error::custom(
                "an entity's indexes are its table's: declare the index on the `DynamoTable` type with `gsi(...)`, and give this entity's key templates for it with `index(name = \"...\", hash = \"...\", range = \"...\")`",
            )
            .with_span(&*gsi.name),
        );
    }
    if let Some(param) = input.generics.params.first() {
        errors.push(
            Error::custom(
                "an entity cannot be generic: its items share a table with other entities and are told apart by their entity name, one per Rust type",
            )
            .with_span(param),
        );
    }
    if input.key.is_none() {
        errors.push(
            Error::custom(
                "missing key templates: add `#[dynamo(key(hash = \"...\", range = \"...\"))]`, e.g. `key(hash = \"USER#{id}\", range = \"PROFILE\")`",
            )
            .with_span(&input.ident),
        );
    }
    let o = &input.options;
    if o.billing.is_some()
        || o.table_class.is_some()
        || o.deletion_protection.is_present()
        || o.point_in_time_recovery.is_present()
        || !o.tag.is_empty()
    {
        errors.push(
            Error::custom(
                "an entity's table options are its table's: declare billing, table class, deletion protection, point-in-time recovery and tags on the `DynamoTable` type",
            )
            .with_span(&input.ident),
        );
    }
}

/// An entity's key fields are named by its templates, not marked.
pub(super) fn no_key_flags(raw: &[FieldInput], errors: &mut Accumulator) {
    for field in raw {
        for (flag, what) in [(&field.hash, "hash"), (&field.range, "range")] {
            if flag.is_present() {
                errors.push(
                    Error::custom(format!(
                        "an entity's key is built from its fields by its `key(...)` templates: remove `{what}` and name the field in `#[dynamo(key(hash = \"...\", range = \"...\"))]`, e.g. `key(hash = \"USER#{{id}}\")`"
                    ))
                    .with_span(&flag.span()),
                );
            }
        }
    }
}

/// `key(...)` and `index(...)` only mean something on an entity.
pub(super) fn entity_only(input: &ModelInput, errors: &mut Accumulator) {
    let message = "key templates are for an entity of a shared table: add `#[dynamo(entity(table = AppTable, name = \"...\"))]`, or mark key fields with `#[dynamo(hash)]` / `#[dynamo(range)]`";
    if let Some(key) = &input.key {
        errors.push(Error::custom(message).with_span(&key.span()));
    }
    for index in &input.index {
        errors.push(Error::custom(message).with_span(&*index.name));
    }
}

pub(super) fn entity(
    ident: &syn::Ident,
    key: Option<&KeyTemplateArg>,
    index_args: &[IndexTemplateArg],
    arg: &EntityArg,
    fields: &[Field],
    errors: &mut Accumulator,
) -> Option<Entity> {
    let name = arg.name.value();
    if name.is_empty() {
        errors.push(
            Error::custom("an entity name cannot be empty: it is stored in every item")
                .with_span(&*arg.name),
        );
    }
    let key = key?;
    let hash = template(&key.hash, fields, errors);
    let range = key.range.as_ref().map(|r| template(r, fields, errors));
    let mut indexes: Vec<EntityIndex> = Vec::new();
    for index in index_args {
        let names = index_names(ident, &index.name, errors);
        if indexes.iter().any(|i| i.names.name == names.name) {
            errors.push(
                Error::custom(format!(
                    "`index(name = \"{}\")` is given twice: give each index's templates once",
                    names.name
                ))
                .with_span(&*index.name),
            );
            continue;
        }
        let hash = template(&index.hash, fields, errors);
        let range = index.range.as_ref().map(|r| template(r, fields, errors));
        indexes.push(EntityIndex {
            names,
            hash: hash?,
            range: match range {
                Some(range) => Some(range?),
                None => None,
            },
        });
    }
    Some(Entity {
        table: arg.table.clone(),
        name,
        hash: hash?,
        range: match range {
            Some(range) => Some(range?),
            None => None,
        },
        indexes,
    })
}

/// Parses a key template: literal text and `{field}`s. Each field is a stored field, named
/// once; the text after a field is the end of the template or starts with `#` (so that a key
/// splits back into its fields: a field's value never holds a `#`); braces only enclose a field.
fn template(lit: &syn::LitStr, fields: &[Field], errors: &mut Accumulator) -> Option<Template> {
    let text = lit.value();
    let span = lit.span();
    let fail = |errors: &mut Accumulator, message: String| {
        errors.push(Error::custom(message).with_span(&span));
        None
    };
    if text.is_empty() {
        return fail(
            errors,
            "a key template cannot be empty: write literal text and `{field}`s, e.g. \"USER#{id}\""
                .to_owned(),
        );
    }
    let mut literals = vec![String::new()];
    let mut names: Vec<String> = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                let mut field = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    field.push(c);
                }
                if !closed || field.is_empty() || field.contains('{') {
                    return fail(
                        errors,
                        format!(
                            "`{text}`: a `{{` opens a field name closed by `}}`, as in \"USER#{{id}}\"; braces cannot be literal text in a key template"
                        ),
                    );
                }
                names.push(field);
                literals.push(String::new());
            }
            '}' => {
                return fail(
                    errors,
                    format!(
                        "`{text}`: a `}}` closes a field name opened by `{{`, as in \"USER#{{id}}\"; braces cannot be literal text in a key template"
                    ),
                );
            }
            c => literals.last_mut()?.push(c),
        }
    }
    for (i, name) in names.iter().enumerate() {
        let after = &literals[i + 1];
        let last = i + 1 == names.len();
        if !(after.starts_with('#') || (last && after.is_empty())) {
            let shown = if after.is_empty() {
                "another field".to_owned()
            } else {
                format!("`{after}`")
            };
            return fail(
                errors,
                format!(
                    "`{text}`: `{{{name}}}` is followed by {shown}; separate a field from what follows with `#` (e.g. \"ORDER#{{placed_at}}#{{id}}\"), so that the key splits back into its fields"
                ),
            );
        }
        if names[..i].contains(name) {
            return fail(
                errors,
                format!("`{text}`: `{{{name}}}` appears twice; name each field once"),
            );
        }
    }
    let ids: Vec<_> = names
        .iter()
        .map(|name| {
            let wanted = name.strip_prefix("r#").unwrap_or(name);
            named_field(fields, wanted, "a key template", span, errors)
        })
        .collect();
    let ids = ids.into_iter().collect::<Option<Vec<_>>>()?;
    for id in &ids {
        if let Storage::Stored {
            codec: Codec::Serde,
            ..
        } = fields[*id].storage
        {
            let name = &fields[*id].ident;
            return fail(
                errors,
                format!(
                    "`{text}`: `{name}` is stored through serde (`#[dynamo(serde)]`), and a key template writes its fields by their own order-preserving text: remove `serde` from `{name}`, or keep it out of the template"
                ),
            );
        }
    }
    Some(Template {
        text,
        literals,
        fields: ids,
        span,
    })
}
