//! `impl DynamoModel` (with the schema constant), the key schemas of the table and of each
//! index, and the index marker types.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

mod managed;

use self::managed::{
    attribute_checks, timestamp_accessors, timestamp_check, version_accessors, version_check,
};
use super::{Piece, bounded_generics, codec, index_key_type, key, model_type};
use crate::model::{Capacity, FieldId, IndexNames, Model, Projection, StreamView};

pub(crate) fn expand(model: &Model) -> Piece {
    let krate = &model.krate;
    let model_ty = model_type(model);
    let generics = bounded_generics(model);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let schema = if model.entity.is_some() {
        super::entity::schema_const(model, &|id| {
            option(id.map(|id| {
                let name = &model.field(id).name;
                quote!(#name)
            }))
        })
    } else {
        schema_const(model)
    };
    let key_ty = key::key_type(model);
    let key_ident = key::ident(model);
    let key_body = if model.entity.is_some() {
        super::entity::key_body(model)
    } else {
        let key_fields = model
            .keys
            .fields()
            .into_iter()
            .map(|id| &model.field(id).ident);
        quote!(#key_ident { #(#key_fields: ::core::clone::Clone::clone(&self.#key_fields),)* })
    };
    let to_item = codec::to_item(model);
    let from_item = codec::from_item(model);
    // Only the typed stream reader calls `__from_source` (for `StreamEvent`s, which a model has
    // when it declares `stream`); without one, the trait's default (`from_item` over the
    // attributes gathered into an item) stands in, and a model is not checked twice.
    let from_source = model.stream.is_some().then(|| {
        let body = codec::from_source(model);
        quote! {
            fn __from_source<__DynamoFieldSource: #krate::__private::FieldSource>(
                __source: &mut __DynamoFieldSource,
            ) -> ::core::result::Result<Self, #krate::__private::DecodeError> {
                #body
            }
        }
    });
    let checks = attribute_checks(model);
    let version = version_accessors(model);
    let version_check = version_check(model);
    let timestamps = timestamp_accessors(model);
    let timestamp_check = timestamp_check(model);

    let model_impl = quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::DynamoModel for #model_ty #where_clause {
            type Key = #key_ty;

            const SCHEMA: #krate::__private::TableSchema = #schema;

            fn key(&self) -> Self::Key {
                #key_body
            }

            fn to_item(
                &self,
            ) -> ::core::result::Result<#krate::__private::Item, #krate::__private::EncodeError> {
                #to_item
            }

            fn from_item(
                __item: #krate::__private::Item,
            ) -> ::core::result::Result<Self, #krate::__private::DecodeError> {
                #from_item
            }

            #from_source

            #version
            #timestamps
        }

        #checks
        #version_check
        #timestamp_check
    };

    let (primary_public, primary_private) = if model.entity.is_some() {
        super::entity::key_schemas(model)
    } else {
        key_schemas(model)
    };
    Piece {
        public: primary_public,
        private: quote!(#model_impl #primary_private),
    }
}

