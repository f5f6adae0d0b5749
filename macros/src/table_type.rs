//! The `DynamoTable` derive: the shared table of a single-table design, declared once on a
//! unit struct (`AppTable`) that its entities name.

use darling::util::SpannedValue;
use darling::{Error, FromDeriveInput, FromMeta};
use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::{Str, StreamArg};

#[derive(FromDeriveInput)]
#[darling(attributes(dynamo), supports(struct_unit))]
pub(crate) struct TableInput {
    ident: syn::Ident,
    generics: syn::Generics,
    table: Option<Str>,
    hash: Option<Str>,
    range: Option<Str>,
    entity_attribute: Option<Str>,
    stream: Option<SpannedValue<StreamArg>>,
    /// The TTL attribute (its entities' `ttl` fields are stored under it).
    ttl: Option<Str>,
    #[darling(multiple)]
    gsi: Vec<TableGsiArg>,
    #[darling(rename = "crate")]
    krate: Option<syn::Path>,
}

/// `gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk")`: attribute names, all strings.
#[derive(FromMeta)]
struct TableGsiArg {
    name: Str,
    hash: Str,
    range: Option<Str>,
}

pub(crate) fn derive(input: &syn::DeriveInput) -> darling::Result<TokenStream> {
    if !matches!(&input.data, syn::Data::Struct(s) if matches!(s.fields, syn::Fields::Unit)) {
        return Err(Error::custom(
            "`DynamoTable` is derived on a unit struct, which only names the table: write `struct Shop;` and declare the table with `#[dynamo(table = \"...\", hash = \"...\", entity_attribute = \"...\")]`; the entities are the structs with fields",
        )
        .with_span(&input.ident));
    }
    let input = match TableInput::from_derive_input(input) {
        Ok(input) => input,
        Err(errors) => {
            let placeholder = placeholder(&input.ident, None);
            let errors = errors.write_errors();
            return Ok(quote!(#errors #placeholder));
        }
    };
    let mut errors = Error::accumulator();
    let ident = &input.ident;
    if let Some(param) = input.generics.params.first() {
        errors.push(Error::custom("a `DynamoTable` type cannot be generic").with_span(param));
    }
    let required = |value: &Option<Str>,
                    key: &str,
                    example: &str,
                    errors: &mut darling::error::Accumulator| {
        if value.is_none() {
            errors.push(
                Error::custom(format!(
                    "missing `{key}`: add `#[dynamo({key} = \"{example}\")]` to `{ident}`"
                ))
                .with_span(ident),
            );
        }
    };
    required(&input.table, "table", "app", &mut errors);
    required(&input.hash, "hash", "pk", &mut errors);
    required(
        &input.entity_attribute,
        "entity_attribute",
        "_et",
        &mut errors,
    );
    if let Some(table) = &input.table {
        crate::validate::check_name(&table.value(), "table", table.span(), &mut errors);
    }
    // Every key attribute and the entity attribute is a non-empty name; the entity attribute
    // is none of the key attributes (each item's entity name would overwrite a key).
    let mut keys: Vec<&Str> = input.hash.iter().chain(&input.range).collect();
    for gsi in &input.gsi {
        keys.push(&gsi.hash);
        keys.extend(&gsi.range);
    }
    for name in keys.iter().chain(&input.entity_attribute.as_ref()) {
        if name.value().is_empty() {
            errors.push(Error::custom("an attribute name cannot be empty").with_span(&***name));
        }
    }
    // Each key attribute holds one template's text: an index key attribute that is also the
    // table's (an inverted index) or another index's would be written twice by an entity, the
    // second text over the first.
    for (i, key) in keys.iter().enumerate() {
        if keys[..i].iter().any(|k| k.value() == key.value()) {
            errors.push(
                Error::custom(format!(
                    "the attribute `{}` is already a key attribute of this table: each key of a shared table needs an attribute of its own, which its entities' templates fill (an index over the table's own keys, such as an inverted index, is not supported)",
                    key.value()
                ))
                .with_span(&***key),
            );
        }
    }
    if let Some(entity) = &input.entity_attribute
        && keys.iter().any(|k| k.value() == entity.value())
    {
        errors.push(
            Error::custom(format!(
                "`entity_attribute = \"{}\"` is a key attribute: the entity name needs an attribute of its own",
                entity.value()
            ))
            .with_span(&**entity),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for gsi in &input.gsi {
        let name = gsi.name.value();
        crate::validate::check_name(&name, "index", gsi.name.span(), &mut errors);
        if names.contains(&name) {
            errors.push(
                Error::custom(format!(
                    "two indexes are named `{name}`: index names are unique in a table"
                ))
                .with_span(&*gsi.name),
            );
        }
        names.push(name);
    }
    if input.gsi.len() > 20 {
        errors.push(
            Error::custom(format!(
                "{} global secondary indexes: DynamoDB allows at most 20 per table",
                input.gsi.len()
            ))
            .with_span(ident),
        );
    }
    if let Err(errors) = errors.finish() {
        let placeholder = placeholder(ident, input.krate.as_ref());
        let errors = errors.write_errors();
        return Ok(quote!(#errors #placeholder));
    }

    let krate = input
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::dynamo_types));
    let p = quote!(#krate::__private);
    let (Some(table), Some(hash), Some(entity)) =
        (&input.table, &input.hash, &input.entity_attribute)
    else {
        // each is required: its absence is an error above
        return Ok(placeholder(ident, input.krate.as_ref()));
    };
    let ttl = match &input.ttl {
        Some(ttl) => quote!(::core::option::Option::Some(#ttl)),
        None => quote!(::core::option::Option::None),
    };
    let range = match &input.range {
        Some(range) => quote!(::core::option::Option::Some(#p::entity::string_key(#range))),
        None => quote!(::core::option::Option::None),
    };
    let indexes = input.gsi.iter().map(|gsi| {
        let name = &gsi.name;
        let hash = &gsi.hash;
        let range = gsi.range.iter();
        quote!(#p::entity::string_index(
            #name,
            &[#p::entity::string_key(#hash)],
            &[#(#p::entity::string_key(#range)),*],
        ))
    });
    let stream = match input.stream.as_deref() {
        None => quote!(::core::option::Option::None),
        Some(view) => {
            let variant = match view {
                StreamArg::KeysOnly => quote!(KeysOnly),
                StreamArg::NewImage => quote!(NewImage),
                StreamArg::OldImage => quote!(OldImage),
                StreamArg::NewAndOldImages => quote!(NewAndOldImages),
            };
            quote!(::core::option::Option::Some(#p::StreamView::#variant))
        }
    };
    Ok(quote! {
        #[automatically_derived]
        impl #p::entity::EntityTable for #ident {
            const TABLE: #p::entity::EntityTableSchema = #p::entity::EntityTableSchema {
                name: #table,
                hash: #p::entity::string_key(#hash),
                range: #range,
                entity_attribute: #entity,
                indexes: &[#(#indexes),*],
                stream: #stream,
                ttl: #ttl,
                options: #p::TableOptions::DEFAULT,
            };
        }
    })
}

/// The impl of a table type whose declaration has an error: no name, which its entities take
/// for "in error" (they skip their checks against it), so that the error is reported once.
fn placeholder(ident: &syn::Ident, krate: Option<&syn::Path>) -> TokenStream {
    let krate = krate
        .cloned()
        .unwrap_or_else(|| syn::parse_quote!(::dynamo_types));
    let p = quote!(#krate::__private);
    quote! {
        #[automatically_derived]
        impl #p::entity::EntityTable for #ident {
            const TABLE: #p::entity::EntityTableSchema = #p::entity::EntityTableSchema {
                name: "",
                hash: #p::entity::string_key(""),
                range: ::core::option::Option::None,
                entity_attribute: "",
                indexes: &[],
                stream: ::core::option::Option::None,
                ttl: ::core::option::Option::None,
                options: #p::TableOptions::DEFAULT,
            };
        }
    }
}
