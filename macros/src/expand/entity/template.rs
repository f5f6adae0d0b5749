//! The type of each key template (`UserPk`, `OrderSk`): its fields, its text, its decoding,
//! the key arguments it takes, and a sort template's conditions on its fields.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Typed, private};
use crate::expand::Piece;
use crate::model::Model;

/// The type generated for one template: its fields, its text, its decoding, and the values a
/// key argument takes for it.
pub(super) fn template_type(model: &Model, typed: &Typed<'_>) -> Piece {
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
        let with = format_ident!("with_{}", field_name, span = template.span);
        let with_body = if last {
            quote!(#p::RangeCondition::__text_eq(#upto))
        } else {
            // `upto` ends with the literal after the field (`#...`), so it matches the whole field
            quote!(#p::RangeCondition::__text_begins_with(#upto))
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
        let between = format_ident!("{}_between", field_name, span = template.span);
        let ge = format_ident!("{}_ge", field_name, span = template.span);
        let le = format_ident!("{}_le", field_name, span = template.span);
        // `low` and `high`, unless a field of the template has the name
        let taken = |n: &str| fields.iter().any(|f| f.ident == n);
        let low_ident = if taken("low") {
            format_ident!("low_")
        } else {
            format_ident!("low")
        };
        let high_ident = if taken("high") {
            format_ident!("high_")
        } else {
            format_ident!("high")
        };
        let low = value_text(quote!(#low_ident));
        let high = value_text(quote!(#high_ident));
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
            pub fn #between(#(#earlier,)* #low_ident: impl #p::IntoKey<#ty>, #high_ident: impl #p::IntoKey<#ty>) -> #cond {
                let __before = #before;
                #p::RangeCondition::__text_between(#low, #p::entity::field_end(#high, #last))
            }
            #[doc = #doc_ge]
            pub fn #ge(#(#earlier,)* #low_ident: impl #p::IntoKey<#ty>) -> #cond {
                let __before = #before;
                #p::entity::at_least(::core::clone::Clone::clone(&__before), #low)
            }
            #[doc = #doc_le]
            pub fn #le(#(#earlier,)* #high_ident: impl #p::IntoKey<#ty>) -> #cond {
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
