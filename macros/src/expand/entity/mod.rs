//! What an entity of a shared table has instead of key fields: a type per key template
//! (`UserPk`, `UserGsi1Sk`), the key struct of its templates' fields, the schema read from its
//! table type, the index markers, the checks of what it asks of its table (at compile time),
//! and the values struct of each index for `Update::set_index`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

mod schema;
mod template;

pub(crate) use self::schema::key_schemas;
use super::Piece;
use crate::model::{Entity, FieldId, Model, Template};

/// A template and the type generated for it.
struct Typed<'a> {
    template: &'a Template,
    ident: syn::Ident,
    /// The attribute it is stored under, as a constant expression.
    attribute: TokenStream,
    role: TokenStream,
}

fn entity(model: &Model) -> &Entity {
    model
        .entity
        .as_ref()
        .expect("the entity expansion runs for entities only")
}

/// `<AppTable as EntityTable>::TABLE`
pub(crate) fn table(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let path = &entity(model).table;
    quote!(<#path as #krate::__private::entity::EntityTable>::TABLE)
}

/// The base of an index's generated names (`UserGsi1` for the marker `UserGsi1Index`).
fn index_base(marker: &syn::Ident) -> String {
    let marker = marker.to_string();
    marker.strip_suffix("Index").unwrap_or(&marker).to_owned()
}

fn templates(model: &Model) -> Vec<Typed<'_>> {
    let p = private(model);
    let e = entity(model);
    let t = table(model);
    let ident = &model.ident;
    let partition = quote!(#p::KeyRole::Partition);
    let sort = quote!(#p::KeyRole::Sort);
    let mut all = vec![Typed {
        template: &e.hash,
        ident: format_ident!("{}Pk", ident),
        attribute: quote!(#t.hash.name),
        role: partition.clone(),
    }];
    if let Some(range) = &e.range {
        all.push(Typed {
            template: range,
            ident: format_ident!("{}Sk", ident),
            attribute: quote!(#p::entity::range_name(&#t)),
            role: sort.clone(),
        });
    }
    for index in &e.indexes {
        let base = index_base(&index.names.marker);
        let name = &index.names.name;
        all.push(Typed {
            template: &index.hash,
            ident: format_ident!("{}Pk", base),
            attribute: quote!(#p::entity::index_hash_name(&#t, #name)),
            role: partition.clone(),
        });
        if let Some(range) = &index.range {
            all.push(Typed {
                template: range,
                ident: format_ident!("{}Sk", base),
                attribute: quote!(#p::entity::index_range_name(&#t, #name)),
                role: sort.clone(),
            });
        }
    }
    all
}

fn private(model: &Model) -> TokenStream {
    let krate = &model.krate;
    quote!(#krate::__private)
}

/// The fields of a partition key template and a sort key template, each once, in order.
fn fields_of(hash: &Template, range: Option<&Template>) -> Vec<FieldId> {
    let mut ids: Vec<FieldId> = Vec::new();
    for id in hash
        .fields
        .iter()
        .chain(range.iter().flat_map(|r| &r.fields))
    {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    ids
}

/// The fields of the primary key's templates, each once, in order.
fn key_fields(model: &Model) -> Vec<FieldId> {
    let e = entity(model);
    fields_of(&e.hash, e.range.as_ref())
}

/// `store_key` of a template's key text (built from the model's fields) under its attribute.
fn store_template(model: &Model, typed: &Typed<'_>) -> TokenStream {
    let p = private(model);
    let ty = &typed.ident;
    let attribute = &typed.attribute;
    let role = &typed.role;
    let args = typed.template.fields.iter().map(|id| {
        let ident = &model.field(*id).ident;
        quote!(&self.#ident)
    });
    quote! {
        #p::field::store_key(
            #ty::__text(#(#args),*).map(|t| ::core::option::Option::Some(#p::entity::key_text(t))),
            { const NAME: &str = #attribute; NAME },
            #role,
            &mut __item,
        )?;
    }
}

/// The fields of every template of the entity (its primary key's and its indexes'), each
/// once: the fields whose paths updates do not take alone.
pub(crate) fn template_fields(model: &Model) -> Vec<FieldId> {
    let Some(e) = &model.entity else {
        return Vec::new();
    };
    let mut ids = key_fields(model);
    for index in &e.indexes {
        for id in fields_of(&index.hash, index.range.as_ref()) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// The key struct (`UserKey`): the fields of the primary key's templates.
pub(crate) fn key_struct(model: &Model) -> Piece {
    let p = private(model);
    let vis = &model.vis;
    let key = super::key::ident(model);
    let e = entity(model);
    let ids = key_fields(model);
    let idents: Vec<_> = ids.iter().map(|id| &model.field(*id).ident).collect();
    let types: Vec<_> = ids.iter().map(|id| &model.field(*id).ty).collect();
    let typed = templates(model);
    let primary: Vec<&Typed<'_>> = typed.iter().take(1 + e.range.is_some() as usize).collect();
    let stores = primary.iter().map(|t| store_template(model, t));
    // Each template decoded from its attribute; a field in both keys must agree.
    let parts: Vec<_> = (0..primary.len())
        .map(|i| format_ident!("__part{}", i))
        .collect();
    let decodes = primary.iter().zip(&parts).map(|(t, part)| {
        let ty = &t.ident;
        let attribute = &t.attribute;
        quote! {
            let #part: #ty = #p::field::key_from_item(
                __item,
                { const NAME: &str = #attribute; NAME },
                #p::decode_key::<#ty>,
            )?;
        }
    });
    let mut checks = Vec::new();
    let inits = ids.iter().map(|id| {
        let ident = &model.field(*id).ident;
        let position = primary
            .iter()
            .position(|t| t.template.fields.contains(id))
            .unwrap_or(0);
        let part = &parts[position];
        for (later, t) in primary.iter().enumerate().skip(position + 1) {
            if t.template.fields.contains(id) {
                let other = &parts[later];
                let message =
                    format!("the partition and sort keys hold different values of `{ident}`");
                checks.push(quote! {
                    if #other.#ident != #part.#ident {
                        return ::core::result::Result::Err(#p::DecodeError::custom(#message));
                    }
                });
            }
        }
        quote!(#ident: #part.#ident)
    });
    let inits: Vec<_> = inits.collect();
    let doc = format!(
        "The primary key of [`{}`]: the fields its key templates are built from.",
        model.ident
    );
    let field_docs = idents.iter().map(|i| format!("The `{i}` field."));
    let public = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not the user names it
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #vis struct #key {
            #(
                #[doc = #field_docs]
                pub #idents: #types,
            )*
        }
    };
    let private = quote! {
        #[automatically_derived]
        impl #p::ModelKey for #key {
            fn to_key_item(&self) -> ::core::result::Result<#p::Item, #p::EncodeError> {
                let mut __item = #p::HashMap::with_capacity(2);
                #(#stores)*
                ::core::result::Result::Ok(__item)
            }

            fn from_key_item(
                __item: &#p::Item,
            ) -> ::core::result::Result<Self, #p::DecodeError> {
                #(#decodes)*
                #(#checks)*
                ::core::result::Result::Ok(Self { #(#inits,)* })
            }
        }
    };
    Piece { public, private }
}

/// The body of `key(&self)`.
pub(crate) fn key_body(model: &Model) -> TokenStream {
    let key = super::key::ident(model);
    let idents = key_fields(model)
        .into_iter()
        .map(|id| &model.field(id).ident);
    quote!(#key { #(#idents: ::core::clone::Clone::clone(&self.#idents),)* })
}

/// What `to_item` stores after the fields: every template's key text under its attribute, and
/// the entity name.
pub(crate) fn to_item_tail(model: &Model) -> TokenStream {
    let p = private(model);
    let t = table(model);
    let name = &entity(model).name;
    let typed = templates(model);
    let stores = typed.iter().map(|t| store_template(model, t));
    quote! {
        #(#stores)*
        __item.insert(
            #p::String::from(#t.entity_attribute),
            #p::AttributeValue::S(#p::String::from(#name)),
        );
    }
}

/// The entity attribute's name, for the decoder's check.
pub(crate) fn entity_attribute(model: &Model) -> TokenStream {
    let t = table(model);
    quote!(#t.entity_attribute)
}

pub(crate) fn entity_name(model: &Model) -> &str {
    &entity(model).name
}

/// The schema constant: the table's, with the entity's attributes.
pub(crate) fn schema_const(
    model: &Model,
    optional: &dyn Fn(Option<FieldId>) -> TokenStream,
) -> TokenStream {
    let p = private(model);
    let t = table(model);
    let attributes = model.stored().map(|(_, f)| &f.name);
    let version = optional(model.version.map(|(id, _)| id));
    let created_at = optional(model.created_at.map(|(id, _)| id));
    let updated_at = optional(model.updated_at.map(|(id, _)| id));
    let name = &entity(model).name;
    quote! {
        #p::TableSchema {
            table: #t.name,
            hash: #t.hash,
            range: #t.range,
            attributes: &[#t.entity_attribute, #(#attributes),*],
            indexes: #t.indexes,
            ttl: #t.ttl,
            stream: #t.stream,
            version: #version,
            options: #t.options,
            created_at: #created_at,
            updated_at: #updated_at,
            entity: ::core::option::Option::Some(#p::entity::EntityFilter {
                attribute: #t.entity_attribute,
                names: &[#name],
            }),
        }
    }
}

/// The table handle's methods: the primary key and each index the entity gives templates for.
pub(crate) fn handle_methods(model: &Model) -> TokenStream {
    let p = private(model);
    let e = entity(model);
    let ident = &model.ident;
    let primary = if e.range.is_some() {
        quote! {
            /// The primary key (partition and sort key templates): `get`, `batch_get`, `query`, `scan`, ...
            pub fn primary_key(&self) -> #p::FullPrimaryKey<#ident> {
                #p::FullPrimaryKey::new(::core::clone::Clone::clone(&self.table))
            }
        }
    } else {
        quote! {
            /// The primary key (partition key template only): `get`, `batch_get`, `query`, `scan`, ...
            pub fn primary_key(&self) -> #p::HashPrimaryKey<#ident> {
                #p::HashPrimaryKey::new(::core::clone::Clone::clone(&self.table))
            }
        }
    };
    let indexes = e.indexes.iter().map(|index| {
        let method = &index.names.method;
        let marker = &index.names.marker;
        let doc = format!("The global secondary index `{}`.", index.names.name);
        let entity = if index.range.is_some() {
            quote!(FullGlobalSecondaryIndex)
        } else {
            quote!(HashGlobalSecondaryIndex)
        };
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #p::#entity<#marker> {
                #p::#entity::new(::core::clone::Clone::clone(&self.table))
            }
        }
    });
    quote! {
        #primary
        #(#indexes)*
    }
}

/// The model's `ReadItem` entity filter.
pub(crate) fn read_filter(model: &Model) -> TokenStream {
    let p = private(model);
    let Some(e) = &model.entity else {
        return quote!();
    };
    let t = table(model);
    let name = &e.name;
    quote! {
        const ENTITIES: ::core::option::Option<#p::entity::EntityFilter> =
            ::core::option::Option::Some(#p::entity::EntityFilter {
                attribute: #t.entity_attribute,
                names: &[#name],
            });
    }
}
