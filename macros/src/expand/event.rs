//! The stream event (`PostEvent`) of a model declaring `stream = "..."`: its variants and fields
//! follow the view type, and it implements `StreamEvent`; the model implements `StreamModel`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use super::{Piece, bounded_generics, key, model_type};
use crate::model::{Model, StreamView};

pub(crate) fn ident(model: &Model) -> Ident {
    format_ident!("{}Event", model.ident)
}

/// What a field of a variant holds.
#[derive(Clone, Copy, PartialEq)]
enum Holds {
    /// The item (`new` or `old`).
    Item,
    /// The primary key (`key`).
    Key,
    /// Whether TTL removed it (`expired`).
    Expired,
}

/// One variant: its name (the event kind), the runtime payload type it converts from, and its
/// fields.
struct Variant {
    name: &'static str,
    payload: &'static str,
    fields: &'static [(&'static str, Holds)],
    doc: &'static str,
}

const NEW: &[(&str, Holds)] = &[("new", Holds::Item)];
const OLD: &[(&str, Holds)] = &[("old", Holds::Item)];
const OLD_NEW: &[(&str, Holds)] = &[("old", Holds::Item), ("new", Holds::Item)];
const KEY: &[(&str, Holds)] = &[("key", Holds::Key)];
const OLD_EXPIRED: &[(&str, Holds)] = &[("old", Holds::Item), ("expired", Holds::Expired)];
const KEY_EXPIRED: &[(&str, Holds)] = &[("key", Holds::Key), ("expired", Holds::Expired)];

const INSERTED: &str = "An item was inserted: `new` is the item written.";
const INSERTED_KEY: &str = "An item was inserted: the view type gives only its `key`.";
const MODIFIED: &str = "An item was changed: `old` is the item before, `new` after.";
const MODIFIED_NEW: &str = "An item was changed: `new` is the item after the change.";
const MODIFIED_OLD: &str = "An item was changed: `old` is the item before the change.";
const MODIFIED_KEY: &str = "An item was changed: the view type gives only its `key`.";
const REMOVED_ITEM: &str =
    "An item was removed (`expired`: by DynamoDB's TTL process): `old` is the item as it was.";
const REMOVED_KEY: &str = "An item was removed (`expired`: by DynamoDB's TTL process): the view type gives only its `key`.";

