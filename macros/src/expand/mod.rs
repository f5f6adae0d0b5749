//! Code generation from a validated [`Model`]. One file per generated piece.

mod codec;
pub(crate) mod entity;
mod event;
mod key;
mod paths;
mod projection;
mod schema;
mod table;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{GenericParam, Generics, Type, WherePredicate};

use crate::model::{Codec, Missing, Model, Storage};

pub(crate) fn expand(model: &Model) -> TokenStream {
    let key = key::expand(model);
    let schema = schema::expand(model);
    let table = table::expand(model);
    let paths = paths::expand(model);
    let event = event::expand(model);
    let projection = projection::expand(model);
    // Items a user names (the key struct, the table handle, index markers) must be visible, so
    // they stay outside the `const _` block; impls go inside it.
    let (public, private) = (
        [
            &key.public,
            &schema.public,
            &table.public,
            &paths.public,
            &event.public,
            &projection.public,
        ],
        [
            &key.private,
            &schema.private,
            &table.private,
            &paths.private,
            &event.private,
            &projection.private,
        ],
    );
    quote! {
        #(#public)*
        #[allow(non_local_definitions)]
        const _: () = {
            #(#private)*
        };
    }
}

/// Generated code in two halves: items the user names, and impls that can be hidden.
pub(crate) struct Piece {
    pub(crate) public: TokenStream,
    pub(crate) private: TokenStream,
}

/// The model's generics with the bounds generated impls need: every type parameter is
/// `Send + Sync + 'static`, and every stored field type that mentions one can be encoded and
/// decoded.
pub(crate) fn bounded_generics(model: &Model) -> Generics {
    let mut generics = model.generics.clone();
    if generics.params.is_empty() {
        return generics;
    }
    let krate = &model.krate;
    let params: Vec<syn::Ident> = type_params(&generics);
    let types: Vec<syn::Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    // `DynamoModel: Send + Sync + 'static` (const parameters take no such bound).
    for param in &types {
        where_clause.predicates.push(syn::parse_quote!(
            #param: ::core::marker::Send + ::core::marker::Sync + 'static
        ));
    }
    for field in &model.fields {
        let ty = &field.ty;
        if !mentions_any(ty, &params) {
            continue;
        }
        // Spanned on the field's type, so that a missing bound is reported there.
        let bounds = match field.storage {
            Storage::Stored {
                codec: Codec::Native,
                ..
            } => quote!(
                #krate::__private::IntoAttributeValue + #krate::__private::FromAttributeValue
            ),
            Storage::Stored {
                codec: Codec::Serde,
                ..
            } => quote!(
                #krate::__private::serde::Serialize + #krate::__private::serde::de::DeserializeOwned
            ),
            Storage::Skipped => quote!(::core::default::Default),
        };
        let bounds = respan(bounds, ty.span());
        let predicate: WherePredicate = syn::parse_quote!(#ty: #bounds);
        where_clause.predicates.push(predicate);
        if let Storage::Stored {
            missing: Missing::Default,
            ..
        } = field.storage
        {
            where_clause
                .predicates
                .push(syn::parse_quote!(#ty: ::core::default::Default));
        }
    }
    // A generic `version`, `ttl` or timestamp field needs what the attribute checks ask of it.
    let attribute_bounds = [
        model.version.map(|(id, _)| {
            (
                id,
                quote!(#krate::__private::VersionAttribute + #krate::__private::IntoAttributeValue),
            )
        }),
        model
            .ttl
            .map(|(id, _)| (id, quote!(#krate::__private::TtlAttribute))),
        model
            .created_at
            .map(|(id, _)| (id, quote!(#krate::__private::Timestamp))),
        model
            .updated_at
            .map(|(id, _)| (id, quote!(#krate::__private::Timestamp))),
    ];
    for (id, bounds) in attribute_bounds.into_iter().flatten() {
        let ty = &model.field(id).ty;
        if mentions_any(ty, &params) {
            let bounds = respan(bounds, ty.span());
            where_clause
                .predicates
                .push(syn::parse_quote!(#ty: #bounds));
        }
    }
    // Key types: the key struct is `Debug + PartialEq` (`ModelKey`), and every table or index
    // key is a `KeyAttribute` (`KeySchema`).
    let table_keys = model.keys.fields();
    let index_keys = model.keys.lsis().iter().map(|l| l.range).chain(
        model
            .gsis
            .iter()
            .flat_map(|g| g.hash.iter().chain(&g.range).copied()),
    );
    let mut seen = Vec::new();
    for id in table_keys.iter().copied().chain(index_keys) {
        let ty = if table_keys.contains(&id) {
            &model.field(id).ty
        } else {
            index_key_type(&model.field(id).ty)
        };
        if seen.contains(&id) || !mentions_any(ty, &params) {
            continue;
        }
        seen.push(id);
        let bounds = if table_keys.contains(&id) {
            quote!(#krate::__private::KeyAttribute + ::core::fmt::Debug + ::core::cmp::PartialEq)
        } else {
            quote!(#krate::__private::KeyAttribute)
        };
        let bounds = respan(bounds, ty.span());
        let predicate: WherePredicate = syn::parse_quote!(#ty: #bounds);
        where_clause.predicates.push(predicate);
    }
    generics
}

/// `T` when `ty` is written `Option<T>` (by its last path segment, as the derive sees it).
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args)
            if last.ident == "Option" && args.args.len() == 1 =>
        {
            match args.args.first() {
                Some(syn::GenericArgument::Type(inner)) => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The key type of a field in an index key: an index is sparse, so an `Option<T>` field keys
/// it by `T` (an item whose value is `None` is not in the index). Table keys stay as written.
pub(crate) fn index_key_type(ty: &Type) -> &Type {
    option_inner(ty).unwrap_or(ty)
}

/// The names of the type parameters.
pub(crate) fn type_params(generics: &Generics) -> Vec<syn::Ident> {
    generics
        .params
        .iter()
        .filter_map(|p| match p {
            GenericParam::Type(t) => Some(t.ident.clone()),
            GenericParam::Const(c) => Some(c.ident.clone()),
            GenericParam::Lifetime(_) => None,
        })
        .collect()
}

/// Whether a type mentions any of `params` (by name, anywhere in its tokens).
pub(crate) fn mentions_any(ty: &Type, params: &[syn::Ident]) -> bool {
    fn walk(tokens: TokenStream, params: &[syn::Ident]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => params.contains(&i),
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(quote!(#ty), params)
}

/// The model's type as written in generated code (`Post` or `Post<T>`).
pub(crate) fn model_type(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let (_, ty_generics, _) = model.generics.split_for_impl();
    quote!(#ident #ty_generics)
}

/// The tokens with every span set to `span` (`quote_spanned!` keeps the spans of interpolated
/// tokens, such as the crate path).
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}
