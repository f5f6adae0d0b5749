//! Attribute parsing: darling receivers for `#[dynamo(...)]` on the struct and its fields.
//!
//! darling reports unknown keys (with did-you-mean), wrong value types, duplicates and wrong
//! shapes, each with its span. Nothing here checks rules across attributes: that is
//! `validate.rs`.

use darling::util::{Flag, PathList, SpannedValue};
use darling::{FromDeriveInput, FromField, FromMeta};
use syn::{Ident, Type};

pub(crate) use self::string::Str;

/// `#[dynamo(...)]` on the struct.
#[derive(FromDeriveInput)]
#[darling(attributes(dynamo), supports(struct_named))]
pub(crate) struct ModelInput {
    pub(crate) ident: Ident,
    pub(crate) vis: syn::Visibility,
    pub(crate) generics: syn::Generics,
    pub(crate) data: darling::ast::Data<darling::util::Ignored, FieldInput>,
    /// `table = "name"`: required, checked in validate so the error can say how to fix it.
    pub(crate) table: Option<Str>,
    /// `ttl = "field"`
    pub(crate) ttl: Option<Str>,
    /// `stream = "new_and_old_images"`
    pub(crate) stream: Option<SpannedValue<StreamArg>>,
    /// `lsi(name = "...", range = "...", projection = ...)`, repeatable.
    #[darling(multiple)]
    pub(crate) lsi: Vec<LsiArg>,
    /// `gsi(name = "...", hash = "...", range = "...", projection = ...)`, repeatable.
    #[darling(multiple)]
    pub(crate) gsi: Vec<GsiArg>,
    /// `crate = "path"`: where the `dynamo_types` crate is.
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}

/// `#[dynamo(...)]` on a field.
#[derive(FromField)]
#[darling(attributes(dynamo))]
pub(crate) struct FieldInput {
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: Type,
    /// The partition key.
    pub(crate) hash: Flag,
    /// The sort key.
    pub(crate) range: Flag,
    /// Store under another attribute name.
    pub(crate) rename: Option<Str>,
    /// Not stored; `Default` when read.
    pub(crate) skip: Flag,
    /// A missing attribute reads as `Default`.
    pub(crate) default: Flag,
    /// The optimistic-locking version.
    pub(crate) version: Flag,
    /// Stored through serde_dynamo.
    pub(crate) serde: Flag,
}

/// `stream = "..."`: what a stream record holds.
#[derive(FromMeta, Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum StreamArg {
    #[darling(rename = "keys_only")]
    KeysOnly,
    #[darling(rename = "new_image")]
    NewImage,
    #[darling(rename = "old_image")]
    OldImage,
    #[darling(rename = "new_and_old_images")]
    NewAndOldImages,
}

/// `projection = "all" | "keys_only"` or `projection(include(field, ...))`.
#[derive(FromMeta, Clone, Debug)]
pub(crate) enum ProjectionArg {
    #[darling(rename = "all")]
    All,
    #[darling(rename = "keys_only")]
    KeysOnly,
    #[darling(rename = "include")]
    Include(PathList),
}

/// `lsi(name = "by_likes", range = "like_count")`
#[derive(FromMeta)]
pub(crate) struct LsiArg {
    pub(crate) name: Str,
    /// Required; optional here so that its absence gets a message that says what it is for.
    pub(crate) range: Option<Str>,
    /// Not allowed (an LSI shares the table's partition key): accepted here to say so.
    pub(crate) hash: Option<Str>,
    pub(crate) projection: Option<ProjectionArg>,
}

/// `gsi(name = "by_author", hash = "author_id", range = "published_at")`
#[derive(FromMeta)]
pub(crate) struct GsiArg {
    pub(crate) name: Str,
    /// Required; optional here so that its absence gets a message that says what it is for.
    pub(crate) hash: Option<Str>,
    pub(crate) range: Option<Str>,
    pub(crate) projection: Option<ProjectionArg>,
}

mod string {
    use darling::{Error, FromMeta};
    use syn::{Expr, Lit, LitStr, Meta};

    /// A `key = "string"` value. darling's own `LitStr` says "Unexpected type `path`" for
    /// `table = users`; this says which key wants a string and how to write it.
    #[derive(Clone)]
    pub(crate) struct Str(LitStr);

    impl std::ops::Deref for Str {
        type Target = LitStr;
        fn deref(&self) -> &LitStr {
            &self.0
        }
    }

    impl quote::ToTokens for Str {
        fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
            self.0.to_tokens(tokens);
        }
    }

    impl FromMeta for Str {
        fn from_meta(meta: &Meta) -> darling::Result<Self> {
            let path = meta.path();
            let key = quote::quote!(#path).to_string();
            let error =
                || Error::custom(format!("`{key}` takes a string: write `{key} = \"...\"`"));
            let mut value = match meta {
                Meta::NameValue(nv) => &nv.value,
                _ => return Err(error().with_span(meta)),
            };
            while let Expr::Group(group) = value {
                value = &group.expr;
            }
            match value {
                Expr::Lit(lit) => match &lit.lit {
                    Lit::Str(s) => Ok(Str(s.clone())),
                    _ => Err(error().with_span(value)),
                },
                _ => Err(error().with_span(value)),
            }
        }
    }
}
