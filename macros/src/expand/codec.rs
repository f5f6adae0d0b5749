//! `to_item`, `from_item` and `__from_source`: one runtime helper call per field
//! (`__private::field`, the codec traits' hidden methods, or the serde bridge).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Codec, Missing, Model, Storage};

/// The body of `to_item(&self)`: per stored field, its encoding stored by a runtime helper.
/// Only the encoder's path carries the field type's span (so that a missing impl is an error on
/// the field): the arguments are the derive's own, whatever macro wrote the type.
pub(crate) fn to_item(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let count = model.stored().count();
    let inserts = model.stored().map(|(_, field)| {
        let ident = &field.ident;
        let name = &field.name;
        let ty = &field.ty;
        let Storage::Stored { codec, .. } = field.storage else {
            unreachable!("stored() yields stored fields")
        };
        let encode = match codec {
            Codec::Native => quote_spanned! {ty.span()=>
                <#ty as #krate::__private::IntoAttributeValue>::to_attribute_value
            },
            Codec::Serde => quote_spanned! {ty.span()=>
                #krate::__private::serde_bridge::encode::<#ty>
            },
        };
        quote!(#krate::__private::field::store(#encode(&self.#ident), #name, &mut __item)?;)
    });
    let (count, tail) = match &model.entity {
        Some(_) => (count + 5, super::entity::to_item_tail(model)),
        None => (count, quote!()),
    };
    quote! {
        let mut __item = #krate::__private::HashMap::with_capacity(#count);
        #(#inserts)*
        #tail
        ::core::result::Result::Ok(__item)
    }
}

/// How a decoder gets an attribute's value.
#[derive(Clone, Copy)]
enum Read {
    /// `from_item`: the value is `__value`, owned, from iterating the item.
    Item,
    /// `__from_source`: the value comes from `__source`, a `FieldSource`.
    Source,
}

/// The body of `from_item(__item)`: the decoder, over the item's attributes. (A decoder of its
/// own rather than `__from_source` over the item as a `FieldSource`, which was 20% slower.)
pub(crate) fn from_item(model: &Model) -> TokenStream {
    decoder(model, Read::Item)
}

/// The body of `__from_source(__source)`: the decoder, over the attributes a `FieldSource`
/// gives (a stream image read straight from JSON).
pub(crate) fn from_source(model: &Model) -> TokenStream {
    decoder(model, Read::Source)
}

/// One pass over the attributes, each matched by name and decoded into its field's slot, then
/// each field from what was found, or from its missing-attribute rule. Every step is a runtime
/// helper over what a trait-qualified path, spanned on the field's type, computed.
fn decoder(model: &Model, read: Read) -> TokenStream {
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let slot = |i: usize| format_ident!("__f{}", i);
    let slots = model.stored().map(|(i, _)| {
        let slot = slot(i);
        quote!(let mut #slot = ::core::option::Option::None;)
    });
    let keys = model.keys.fields();
    let arms = model.stored().map(|(i, field)| {
        let name = &field.name;
        let ty = &field.ty;
        let slot = slot(i);
        let Storage::Stored { codec, missing } = field.storage else {
            unreachable!("stored() yields stored fields")
        };
        // `NULL` is no value: for a `default` field the decoder leaves the slot empty, and the
        // field is filled as if the attribute were absent; other fields get their type's
        // missing value.
        let default = matches!(missing, Missing::Default);
        let decoded = match (codec, read) {
            // A table key is read only in the form its type writes back as the same key; a key
            // is never `NULL`.
            (Codec::Native, read) if keys.contains(&i) => {
                let f = quote_spanned!(ty.span()=> #p::decode_key::<#ty>);
                match read {
                    Read::Item => quote!(#f(__value).map(::core::option::Option::Some)),
                    Read::Source => quote! {
                        #p::FieldSource::take_value(__source)
                            .and_then(#f)
                            .map(::core::option::Option::Some)
                    },
                }
            }
            (Codec::Native, Read::Item) => {
                let f = quote_spanned!(ty.span()=> <#ty as #p::FromAttributeValue>::__read_value);
                quote!(#f(__value, #default, #name))
            }
            (Codec::Native, Read::Source) => {
                let f = quote_spanned!(ty.span()=> <#ty as #p::FromAttributeValue>::__read);
                quote!(#f(__source, #default, #name))
            }
            (Codec::Serde, Read::Item) => {
                let f = quote_spanned!(ty.span()=> #p::serde_bridge::decode_attribute::<#ty>);
                quote!(#f(__value, #default))
            }
            (Codec::Serde, Read::Source) => {
                let f = quote_spanned!(ty.span()=> #p::serde_bridge::decode_attribute::<#ty>);
                quote!(#p::field::read_value(__source, #f, #default, #name))
            }
        };
        // `__read`, `__read_value` and `read_value` give the slot; the others a
        // `Result<Option<T>>` for `field::read` to make one.
        let slot_value = match (codec, read) {
            (Codec::Native, _) if !keys.contains(&i) => decoded,
            (Codec::Serde, Read::Source) => decoded,
            _ => quote!(#p::field::read(#decoded, #name)),
        };
        // The error waits: a later attribute of the same name replaces it (the last one
        // wins, as in an item), and errors are reported in field order, whatever order the
        // attributes came in.
        quote!(#name => #slot = #slot_value,)
    });
    let inits = model.fields.iter().enumerate().map(|(i, field)| {
        let ident = &field.ident;
        let ty = &field.ty;
        let name = &field.name;
        let slot = slot(i);
        let value = match field.storage {
            // Spanned, so that a type without `Default` is an error on the field.
            Storage::Skipped => quote_spanned! {ty.span()=>
                <#ty as ::core::default::Default>::default()
            },
            Storage::Stored {
                missing: Missing::Default,
                ..
            } => {
                let f = quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default);
                quote!(#p::field::finish_default(#slot, #f)?)
            }
            Storage::Stored {
                missing: Missing::ByType,
                codec: Codec::Native,
            } => {
                let f = quote_spanned!(ty.span()=> <#ty as #p::FromAttributeValue>::__finish);
                quote!(#f(#slot, #name)?)
            }
            Storage::Stored {
                missing: Missing::ByType,
                codec: Codec::Serde,
            } => {
                let f = quote_spanned!(ty.span()=> #p::serde_bridge::decode_missing::<#ty>);
                quote!(#p::field::finish(#slot, #f, #name)?)
            }
        };
        quote!(#ident: #value,)
    });
    // An entity's items are checked to be of this entity: the entity attribute is read in the
    // same pass (by name, a constant of the table type), and compared before the fields are.
    let (entity_slot, entity_arm, entity_check) = match &model.entity {
        None => (quote!(), quote!(), quote!()),
        Some(_) => {
            let attribute = super::entity::entity_attribute(model);
            let name = super::entity::entity_name(model);
            let take = match read {
                Read::Item => quote!(::core::option::Option::Some(__value)),
                Read::Source => {
                    quote!(::core::option::Option::Some(#p::FieldSource::take_value(__source)?))
                }
            };
            (
                quote!(let mut __entity = ::core::option::Option::None;),
                quote!(__name if __name == #attribute => __entity = #take,),
                quote!(#p::entity::check_entity(__entity, #attribute, #name)?;),
            )
        }
    };
    let arms = quote!(#(#arms)* #entity_arm);
    let pass = match read {
        Read::Item if model.stored().count() == 0 && model.entity.is_none() => {
            quote!(let _ = __item;)
        }
        Read::Item => quote! {
            for (__name, __value) in __item {
                match __name.as_str() {
                    #arms
                    _ => {}
                }
            }
        },
        Read::Source => quote! {
            while let ::core::option::Option::Some(__name) = #p::FieldSource::next_name(__source) {
                match __name {
                    #arms
                    _ => #p::FieldSource::skip(__source),
                }
            }
        },
    };
    quote! {
        #(#slots)*
        #entity_slot
        #pass
        #entity_check
        ::core::result::Result::Ok(Self { #(#inits)* })
    }
}
