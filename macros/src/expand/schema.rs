//! `impl DynamoModel` (with the schema constant), the key schemas of the table and of each
//! index, and the index marker types.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Piece, bounded_generics, codec, key, model_type};
use crate::model::{FieldId, IndexNames, Model, Projection, StreamView};

pub(crate) fn expand(model: &Model) -> Piece {
    let krate = &model.krate;
    let model_ty = model_type(model);
    let generics = bounded_generics(model);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let schema = schema_const(model);
    let key_ty = key::key_type(model);
    let key_ident = key::ident(model);
    let key_fields = model
        .keys
        .fields()
        .into_iter()
        .map(|id| &model.field(id).ident);
    let to_item = codec::to_item(model);
    let from_item = codec::from_item(model);
    let checks = attribute_checks(model);
    let version = version_accessors(model);

    let model_impl = quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::DynamoModel for #model_ty #where_clause {
            type Key = #key_ty;

            const SCHEMA: #krate::__private::TableSchema = #schema;

            fn key(&self) -> Self::Key {
                #key_ident { #(#key_fields: ::core::clone::Clone::clone(&self.#key_fields),)* }
            }

            fn to_item(
                &self,
            ) -> ::core::result::Result<#krate::Item, #krate::__private::EncodeError> {
                #to_item
            }

            fn from_item(
                __item: #krate::Item,
            ) -> ::core::result::Result<Self, #krate::__private::DecodeError> {
                #from_item
            }

            #version
        }

        #checks
    };

    let (primary_public, primary_private) = key_schemas(model);
    Piece {
        public: primary_public,
        private: quote!(#model_impl #primary_private),
    }
}

