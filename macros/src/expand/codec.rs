//! `to_item` and `from_item`: field by field through the runtime's codec traits.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Codec, Missing, Model, Storage};

/// The body of `to_item(&self)`.
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
        // Only the function's path carries the field type's span (so that a missing impl is
        // an error on the field): the arguments are the derive's own, whatever macro wrote the
        // type.
        let encode = match codec {
            Codec::Native => quote_spanned! {ty.span()=>
                <#ty as #krate::__private::IntoAttributeValue>::to_attribute_value
            },
            Codec::Serde => quote_spanned! {ty.span()=>
                #krate::__private::serde_bridge::encode::<#ty>
            },
        };
        let encode = quote!(#encode(&self.#ident));
        quote! {
            if let ::core::option::Option::Some(__value) =
                #encode.map_err(|__e| __e.at(#name))?
            {
                #krate::__private::check_nesting(&__value).map_err(|__e| __e.at(#name))?;
                __item.insert(<#krate::__private::String as ::core::convert::From<&str>>::from(#name), __value);
            }
        }
    });
    quote! {
        let mut __item = #krate::__private::HashMap::with_capacity(#count);
        #(#inserts)*
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

/// The body of `from_item(__item)`: one pass over the item's attributes, each matched by name
/// and decoded into its field's slot, then each field from what was found, or from its
/// missing-attribute rule.
pub(crate) fn from_item(model: &Model) -> TokenStream {
    decoder(model, Read::Item)
}

/// The body of `__from_source(__source)`: what `from_item` does, over the attributes a
/// `FieldSource` gives (a stream image read straight from JSON).
pub(crate) fn from_source(model: &Model) -> TokenStream {
    decoder(model, Read::Source)
}

fn decoder(model: &Model, read: Read) -> TokenStream {
    let krate = &model.krate;
    let slot = |i: usize| format_ident!("__f{}", i);
    let slots = model.stored().map(|(i, field)| {
        let ty = &field.ty;
        let slot = slot(i);
        quote! {
            let mut #slot: ::core::option::Option<
                ::core::result::Result<#ty, #krate::__private::DecodeError>,
            > = ::core::option::Option::None;
        }
    });
    let keys = model.keys.fields();
    let arms = model.stored().map(|(i, field)| {
        let name = &field.name;
        let ty = &field.ty;
        let slot = slot(i);
        let Storage::Stored { codec, missing } = field.storage else {
            unreachable!("stored() yields stored fields")
        };
        // `NULL` is no value: for a `default` field the decoder gives `None`, and the field is
        // filled as if the attribute were absent; other fields get their type's missing value.
        let default = matches!(missing, Missing::Default);
        // As in `to_item`, only the path carries the type's span.
        let decode = match (codec, read) {
            // A table key is read only in the form its type writes back as the same key.
            (Codec::Native, read) if keys.contains(&i) => {
                let f = quote_spanned! {ty.span()=>
                    #krate::__private::decode_key::<#ty>
                };
                // a key is never NULL: decoded, it is always a value
                match read {
                    Read::Item => quote!(#f(__value).map(::core::option::Option::Some)),
                    Read::Source => quote! {
                        #krate::__private::FieldSource::take_value(__source)
                            .and_then(#f)
                            .map(::core::option::Option::Some)
                    },
                }
            }
            (Codec::Native, Read::Item) => {
                let f = quote_spanned! {ty.span()=>
                    <#ty as #krate::__private::FromAttributeValue>::from_item_attribute
                };
                quote!(#f(__value, #default))
            }
            (Codec::Native, Read::Source) => {
                let f = quote_spanned! {ty.span()=>
                    <#ty as #krate::__private::FromAttributeValue>::from_item_attribute
                };
                quote!(#f(#krate::__private::FieldSource::value(__source), #default))
            }
            (Codec::Serde, Read::Item) => {
                let f = quote_spanned! {ty.span()=>
                    #krate::__private::serde_bridge::decode_attribute::<#ty>
                };
                quote!(#f(__value, #default))
            }
            (Codec::Serde, Read::Source) => {
                let f = quote_spanned! {ty.span()=>
                    #krate::__private::serde_bridge::decode_attribute::<#ty>
                };
                quote! {
                    #krate::__private::FieldSource::take_value(__source)
                        .and_then(|__value| #f(__value, #default))
                }
            }
        };
        // The error waits: a later attribute of the same name replaces it (the last one
        // wins, as in an item), and errors are reported in field order, whatever order the
        // attributes came in.
        quote! {
            #name => {
                #slot = #decode.map_err(|__e| __e.at(#name)).transpose();
            }
        }
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
                let default = quote_spanned! {ty.span()=>
                    <#ty as ::core::default::Default>::default()
                };
                quote! {
                    match #slot {
                        ::core::option::Option::Some(::core::result::Result::Ok(__v)) => __v,
                        ::core::option::Option::Some(::core::result::Result::Err(__e)) => {
                            return ::core::result::Result::Err(__e);
                        }
                        ::core::option::Option::None => #default,
                    }
                }
            }
            Storage::Stored {
                missing: Missing::ByType,
                codec,
            } => {
                let fallback = match codec {
                    Codec::Native => quote_spanned! {ty.span()=>
                        <#ty as #krate::__private::FromAttributeValue>::from_missing()
                    },
                    Codec::Serde => quote_spanned! {ty.span()=>
                        #krate::__private::serde_bridge::decode_missing::<#ty>()
                    },
                };
                quote! {
                    match #slot {
                        ::core::option::Option::Some(::core::result::Result::Ok(__v)) => __v,
                        ::core::option::Option::Some(::core::result::Result::Err(__e)) => {
                            return ::core::result::Result::Err(__e);
                        }
                        ::core::option::Option::None => match #fallback {
                            ::core::option::Option::Some(__v) => __v,
                            ::core::option::Option::None => {
                                return ::core::result::Result::Err(
                                    #krate::__private::DecodeError::missing().at(#name),
                                );
                            }
                        },
                    }
                }
            }
        };
        quote!(#ident: #value,)
    });
    let pass = match read {
        Read::Item if model.stored().count() == 0 => quote!(let _ = __item;),
        Read::Item => quote! {
            for (__name, __value) in __item {
                match __name.as_str() {
                    #(#arms)*
                    _ => {}
                }
            }
        },
        Read::Source => quote! {
            while let ::core::option::Option::Some(__name) =
                #krate::__private::FieldSource::next_name(__source)
            {
                match __name {
                    #(#arms)*
                    _ => #krate::__private::FieldSource::skip(__source),
                }
            }
        },
    };
    quote! {
        #(#slots)*
        #pass
        ::core::result::Result::Ok(Self { #(#inits)* })
    }
}
