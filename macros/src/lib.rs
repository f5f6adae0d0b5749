//! The `DynamoModel` derive of [dynamo-types](https://crates.io/crates/dynamo-types).
//!
//! The pipeline reads top to bottom: `attr` parses `#[dynamo(...)]` with darling, `validate`
//! applies the rules that span attributes and builds a `model::Model` that cannot hold an
//! invalid schema, and `expand` generates code from it. On error, `fallback` emits the errors
//! with a stand-in impl. Use the derive through the `dynamo-types` crate, whose docs show the
//! attributes and the expansion.

mod attr;
mod collection;
mod expand;
mod fallback;
mod model;
mod projection;
mod table_type;
mod validate;
mod value;

use darling::FromDeriveInput;
use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// (The `DynamoModel` derive is defined in `dynamo-types-macros` and re-exported by
/// `dynamo-types`, the crate to depend on.)
#[proc_macro_derive(DynamoModel, attributes(dynamo))]
pub fn derive_dynamo_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match derive(&input) {
        Ok(tokens) => tokens.into(),
        Err(errors) => fallback::expand(&input, errors.write_errors()).into(),
    }
}

/// (The `DynamoValue` derive is defined in `dynamo-types-macros` and re-exported by
/// `dynamo-types`, the crate to depend on.)
#[proc_macro_derive(DynamoValue, attributes(dynamo))]
pub fn derive_dynamo_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match value::derive(&input) {
        Ok(tokens) => tokens.into(),
        Err(errors) => value::fallback(&input, errors.write_errors()).into(),
    }
}

/// (The `DynamoProjection` derive is defined in `dynamo-types-macros` and re-exported by
/// `dynamo-types`, the crate to depend on.)
#[proc_macro_derive(DynamoProjection, attributes(dynamo))]
pub fn derive_dynamo_projection(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match projection::derive(&input) {
        Ok(tokens) => tokens.into(),
        Err(errors) => errors.write_errors().into(),
    }
}

/// (The `DynamoTable` derive is defined in `dynamo-types-macros` and re-exported by
/// `dynamo-types`, the crate to depend on.)
#[proc_macro_derive(DynamoTable, attributes(dynamo))]
pub fn derive_dynamo_table(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match table_type::derive(&input) {
        Ok(tokens) => tokens.into(),
        Err(errors) => errors.write_errors().into(),
    }
}

/// (The `DynamoCollection` derive is defined in `dynamo-types-macros` and re-exported by
/// `dynamo-types`, the crate to depend on.)
#[proc_macro_derive(DynamoCollection, attributes(dynamo))]
pub fn derive_dynamo_collection(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match collection::derive(&input) {
        Ok(tokens) => tokens.into(),
        Err(errors) => errors.write_errors().into(),
    }
}

fn derive(input: &DeriveInput) -> darling::Result<proc_macro2::TokenStream> {
    shape(input)?;
    let parsed = attr::ModelInput::from_derive_input(input)?;
    let model = validate::validate(parsed)?;
    Ok(expand::expand(&model))
}

/// A model is a struct with named fields: say so in words for the other shapes.
fn shape(input: &DeriveInput) -> darling::Result<()> {
    let message = match &input.data {
        syn::Data::Struct(s) => match s.fields {
            syn::Fields::Named(_) => return Ok(()),
            syn::Fields::Unnamed(_) => {
                "`DynamoModel` needs named fields, which become the item's attributes: a tuple struct has none"
            }
            syn::Fields::Unit => {
                "`DynamoModel` needs named fields, which become the item's attributes: a unit struct has none"
            }
        },
        syn::Data::Enum(_) => {
            "`DynamoModel` can only be derived for a struct with named fields, not an enum; to store a unit enum as a string attribute, derive `DynamoValue` on it"
        }
        syn::Data::Union(_) => {
            "`DynamoModel` can only be derived for a struct with named fields, not a union"
        }
    };
    Err(darling::Error::custom(message).with_span(&input.ident))
}

#[cfg(test)]
mod tests {
    /// `crate = "..."` replaces every mention of `::dynamo_types`, in both derives and in the
    /// fallback (the UI pass case cannot tell: `::dynamo_types` resolves there too).
    #[test]
    fn crate_path_is_honoured_everywhere() {
        let model: syn::DeriveInput = syn::parse_quote! {
            #[dynamo(table = "posts", crate = "dt", ttl = "ttl")]
            #[dynamo(gsi(name = "by_author", hash = "author", range = "at"))]
            #[dynamo(lsi(name = "by_at", range = "at"))]
            struct Post<T> {
                #[dynamo(hash)]
                id: String,
                #[dynamo(range)]
                sort: String,
                author: String,
                at: i64,
                ttl: Option<i64>,
                #[dynamo(version)]
                version: u64,
                payload: T,
                #[dynamo(skip)]
                cache: Option<T>,
            }
        };
        let value: syn::DeriveInput = syn::parse_quote! {
            #[dynamo(crate = "dt")]
            enum Status { Open }
        };
        let broken: syn::DeriveInput = syn::parse_quote! {
            #[dynamo(crate = "dt")]
            struct Broken { id: String }
        };
        let outputs = [
            super::derive(&model).map_err(|e| e.write_errors()),
            super::value::derive(&value).map_err(|e| e.write_errors()),
            Ok(super::fallback::expand(&broken, quote::quote!())),
            Ok(super::value::fallback(&value, quote::quote!())),
        ];
        for output in outputs {
            let text = output.expect("the derive accepts the input").to_string();
            assert!(text.contains("dt :: __private ::"), "{text}");
            assert!(!text.contains("dynamo_types"), "{text}");
        }
    }
}
