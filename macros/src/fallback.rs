//! What the derive emits when the model has errors: the errors, plus a stand-in
//! `impl DynamoModel` so that code using the model shows the real errors, not a flood of
//! follow-on ones (thiserror's `fallback.rs` does the same).

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub(crate) fn expand(input: &DeriveInput, errors: TokenStream) -> TokenStream {
    let krate: syn::Path = crate_path(input).unwrap_or_else(|| syn::parse_quote!(::dynamo_types));
    let ident = &input.ident;
    // A stand-in impl for a borrowing model would only add errors: `DynamoModel` is `'static`.
    if !matches!(input.data, syn::Data::Struct(_)) || input.generics.lifetimes().next().is_some() {
        return errors;
    }
    // The bounds `DynamoModel` puts on `Self`, so a generic model's stand-in adds no errors.
    let mut generics = input.generics.clone();
    let params: Vec<syn::Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause.predicates.push(syn::parse_quote!(
            #param: ::core::marker::Send + ::core::marker::Sync + 'static
        ));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #errors
        #[allow(unused_qualifications)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::__private::DynamoModel for #ident #ty_generics #where_clause {
                type Key = #krate::__private::FallbackKey;
                const SCHEMA: #krate::__private::TableSchema = #krate::__private::TableSchema {
                    table: "",
                    hash: #krate::__private::KeyAttr {
                        name: "",
                        scalar: #krate::__private::ScalarType::String,
                    },
                    range: ::core::option::Option::None,
                    attributes: &[],
                    indexes: &[],
                    ttl: ::core::option::Option::None,
                    stream: ::core::option::Option::None,
                    version: ::core::option::Option::None,
                    options: #krate::__private::TableOptions::DEFAULT,
                    created_at: ::core::option::Option::None,
                    updated_at: ::core::option::Option::None,
                    entity: ::core::option::Option::None,
                };
                fn key(&self) -> Self::Key {
                    ::core::unreachable!()
                }
                fn to_item(&self) -> ::core::result::Result<#krate::__private::Item, #krate::__private::EncodeError> {
                    ::core::unreachable!()
                }
                fn from_item(_: #krate::__private::Item) -> ::core::result::Result<Self, #krate::__private::DecodeError> {
                    ::core::unreachable!()
                }
            }
        };
    }
}

/// `#[dynamo(crate = "...")]`, read leniently: the real parse already failed.
pub(crate) fn crate_path(input: &DeriveInput) -> Option<syn::Path> {
    let mut found = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("dynamo")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = lit.parse().ok();
            } else if let Ok(value) = meta.value() {
                let _: TokenStream = value.parse()?;
            } else {
                let _ = meta.input.parse::<TokenStream>();
            }
            Ok(())
        });
    }
    found
}
