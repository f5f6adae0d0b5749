//! An entity's key schemas (its own and one marker per index), its `Entity` impl, the checks
//! of what it asks of its table (evaluated at compile time), and each index's values struct.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::template::template_type;
use super::{entity, fields_of, index_base, key_fields, private, table, templates};
use crate::expand::Piece;
use crate::model::{FieldId, Model};

/// The key schemas (the model's, and one marker per index), the `Entity` impl, the template
/// types, the index values structs, and the compile-time checks against the table.
pub(crate) fn key_schemas(model: &Model) -> (TokenStream, TokenStream) {
    let p = private(model);
    let t = table(model);
    let e = entity(model);
    let ident = &model.ident;
    let vis = &model.vis;
    let table_path = &e.table;
    let name = &e.name;
    let mut public = TokenStream::new();
    let mut private = TokenStream::new();
    let typed = templates(model);
    for ty in &typed {
        let piece = template_type(model, ty);
        public.extend(piece.public);
        private.extend(piece.private);
    }
    let filter = quote! {
        ::core::option::Option::Some(#p::entity::EntityFilter {
            attribute: #t.entity_attribute,
            names: &[#name],
        })
    };
    let pk = &typed[0].ident;
    private.extend(quote! {
        #[automatically_derived]
        impl #p::entity::Entity for #ident {
            type Table = #table_path;
            const NAME: &'static str = #name;
        }

        #[automatically_derived]
        impl #p::KeySchema for #ident {
            type Model = #ident;
            type Hash = #pk;
            const INDEX: ::core::option::Option<&'static #p::IndexSchema> =
                ::core::option::Option::None;
            const HASH_ATTRIBUTES: &'static [&'static str] = #p::entity::hash_names(&#t);
        }
    });
    if e.range.is_some() {
        let sk = &typed[1].ident;
        private.extend(quote! {
            #[automatically_derived]
            impl #p::RangeKeySchema for #ident {
                type Range = #sk;
                const RANGE_ATTRIBUTES: &'static [&'static str] = #p::entity::range_names(&#t);
            }
        });
    }

    // What the entity asks of its table, checked when the constants are evaluated: a const
    // panic is a compile error that names the entity and the table.
    let table_name = quote!(#table_path).to_string().replace(' ', "");
    let has_range = e.range.is_some();
    let range_message = if has_range {
        format!(
            "`{ident}` gives a sort key template (`range = \"...\"`), and `{table_name}` has no sort key: remove `range` from `key(...)`, or declare `range = \"...\"` on `{table_name}`"
        )
    } else {
        format!(
            "`{table_name}` has a sort key, and `{ident}` gives no template for it: add `range = \"...\"` to `key(...)`, e.g. `range = \"PROFILE\"`"
        )
    };
    let range_check = quote_spanned! {e.hash.span=>
        const _: () = if !#p::entity::in_error(&#t) && #t.range.is_some() != #has_range {
            ::core::panic!(#range_message)
        };
    };
    private.extend(range_check);
    for (_, field) in model.stored() {
        let attribute = &field.name;
        let message = format!(
            "`{ident}` stores the field `{}` as `{attribute}`, which is a key attribute or the entity attribute of `{table_name}`: the derived value would overwrite it; rename the field or store it under another name with `#[dynamo(rename = \"...\")]`",
            field.ident
        );
        private.extend(quote_spanned! {field.ident.span()=>
            const _: () = if !#p::entity::in_error(&#t) && #p::entity::is_reserved(&#t, #attribute) {
                ::core::panic!(#message)
            };
        });
    }
    if let Some(view) = model.stream {
        let (variant, text) = match view {
            crate::model::StreamView::KeysOnly => (quote!(KeysOnly), "keys_only"),
            crate::model::StreamView::NewImage => (quote!(NewImage), "new_image"),
            crate::model::StreamView::OldImage => (quote!(OldImage), "old_image"),
            crate::model::StreamView::NewAndOldImages => {
                (quote!(NewAndOldImages), "new_and_old_images")
            }
        };
        let message = format!(
            "`{ident}` declares `stream = \"{text}\"`, and its table `{table_name}` does not: declare the same `stream` on `{table_name}`, whose stream it is"
        );
        let span = table_path.span();
        private.extend(quote_spanned! {span=>
            const _: () = if !#p::entity::in_error(&#t) && !::core::matches!(#t.stream, ::core::option::Option::Some(#p::StreamView::#variant)) {
                ::core::panic!(#message)
            };
        });
    }

    if let Some((id, span)) = model.ttl {
        let attribute = &model.field(id).name;
        let message = format!(
            "`{ident}` keeps its TTL in `{attribute}`, and its table `{table_name}` does not declare that TTL attribute: TTL is the table's, so declare `ttl = \"{attribute}\"` on `{table_name}` (every entity with a `ttl` stores it under that name)"
        );
        private.extend(quote_spanned! {span=>
            const _: () = if !#p::entity::in_error(&#t) && !#p::entity::ttl_is(&#t, #attribute) {
                ::core::panic!(#message)
            };
        });
    }

    let mut template_iter = typed.iter().skip(1 + has_range as usize);
    let index_types: Vec<IndexTypes<'_>> = e
        .indexes
        .iter()
        .map(|index| IndexTypes {
            index,
            hash: &template_iter.next().expect("one type per template").ident,
            range: index
                .range
                .as_ref()
                .map(|_| &template_iter.next().expect("one type per template").ident),
        })
        .collect();
    for (position, types) in index_types.iter().enumerate() {
        let index = types.index;
        let index_name = &index.names.name;
        let marker = &index.names.marker;
        let span = index.names.span;
        let hash_ty = types.hash;
        let range_ty = types.range;
        let missing = format!(
            "`{ident}` gives templates for the index `{index_name}`, which `{table_name}` does not declare: add `gsi(name = \"{index_name}\", hash = \"...\", range = \"...\")` to `{table_name}`, or name one of its indexes"
        );
        let index_range = range_ty.is_some();
        let range_message = if index_range {
            format!(
                "`{ident}` gives a sort key template for the index `{index_name}`, which has no sort key in `{table_name}`: remove `range` from its `index(...)`"
            )
        } else {
            format!(
                "the index `{index_name}` of `{table_name}` has a sort key, and `{ident}` gives no template for it: add `range = \"...\"` to its `index(...)`"
            )
        };
        private.extend(quote_spanned! {span=>
            const _: () = if #p::entity::in_error(&#t) {
            } else if !#p::entity::has_index(&#t, #index_name) {
                ::core::panic!(#missing)
            } else if #p::entity::index_has_range(&#t, #index_name) != #index_range {
                ::core::panic!(#range_message)
            };
        });
        let doc = format!(
            "Marks the global secondary index `{index_name}` of [`{ident}`]'s table, as `{ident}` keys it; the query object of `{}()` is generic over it.",
            index.names.method
        );
        public.extend(quote! {
            #[doc = #doc]
            #[allow(dead_code)] // generated whether or not the user names it
            #vis struct #marker;
        });
        private.extend(quote! {
            #[automatically_derived]
            impl #p::KeySchema for #marker {
                type Model = #ident;
                type Hash = #hash_ty;
                const INDEX: ::core::option::Option<&'static #p::IndexSchema> =
                    ::core::option::Option::Some(#p::entity::index(&#t, #index_name));
                const HASH_ATTRIBUTES: &'static [&'static str] =
                    #p::entity::index_hash(&#t, #index_name);
            }

            #[automatically_derived]
            impl #p::ReadItem for #marker {
                type Item = #ident;
                const ATTRIBUTES: ::core::option::Option<&'static [&'static str]> =
                    ::core::option::Option::None;
                const ENTITIES: ::core::option::Option<#p::entity::EntityFilter> = #filter;
                fn decode(
                    __item: #p::Item,
                ) -> ::core::result::Result<#ident, #p::DecodeError> {
                    <#ident as #p::DynamoModel>::from_item(__item)
                }
            }
        });
        if let Some(range_ty) = range_ty {
            private.extend(quote! {
                #[automatically_derived]
                impl #p::RangeKeySchema for #marker {
                    type Range = #range_ty;
                    const RANGE_ATTRIBUTES: &'static [&'static str] =
                        #p::entity::index_range(&#t, #index_name);
                }
            });
        }
        let values = index_values(model, &index_types, position);
        public.extend(values.public);
        private.extend(values.private);
    }
    (public, private)
}

