//! What the model impl generates for its managed attributes: the version (optimistic locking),
//! the `created_at` / `updated_at` timestamps, and the TTL field's check. Each declares the
//! field's type once, in an impl whose bound is spanned on its flag, so a wrong type is one
//! error on the field.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::expand::{bounded_generics, model_type, respan};
use crate::model::{FieldId, Model};

/// The hidden `__version` / `__bump_version` methods of a model with `#[dynamo(version)]`: the
/// writer reads the version a model was read at and stores the next one (optimistic locking).
/// They go through `version_check`'s helpers, so a field type that cannot be a version is
/// reported once.
pub(super) fn version_accessors(model: &Model) -> TokenStream {
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
pub(super) fn version_check(model: &Model) -> TokenStream {
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
pub(super) fn timestamp_accessors(model: &Model) -> TokenStream {
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
pub(super) fn timestamp_check(model: &Model) -> TokenStream {
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

/// A spanned trait assertion for `ttl` (`version` has `version_check`): a wrong type is an
/// error on the field's type, and the bound it misses is declared on the `ttl = "..."` string
/// (the compiler's "required by this bound" note points there).
pub(super) fn attribute_checks(model: &Model) -> TokenStream {
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
