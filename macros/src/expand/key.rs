//! The key struct (`PostKey`): the primary key as a value.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericParam, Generics};

use super::{Piece, mentions_any, type_params};
use crate::model::Model;

/// The key struct's name.
pub(crate) fn ident(model: &Model) -> syn::Ident {
    format_ident!("{}Key", model.ident)
}

/// The key struct's generics: the model's parameters that its key fields mention.
pub(crate) fn generics(model: &Model) -> Generics {
    let key_types: Vec<&syn::Type> = model
        .keys
        .fields()
        .into_iter()
        .map(|id| &model.field(id).ty)
        .collect();
    let mut generics = model.generics.clone();
    generics.where_clause = None;
    generics.params = generics
        .params
        .into_iter()
        .filter(|p| {
            let ident = match p {
                GenericParam::Type(t) => &t.ident,
                GenericParam::Const(c) => &c.ident,
                GenericParam::Lifetime(_) => return false,
            };
            key_types
                .iter()
                .any(|ty| mentions_any(ty, std::slice::from_ref(ident)))
        })
        .collect();
    generics
}

/// The key struct as written in generated code (`PostKey` or `PostKey<T>`).
pub(crate) fn key_type(model: &Model) -> TokenStream {
    let ident = ident(model);
    let generics = generics(model);
    let (_, ty_generics, _) = generics.split_for_impl();
    quote!(#ident #ty_generics)
}

pub(crate) fn expand(model: &Model) -> Piece {
    if model.entity.is_some() {
        return super::entity::key_struct(model);
    }
    let krate = &model.krate;
    let vis = &model.vis;
    let key = ident(model);
    let generics = generics(model);
    let params = type_params(&generics);
    let key_fields: Vec<_> = model
        .keys
        .fields()
        .into_iter()
        .map(|id| model.field(id))
        .collect();
    let idents: Vec<_> = key_fields.iter().map(|f| &f.ident).collect();
    let types: Vec<_> = key_fields.iter().map(|f| &f.ty).collect();
    let names: Vec<_> = key_fields.iter().map(|f| &f.name).collect();
    // The first key field is the partition key, a second one the sort key.
    let roles: Vec<_> = (0..key_fields.len())
        .map(|i| {
            if i == 0 {
                quote!(#krate::__private::KeyRole::Partition)
            } else {
                quote!(#krate::__private::KeyRole::Sort)
            }
        })
        .collect();
    let field_docs = key_fields.iter().map(|f| {
        format!(
            "The `{}` attribute ({} key).",
            f.name,
            if Some(f.ident.clone()) == idents.first().map(|i| (*i).clone()) {
                "partition"
            } else {
                "sort"
            }
        )
    });
    let doc = format!(
        "The primary key of [`{}`]: the value `get`, `delete` and batch reads take.",
        model.ident
    );
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let bounds = types.iter().filter(|ty| mentions_any(ty, &params)).map(|ty| {
        quote!(#ty: #krate::__private::KeyAttribute + ::core::fmt::Debug + ::core::cmp::PartialEq,)
    });
    let bounds: Vec<_> = bounds.collect();
    let where_clause = if bounds.is_empty() {
        quote!()
    } else {
        quote!(where #(#bounds)*)
    };

    let public = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not the user names it
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #vis struct #key #generics {
            #(
                #[doc = #field_docs]
                pub #idents: #types,
            )*
        }
    };

    let private = quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::ModelKey for #key #ty_generics #where_clause {
            fn to_key_item(
                &self,
            ) -> ::core::result::Result<#krate::__private::Item, #krate::__private::EncodeError> {
                let mut __item = #krate::__private::HashMap::with_capacity(2);
                #(
                    #krate::__private::field::store_key(
                        #krate::__private::IntoAttributeValue::to_attribute_value(&self.#idents),
                        #names,
                        #roles,
                        &mut __item,
                    )?;
                )*
                ::core::result::Result::Ok(__item)
            }

            fn from_key_item(
                __item: &#krate::__private::Item,
            ) -> ::core::result::Result<Self, #krate::__private::DecodeError> {
                ::core::result::Result::Ok(Self {
                    #(
                        #idents: #krate::__private::field::key_from_item(
                            __item,
                            #names,
                            #krate::__private::decode_key::<#types>,
                        )?,
                    )*
                })
            }
        }
    };
    Piece { public, private }
}