/// An index of the entity and the types of its templates.
struct IndexTypes<'a> {
    index: &'a crate::model::EntityIndex,
    hash: &'a syn::Ident,
    range: Option<&'a syn::Ident>,
}

/// The indexes whose keys change with index `position`'s: it, and every index that shares a
/// field outside the primary key with one of them (an update of that field must rewrite each
/// index key built from it).
fn index_group(model: &Model, indexes: &[IndexTypes<'_>], position: usize) -> Vec<usize> {
    let keys = key_fields(model);
    let own = |i: usize| -> Vec<FieldId> {
        let index = indexes[i].index;
        fields_of(&index.hash, index.range.as_ref())
            .into_iter()
            .filter(|id| !keys.contains(id))
            .collect()
    };
    let mut group = vec![position];
    let mut fields = own(position);
    loop {
        let joining: Vec<usize> = (0..indexes.len())
            .filter(|i| !group.contains(i) && own(*i).iter().any(|id| fields.contains(id)))
            .collect();
        if joining.is_empty() {
            return group;
        }
        for i in joining {
            fields.extend(own(i));
            group.push(i);
        }
    }
}

/// `UserGsi1Values`: every field of an index's templates (and of the indexes that share a field
/// with it), for `Update::set_index`, which sets them and those indexes' key attributes
/// together. A field of the primary key's templates cannot change: the update carries the
/// condition that the item holds the value given.
fn index_values(model: &Model, indexes: &[IndexTypes<'_>], position: usize) -> Piece {
    let p = private(model);
    let t = table(model);
    let vis = &model.vis;
    let ident = &model.ident;
    let index = indexes[position].index;
    let values = format_ident!("{}Values", index_base(&index.names.marker));
    let index_name = &index.names.name;
    let group = index_group(model, indexes, position);
    let mut ids: Vec<FieldId> = Vec::new();
    for i in &group {
        let member = indexes[*i].index;
        for id in fields_of(&member.hash, member.range.as_ref()) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let keys = key_fields(model);
    let idents: Vec<_> = ids.iter().map(|id| &model.field(*id).ident).collect();
    let types: Vec<_> = ids.iter().map(|id| &model.field(*id).ty).collect();
    let actions = ids.iter().map(|id| {
        let field = model.field(*id);
        let field_ident = &field.ident;
        let ty = &field.ty;
        let name = &field.name;
        let encode =
            quote_spanned!(ty.span()=> <#ty as #p::IntoAttributeValue>::to_attribute_value);
        if keys.contains(id) {
            quote! {
                __update = __update.__guard(
                    #p::Path::<#ident, #ty>::attribute(#name)
                        .eq(::core::clone::Clone::clone(&self.#field_ident)),
                );
            }
        } else {
            quote!(__update = __update.__set_attribute(#name, #encode(&self.#field_ident));)
        }
    });
    let mut key_sets = Vec::new();
    for i in &group {
        let member = &indexes[*i];
        let name = &member.index.names.name;
        let hash = Some((member.hash, &member.index.hash, quote!(index_hash_name)));
        let range = member
            .range
            .zip(member.index.range.as_ref())
            .map(|(ty, template)| (ty, template, quote!(index_range_name)));
        for (ty, template, attribute) in [hash, range].into_iter().flatten() {
            let args = template.fields.iter().map(|id| {
                let ident = &model.field(*id).ident;
                quote!(&self.#ident)
            });
            key_sets.push(quote! {
                __update = __update.__set_attribute(
                    { const NAME: &str = #p::entity::#attribute(&#t, #name); NAME },
                    #ty::__text(#(#args),*).map(|t| ::core::option::Option::Some(#p::entity::key_text(t))),
                );
            });
        }
    }
    let others: Vec<String> = group[1..]
        .iter()
        .map(|i| format!("`{}`", indexes[*i].index.names.name))
        .collect();
    let shared = if others.is_empty() {
        String::new()
    } else {
        format!(
            " (and the fields of {}, which share a field with it: their keys are rewritten too)",
            others.join(", ")
        )
    };
    let doc = format!(
        "Every field the index `{index_name}` of [`{ident}`] is keyed by{shared}: `{ident}::update().set_index({values} {{ .. }})` sets them and the index key together."
    );
    let field_docs = idents.iter().map(|i| format!("The `{i}` field."));
    let public = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not the user names it
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #vis struct #values {
            #(
                #[doc = #field_docs]
                pub #idents: #types,
            )*
        }
    };
    let private = quote! {
        #[automatically_derived]
        impl #p::entity::IndexValues<#ident> for #values {
            fn apply(self, mut __update: #p::Update<#ident>) -> #p::Update<#ident> {
                #(#actions)*
                #(#key_sets)*
                __update
            }
        }
    };
    Piece { public, private }
}
