//! The table options on the struct: billing and capacity, table class, deletion protection,
//! point-in-time recovery and tags. Parsed here; the rules across them are in
//! `validate/options.rs`.

use darling::util::Flag;
use darling::{Error, FromMeta};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Lit, Meta};

use super::Str;

/// The table options, flattened into `#[dynamo(...)]` on the struct.
#[derive(FromMeta, Default)]
pub(crate) struct TableOptionsArg {
    /// `billing = "on_demand" | "provisioned"`; on-demand when absent.
    pub(crate) billing: Option<BillingArg>,
    /// `read_capacity = N`: the table's read capacity units (provisioned billing).
    pub(crate) read_capacity: Option<CapacityArg>,
    /// `write_capacity = N`: the table's write capacity units (provisioned billing).
    pub(crate) write_capacity: Option<CapacityArg>,
    /// `table_class = "standard" | "standard_infrequent_access"`; standard when absent.
    pub(crate) table_class: Option<TableClassArg>,
    /// `deletion_protection`
    pub(crate) deletion_protection: Flag,
    /// `point_in_time_recovery`
    pub(crate) point_in_time_recovery: Flag,
    /// `tag(key = "...", value = "...")`, repeatable.
    #[darling(multiple)]
    pub(crate) tag: Vec<TagArg>,
}

/// `billing = "..."`, with the span of its string.
pub(crate) struct BillingArg {
    pub(crate) provisioned: bool,
    pub(crate) span: Span,
}

impl FromMeta for BillingArg {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let (value, span) = choice(
            meta,
            "billing",
            &["on_demand", "provisioned"],
            "`billing = \"on_demand\"` (the default) or `billing = \"provisioned\"` with `read_capacity = N, write_capacity = N`",
        )?;
        Ok(BillingArg {
            provisioned: value == "provisioned",
            span,
        })
    }
}

/// `table_class = "..."`.
pub(crate) struct TableClassArg {
    pub(crate) infrequent_access: bool,
}

impl FromMeta for TableClassArg {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let (value, _) = choice(
            meta,
            "table_class",
            &["standard", "standard_infrequent_access"],
            "`table_class = \"standard\"` (the default) or `table_class = \"standard_infrequent_access\"`",
        )?;
        Ok(TableClassArg {
            infrequent_access: value == "standard_infrequent_access",
        })
    }
}

/// `read_capacity = 5`: a whole number of capacity units, checked in `validate`.
pub(crate) struct CapacityArg {
    pub(crate) units: u64,
    pub(crate) span: Span,
}

impl FromMeta for CapacityArg {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let key = key_of(meta);
        let error = || {
            Error::custom(format!(
                "`{key}` takes a whole number of capacity units: write `{key} = 5`"
            ))
        };
        let value = value_of(meta).ok_or_else(|| error().with_span(meta))?;
        match value {
            Expr::Lit(lit) => match &lit.lit {
                Lit::Int(int) => match int.base10_parse::<u64>() {
                    Ok(units) => Ok(CapacityArg {
                        units,
                        span: int.span(),
                    }),
                    Err(_) => Err(error().with_span(int)),
                },
                _ => Err(error().with_span(value)),
            },
            _ => Err(error().with_span(value)),
        }
    }
}

/// `tag(key = "team", value = "growth")`
#[derive(FromMeta)]
pub(crate) struct TagArg {
    pub(crate) key: Str,
    /// Required; optional here so that its absence gets a message that says how to write it.
    pub(crate) value: Option<Str>,
}

/// The name a `key = value` is written with.
fn key_of(meta: &Meta) -> String {
    let path = meta.path();
    quote::quote!(#path).to_string()
}

/// The value of `key = value`, through any invisible group a macro put around it.
fn value_of(meta: &Meta) -> Option<&Expr> {
    let Meta::NameValue(nv) = meta else {
        return None;
    };
    let mut value = &nv.value;
    while let Expr::Group(group) = value {
        value = &group.expr;
    }
    Some(value)
}

/// One of a few strings: anything else is an error saying which are accepted (`how`).
fn choice(meta: &Meta, key: &str, accepted: &[&str], how: &str) -> darling::Result<(String, Span)> {
    let lit = Str::from_meta(meta)?;
    let value = lit.value();
    if accepted.contains(&value.as_str()) {
        return Ok((value, lit.span()));
    }
    Err(
        Error::custom(format!("unknown `{key}` value `\"{value}\"`: write {how}"))
            .with_span(&lit.span()),
    )
}
