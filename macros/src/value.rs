//! `#[derive(DynamoValue)]`: a unit enum stored as a string (S).
//!
//! The same pipeline as the model, small enough for one file: the shape check and darling
//! receivers parse, `validate` applies the rules across variants, `expand` writes the codec
//! impls.

use darling::util::SpannedValue;
use darling::{Error, FromDeriveInput, FromMeta, FromVariant};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{DeriveInput, Ident, LitStr};

pub(crate) fn derive(input: &DeriveInput) -> darling::Result<TokenStream> {
    if !matches!(input.data, syn::Data::Enum(_)) {
        return Err(not_an_enum(input));
    }
    // Variants that carry data and attribute mistakes are reported together.
    let mut errors = Error::accumulator();
    errors.handle(unit_variants(input));
    let value = errors
        .handle(ValueInput::from_derive_input(input))
        .and_then(|parsed| errors.handle(validate(parsed)));
    errors.finish()?;
    Ok(expand(&value.ok_or_else(|| {
        Error::custom("`DynamoValue` failed").with_span(&input.ident)
    })?))
}

/// What is emitted on error: the errors, and for an enum stand-in impls of everything the
/// derive implements, so that a model holding the enum (as a field, a key or a set member) does
/// not add follow-on errors to the real ones.
pub(crate) fn fallback(input: &DeriveInput, errors: TokenStream) -> TokenStream {
    if !matches!(input.data, syn::Data::Enum(_)) {
        return errors;
    }
    let krate =
        crate::fallback::crate_path(input).unwrap_or_else(|| syn::parse_quote!(::dynamo_types));
    let p = quote!(#krate::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        #[allow(unused_qualifications)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #p::IntoAttributeValue for #ident #ty_generics #where_clause {
                fn to_attribute_value(
                    &self,
                ) -> ::core::result::Result<::core::option::Option<#p::AttributeValue>, #p::EncodeError> {
                    ::core::unreachable!()
                }
            }
            #[automatically_derived]
            impl #impl_generics #p::FromAttributeValue for #ident #ty_generics #where_clause {
                fn from_attribute_value(
                    _: #p::AttributeValue,
                ) -> ::core::result::Result<Self, #p::DecodeError> {
                    ::core::unreachable!()
                }
            }
            #[automatically_derived]
            impl #impl_generics #p::KeyAttribute for #ident #ty_generics #where_clause {
                const SCALAR_TYPE: #p::ScalarType = #p::ScalarType::String;
            }
            #[automatically_derived]
            impl #impl_generics #p::PrefixKey for #ident #ty_generics #where_clause {}
            #[automatically_derived]
            impl #impl_generics #p::ListElement for #ident #ty_generics #where_clause {}
            #[automatically_derived]
            impl #impl_generics #p::SetElement for #ident #ty_generics #where_clause {
                const KIND: #p::SetKind = #p::SetKind::String;
                fn to_set_entry(&self) -> ::core::result::Result<#p::SetEntry, #p::EncodeError> {
                    ::core::unreachable!()
                }
                fn from_set_entry(
                    _: #p::SetEntry,
                ) -> ::core::result::Result<Self, #p::DecodeError> {
                    ::core::unreachable!()
                }
            }
        };
    }
}

// ---------------------------------------------------------------------------------------------
// Parse

/// A value is an enum: say so in words for the other shapes.
fn not_an_enum(input: &DeriveInput) -> Error {
    let message = if matches!(input.data, syn::Data::Union(_)) {
        "`DynamoValue` can only be derived for an enum of unit variants, not a union"
    } else {
        "`DynamoValue` stores a unit enum as a string; for a struct, derive `DynamoModel` to store it as an item, or use `#[dynamo(serde)]` on the field that holds it to store it as a map"
    };
    Error::custom(message).with_span(&input.ident)
}

/// Its variants carry no data (each is stored as a name), and there is at least one: point at
/// each variant that carries data.
fn unit_variants(input: &DeriveInput) -> darling::Result<()> {
    let mut errors = Error::accumulator();
    let syn::Data::Enum(data) = &input.data else {
        return Ok(());
    };
    if data.variants.is_empty() {
        errors.push(
            Error::custom(
                "`DynamoValue` needs at least one variant: an enum without variants has no value to store",
            )
            .with_span(&input.ident),
        );
    }
    for variant in &data.variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            errors.push(
                Error::custom(format!(
                    "`DynamoValue` stores a variant as its name, so variants cannot carry data: make `{}` a unit variant, or store the enum through `#[dynamo(serde)]` on the field that holds it",
                    variant.ident
                ))
                .with_span(&variant.fields),
            );
        }
    }
    errors.finish()
}