/// A key attribute of the table or of an index, at `position` in its partition key or sort key
/// (`range`). The scalar type is read through the key schema (`target`: the model or an index
/// marker, given to the runtime's `hash_scalar` / `range_scalar`), not from the field type, so
/// that a field type that cannot be a key is reported once, on the field, by the `KeySchema`
/// impl.
fn key_attr(
    model: &Model,
    id: FieldId,
    target: &TokenStream,
    range: bool,
    position: usize,
) -> TokenStream {
    let krate = &model.krate;
    let name = &model.field(id).name;
    let scalar = if range {
        quote!(#krate::__private::range_scalar::<#target>(#position))
    } else {
        quote!(#krate::__private::hash_scalar::<#target>(#position))
    };
    quote!(#krate::__private::KeyAttr { name: #name, scalar: #scalar })
}

/// The type that implements `KeySchema` for an index (`PostByAuthorIndex<T>`).
fn marker_type(model: &Model, names: &IndexNames) -> TokenStream {
    let marker = &names.marker;
    let (_, ty_generics, _) = model.generics.split_for_impl();
    quote!(#marker #ty_generics)
}

fn schema_const(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let table = &model.table;
    let model_ty = model_type(model);
    let hash = key_attr(model, model.keys.hash(), &model_ty, false, 0);
    let range = option(
        model
            .keys
            .range()
            .map(|id| key_attr(model, id, &model_ty, true, 0)),
    );
    let attributes = model.stored().map(|(_, f)| &f.name);
    let lsis = model.keys.lsis().iter().map(|lsi| {
        index_schema(
            model,
            &lsi.names,
            quote!(#p::IndexKind::Local),
            &[model.keys.hash()],
            &[lsi.range],
            &lsi.projection,
            None,
        )
    });
    let gsis = model.gsis.iter().map(|gsi| {
        index_schema(
            model,
            &gsi.names,
            quote!(#p::IndexKind::Global),
            &gsi.hash,
            &gsi.range,
            &gsi.projection,
            gsi.capacity,
        )
    });
    let ttl = option(model.ttl.map(|(id, _)| {
        let name = &model.field(id).name;
        quote!(#name)
    }));
    let attribute = |field: Option<(FieldId, Span)>| {
        option(field.map(|(id, _)| {
            let name = &model.field(id).name;
            quote!(#name)
        }))
    };
    let version = attribute(model.version);
    let created_at = attribute(model.created_at);
    let updated_at = attribute(model.updated_at);
    let stream = option(model.stream.map(|s| match s {
        StreamView::KeysOnly => quote!(#p::StreamView::KeysOnly),
        StreamView::NewImage => quote!(#p::StreamView::NewImage),
        StreamView::OldImage => quote!(#p::StreamView::OldImage),
        StreamView::NewAndOldImages => quote!(#p::StreamView::NewAndOldImages),
    }));
    let options = table_options(model);
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
            options: #options,
            created_at: #created_at,
            updated_at: #updated_at,
            entity: ::core::option::Option::None,
        }
    }
}

fn index_schema(
    model: &Model,
    names: &IndexNames,
    kind: TokenStream,
    hash: &[FieldId],
    range: &[FieldId],
    projection: &Projection,
    capacity: Option<Capacity>,
) -> TokenStream {
    let krate = &model.krate;
    let name = &names.name;
    let target = marker_type(model, names);
    let hash = hash
        .iter()
        .enumerate()
        .map(|(i, id)| key_attr(model, *id, &target, false, i));
    let range = range
        .iter()
        .enumerate()
        .map(|(i, id)| key_attr(model, *id, &target, true, i));
    let capacity = self::capacity(model, capacity);
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
            hash: &[#(#hash),*],
            range: &[#(#range),*],
            projection: #projection,
            capacity: #capacity,
        }
    }
}

fn capacity(model: &Model, capacity: Option<Capacity>) -> TokenStream {
    let krate = &model.krate;
    option(capacity.map(|Capacity { read, write }| {
        quote!(#krate::__private::Capacity { read: #read, write: #write })
    }))
}

/// The table options as a `TableOptions` constant; a model that declares none gets
/// `TableOptions::DEFAULT`.
fn table_options(model: &Model) -> TokenStream {
    let p = {
        let krate = &model.krate;
        quote!(#krate::__private)
    };
    let o = &model.options;
    let billing = match o.provisioned {
        None => quote!(#p::Billing::OnDemand),
        Some(Capacity { read, write }) => {
            quote!(#p::Billing::Provisioned(#p::Capacity { read: #read, write: #write }))
        }
    };
    let class = if o.infrequent_access {
        quote!(#p::TableClass::StandardInfrequentAccess)
    } else {
        quote!(#p::TableClass::Standard)
    };
    let deletion_protection = o.deletion_protection;
    let pitr = o.point_in_time_recovery;
    let (billing_declared, class_declared) = (o.billing_declared, o.class_declared);
    let tags = o
        .tags
        .iter()
        .map(|(key, value)| quote!(#p::Tag { key: #key, value: #value }));
    quote! {
        #p::TableOptions {
            billing: #billing,
            class: #class,
            deletion_protection: #deletion_protection,
            point_in_time_recovery: #pitr,
            tags: &[#(#tags),*],
            billing_declared: #billing_declared,
            class_declared: #class_declared,
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
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

    // `sparse`: an index, whose key fields may be `Option`s (see `index_key_type`). A key of
    // several attributes (a global index's) is a tuple of their types, in order, spanned on
    // its `hash(...)` / `range(...)` list (`spans`): one of them that cannot be a key is
    // reported there.
    let schema_impl = |target: TokenStream,
                       index: TokenStream,
                       hash: &[FieldId],
                       range: &[FieldId],
                       spans: (Span, Span),
                       sparse: bool|
     -> TokenStream {
        let key_type = |ids: &[FieldId], span: Span| -> (TokenStream, Vec<&String>) {
            let types: Vec<TokenStream> = ids
                .iter()
                .map(|id| {
                    let ty = &model.field(*id).ty;
                    let ty = if sparse { index_key_type(ty) } else { ty };
                    // each attribute must be a `KeyAttribute` (a tuple field cannot stand for
                    // a key of several attributes), checked on the field's type
                    quote_spanned!(ty.span()=> <#ty as #p::KeyField>::Attribute)
                })
                .collect();
            let names = ids.iter().map(|id| &model.field(*id).name).collect();
            match types.as_slice() {
                [one] => (one.clone(), names),
                _ => (quote_spanned!(span=> (#(#types),*)), names),
            }
        };
        let (hash_ty, hash_names) = key_type(hash, spans.0);
        let hash_type = quote_spanned!(hash_ty.span()=> type Hash = #hash_ty;);
        let range_impl = (!range.is_empty()).then(|| {
            let (ty, names) = key_type(range, spans.1);
            let range_type = quote_spanned!(ty.span()=> type Range = #ty;);
            quote! {
                #[automatically_derived]
                impl #impl_generics #p::RangeKeySchema for #target #where_clause {
                    #range_type
                    const RANGE_ATTRIBUTES: &'static [&'static str] = &[#(#names),*];
                }
            }
        });
        quote! {
            #[automatically_derived]
            impl #impl_generics #p::KeySchema for #target #where_clause {
                type Model = #model_ty;
                #hash_type
                const INDEX: ::core::option::Option<&'static #p::IndexSchema> = #index;
                const HASH_ATTRIBUTES: &'static [&'static str] = &[#(#hash_names),*];
            }
            #range_impl
        }
    };

    let mut private = schema_impl(
        model_ty.clone(),
        quote!(::core::option::Option::None),
        &[model.keys.hash()],
        model.keys.range().as_slice(),
        (Span::call_site(), Span::call_site()),
        false,
    );
    let mut public = TokenStream::new();
    let indexes = model
        .keys
        .lsis()
        .iter()
        .map(|l| {
            let spans = (l.names.span, l.names.span);
            (
                &l.names,
                vec![model.keys.hash()],
                vec![l.range],
                spans,
                "local",
            )
        })
        .chain(model.gsis.iter().map(|g| {
            let (hash, range) = (g.hash.clone(), g.range.clone());
            (&g.names, hash, range, g.key_spans, "global")
        }));
    for (position, (names, hash, range, spans, kind)) in indexes.enumerate() {
        let marker = &names.marker;
        let doc = format!(
            "Marks the {kind} secondary index `{}` of [`{}`]; the query object of `{}()` is generic over it.",
            names.name, model.ident, names.method
        );
        public.extend(quote! {
            #[doc = #doc]
            #[allow(dead_code)] // generated whether or not the user names it
            #vis struct #marker #decl_generics (
                ::core::marker::PhantomData<fn() -> #model_ty>
            ) #decl_where;
        });
        private.extend(schema_impl(
            quote!(#marker #ty_generics),
            quote!(::core::option::Option::Some(
                &<#model_ty as #p::DynamoModel>::SCHEMA.indexes[#position]
            )),
            &hash,
            &range,
            spans,
            true,
        ));
    }
    (public, private)
}
