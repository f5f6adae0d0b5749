//! What an entity of a shared table has instead of key fields: a type per key template
//! (`UserPk`, `UserGsi1Sk`), the key struct of its templates' fields, the schema read from its
//! table type, the index markers, the checks of what it asks of its table (at compile time),
//! and the values struct of each index for `Update::set_index`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

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

/// The type generated for one template: its fields, its text, its decoding, and the values a
/// key argument takes for it.
fn template_type(model: &Model, typed: &Typed<'_>) -> Piece {
    let p = private(model);
    let vis = &model.vis;
    let ident = &typed.ident;
    let template = typed.template;
    let fields: Vec<_> = template.fields.iter().map(|id| model.field(*id)).collect();
    let idents: Vec<_> = fields.iter().map(|f| &f.ident).collect();
    let types: Vec<_> = fields.iter().map(|f| &f.ty).collect();
    let names: Vec<String> = fields.iter().map(|f| f.ident.to_string()).collect();
    let literals = &template.literals;
    let first = &literals[0];
    let rest = &literals[1..];
    let count = fields.len();
    let capacity = literals.iter().map(String::len).sum::<usize>() + 8 * count;
    let writes = types.iter().zip(&idents).map(|(ty, id)| {
        let write = quote_spanned!(ty.span()=> <#ty as #p::entity::TemplateValue>::write_template);
        let name = id.to_string();
        quote!(#write(#id, &mut __text).map_err(|e| e.at(#name))?;)
    });
    let texts: Vec<_> = (0..count).map(|i| format_ident!("__t{}", i)).collect();
    let reads = types
        .iter()
        .zip(&texts)
        .zip(&names)
        .map(|((ty, text), name)| {
            let read =
                quote_spanned!(ty.span()=> <#ty as #p::entity::TemplateValue>::read_template);
            quote!(#read(#text).map_err(|e| e.at(#name))?)
        });
    let doc = format!(
        "The key template `{}` of [`{}`]: its fields, and the key text they make.",
        template.text, model.ident
    );
    let field_docs = names.iter().map(|n| format!("The `{n}` field."));
    let public = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not the user names it
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #vis struct #ident {
            #(
                #[doc = #field_docs]
                pub #idents: #types,
            )*
        }

        impl #ident {
            /// The template's literal parts, around its fields.
            #[doc(hidden)]
            pub const __LITERALS: &'static [&'static str] = &[#(#literals),*];

            /// The key text of these field values.
            #[doc(hidden)]
            #[allow(clippy::ptr_arg)]
            pub fn __text(
                #(#idents: &#types,)*
            ) -> ::core::result::Result<#p::String, #p::EncodeError> {
                let mut __text = #p::String::with_capacity(#capacity);
                __text.push_str(#first);
                #(
                    #writes
                    __text.push_str(#rest);
                )*
                ::core::result::Result::Ok(__text)
            }

            /// The key text: the template with each field's value in its place.
            pub fn text(&self) -> ::core::result::Result<#p::String, #p::EncodeError> {
                Self::__text(#(&self.#idents),*)
            }
        }
    };
    // A key argument: `()` for a template without fields, the field's value for one, a tuple
    // of the fields' values for several.
    let into_key = match types.as_slice() {
        [] => quote! {
            impl #p::IntoKey<#ident> for () {
                fn into_key(self) -> #ident {
                    #ident {}
                }
            }
        },
        [ty] => {
            let id = &idents[0];
            let mut impls = quote! {
                impl #p::IntoKey<#ident> for #ty {
                    fn into_key(self) -> #ident {
                        #ident { #id: self }
                    }
                }
                impl #p::IntoKey<#ident> for &#ty {
                    fn into_key(self) -> #ident {
                        #ident { #id: ::core::clone::Clone::clone(self) }
                    }
                }
            };
            if is_string(ty) {
                impls.extend(quote! {
                    impl #p::IntoKey<#ident> for &str {
                        fn into_key(self) -> #ident {
                            #ident { #id: ::core::convert::From::from(self) }
                        }
                    }
                });
            }
            impls
        }
        _ => {
            let params: Vec<_> = (0..count).map(|i| format_ident!("__A{}", i)).collect();
            let index = (0..count).map(syn::Index::from);
            quote! {
                impl<#(#params: #p::IntoKey<#types>),*> #p::IntoKey<#ident> for (#(#params,)*) {
                    fn into_key(self) -> #ident {
                        #ident { #(#idents: #p::IntoKey::into_key(self.#index),)* }
                    }
                }
            }
        }
    };
    let conditions = if typed.role.to_string().ends_with("Sort") {
        sort_conditions(model, typed)
    } else {
        quote!()
    };
    let private = quote! {
        #conditions

        #[automatically_derived]
        impl #p::IntoAttributeValue for #ident {
            fn to_attribute_value(
                &self,
            ) -> ::core::result::Result<::core::option::Option<#p::AttributeValue>, #p::EncodeError> {
                ::core::result::Result::Ok(::core::option::Option::Some(
                    #p::entity::key_text(self.text()?),
                ))
            }
        }

        #[automatically_derived]
        impl #p::FromAttributeValue for #ident {
            fn from_attribute_value(
                __value: #p::AttributeValue,
            ) -> ::core::result::Result<Self, #p::DecodeError> {
                let __key = #p::entity::key_string(__value)?;
                let [#(#texts),*] = #p::entity::split_n::<#count>(&__key, Self::__LITERALS)?;
                ::core::result::Result::Ok(#ident { #(#idents: #reads,)* })
            }
        }

        #[automatically_derived]
        impl #p::KeyAttribute for #ident {
            const SCALAR_TYPE: #p::ScalarType = #p::ScalarType::String;
        }

        #[automatically_derived]
        impl #p::entity::TemplateShape for #ident {
            type Fields = (#(#types,)*);
            const LITERALS: &'static [&'static str] = Self::__LITERALS;
        }

        #into_key
    };
    Piece { public, private }
}