/// `#[dynamo(...)]` on the enum.
#[derive(FromDeriveInput)]
#[darling(attributes(dynamo), supports(enum_any))]
struct ValueInput {
    ident: Ident,
    generics: syn::Generics,
    data: darling::ast::Data<VariantInput, darling::util::Ignored>,
    /// `rename_all = "snake_case"`: how variant names become stored strings.
    rename_all: Option<SpannedValue<RenameRule>>,
    /// `crate = "path"`: where the `dynamo_types` crate is.
    #[darling(rename = "crate")]
    krate: Option<syn::Path>,
}

/// `#[dynamo(...)]` on a variant.
#[derive(FromVariant)]
#[darling(attributes(dynamo))]
struct VariantInput {
    ident: Ident,
    /// `rename = "..."`: the stored string, instead of the (`rename_all`-converted) name.
    rename: Option<LitStr>,
}

/// The case conventions of `rename_all`, as serde spells and applies them.
#[derive(FromMeta, Clone, Copy, PartialEq, Eq, Debug)]
enum RenameRule {
    #[darling(rename = "lowercase")]
    Lower,
    #[darling(rename = "UPPERCASE")]
    Upper,
    #[darling(rename = "PascalCase")]
    Pascal,
    #[darling(rename = "camelCase")]
    Camel,
    #[darling(rename = "snake_case")]
    Snake,
    #[darling(rename = "SCREAMING_SNAKE_CASE")]
    ScreamingSnake,
    #[darling(rename = "kebab-case")]
    Kebab,
    #[darling(rename = "SCREAMING-KEBAB-CASE")]
    ScreamingKebab,
}

