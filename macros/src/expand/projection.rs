//! What projections need from a model: `PostAttributes` (one `Column` per stored field, for
//! `#[derive(DynamoProjection)]`'s checks and decoding), `ReadItem` for the model and each
//! index marker, and the item type of each `keys_only` or `include(..)` index
//! (`PostBySlugItem`), which its queries and scans return.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Piece, bounded_generics, model_type};
use crate::model::{Codec, FieldId, IndexNames, Missing, Model, Projection, Storage};

/// The name of the struct of columns (`PostAttributes`).
fn attributes_ident(model: &Model) -> syn::Ident {
    format_ident!("{}Attributes", model.ident)
}

/// The item type of an index (`PostBySlugItem` for the marker `PostBySlugIndex`).
fn item_ident(names: &IndexNames) -> syn::Ident {
    let marker = names.marker.to_string();
    let base = marker.strip_suffix("Index").unwrap_or(&marker);
    format_ident!("{}Item", base, span = names.span)
}

pub(crate) fn expand(model: &Model) -> Piece {
    let (columns_public, columns_private) = columns(model);
    let mut public = columns_public;
    let mut private = columns_private;
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let model_ty = model_type(model);
    let generics = bounded_generics(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let entities = super::entity::read_filter(model);
    private.extend(quote! {
        #[automatically_derived]
        impl #impl_generics #p::ReadItem for #model_ty #where_clause {
            type Item = Self;
            const ATTRIBUTES: ::core::option::Option<&'static [&'static str]> =
                ::core::option::Option::None;
            #entities
            fn decode(
                __item: #p::Item,
            ) -> ::core::result::Result<Self, #p::DecodeError> {
                <Self as #p::DynamoModel>::from_item(__item)
            }
        }
    });
    let table_keys = model.keys.fields();
    let indexes = model
        .keys
        .lsis()
        .iter()
        .map(|l| (&l.names, vec![l.range], &l.projection, "local"))
        .chain(model.gsis.iter().map(|g| {
            let keys: Vec<FieldId> = g.hash.iter().chain(&g.range).copied().collect();
            (&g.names, keys, &g.projection, "global")
        }));
    for (names, index_keys, projection, kind) in indexes {
        let marker = &names.marker;
        let included: Vec<FieldId> = match projection {
            Projection::All => {
                private.extend(quote! {
                    #[automatically_derived]
                    impl #impl_generics #p::ReadItem for #marker #ty_generics #where_clause {
                        type Item = #model_ty;
                        const ATTRIBUTES: ::core::option::Option<&'static [&'static str]> =
                            ::core::option::Option::None;
                        fn decode(
                            __item: #p::Item,
                        ) -> ::core::result::Result<#model_ty, #p::DecodeError> {
                            <#model_ty as #p::DynamoModel>::from_item(__item)
                        }
                    }
                });
                continue;
            }
            Projection::KeysOnly => Vec::new(),
            Projection::Include(ids) => ids.clone(),
        };
        let held = |id: &FieldId| {
            table_keys.contains(id) || index_keys.contains(id) || included.contains(id)
        };
        let item = item_ident(names);
        let fields: Vec<_> = model
            .stored()
            .filter(|(id, _)| held(id))
            .map(|(_, f)| f)
            .collect();
        let what = match projection {
            Projection::KeysOnly => "the table's and the index's keys (`keys_only`)",
            _ => "the table's and the index's keys and the fields it includes",
        };
        let doc = format!(
            "What the {kind} secondary index `{}` of [`{}`] holds: {what}. Its queries and scans return it; it is also a projection of the model (`.project::<{item}>()`).",
            names.name, model.ident
        );
        let vis = &model.vis;
        let decl_generics = &model.generics;
        let decl_where = &model.generics.where_clause;
        let idents: Vec<_> = fields.iter().map(|f| &f.ident).collect();
        let types: Vec<_> = fields.iter().map(|f| &f.ty).collect();
        let field_docs = fields
            .iter()
            .map(|f| format!("The `{}` attribute.", f.name));
        let phantom_ident = format_ident!("__model");
        let (phantom_decl, phantom) = if model.generics.params.is_empty() {
            (quote!(), None)
        } else {
            (
                quote!(
                    #[doc(hidden)]
                    pub __model: ::core::marker::PhantomData<fn() -> #model_ty>,
                ),
                Some(&phantom_ident),
            )
        };
        public.extend(quote! {
            #[doc = #doc]
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
            #[allow(dead_code)] // generated whether or not the user names it
            #vis struct #item #decl_generics #decl_where {
                #(
                    #[doc = #field_docs]
                    pub #idents: #types,
                )*
                #phantom_decl
            }
        });
        let projection_fields: Vec<crate::projection::Field<'_>> = fields
            .iter()
            .map(|f| crate::projection::Field {
                ident: &f.ident,
                ty: &f.ty,
            })
            .collect();
        let model_type: syn::Type = syn::parse2(model_ty.clone()).expect("a type");
        private.extend(crate::projection::expand(
            krate,
            &item,
            &generics,
            &model_type,
            &projection_fields,
            phantom,
        ));
        private.extend(quote! {
            #[automatically_derived]
            impl #impl_generics #p::ReadItem for #marker #ty_generics #where_clause {
                type Item = #item #ty_generics;
                const ATTRIBUTES: ::core::option::Option<&'static [&'static str]> =
                    ::core::option::Option::Some(
                        <#item #ty_generics as #p::DynamoProjection>::ATTRIBUTES,
                    );
                fn decode(
                    __item: #p::Item,
                ) -> ::core::result::Result<#item #ty_generics, #p::DecodeError> {
                    <#item #ty_generics as #p::DynamoProjection>::from_item(__item)
                }
            }
        });
    }
    Piece { public, private }
}