/// Sort key conditions over a sort key template, field by field in order: `all()` (the
/// template's literal start), `with_<field>(..)` (every field up to it equal), and
/// `<field>_between / _ge / _le` (the fields before it equal, a range on it). Key texts order
/// fields as tuples (a field's text never holds a byte at or below `#`), so each is exact.
fn sort_conditions(model: &Model, typed: &Typed<'_>) -> TokenStream {
    let p = private(model);
    let ident = &typed.ident;
    let template = typed.template;
    let fields: Vec<_> = template.fields.iter().map(|id| model.field(*id)).collect();
    let literals = &template.literals;
    let n = fields.len();
    let cond = quote!(#p::RangeCondition<#ident>);
    // The text of the key up to field `k` (exclusive), then with field `k`'s value from `arg`.
    let prefix = |k: usize| -> TokenStream {
        let writes = fields[..k].iter().enumerate().map(|(i, f)| {
            let id = &f.ident;
            let ty = &f.ty;
            let lit = &literals[i + 1];
            quote! {
                let #id: #ty = #p::IntoKey::into_key(#id);
                <#ty as #p::entity::TemplateValue>::write_template(&#id, &mut __text)?;
                __text.push_str(#lit);
            }
        });
        let first = &literals[0];
        quote! {
            (|| -> ::core::result::Result<#p::String, #p::EncodeError> {
                let mut __text = #p::String::from(#first);
                #(#writes)*
                ::core::result::Result::Ok(__text)
            })()
        }
    };
    let mut methods = Vec::new();
    if !literals[0].is_empty() {
        let first = &literals[0];
        let doc = format!(
            "Every key of the template `{}`: those that begin with `{first}`.",
            template.text
        );
        methods.push(quote! {
            #[doc = #doc]
            pub fn all() -> #cond {
                #p::RangeCondition::__text_begins_with(::core::result::Result::Ok(#p::String::from(#first)))
            }
        });
    }
    for k in 0..n {
        let field = &fields[k].ident;
        let field_name = field.to_string().trim_start_matches("r#").to_owned();
        let params: Vec<TokenStream> = fields[..=k]
            .iter()
            .map(|f| {
                let id = &f.ident;
                let ty = &f.ty;
                quote!(#id: impl #p::IntoKey<#ty>)
            })
            .collect();
        let earlier: Vec<TokenStream> = params[..k].to_vec();
        let last = k + 1 == n && literals[n].is_empty();
        let upto = prefix(k + 1);
        let before = prefix(k);
        let ty = &fields[k].ty;
        let value_text = |arg: TokenStream| {
            quote! {
                ::core::clone::Clone::clone(&__before).and_then(|mut __text| {
                    let __value: #ty = #p::IntoKey::into_key(#arg);
                    <#ty as #p::entity::TemplateValue>::write_template(&__value, &mut __text)?;
                    ::core::result::Result::Ok(__text)
                })
            }
        };
        let with = format_ident!("with_{}", field_name);
        let with_body = if last {
            quote!(#p::RangeCondition::__text_eq(#upto))
        } else {
            let lit = &literals[k + 1];
            quote!(#p::RangeCondition::__text_begins_with(#upto.map(|mut t| { t.push_str(#lit); t })))
        };
        let names: Vec<String> = fields[..=k]
            .iter()
            .map(|f| format!("`{}`", f.ident))
            .collect();
        let doc = format!("The keys whose {} equal these values.", names.join(", "));
        methods.push(quote! {
            #[doc = #doc]
            pub fn #with(#(#params),*) -> #cond {
                #with_body
            }
        });
        let between = format_ident!("{}_between", field_name);
        let ge = format_ident!("{}_ge", field_name);
        let le = format_ident!("{}_le", field_name);
        let low = value_text(quote!(__low));
        let high = value_text(quote!(__high));
        let fixed = if k == 0 {
            String::new()
        } else {
            format!(", with {} equal to the values given", names[..k].join(", "))
        };
        let doc_between =
            format!("The keys whose `{field}` is between `low` and `high`, both included{fixed}.");
        let doc_ge = format!("The keys whose `{field}` is at least `low`{fixed}.");
        let doc_le = format!("The keys whose `{field}` is at most `high`{fixed}.");
        methods.push(quote! {
            #[doc = #doc_between]
            pub fn #between(#(#earlier,)* __low: impl #p::IntoKey<#ty>, __high: impl #p::IntoKey<#ty>) -> #cond {
                let __before = #before;
                #p::RangeCondition::__text_between(#low, #p::entity::field_end(#high, #last))
            }
            #[doc = #doc_ge]
            pub fn #ge(#(#earlier,)* __low: impl #p::IntoKey<#ty>) -> #cond {
                let __before = #before;
                #p::entity::at_least(::core::clone::Clone::clone(&__before), #low)
            }
            #[doc = #doc_le]
            pub fn #le(#(#earlier,)* __high: impl #p::IntoKey<#ty>) -> #cond {
                let __before = #before;
                #p::entity::at_most(::core::clone::Clone::clone(&__before), #p::entity::field_end(#high, #last))
            }
        });
    }
    quote! {
        impl #ident {
            #(#methods)*
        }
    }
}

fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_empty()))
}

/// The fields of the primary key's templates, each once, in order.
fn key_fields(model: &Model) -> Vec<FieldId> {
    let e = entity(model);
    let mut ids: Vec<FieldId> = Vec::new();
    for id in e
        .hash
        .fields
        .iter()
        .chain(e.range.iter().flat_map(|r| &r.fields))
    {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    ids
}

/// The fields of every template of the entity (its primary key's and its indexes'), each
/// once: the fields whose paths updates do not take alone.
pub(crate) fn template_fields(model: &Model) -> Vec<FieldId> {
    let Some(e) = &model.entity else {
        return Vec::new();
    };
    let mut ids = key_fields(model);
    for index in &e.indexes {
        for id in index
            .hash
            .fields
            .iter()
            .chain(index.range.iter().flat_map(|r| &r.fields))
        {
            if !ids.contains(id) {
                ids.push(*id);
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
    let stores = primary.iter().map(|t| {
        let ty = &t.ident;
        let attribute = &t.attribute;
        let role = &t.role;
        let args = t.template.fields.iter().map(|id| {
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
    });
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
    let stores = templates(model).into_iter().map(|typed| {
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
    });
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
    let ttl = optional(model.ttl.map(|(id, _)| id));
    let version = optional(model.version.map(|(id, _)| id));
    let created_at = optional(model.created_at.map(|(id, _)| id));
    let updated_at = optional(model.updated_at.map(|(id, _)| id));
    quote! {
        #p::TableSchema {
            table: #t.name,
            hash: #t.hash,
            range: #t.range,
            attributes: &[#t.entity_attribute, #(#attributes),*],
            indexes: #t.indexes,
            ttl: #ttl,
            stream: #t.stream,
            version: #version,
            options: #t.options,
            created_at: #created_at,
            updated_at: #updated_at,
        }
    }
}

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
        const _: () = if #t.range.is_some() != #has_range {
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
            const _: () = if #p::entity::is_reserved(&#t, #attribute) {
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
        private.extend(quote! {
            const _: () = if !::core::matches!(#t.stream, ::core::option::Option::Some(#p::StreamView::#variant)) {
                ::core::panic!(#message)
            };
        });
    }

    let mut template_iter = typed.iter().skip(1 + has_range as usize);
    for index in &e.indexes {
        let index_name = &index.names.name;
        let marker = &index.names.marker;
        let span = index.names.span;
        let hash_ty = &template_iter.next().expect("one type per template").ident;
        let range_ty = index
            .range
            .as_ref()
            .map(|_| &template_iter.next().expect("one type per template").ident);
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
            const _: () = if !#p::entity::has_index(&#t, #index_name) {
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
        let values = index_values(model, index, hash_ty, range_ty);
        public.extend(values.public);
        private.extend(values.private);
    }
    (public, private)
}

/// `UserGsi1Values`: every field of an index's templates, for `Update::set_index`, which sets
/// them and the index's key attributes together. A field of the primary key's templates cannot
/// change: the update carries the condition that the item holds the value given.
fn index_values(
    model: &Model,
    index: &crate::model::EntityIndex,
    hash_ty: &syn::Ident,
    range_ty: Option<&syn::Ident>,
) -> Piece {
    let p = private(model);
    let t = table(model);
    let vis = &model.vis;
    let ident = &model.ident;
    let values = format_ident!("{}Values", index_base(&index.names.marker));
    let index_name = &index.names.name;
    let mut ids: Vec<FieldId> = Vec::new();
    for id in index
        .hash
        .fields
        .iter()
        .chain(index.range.iter().flat_map(|r| &r.fields))
    {
        if !ids.contains(id) {
            ids.push(*id);
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
    let key_sets = [Some((hash_ty, &index.hash, quote!(index_hash_name))), range_ty.map(|r| (r, index.range.as_ref().expect("a range type has a template"), quote!(index_range_name)))]
        .into_iter()
        .flatten()
        .map(|(ty, template, attribute)| {
            let args = template.fields.iter().map(|id| {
                let ident = &model.field(*id).ident;
                quote!(&self.#ident)
            });
            quote! {
                __update = __update.__set_attribute(
                    { const NAME: &str = #p::entity::#attribute(&#t, #index_name); NAME },
                    #ty::__text(#(#args),*).map(|t| ::core::option::Option::Some(#p::entity::key_text(t))),
                );
            }
        });
    let doc = format!(
        "Every field the index `{index_name}` of [`{ident}`] is keyed by: `{ident}::update().set_index({values} {{ .. }})` sets them and the index key together."
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