/// The hidden `__version` / `__bump_version` methods of a model with `#[dynamo(version)]`: the
/// writer reads the version a model was read at and stores the next one (optimistic locking).
fn version_accessors(model: &Model) -> TokenStream {
    let Some(id) = model.version else {
        return quote!();
    };
    let krate = &model.krate;
    let field = model.field(id);
    let ident = &field.ident;
    let ty = &field.ty;
    quote_spanned! {ty.span()=>
        fn __version(
            &self,
        ) -> ::core::option::Option<
            ::core::result::Result<#krate::__private::VersionValues, #krate::__private::EncodeError>,
        > {
            ::core::option::Option::Some(#krate::__private::VersionValues::of::<#ty>(self.#ident))
        }

        fn __bump_version(&mut self) {
            self.#ident = <#ty as #krate::__private::VersionAttribute>::next(self.#ident);
        }
    }
}

fn key_attr(model: &Model, id: FieldId) -> TokenStream {
    let krate = &model.krate;
    let field = model.field(id);
    let name = &field.name;
    let ty = &field.ty;
    let scalar = quote_spanned! {ty.span()=>
        <#ty as #krate::__private::KeyAttribute>::SCALAR_TYPE
    };
    quote!(#krate::__private::KeyAttr { name: #name, scalar: #scalar })
}

fn schema_const(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let table = &model.table;
    let hash = key_attr(model, model.keys.hash());
    let range = option(model.keys.range().map(|id| key_attr(model, id)));
    let attributes = model.stored().map(|(_, f)| &f.name);
    let lsis = model.keys.lsis().iter().map(|lsi| {
        index_schema(
            model,
            &lsi.names,
            quote!(#p::IndexKind::Local),
            model.keys.hash(),
            Some(lsi.range),
            &lsi.projection,
        )
    });
    let gsis = model.gsis.iter().map(|gsi| {
        index_schema(
            model,
            &gsi.names,
            quote!(#p::IndexKind::Global),
            gsi.hash,
            gsi.range,
            &gsi.projection,
        )
    });
    let ttl = option(model.ttl.map(|id| {
        let name = &model.field(id).name;
        quote!(#name)
    }));
    let version = option(model.version.map(|id| {
        let name = &model.field(id).name;
        quote!(#name)
    }));
    let stream = option(model.stream.map(|s| match s {
        StreamView::KeysOnly => quote!(#p::StreamView::KeysOnly),
        StreamView::NewImage => quote!(#p::StreamView::NewImage),
        StreamView::OldImage => quote!(#p::StreamView::OldImage),
        StreamView::NewAndOldImages => quote!(#p::StreamView::NewAndOldImages),
    }));
    quote! {
        #p::TableSchema {
            table: #table,
            hash: #hash,
            range: #range,
            attributes: &[#(#attributes),*],
            indexes: &[#(#lsis,)* #(#gsis,)*],
            ttl: #ttl,
            stream: #stream,
            version: #version,
        }
    }
}

fn index_schema(
    model: &Model,
    names: &IndexNames,
    kind: TokenStream,
    hash: FieldId,
    range: Option<FieldId>,
    projection: &Projection,
) -> TokenStream {
    let krate = &model.krate;
    let name = &names.name;
    let hash = key_attr(model, hash);
    let range = option(range.map(|id| key_attr(model, id)));
    let projection = match projection {
        Projection::All => quote!(#krate::__private::Projection::All),
        Projection::KeysOnly => quote!(#krate::__private::Projection::KeysOnly),
        Projection::Include(ids) => {
            let names = ids.iter().map(|id| &model.field(*id).name);
            quote!(#krate::__private::Projection::Include(&[#(#names),*]))
        }
    };
    quote! {
        #krate::__private::IndexSchema {
            name: #name,
            kind: #kind,
            hash: #hash,
            range: #range,
            projection: #projection,
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// Spanned trait assertions for `ttl` and `version`, so a wrong type is an error on the field.
fn attribute_checks(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let generics = bounded_generics(model);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let ttl = model.ttl.map(|id| {
        let ty = &model.field(id).ty;
        quote_spanned! {ty.span()=> __assert_ttl::<#ty>(); }
    });
    let version = model.version.map(|id| {
        let ty = &model.field(id).ty;
        quote_spanned! {ty.span()=> __assert_version::<#ty>(); }
    });
    if ttl.is_none() && version.is_none() {
        return quote!();
    }
    quote! {
        #[allow(dead_code)]
        fn __dynamo_attribute_checks #impl_generics () #where_clause {
            fn __assert_ttl<__T: #krate::__private::TtlAttribute + ?::core::marker::Sized>() {}
            fn __assert_version<__T: #krate::__private::VersionAttribute>() {}
            #ttl
            #version
        }
    }
}

/// `KeySchema` (and `RangeKeySchema`) for the model's primary key and for one marker type per
/// index. The key types are spanned to the fields, so a type that cannot be a key is an error
/// on that field.
fn key_schemas(model: &Model) -> (TokenStream, TokenStream) {
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let vis = &model.vis;
    let model_ty = model_type(model);
    let generics = bounded_generics(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let decl_generics = &model.generics;
    let decl_where = &model.generics.where_clause;

    let schema_impl = |target: TokenStream,
                       index: TokenStream,
                       hash: FieldId,
                       range: Option<FieldId>|
     -> TokenStream {
        let hash_field = model.field(hash);
        let hash_ty = &hash_field.ty;
        let hash_name = &hash_field.name;
        let hash_type = quote_spanned!(hash_ty.span()=> type Hash = #hash_ty;);
        let range_impl = range.map(|id| {
            let field = model.field(id);
            let ty = &field.ty;
            let name = &field.name;
            let range_type = quote_spanned!(ty.span()=> type Range = #ty;);
            quote! {
                #[automatically_derived]
                impl #impl_generics #p::RangeKeySchema for #target #where_clause {
                    #range_type
                    const RANGE_ATTRIBUTE: &'static str = #name;
                }
            }
        });
        quote! {
            #[automatically_derived]
            impl #impl_generics #p::KeySchema for #target #where_clause {
                type Model = #model_ty;
                #hash_type
                const INDEX: ::core::option::Option<&'static #p::IndexSchema> = #index;
                const HASH_ATTRIBUTE: &'static str = #hash_name;
            }
            #range_impl
        }
    };

    let mut private = schema_impl(
        model_ty.clone(),
        quote!(::core::option::Option::None),
        model.keys.hash(),
        model.keys.range(),
    );
    let mut public = TokenStream::new();
    let indexes = model
        .keys
        .lsis()
        .iter()
        .map(|l| (&l.names, model.keys.hash(), Some(l.range), "local"))
        .chain(
            model
                .gsis
                .iter()
                .map(|g| (&g.names, g.hash, g.range, "global")),
        );
    for (position, (names, hash, range, kind)) in indexes.enumerate() {
        let marker = &names.marker;
        let doc = format!(
            "Marks the {kind} secondary index `{}` of [`{}`]; the query object of `{}()` is generic over it.",
            names.name, model.ident, names.method
        );
        public.extend(quote! {
            #[doc = #doc]
            #vis struct #marker #decl_generics (
                ::core::marker::PhantomData<fn() -> #model_ty>
            ) #decl_where;
        });
        private.extend(schema_impl(
            quote!(#marker #ty_generics),
            quote!(::core::option::Option::Some(
                &<#model_ty as #p::DynamoModel>::SCHEMA.indexes[#position]
            )),
            hash,
            range,
        ));
    }
    (public, private)
}