/// `PostAttributes` and `impl ProjectionSource for Post`: a `Column` per stored field, whose
/// decoder reads the attribute as `from_item` does (key form for table keys, `default`,
/// `serde`, the type's missing value).
fn columns(model: &Model) -> (TokenStream, TokenStream) {
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let vis = &model.vis;
    let model_ty = model_type(model);
    let ident = attributes_ident(model);
    let decl_generics = &model.generics;
    let decl_where = &model.generics.where_clause;
    let generics = bounded_generics(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let keys = model.keys.fields();
    let stored: Vec<_> = model.stored().collect();
    let idents: Vec<_> = stored.iter().map(|(_, f)| &f.ident).collect();
    let types: Vec<_> = stored.iter().map(|(_, f)| &f.ty).collect();
    // Each column decodes through a runtime function: the type's own `__column` (a trait
    // method, so that only the path carries the field type's span), or, for the rarer
    // `default` and `serde` fields, a runtime helper given the trait-qualified functions.
    let decoders = stored.iter().map(|(id, field)| {
        let name = &field.name;
        let ty = &field.ty;
        let Storage::Stored { codec, missing } = field.storage else {
            unreachable!("stored() yields stored fields")
        };
        let native = quote_spanned!(ty.span()=> <#ty as #p::FromAttributeValue>);
        let decode = match (codec, missing) {
            (Codec::Native, _) if keys.contains(id) => quote!(#native::__key_column),
            (Codec::Native, Missing::ByType) => quote!(#native::__column),
            (Codec::Native, Missing::Default) => {
                let default =
                    quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default);
                quote! {
                    |__value| #p::field::default_column(
                        __value,
                        #native::from_item_attribute::<#p::AttributeValue>,
                        #default,
                    )
                }
            }
            (Codec::Serde, Missing::ByType) => {
                let decode = quote_spanned!(ty.span()=> #p::serde_bridge::decode_attribute::<#ty>);
                let missing = quote_spanned!(ty.span()=> #p::serde_bridge::decode_missing::<#ty>);
                quote!(|__value| #p::field::column(__value, #decode, #missing))
            }
            (Codec::Serde, Missing::Default) => {
                let decode = quote_spanned!(ty.span()=> #p::serde_bridge::decode_attribute::<#ty>);
                let default =
                    quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default);
                quote!(|__value| #p::field::default_column(__value, #decode, #default))
            }
        };
        quote!(#p::Column::new(#name, #decode))
    });
    let doc = format!(
        "The stored fields of [`{}`] as `#[derive(DynamoProjection)]` sees them: each projection field is looked up here by name. Not a public API.",
        model.ident
    );
    // Inside the hidden block: reached only through `ProjectionSource::Attributes`, so its
    // name never clashes with a type of the user's.
    let private = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not a projection names it
        #vis struct #ident #decl_generics #decl_where {
            #(
                pub #idents: #p::Column<#model_ty, #types>,
            )*
        }


        #[automatically_derived]
        impl #impl_generics #p::ProjectionSource for #model_ty #where_clause {
            type Attributes = #ident #ty_generics;
            const COLUMNS: #ident #ty_generics = #ident {
                #( #idents: #decoders, )*
            };
        }
    };
    (TokenStream::new(), private)
}
