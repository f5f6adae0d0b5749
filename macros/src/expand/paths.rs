//! `PostFields` and `Post::fields()`: a typed path per stored field, for conditions, filters
//! and updates.

use quote::{format_ident, quote};
use syn::Type;

use super::{Piece, bounded_generics, model_type, option_inner};
use crate::model::Model;

pub(crate) fn ident(model: &Model) -> syn::Ident {
    format_ident!("{}Fields", model.ident)
}

/// `Option<T>` compares as `T`: an absent value is `not_exists()`, not a value to compare with.
fn value_type(ty: &Type) -> &Type {
    option_inner(ty).unwrap_or(ty)
}

pub(crate) fn expand(model: &Model) -> Piece {
    let krate = &model.krate;
    let vis = &model.vis;
    let model_ident = &model.ident;
    let model_ty = model_type(model);
    let fields_ident = ident(model);
    let decl_generics = &model.generics;
    let decl_where = &model.generics.where_clause;
    let generics = bounded_generics(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let stored: Vec<_> = model.stored().collect();
    let idents: Vec<_> = stored.iter().map(|(_, f)| &f.ident).collect();
    let names: Vec<_> = stored.iter().map(|(_, f)| &f.name).collect();
    // An entity's template fields are key-like: updating one alone would leave the key built
    // from it stale (see `Update::set_index`).
    let mut keys = model.keys.fields();
    keys.extend(super::entity::template_fields(model));
    // The table's key attributes get a `KeyPath`: a `Path` for conditions that no update takes,
    // since DynamoDB never changes an item's key.
    let path_types: Vec<_> = stored
        .iter()
        .map(|(id, f)| {
            let ty = value_type(&f.ty);
            if keys.contains(id) {
                quote!(#krate::__private::KeyPath<#model_ty, #ty>)
            } else {
                quote!(#krate::__private::Path<#model_ty, #ty>)
            }
        })
        .collect();
    let constructors: Vec<_> = stored
        .iter()
        .map(|(id, _)| {
            if keys.contains(id) {
                quote!(#krate::__private::KeyPath::attribute)
            } else {
                quote!(#krate::__private::Path::attribute)
            }
        })
        .collect();
    let docs = stored.iter().map(|(id, f)| {
        if model.entity.is_some() && keys.contains(id) {
            format!(
                "The path of the `{}` attribute, a field of a key template: for conditions and filters; updates change it only with its key (`Update::set_index` for an index's).",
                f.name
            )
        } else if keys.contains(id) {
            format!(
                "The path of the `{}` attribute, a key of the table: for conditions and filters, not updates.",
                f.name
            )
        } else {
            format!("The path of the `{}` attribute.", f.name)
        }
    });
    let doc = format!(
        "Typed attribute paths of [`{model_ident}`], from `{model_ident}::fields()`, for conditions, filters and updates."
    );
    let phantom = if model.generics.params.is_empty() {
        quote!()
    } else {
        quote!(
            #[doc(hidden)]
            pub __model: ::core::marker::PhantomData<fn() -> #model_ty>,
        )
    };
    let phantom_init = if model.generics.params.is_empty() {
        quote!()
    } else {
        quote!(__model: ::core::marker::PhantomData,)
    };
    let public = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not the user names it
        #vis struct #fields_ident #decl_generics #decl_where {
            #(
                #[doc = #docs]
                pub #idents: #path_types,
            )*
            #phantom
        }
    };
    let private = quote! {
        impl #impl_generics #model_ty #where_clause {
            /// Typed paths to this model's attributes, for conditions, filters and updates.
            pub fn fields() -> #fields_ident #ty_generics {
                #fields_ident {
                    #( #idents: #constructors(#names), )*
                    #phantom_init
                }
            }
        }
    };
    Piece { public, private }
}
