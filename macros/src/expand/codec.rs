//! `to_item` and the decoder (`__from_source`, which `from_item` calls): one runtime helper call
//! per field (`__private::field`, or the serde bridge).

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
    quote! {
        let mut __item = #krate::__private::HashMap::with_capacity(#count);
        #(#inserts)*
        ::core::result::Result::Ok(__item)
    }
}

/// The body of `from_item(__item)`: the item's attributes go through `__from_source`, the one
/// decoder.
pub(crate) fn from_item(model: &Model) -> TokenStream {
    let krate = &model.krate;
    quote! {
        <Self as #krate::__private::DynamoModel>::__from_source(
            &mut #krate::__private::field::ItemFields::new(__item),
        )
    }
}

/// The body of `__from_source(__source)`: one pass over the attributes a `FieldSource` gives
/// (an item's, or a stream image's read straight from JSON), each matched by name and decoded
/// into its field's slot, then each field from what was found, or from its missing-attribute
/// rule. Every step is a runtime helper over what a trait-qualified path, spanned on the field's
/// type, computed.
pub(crate) fn from_source(model: &Model) -> TokenStream {
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
        let read = match codec {
            // A table key is read only in the form its type writes back as the same key.
            Codec::Native if keys.contains(&i) => {
                let f = quote_spanned!(ty.span()=> #p::decode_key::<#ty>);
                quote!(#p::field::read_key(__source, #f, #name))
            }
            Codec::Native => {
                let f = quote_spanned!(ty.span()=> <#ty as #p::FromAttributeValue>::__read);
                quote!(#f(__source, #default, #name))
            }
            Codec::Serde => {
                let f = quote_spanned!(ty.span()=> #p::serde_bridge::decode_attribute::<#ty>);
                quote!(#p::field::read_value(__source, #f, #default, #name))
            }
        };
        // The error waits: a later attribute of the same name replaces it (the last one
        // wins, as in an item), and errors are reported in field order, whatever order the
        // attributes came in.
        quote!(#name => #slot = #read,)
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
                codec,
            } => {
                let f = match codec {
                    Codec::Native => quote_spanned! {ty.span()=>
                        <#ty as #p::FromAttributeValue>::from_missing
                    },
                    Codec::Serde => quote_spanned! {ty.span()=>
                        #p::serde_bridge::decode_missing::<#ty>
                    },
                };
                quote!(#p::field::finish(#slot, #f, #name)?)
            }
        };
        quote!(#ident: #value,)
    });
    quote! {
        #(#slots)*
        while let ::core::option::Option::Some(__name) = #p::FieldSource::next_name(__source) {
            match __name {
                #(#arms)*
                _ => #p::FieldSource::skip(__source),
            }
        }
        ::core::result::Result::Ok(Self { #(#inits)* })
    }
}
