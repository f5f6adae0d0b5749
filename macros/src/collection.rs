//! The `DynamoCollection` derive: an enum over entities of one shared table that share a
//! partition (of the table or of one index), read by one query.

use darling::{Error, FromDeriveInput, FromVariant};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::Str;

#[derive(FromDeriveInput)]
#[darling(attributes(dynamo), supports(enum_newtype))]
struct CollectionInput {
    ident: syn::Ident,
    vis: syn::Visibility,
    generics: syn::Generics,
    data: darling::ast::Data<VariantInput, darling::util::Ignored>,
    /// `index = "gsi1"`: the collection shares a partition of this index (the table's primary
    /// key without it).
    index: Option<Str>,
    #[darling(rename = "crate")]
    krate: Option<syn::Path>,
}

#[derive(FromVariant)]
#[darling(attributes(dynamo))]
struct VariantInput {
    ident: syn::Ident,
    fields: darling::ast::Fields<syn::Type>,
    /// The variant that holds items of entities the enum does not list (`OtherEntity`).
    other: darling::util::Flag,
}

pub(crate) fn derive(input: &syn::DeriveInput) -> darling::Result<TokenStream> {
    let input = CollectionInput::from_derive_input(input)?;
    let mut errors = Error::accumulator();
    let ident = &input.ident;
    let vis = &input.vis;
    if let Some(param) = input.generics.params.first() {
        errors.push(Error::custom("a collection cannot be generic").with_span(param));
    }
    let variants = input.data.take_enum().unwrap_or_default();
    let mut members: Vec<(&syn::Ident, &syn::Type)> = Vec::new();
    let mut other: Option<&syn::Ident> = None;
    for v in &variants {
        let Some(ty) = v.fields.fields.first() else {
            continue;
        };
        if v.other.is_present() {
            if other.is_some() {
                errors.push(
                    Error::custom("only one variant can be `other`").with_span(&v.other.span()),
                );
            }
            other = Some(&v.ident);
        } else {
            members.push((&v.ident, ty));
        }
    }
    if members.len() > 100 {
        errors.push(
            Error::custom(format!(
                "a collection of {} entities: its reads filter by entity name with `IN`, which DynamoDB allows 100 values",
                members.len()
            ))
            .with_span(ident),
        );
    }
    if members.is_empty() {
        errors.push(
            Error::custom(
                "a collection lists at least one entity: `enum UserOrders { User(User), Order(Order) }`",
            )
            .with_span(ident),
        );
    }
    let index_names = input
        .index
        .as_ref()
        .map(|lit| crate::validate::entity_index_names(&format_ident!("X"), lit, &mut errors));
    errors.finish()?;

    let krate = input
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::dynamo_types));
    let p = quote!(#krate::__private);
    // The key schema each member reads the shared partition by: the member itself for the
    // primary key, its index marker (`UserGsi1Index`) for an index.
    let schema_of = |ty: &syn::Type| -> TokenStream {
        match &index_names {
            None => quote!(#ty),
            Some(names) => {
                let suffix = names.marker.to_string();
                let suffix = suffix.strip_prefix('X').unwrap_or(&suffix);
                let mut path = match ty {
                    syn::Type::Path(path) => path.clone(),
                    other => return quote_spanned!(other.span()=> #other),
                };
                if let Some(last) = path.path.segments.last_mut() {
                    last.ident = format_ident!("{}{}", last.ident, suffix, span = ty.span());
                }
                quote!(#path)
            }
        }
    };
    let (first_variant, first_ty) = members[0];
    let _ = first_variant;
    let first_schema = schema_of(first_ty);
    let marker = format_ident!("{}Collection", ident);
    let key = format_ident!("{}Key", ident);
    let table =
        quote!(<<#first_ty as #p::entity::Entity>::Table as #p::entity::EntityTable>::TABLE);
    let names: Vec<TokenStream> = members
        .iter()
        .map(|(_, ty)| quote!(<#ty as #p::entity::Entity>::NAME))
        .collect();
    let entities = if other.is_some() {
        quote!(::core::option::Option::None)
    } else {
        quote! {
            ::core::option::Option::Some(#p::entity::EntityFilter {
                attribute: #table.entity_attribute,
                names: &[#(#names),*],
            })
        }
    };
    let decode_arms = members.iter().map(|(variant, ty)| {
        quote! {
            ::core::option::Option::Some(__name) if __name == <#ty as #p::entity::Entity>::NAME => {
                ::core::result::Result::Ok(#ident::#variant(<#ty as #p::DynamoModel>::from_item(__item)?))
            }
        }
    });
    let unknown = match other {
        Some(variant) => quote! {
            __entity => {
                let __entity = __entity.map(#p::String::from);
                ::core::result::Result::Ok(#ident::#variant(#p::entity::OtherEntity {
                    entity: __entity,
                    item: __item,
                }))
            }
        },
        None => {
            let collection = ident.to_string();
            quote! {
                __entity => ::core::result::Result::Err(#p::entity::unlisted(
                    __entity,
                    #table.entity_attribute,
                    #collection,
                )),
            }
        }
    };
    // Checks: one table, one partition key template shape, distinct entity names.
    let checks = members.iter().skip(1).map(|(_, ty)| {
        let schema = schema_of(ty);
        let message = format!(
            "the entities of `{ident}` must share a partition: `{}`'s partition key template has other literal text than `{}`'s",
            quote!(#ty).to_string().replace(' ', ""),
            quote!(#first_ty).to_string().replace(' ', "")
        );
        quote_spanned! {ty.span()=>
            #p::entity::same_table::<#first_ty, #ty>();
            #p::entity::same_fields::<
                <#first_schema as #p::KeySchema>::Hash,
                <#schema as #p::KeySchema>::Hash,
            >();
            const _: () = if !#p::entity::in_error(&#table) && !#p::entity::same_literals(
                <<#first_schema as #p::KeySchema>::Hash as #p::entity::TemplateShape>::LITERALS,
                <<#schema as #p::KeySchema>::Hash as #p::entity::TemplateShape>::LITERALS,
            ) {
                ::core::panic!(#message)
            };
        }
    });
    let mut name_checks = Vec::new();
    for (i, (_, a)) in members.iter().enumerate() {
        for (_, b) in members.iter().skip(i + 1) {
            let message = format!(
                "`{}` and `{}` have the same entity name: a collection tells its entities apart by name",
                quote!(#a).to_string().replace(' ', ""),
                quote!(#b).to_string().replace(' ', "")
            );
            name_checks.push(quote_spanned! {b.span()=>
                const _: () = if #p::entity::str_eq(
                    <#a as #p::entity::Entity>::NAME,
                    <#b as #p::entity::Entity>::NAME,
                ) {
                    ::core::panic!(#message)
                };
            });
        }
    }
    let key_variants = members
        .iter()
        .map(|(variant, ty)| quote!(#variant(<#ty as #p::DynamoModel>::Key)));
    let key_variant_idents: Vec<_> = members.iter().map(|(v, _)| *v).collect();
    let key_types: Vec<_> = members
        .iter()
        .map(|(_, ty)| quote!(<#ty as #p::DynamoModel>::Key))
        .collect();
    let (query_type, query_doc) = match &index_names {
        None => (
            quote!(#p::Collection<#marker>),
            "A query object over the table's primary key that reads this collection: `query(partition)`, `.range(..)`, pages, cursors.",
        ),
        Some(_) => (
            quote!(#p::IndexCollection<#marker>),
            "A query object over the collection's index that reads this collection: `query(partition)`, `.range(..)`, pages, cursors.",
        ),
    };
    let collection_name = ident.to_string();
    let marker_doc = format!(
        "The key schema of [`{ident}`]'s queries: its partition key is its entities' shared one, and each item read decodes as its entity."
    );
    let key_doc = format!("A key of any entity of [`{ident}`], for its `batch_get`.");
    Ok(quote! {
        #[doc = #marker_doc]
        #[allow(dead_code)]
        #vis struct #marker<__S = #first_schema>(::core::marker::PhantomData<fn() -> __S>);

        #[doc = #key_doc]
        #[allow(dead_code)]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #vis enum #key {
            #(
                #[allow(missing_docs)]
                #key_variants,
            )*
        }

        impl #ident {
            #[doc = #query_doc]
            pub fn collection(client: &#p::Client) -> #query_type {
                <#query_type>::new(#p::TableRef::new(client))
            }

            /// Reads items of the collection's entities by key, in one batch read, each decoded
            /// as its entity, in the order of the keys.
            pub fn batch_get(
                client: &#p::Client,
                keys: impl ::core::iter::IntoIterator<Item = impl ::core::convert::Into<#key>>,
            ) -> #p::BatchGet<<#marker as #p::KeySchema>::Model, #ident> {
                #p::entity::batch_get::<#ident>(client, keys)
            }
        }

        #[allow(non_local_definitions)]
        const _: () = {
            #(
                #[automatically_derived]
                impl ::core::convert::From<#key_types> for #key {
                    fn from(key: #key_types) -> Self {
                        #key::#key_variant_idents(key)
                    }
                }
            )*

            #[automatically_derived]
            impl #p::ModelKey for #key {
                fn to_key_item(&self) -> ::core::result::Result<#p::Item, #p::EncodeError> {
                    match self {
                        #(#key::#key_variant_idents(k) => #p::ModelKey::to_key_item(k),)*
                    }
                }

                /// The key of the one entity whose key templates read the item; an error when
                /// none or several do (a key alone does not say which entity it is of).
                fn from_key_item(
                    __item: &#p::Item,
                ) -> ::core::result::Result<Self, #p::DecodeError> {
                    let mut __found = #p::Vec::new();
                    #(
                        if let ::core::result::Result::Ok(k) = <#key_types as #p::ModelKey>::from_key_item(__item) {
                            __found.push(#key::#key_variant_idents(k));
                        }
                    )*
                    if __found.len() == 1 {
                        ::core::result::Result::Ok(__found.remove(0))
                    } else {
                        ::core::result::Result::Err(#p::DecodeError::custom(::core::format_args!(
                            "the key templates of {} entities of `{}` read this key, and exactly one must",
                            __found.len(),
                            #collection_name
                        )))
                    }
                }
            }

            #[automatically_derived]
            impl #p::KeySchema for #marker {
                type Model = <#first_schema as #p::KeySchema>::Model;
                type Hash = <#first_schema as #p::KeySchema>::Hash;
                const INDEX: ::core::option::Option<&'static #p::IndexSchema> =
                    <#first_schema as #p::KeySchema>::INDEX;
                const HASH_ATTRIBUTES: &'static [&'static str] =
                    <#first_schema as #p::KeySchema>::HASH_ATTRIBUTES;
            }

            #[automatically_derived]
            impl<__S: #p::RangeKeySchema> #p::RangeKeySchema for #marker<__S>
            where
                #marker<__S>: #p::KeySchema,
            {
                type Range = #p::String;
                const RANGE_ATTRIBUTES: &'static [&'static str] =
                    <__S as #p::RangeKeySchema>::RANGE_ATTRIBUTES;
            }

            #[automatically_derived]
            impl #p::ReadItem for #marker {
                type Item = #ident;
                const ATTRIBUTES: ::core::option::Option<&'static [&'static str]> =
                    ::core::option::Option::None;
                const ENTITIES: ::core::option::Option<#p::entity::EntityFilter> = #entities;
                const SEVERAL_MODELS: bool = true;
                fn decode(
                    __item: #p::Item,
                ) -> ::core::result::Result<#ident, #p::DecodeError> {
                    match #p::entity::entity_of(&__item, #table.entity_attribute) {
                        #(#decode_arms)*
                        #unknown
                    }
                }
            }

            #[automatically_derived]
            impl #p::entity::DynamoCollection for #ident {
                type Schema = #marker;
                type Key = #key;
            }

            #[allow(dead_code)]
            fn __dynamo_collection_checks() {
                #(#checks)*
            }
            #(#name_checks)*
        };
    })
}
