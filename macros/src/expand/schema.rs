//! `impl DynamoModel` (with the schema constant), the key schemas of the table and of each
//! index, and the index marker types.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Piece, bounded_generics, codec, index_key_type, key, model_type, respan};
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

/// The hidden `__version` / `__bump_version` methods of a model with `#[dynamo(version)]`: the
/// writer reads the version a model was read at and stores the next one (optimistic locking).
/// They go through `version_check`'s helpers, so a field type that cannot be a version is
/// reported once.
fn version_accessors(model: &Model) -> TokenStream {
    let Some((id, _)) = model.version else {
        return quote!();
    };
    let krate = &model.krate;
    let ident = &model.field(id).ident;
    quote! {
        fn __version(
            &self,
        ) -> ::core::option::Option<
            ::core::result::Result<#krate::__private::VersionValues, #krate::__private::EncodeError>,
        > {
            ::core::option::Option::Some(__version_values::<Self>(&self.#ident))
        }

        fn __bump_version(&mut self) {
            self.#ident = __next_version::<Self>(&self.#ident);
        }
    }
}

/// The version field's type, declared once in an impl whose bound is spanned on the `version`
/// flag: a type that cannot be a version is an error on the field's type, with a note on the
/// flag. The accessors use generic helpers over it, so they add no error of their own.
fn version_check(model: &Model) -> TokenStream {
    let Some((id, flag)) = model.version else {
        return quote!();
    };
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let model_ty = model_type(model);
    let generics = bounded_generics(model);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let ty = &model.field(id).ty;
    let bound = respan(quote!(#p::VersionAttribute + #p::IntoAttributeValue), flag);
    let version_type = quote_spanned!(ty.span()=> type Version = #ty;);
    quote! {
        trait __VersionField {
            type Version: #bound;
        }

        #[automatically_derived]
        impl #impl_generics __VersionField for #model_ty #where_clause {
            #version_type
        }

        fn __version_values<__M: __VersionField>(
            __version: &<__M as __VersionField>::Version,
        ) -> ::core::result::Result<#p::VersionValues, #p::EncodeError> {
            #p::VersionValues::of(*__version)
        }

        fn __next_version<__M: __VersionField>(
            __version: &<__M as __VersionField>::Version,
        ) -> <__M as __VersionField>::Version {
            #p::VersionAttribute::next(*__version)
        }
    }
}

/// The hidden timestamp methods of a model with `#[dynamo(created_at)]` or
/// `#[dynamo(updated_at)]`: the writer encodes the time of a write for them, asks whether
/// `created_at` is unset, and sets both after a successful put. They go through
/// `timestamp_check`'s trait, so a type that is no timestamp is reported once.
fn timestamp_accessors(model: &Model) -> TokenStream {
    if model.created_at.is_none() && model.updated_at.is_none() {
        return quote!();
    }
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let value = |field: Option<(FieldId, Span)>, encode: TokenStream| match field {
        Some(_) => quote! {
            ::core::option::Option::Some(<Self as __Timestamps>::#encode(__now)?)
        },
        None => quote!(::core::option::Option::None),
    };
    let created_value = value(model.created_at, quote!(__encode_created_at));
    let updated_value = value(model.updated_at, quote!(__encode_updated_at));
    let created = model.created_at.map(|(id, _)| {
        let ident = &model.field(id).ident;
        (
            quote! {
                fn __created_at_unset(&self) -> bool {
                    <Self as __Timestamps>::__created_at_unset(&self.#ident)
                }
            },
            quote! {
                if __created {
                    self.#ident = <Self as __Timestamps>::__created_at(__now);
                }
            },
        )
    });
    let (created_unset, set_created) = created.unzip();
    let set_updated = model.updated_at.map(|(id, _)| {
        let ident = &model.field(id).ident;
        quote!(self.#ident = <Self as __Timestamps>::__updated_at(__now);)
    });
    let created_flag = if model.created_at.is_some() {
        quote!(__created)
    } else {
        quote!(_)
    };
    quote! {
        fn __timestamps(
            __now: #p::SystemTime,
        ) -> ::core::result::Result<#p::TimestampValues, #p::EncodeError> {
            ::core::result::Result::Ok(#p::TimestampValues {
                created_at: #created_value,
                updated_at: #updated_value,
            })
        }

        #created_unset

        fn __set_timestamps(&mut self, __now: #p::SystemTime, #created_flag: bool) {
            #set_created
            #set_updated
        }
    }
}

/// The timestamp fields' types, declared once in a trait impl whose bounds are spanned on the
/// `created_at` / `updated_at` flags: a type that is no timestamp is an error on the field's
/// type, with a note on the flag. The trait's provided methods use the types generically, so
/// they add no error of their own.
fn timestamp_check(model: &Model) -> TokenStream {
    if model.created_at.is_none() && model.updated_at.is_none() {
        return quote!();
    }
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let model_ty = model_type(model);
    let generics = bounded_generics(model);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let declare = |field: Option<(FieldId, Span)>, name: TokenStream, methods: TokenStream| {
        field.map(|(id, flag)| {
            let ty = &model.field(id).ty;
            let bound = respan(quote!(#p::Timestamp), flag);
            (
                quote!(type #name: #bound; #methods),
                quote_spanned!(ty.span()=> type #name = #ty;),
            )
        })
    };
    let created = declare(
        model.created_at,
        quote!(CreatedAt),
        quote! {
            fn __encode_created_at(
                __now: #p::SystemTime,
            ) -> ::core::result::Result<#p::AttributeValue, #p::EncodeError> {
                <Self::CreatedAt as #p::Timestamp>::encode_at(__now)
            }
            fn __created_at(__now: #p::SystemTime) -> Self::CreatedAt {
                <Self::CreatedAt as #p::Timestamp>::at(__now)
            }
            fn __created_at_unset(__value: &Self::CreatedAt) -> bool {
                <Self::CreatedAt as #p::Timestamp>::is_unset(__value)
            }
        },
    );
    let updated = declare(
        model.updated_at,
        quote!(UpdatedAt),
        quote! {
            fn __encode_updated_at(
                __now: #p::SystemTime,
            ) -> ::core::result::Result<#p::AttributeValue, #p::EncodeError> {
                <Self::UpdatedAt as #p::Timestamp>::encode_at(__now)
            }
            fn __updated_at(__now: #p::SystemTime) -> Self::UpdatedAt {
                <Self::UpdatedAt as #p::Timestamp>::at(__now)
            }
        },
    );
    let (decls, types): (Vec<_>, Vec<_>) = created.into_iter().chain(updated).unzip();
    quote! {
        trait __Timestamps {
            #(#decls)*
        }

        #[automatically_derived]
        impl #impl_generics __Timestamps for #model_ty #where_clause {
            #(#types)*
        }
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

/// A spanned trait assertion for `ttl` (`version` has `version_check`): a wrong type is an
/// error on the field's type, and the bound it misses is declared on the `ttl = "..."` string
/// (the compiler's "required by this bound" note points there).
fn attribute_checks(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let generics = bounded_generics(model);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let ttl = model.ttl.map(|(id, attr)| {
        let ty = &model.field(id).ty;
        let bound = respan(quote!(#krate::__private::TtlAttribute), attr);
        let call = quote_spanned! {ty.span()=> ttl::<#ty>(); };
        quote! {
            fn ttl<__T: #bound + ?::core::marker::Sized>() {}
            #call
        }
    });
    let Some(ttl) = ttl else {
        return quote!();
    };
    quote! {
        #[allow(dead_code)]
        fn __dynamo_attribute_checks #impl_generics () #where_clause {
            #ttl
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