impl RenameRule {
    /// Applies the rule to a variant name, which Rust style writes in PascalCase.
    fn apply(self, variant: &str) -> String {
        let snake = || {
            let mut out = String::with_capacity(variant.len() + 4);
            for (i, c) in variant.char_indices() {
                if c.is_uppercase() && i > 0 {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            }
            out
        };
        match self {
            RenameRule::Lower => variant.to_lowercase(),
            RenameRule::Upper => variant.to_uppercase(),
            RenameRule::Pascal => variant.to_owned(),
            RenameRule::Camel => {
                let mut chars = variant.chars();
                chars
                    .next()
                    .map(|first| first.to_lowercase().chain(chars).collect())
                    .unwrap_or_default()
            }
            RenameRule::Snake => snake(),
            RenameRule::ScreamingSnake => snake().to_uppercase(),
            RenameRule::Kebab => snake().replace('_', "-"),
            RenameRule::ScreamingKebab => snake().replace('_', "-").to_uppercase(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validate

/// An enum that passed every check.
struct Value {
    ident: Ident,
    generics: syn::Generics,
    krate: syn::Path,
    /// Each variant and the string it is stored as.
    variants: Vec<(Ident, String)>,
}

fn validate(input: ValueInput) -> darling::Result<Value> {
    let mut errors = Error::accumulator();
    let rule = input.rename_all.as_ref().map(|r| **r);
    let variants = input.data.take_enum().unwrap_or_default();
    let mut stored: Vec<(Ident, String)> = Vec::with_capacity(variants.len());
    for variant in variants {
        let (name, span) = stored_name(&variant, rule, &mut errors);
        unique_name(&stored, &variant.ident, &name, span, &mut errors);
        stored.push((variant.ident, name));
    }
    errors.finish()?;
    Ok(Value {
        ident: input.ident,
        generics: input.generics,
        krate: input
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::dynamo_types)),
        variants: stored,
    })
}

/// A variant is stored as its `rename`, else as its name under `rename_all`, else as its name.
/// A stored name cannot be empty: DynamoDB rejects an empty string in a key.
fn stored_name(
    variant: &VariantInput,
    rule: Option<RenameRule>,
    errors: &mut darling::error::Accumulator,
) -> (String, Span) {
    match &variant.rename {
        Some(lit) => {
            let name = lit.value();
            if name.is_empty() {
                errors.push(
                    Error::custom("`rename` cannot be empty: a key attribute cannot be an empty string; give the variant a name")
                        .with_span(lit),
                );
            }
            (name, lit.span())
        }
        None => {
            let plain = crate::validate::rust_name(&variant.ident);
            let name = rule.map_or_else(|| plain.clone(), |rule| rule.apply(&plain));
            (name, variant.ident.span())
        }
    }
}

/// Two variants cannot be stored as the same string: reading it back could not tell them apart.
fn unique_name(
    stored: &[(Ident, String)],
    ident: &Ident,
    name: &str,
    span: Span,
    errors: &mut darling::error::Accumulator,
) {
    if let Some((first, _)) = stored.iter().find(|(_, n)| n == name) {
        errors.push(
            Error::custom(format!(
                "variants `{first}` and `{ident}` are both stored as \"{name}\": give one of them another `#[dynamo(rename = \"...\")]`"
            ))
            .with_span(&span),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Expand

fn expand(value: &Value) -> TokenStream {
    let krate = &value.krate;
    let p = quote!(#krate::__private);
    let ident = &value.ident;
    let (impl_generics, ty_generics, where_clause) = value.generics.split_for_impl();
    let variants: Vec<&Ident> = value.variants.iter().map(|(v, _)| v).collect();
    let names: Vec<&String> = value.variants.iter().map(|(_, n)| n).collect();
    let expected = format!(
        "a `{ident}` (one of {})",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let to_name = quote! {
        match self {
            #(Self::#variants => #names,)*
        }
    };
    // `KeyAttribute` needs `Clone`: a missing derive is reported on the enum's name.
    let key_impl = quote_spanned! {ident.span()=>
        #[automatically_derived]
        impl #impl_generics #p::KeyAttribute for #ident #ty_generics #where_clause {
            const SCALAR_TYPE: #p::ScalarType = #p::ScalarType::String;
        }
    };
    quote! {
        #[allow(unused_qualifications)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #p::IntoAttributeValue for #ident #ty_generics #where_clause {
                fn to_attribute_value(
                    &self,
                ) -> ::core::result::Result<::core::option::Option<#p::AttributeValue>, #p::EncodeError> {
                    let __name: &'static str = #to_name;
                    ::core::result::Result::Ok(::core::option::Option::Some(
                        #p::AttributeValue::S(<#p::String as ::core::convert::From<&str>>::from(__name)),
                    ))
                }
            }

            #[automatically_derived]
            impl #impl_generics #p::FromAttributeValue for #ident #ty_generics #where_clause {
                fn from_attribute_value(
                    __value: #p::AttributeValue,
                ) -> ::core::result::Result<Self, #p::DecodeError> {
                    match __value {
                        #p::AttributeValue::S(__text) => match __text.as_str() {
                            #(#names => ::core::result::Result::Ok(Self::#variants),)*
                            _ => ::core::result::Result::Err(
                                #p::DecodeError::invalid_value(#expected, &__text),
                            ),
                        },
                        __other => ::core::result::Result::Err(
                            #p::DecodeError::wrong_type("a string (S)", &__other),
                        ),
                    }
                }
            }

            #key_impl

            #[automatically_derived]
            impl #impl_generics #p::PrefixKey for #ident #ty_generics #where_clause {}

            #[automatically_derived]
            impl #impl_generics #p::ListElement for #ident #ty_generics #where_clause {}

            #[automatically_derived]
            impl #impl_generics #p::SetElement for #ident #ty_generics #where_clause {
                const KIND: #p::SetKind = #p::SetKind::String;

                fn to_set_entry(&self) -> ::core::result::Result<#p::SetEntry, #p::EncodeError> {
                    let __name: &'static str = #to_name;
                    ::core::result::Result::Ok(#p::SetEntry::Text(<#p::String as ::core::convert::From<&str>>::from(__name)))
                }

                fn from_set_entry(
                    __entry: #p::SetEntry,
                ) -> ::core::result::Result<Self, #p::DecodeError> {
                    match __entry {
                        #p::SetEntry::Text(__text) => {
                            <Self as #p::FromAttributeValue>::from_attribute_value(
                                #p::AttributeValue::S(__text),
                            )
                        }
                        #p::SetEntry::Bytes(_) => ::core::result::Result::Err(
                            #p::DecodeError::custom("expected a string set member"),
                        ),
                    }
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::RenameRule::*;

    #[test]
    fn rename_rules_follow_serde() {
        let all = |v: &str| {
            [
                Lower,
                Upper,
                Pascal,
                Camel,
                Snake,
                ScreamingSnake,
                Kebab,
                ScreamingKebab,
            ]
            .map(|r| r.apply(v))
        };
        assert_eq!(
            all("InReview"),
            [
                "inreview",
                "INREVIEW",
                "InReview",
                "inReview",
                "in_review",
                "IN_REVIEW",
                "in-review",
                "IN-REVIEW"
            ]
        );
        assert_eq!(all("A")[4], "a");
        assert_eq!(all("HTTPError")[4], "h_t_t_p_error");
    }
}
