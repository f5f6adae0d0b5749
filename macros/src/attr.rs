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
    /// `billing = "on_demand" | "provisioned"`, with `read_capacity = N, write_capacity = N`;
    /// `table_class = "..."`, `deletion_protection`, `point_in_time_recovery`, `tag(...)`.
    #[darling(flatten)]
    pub(crate) options: TableOptionsArg,
    /// `crate = "path"`: where the `dynamo_types` crate is.
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
    /// `entity(table = AppTable, name = "User")`: an entity of a shared table.
    pub(crate) entity: Option<EntityArg>,
    /// `key(hash = "USER#{id}", range = "PROFILE")`: an entity's primary key templates.
    pub(crate) key: Option<SpannedValue<KeyTemplateArg>>,
    /// `index(name = "gsi1", hash = "...", range = "...")`: an entity's templates for one of
    /// its table's indexes, repeatable.
    #[darling(multiple)]
    pub(crate) index: Vec<IndexTemplateArg>,
}

/// `entity(table = AppTable, name = "User")`
#[derive(FromMeta)]
pub(crate) struct EntityArg {
    pub(crate) table: syn::Path,
    pub(crate) name: Str,
}

/// `key(hash = "USER#{id}", range = "PROFILE")`
#[derive(FromMeta)]
pub(crate) struct KeyTemplateArg {
    pub(crate) hash: Str,
    pub(crate) range: Option<Str>,
}

/// `index(name = "gsi1", hash = "ORG#{org_id}", range = "USER#{id}")`
#[derive(FromMeta)]
pub(crate) struct IndexTemplateArg {
    pub(crate) name: Str,
    pub(crate) hash: Str,
    pub(crate) range: Option<Str>,
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
    /// Set to the time of the write that creates the item.
    pub(crate) created_at: Flag,
    /// Set to the time of every write.
    pub(crate) updated_at: Flag,
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
    /// A list is accepted here to say that only a global index takes several attributes.
    pub(crate) range: Option<KeyNames>,
    /// Not allowed (an LSI shares the table's partition key): accepted here to say so.
    pub(crate) hash: Option<Str>,
    pub(crate) projection: Option<ProjectionArg>,
}

/// `gsi(name = "by_author", hash = "author_id", range = "published_at")`, or with keys of
/// several attributes: `gsi(name = "by_region", hash("tenant", "region"), range("status",
/// "created_at"))`.
#[derive(FromMeta)]
pub(crate) struct GsiArg {
    pub(crate) name: Str,
    /// Required; optional here so that its absence gets a message that says what it is for.
    pub(crate) hash: Option<KeyNames>,
    pub(crate) range: Option<KeyNames>,
    pub(crate) projection: Option<ProjectionArg>,
    /// The index's own provisioned capacity (the table's by default).
    pub(crate) read_capacity: Option<CapacityArg>,
    pub(crate) write_capacity: Option<CapacityArg>,
}

/// The fields of an index key, in order: `hash = "field"`, or `hash("a", "b")` for a key of
/// several attributes (a global secondary index's, up to four). The count is checked in
/// `validate`, where the index kind is known.
pub(crate) struct KeyNames {
    pub(crate) names: Vec<syn::LitStr>,
    /// The whole `hash(...)`: a key of several attributes is a tuple type spanned here, so
    /// that one of them that cannot be a key is reported on the list.
    pub(crate) span: proc_macro2::Span,
}

impl FromMeta for KeyNames {
    fn from_meta(meta: &syn::Meta) -> darling::Result<Self> {
        use syn::punctuated::Punctuated;
        use syn::spanned::Spanned;
        let span = meta.span();
        match meta {
            syn::Meta::List(list) => {
                let key = list
                    .path
                    .get_ident()
                    .map(|i| i.to_string())
                    .unwrap_or_default();
                let names = list
                    .parse_args_with(Punctuated::<syn::LitStr, syn::Token![,]>::parse_terminated)
                    .map_err(|_| {
                        darling::Error::custom(format!(
                            "`{key}(...)` takes field names as strings: write `{key}(\"a\", \"b\")`"
                        ))
                        .with_span(&list.tokens)
                    })?;
                if names.is_empty() {
                    return Err(darling::Error::custom(format!(
                        "`{key}()` names no field: write `{key} = \"field\"` or `{key}(\"a\", \"b\")`"
                    ))
                    .with_span(list));
                }
                Ok(KeyNames {
                    names: names.into_iter().collect(),
                    span,
                })
            }
            _ => Ok(KeyNames {
                names: vec![Str::from_meta(meta)?.0],
                span,
            }),
        }
    }
}

pub(crate) use self::options::{CapacityArg, TableOptionsArg, TagArg};

mod options;

mod string {
    use darling::{Error, FromMeta};
    use syn::{Expr, Lit, LitStr, Meta};

    /// A `key = "string"` value. darling's own `LitStr` says "Unexpected type `path`" for
    /// `table = users`; this says which key wants a string and how to write it.
    #[derive(Clone)]
    pub(crate) struct Str(pub(crate) LitStr);

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