/// DESIGN.md's table: what each kind carries under each view type, and the view's marker type.
fn variants(view: StreamView) -> (&'static str, [Variant; 3]) {
    type Row = (&'static str, &'static [(&'static str, Holds)], &'static str);
    let (marker, [insert, modify, remove]): (&str, [Row; 3]) = match view {
        StreamView::NewAndOldImages => (
            "NewAndOldImages",
            [
                ("New", NEW, INSERTED),
                ("OldAndNew", OLD_NEW, MODIFIED),
                ("RemovedItem", OLD_EXPIRED, REMOVED_ITEM),
            ],
        ),
        StreamView::NewImage => (
            "NewImage",
            [
                ("New", NEW, INSERTED),
                ("New", NEW, MODIFIED_NEW),
                ("RemovedKey", KEY_EXPIRED, REMOVED_KEY),
            ],
        ),
        StreamView::OldImage => (
            "OldImage",
            [
                ("KeyOnly", KEY, INSERTED_KEY),
                ("Old", OLD, MODIFIED_OLD),
                ("RemovedItem", OLD_EXPIRED, REMOVED_ITEM),
            ],
        ),
        StreamView::KeysOnly => (
            "KeysOnly",
            [
                ("KeyOnly", KEY, INSERTED_KEY),
                ("KeyOnly", KEY, MODIFIED_KEY),
                ("RemovedKey", KEY_EXPIRED, REMOVED_KEY),
            ],
        ),
    };
    let variant = |name, (payload, fields, doc): Row| Variant {
        name,
        payload,
        fields,
        doc,
    };
    (
        marker,
        [
            variant("Insert", insert),
            variant("Modify", modify),
            variant("Remove", remove),
        ],
    )
}

pub(crate) fn expand(model: &Model) -> Piece {
    let Some(view) = model.stream else {
        return Piece {
            public: quote!(),
            private: quote!(),
        };
    };
    let krate = &model.krate;
    let s = quote!(#krate::__private::stream);
    let vis = &model.vis;
    let model_ident = &model.ident;
    let model_ty = model_type(model);
    let key_ty = key::key_type(model);
    let event = ident(model);
    let decl_generics = &model.generics;
    let decl_where = &model.generics.where_clause;
    let generics = bounded_generics(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let (view_marker, variants) = variants(view);
    let view_marker = format_ident!("{}", view_marker);

    let field_type = |holds: Holds| match holds {
        Holds::Item => quote!(#model_ty),
        Holds::Key => quote!(#key_ty),
        Holds::Expired => quote!(bool),
    };
    let decl = variants.iter().map(|v| {
        let name = format_ident!("{}", v.name);
        let doc = v.doc;
        let fields = v.fields.iter().map(|(f, holds)| {
            let f = format_ident!("{}", f);
            let ty = field_type(*holds);
            let doc = match holds {
                Holds::Item if f == "new" => "The item after the change.",
                Holds::Item => "The item before the change.",
                Holds::Key => "The primary key of the changed item.",
                Holds::Expired => "True when DynamoDB's TTL process removed the item (it had expired), false for a delete.",
            };
            quote!(#[doc = #doc] #f: #ty)
        });
        quote!(#[doc = #doc] #name { #(#fields,)* })
    });
    let field_idents = |v: &Variant| -> Vec<Ident> {
        v.fields
            .iter()
            .map(|(f, _)| format_ident!("{}", f))
            .collect()
    };
    let from_arms = variants.iter().map(|v| {
        let name = format_ident!("{}", v.name);
        let kind = format_ident!("{}", v.name);
        let payload = format_ident!("{}", v.payload);
        let fields = field_idents(v);
        quote! {
            #s::Change::#kind(#s::#payload { #(#fields),* }) => #event::#name { #(#fields),* },
        }
    });
    let into_arms = variants.iter().map(|v| {
        let name = format_ident!("{}", v.name);
        let kind = format_ident!("{}", v.name);
        let payload = format_ident!("{}", v.payload);
        let fields = field_idents(v);
        quote! {
            #event::#name { #(#fields),* } => #s::Change::#kind(#s::#payload { #(#fields),* }),
        }
    });
    let key_arms = variants.iter().map(|v| {
        let name = format_ident!("{}", v.name);
        let source = v
            .fields
            .iter()
            .find(|(f, _)| *f == "new")
            .or_else(|| v.fields.first())
            .map(|(f, holds)| (format_ident!("{}", f), *holds));
        match source {
            Some((f, Holds::Item)) => quote! {
                #event::#name { #f, .. } => #krate::__private::DynamoModel::key(#f),
            },
            Some((f, _)) => quote! {
                #event::#name { #f, .. } => ::core::clone::Clone::clone(#f),
            },
            None => quote!(),
        }
    });
    let kind_arms = variants.iter().map(|v| {
        let name = format_ident!("{}", v.name);
        let kind = format_ident!("{}", v.name);
        quote!(#event::#name { .. } => #s::EventKind::#kind,)
    });
    // A generic model whose stream carries only keys, when its key does not use every
    // parameter: the event would not mention them, so it gets a variant that cannot exist (it
    // holds an `Infallible`), carrying the model's type.
    let phantom = matches!(view, StreamView::KeysOnly)
        && key::generics(model).params.len() < model.generics.params.len();
    let phantom_decl = if phantom {
        quote! {
            #[doc(hidden)]
            __Never(::core::marker::PhantomData<fn() -> #model_ty>, ::core::convert::Infallible),
        }
    } else {
        quote!()
    };
    let never = if phantom {
        quote!(#event::__Never(_, __never) => match *__never {},)
    } else {
        quote!()
    };
    let never_owned = if phantom {
        quote!(#event::__Never(_, __never) => match __never {},)
    } else {
        quote!()
    };
    let traits = std_traits(model, &event, &variants, phantom);

    let doc = format!(
        "A change to a [`{model_ident}`] item, from its table's stream (view type `{}`): decode records with [`StreamEvent`]({}::StreamEvent), handle them with `{event}::handler()`.",
        view_name(view),
        quote!(#krate).to_string().replace(' ', ""),
    );
    let public = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not the user names it
        #vis enum #event #decl_generics #decl_where {
            #(#decl,)*
            #phantom_decl
        }
    };
    let private = quote! {
        #[automatically_derived]
        impl #impl_generics #s::StreamModel for #model_ty #where_clause {
            type View = #s::#view_marker;
            type Event = #event #ty_generics;
        }

        #[automatically_derived]
        impl #impl_generics #s::StreamEvent for #event #ty_generics #where_clause {
            type Model = #model_ty;

            fn key(&self) -> #key_ty {
                match self {
                    #(#key_arms)*
                    #never
                }
            }

            fn kind(&self) -> #s::EventKind {
                match self {
                    #(#kind_arms)*
                    #never
                }
            }

            fn from_change(__change: #s::ChangeOf<#model_ty>) -> Self {
                match __change {
                    #(#from_arms)*
                }
            }

            fn into_change(self) -> #s::ChangeOf<#model_ty> {
                match self {
                    #(#into_arms)*
                    #never_owned
                }
            }
        }

        impl #impl_generics #event #ty_generics #where_clause {
            /// The primary key of the changed item.
            pub fn key(&self) -> #key_ty {
                <Self as #s::StreamEvent>::key(self)
            }

            /// Insert, modify or remove.
            pub fn kind(&self) -> #s::EventKind {
                <Self as #s::StreamEvent>::kind(self)
            }

            /// A handler for this model's records, with closures per kind (`on_insert`,
            /// `on_modify`, `on_remove`, `on_record`).
            pub fn handler() -> #s::TableHandler<#model_ty> {
                #s::TableHandler::new()
            }
        }

        #traits
    };
    Piece { public, private }
}

fn view_name(view: StreamView) -> &'static str {
    match view {
        StreamView::KeysOnly => "keys_only",
        StreamView::NewImage => "new_image",
        StreamView::OldImage => "old_image",
        StreamView::NewAndOldImages => "new_and_old_images",
    }
}

/// `Debug`, `Clone` and `PartialEq`, each when the model and its key have it. The bounds are
/// written `for<'__a>` so that they are checked where the trait is used, not here: a model
/// without `Debug` gets an event without `Debug`, not an error.
fn std_traits(model: &Model, event: &Ident, variants: &[Variant; 3], phantom: bool) -> TokenStream {
    let never = if phantom {
        quote!(#event::__Never(_, __never) => match *__never {},)
    } else {
        quote!()
    };
    let model_ty = model_type(model);
    let key_ty = key::key_type(model);
    let mut out = TokenStream::new();
    for (path, method) in [
        (quote!(::core::fmt::Debug), "debug"),
        (quote!(::core::clone::Clone), "clone"),
        (quote!(::core::cmp::PartialEq), "eq"),
    ] {
        let mut generics = bounded_generics(model);
        let where_clause = generics.make_where_clause();
        where_clause
            .predicates
            .push(syn::parse_quote!(for<'__a> #model_ty: #path));
        where_clause
            .predicates
            .push(syn::parse_quote!(for<'__a> #key_ty: #path));
        let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
        let body = match method {
            "debug" => {
                let arms = variants.iter().map(|v| {
                    let name = format_ident!("{}", v.name);
                    let label = v.name;
                    let fields: Vec<_> = v
                        .fields
                        .iter()
                        .map(|(f, _)| format_ident!("{}", f))
                        .collect();
                    let labels = v.fields.iter().map(|(f, _)| *f);
                    quote! {
                        #event::#name { #(#fields),* } => __f
                            .debug_struct(#label)
                            #(.field(#labels, #fields))*
                            .finish(),
                    }
                });
                quote! {
                    fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        match self { #(#arms)* #never }
                    }
                }
            }
            "clone" => {
                let arms = variants.iter().map(|v| {
                    let name = format_ident!("{}", v.name);
                    let fields: Vec<_> = v
                        .fields
                        .iter()
                        .map(|(f, _)| format_ident!("{}", f))
                        .collect();
                    quote! {
                        #event::#name { #(#fields),* } => #event::#name {
                            #(#fields: ::core::clone::Clone::clone(#fields),)*
                        },
                    }
                });
                quote! {
                    fn clone(&self) -> Self {
                        match self { #(#arms)* #never }
                    }
                }
            }
            _ => {
                let arms = variants.iter().map(|v| {
                    let name = format_ident!("{}", v.name);
                    let left: Vec<_> = v
                        .fields
                        .iter()
                        .map(|(f, _)| format_ident!("__l_{}", f))
                        .collect();
                    let right: Vec<_> = v
                        .fields
                        .iter()
                        .map(|(f, _)| format_ident!("__r_{}", f))
                        .collect();
                    let fields: Vec<_> = v
                        .fields
                        .iter()
                        .map(|(f, _)| format_ident!("{}", f))
                        .collect();
                    quote! {
                        (
                            #event::#name { #(#fields: #left),* },
                            #event::#name { #(#fields: #right),* },
                        ) => true #(&& #left == #right)*,
                    }
                });
                quote! {
                    fn eq(&self, __other: &Self) -> bool {
                        #[allow(unreachable_patterns)]
                        match (self, __other) {
                            #(#arms)*
                            _ => false,
                        }
                    }
                }
            }
        };
        out.extend(quote! {
            #[automatically_derived]
            impl #impl_generics #path for #event #ty_generics #where_clause {
                #body
            }
        });
    }
    out
}
