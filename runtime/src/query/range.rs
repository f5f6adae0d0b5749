//! Typed sort-key conditions for queries: [`RangeCondition`] on a sort key of one attribute,
//! and [`SortKey`], which walks a sort key of several attributes left to right.

use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{IntoKey, KeyAttribute, KeyParts, KeyRole, PrefixKey, check_key_value};
use crate::error::{EncodeError, Error, Result};
use crate::expr::Placeholders;
use crate::query::keys::unnamed_key_value;

/// A condition on the sort key of a query, typed to the sort key: `.range(RangeCondition::gt(10))`.
///
/// `begins_with` exists only for string and binary sort keys ([`PrefixKey`]); on a number key it
/// does not compile. A sort key of several attributes (a global secondary index's) is narrowed
/// with a closure over a [`SortKey`] instead: `.sort_key(|s| s.eq("open").ge(since))`.
pub struct RangeCondition<T> {
    /// Values the leading sort key attributes equal, in order.
    eqs: Vec<Result<AttributeValue, EncodeError>>,
    /// The condition on the attribute after them, if any.
    last: Option<(RangeOp, Vec<Result<AttributeValue, EncodeError>>)>,
    _type: std::marker::PhantomData<fn() -> T>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RangeOp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
    Between,
    BeginsWith,
}

impl<T> Clone for RangeCondition<T> {
    fn clone(&self) -> Self {
        RangeCondition {
            eqs: self.eqs.clone(),
            last: self.last.clone(),
            _type: std::marker::PhantomData,
        }
    }
}

impl<T> fmt::Debug for RangeCondition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RangeCondition")
            .field("eqs", &self.eqs)
            .field("last", &self.last)
            .finish()
    }
}

/// A sort key value, encoded and checked; named when rendered, where the attribute is known.
/// DynamoDB bounds the values a key condition compares with as it bounds sort keys.
fn sort_value<T: KeyAttribute>(value: T) -> Result<AttributeValue, EncodeError> {
    unnamed_key_value(&value, KeyRole::Sort)
}

/// Conditions on a key template's text, for the methods the derive generates on an entity's
/// sort key template (`OrderSk::placed_at_between(..)`): the texts are key prefixes and bounds
/// the template computed, not whole keys. Not a public API.
impl<T> RangeCondition<T> {
    fn text(op: RangeOp, texts: Vec<Result<String, EncodeError>>) -> Self {
        RangeCondition {
            eqs: Vec::new(),
            last: Some((
                op,
                texts
                    .into_iter()
                    .map(|t| {
                        let value = AttributeValue::S(t?);
                        check_key_value(&value, KeyRole::Sort)?;
                        Ok(value)
                    })
                    .collect(),
            )),
            _type: std::marker::PhantomData,
        }
    }

    /// The same condition on a key template's text, for a collection's query (whose sort key
    /// is its raw text): `.range(OrderSk::placed_at_ge(t).as_text())` on a collection of the
    /// partition reads the orders from `t` on.
    pub fn as_text(self) -> RangeCondition<String>
    where
        T: crate::entity::TemplateShape,
    {
        RangeCondition {
            eqs: self.eqs,
            last: self.last,
            _type: std::marker::PhantomData,
        }
    }

    #[doc(hidden)]
    pub fn __text_eq(text: Result<String, EncodeError>) -> Self {
        Self::text(RangeOp::Eq, vec![text])
    }

    #[doc(hidden)]
    pub fn __text_begins_with(prefix: Result<String, EncodeError>) -> Self {
        Self::text(RangeOp::BeginsWith, vec![prefix])
    }

    #[doc(hidden)]
    pub fn __text_between(
        low: Result<String, EncodeError>,
        high: Result<String, EncodeError>,
    ) -> Self {
        Self::text(RangeOp::Between, vec![low, high])
    }

    #[doc(hidden)]
    pub fn __text_ge(low: Result<String, EncodeError>) -> Self {
        Self::text(RangeOp::Ge, vec![low])
    }

    #[doc(hidden)]
    pub fn __text_le(high: Result<String, EncodeError>) -> Self {
        Self::text(RangeOp::Le, vec![high])
    }
}

impl<T: KeyAttribute> RangeCondition<T> {
    fn new(op: RangeOp, values: Vec<T>) -> Self {
        RangeCondition {
            eqs: Vec::new(),
            last: Some((op, values.into_iter().map(sort_value).collect())),
            _type: std::marker::PhantomData,
        }
    }

    /// `sort key = value`
    pub fn eq(value: impl IntoKey<T>) -> Self {
        Self::new(RangeOp::Eq, vec![value.into_key()])
    }

    /// `sort key < value`
    pub fn lt(value: impl IntoKey<T>) -> Self {
        Self::new(RangeOp::Lt, vec![value.into_key()])
    }

    /// `sort key <= value`
    pub fn le(value: impl IntoKey<T>) -> Self {
        Self::new(RangeOp::Le, vec![value.into_key()])
    }

    /// `sort key > value`
    pub fn gt(value: impl IntoKey<T>) -> Self {
        Self::new(RangeOp::Gt, vec![value.into_key()])
    }

    /// `sort key >= value`
    pub fn ge(value: impl IntoKey<T>) -> Self {
        Self::new(RangeOp::Ge, vec![value.into_key()])
    }

    /// `sort key BETWEEN low AND high`, both ends included (DynamoDB rejects `low > high`).
    pub fn between(low: impl IntoKey<T>, high: impl IntoKey<T>) -> Self {
        Self::new(RangeOp::Between, vec![low.into_key(), high.into_key()])
    }
}

impl<T: PrefixKey> RangeCondition<T> {
    /// `begins_with(sort key, prefix)`: only for string and binary sort keys.
    pub fn begins_with(prefix: impl IntoKey<T>) -> Self {
        Self::new(RangeOp::BeginsWith, vec![prefix.into_key()])
    }
}

impl<T> RangeCondition<T> {
    /// The same condition without its type, to be stored in a query builder.
    pub(crate) fn untyped(self) -> RangeCondition<()> {
        RangeCondition {
            eqs: self.eqs,
            last: self.last,
            _type: std::marker::PhantomData,
        }
    }

    /// True when the condition names no attribute (`.sort_key(|s| s)`).
    pub(crate) fn is_empty(&self) -> bool {
        self.eqs.is_empty() && self.last.is_none()
    }

    /// Renders the condition on the sort key attributes `names` through placeholders.
    pub(crate) fn render(&self, names: &[&str], p: &mut Placeholders) -> Result<String> {
        let given = self.eqs.len() + usize::from(self.last.is_some());
        if given == 0 || given > names.len() {
            return Err(Error::Validation(format!(
                "a sort key condition on {given} attribute(s) of the sort key {names:?}"
            )));
        }
        let mut clauses = Vec::with_capacity(given);
        for (name, value) in names.iter().zip(&self.eqs) {
            let value = value.clone().map_err(|e| Error::Encode(e.at(name)))?;
            clauses.push(format!("{} = {}", p.name(name), p.value(value)));
        }
        if let Some((op, values)) = &self.last {
            let name = names[self.eqs.len()];
            let mut placed = Vec::with_capacity(values.len());
            for v in values {
                let v = v.clone().map_err(|e| Error::Encode(e.at(name)))?;
                placed.push(p.value(v));
            }
            let path = p.name(name);
            let expected = if *op == RangeOp::Between { 2 } else { 1 };
            if placed.len() != expected {
                return Err(Error::Validation("malformed sort key condition".to_owned()));
            }
            if *op == RangeOp::Between
                && let [Ok(low), Ok(high)] = values.as_slice()
                && reversed(low, high)
            {
                return Err(Error::Validation(format!(
                    "`BETWEEN` on the sort key `{name}`: the low bound {low:?} is above the high bound {high:?} (DynamoDB refuses such a condition; swap them, or read nothing)"
                )));
            }
            clauses.push(match op {
                RangeOp::Eq => format!("{path} = {}", placed[0]),
                RangeOp::Lt => format!("{path} < {}", placed[0]),
                RangeOp::Le => format!("{path} <= {}", placed[0]),
                RangeOp::Gt => format!("{path} > {}", placed[0]),
                RangeOp::Ge => format!("{path} >= {}", placed[0]),
                RangeOp::Between => format!("{path} BETWEEN {} AND {}", placed[0], placed[1]),
                RangeOp::BeginsWith => format!("begins_with({path}, {})", placed[0]),
            });
        }
        Ok(clauses.join(" AND "))
    }
}

/// True when a `BETWEEN`'s low bound is above its high bound, for strings and binary (compared
/// by their bytes, as DynamoDB compares them); numbers are left to the server, which refuses
/// such a condition with a message that says so.
fn reversed(low: &AttributeValue, high: &AttributeValue) -> bool {
    match (low, high) {
        (AttributeValue::S(low), AttributeValue::S(high)) => low.as_bytes() > high.as_bytes(),
        (AttributeValue::B(low), AttributeValue::B(high)) => low.as_ref() > high.as_ref(),
        _ => false,
    }
}

/// A sort key condition being built, attribute by attribute, for a query's
/// [`sort_key(|s| ...)`](crate::Query::sort_key):
/// `R` is the whole sort key, `Rest` the attributes not given yet. Each [`eq`](Self::eq) gives
/// the next attribute; a range operator (`lt`, `le`, `gt`, `ge`, `between`, `begins_with`) on
/// the next attribute ends the condition, as DynamoDB requires. Stopping after some `eq`s is a
/// condition too (the items whose leading sort key attributes are those).
///
/// On a sort key of one attribute it offers what [`RangeCondition`] does.
pub struct SortKey<R, Rest = R> {
    eqs: Vec<Result<AttributeValue, EncodeError>>,
    _type: std::marker::PhantomData<fn() -> (R, Rest)>,
}

impl<R> SortKey<R> {
    /// No attribute given yet.
    pub(crate) fn start() -> Self {
        SortKey {
            eqs: Vec::new(),
            _type: std::marker::PhantomData,
        }
    }
}

impl<R, Rest> fmt::Debug for SortKey<R, Rest> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SortKey").field("eqs", &self.eqs).finish()
    }
}

/// A finished sort key condition: a range operator was the last attribute's. Nothing may follow
/// it.
pub struct SortKeyRange<R>(RangeCondition<R>);

impl<R> fmt::Debug for SortKeyRange<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<R, Rest: KeyParts> SortKey<R, Rest> {
    fn end(self, op: RangeOp, values: Vec<Rest::First>) -> SortKeyRange<R> {
        SortKeyRange(RangeCondition {
            eqs: self.eqs,
            last: Some((op, values.into_iter().map(sort_value).collect())),
            _type: std::marker::PhantomData,
        })
    }

    /// The next sort key attribute equals `value`.
    pub fn eq(mut self, value: impl IntoKey<Rest::First>) -> SortKey<R, Rest::Rest> {
        self.eqs.push(sort_value(value.into_key()));
        SortKey {
            eqs: self.eqs,
            _type: std::marker::PhantomData,
        }
    }

    /// The next sort key attribute `< value`; nothing follows.
    pub fn lt(self, value: impl IntoKey<Rest::First>) -> SortKeyRange<R> {
        self.end(RangeOp::Lt, vec![value.into_key()])
    }

    /// The next sort key attribute `<= value`; nothing follows.
    pub fn le(self, value: impl IntoKey<Rest::First>) -> SortKeyRange<R> {
        self.end(RangeOp::Le, vec![value.into_key()])
    }

    /// The next sort key attribute `> value`; nothing follows.
    pub fn gt(self, value: impl IntoKey<Rest::First>) -> SortKeyRange<R> {
        self.end(RangeOp::Gt, vec![value.into_key()])
    }

    /// The next sort key attribute `>= value`; nothing follows.
    pub fn ge(self, value: impl IntoKey<Rest::First>) -> SortKeyRange<R> {
        self.end(RangeOp::Ge, vec![value.into_key()])
    }

    /// The next sort key attribute `BETWEEN low AND high`, both ends included; nothing follows.
    pub fn between(
        self,
        low: impl IntoKey<Rest::First>,
        high: impl IntoKey<Rest::First>,
    ) -> SortKeyRange<R> {
        self.end(RangeOp::Between, vec![low.into_key(), high.into_key()])
    }

    /// `begins_with(next sort key attribute, prefix)`: only on a string or binary attribute
    /// (on a number it does not compile); nothing follows.
    pub fn begins_with(self, prefix: impl IntoKey<Rest::First>) -> SortKeyRange<R>
    where
        Rest::First: PrefixKey,
    {
        self.end(RangeOp::BeginsWith, vec![prefix.into_key()])
    }
}

/// Nothing can follow a range operator in a sort key condition (never implemented: its
/// message is the compile error).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "nothing can follow a range operator in a sort key condition",
    label = "DynamoDB takes `<`, `<=`, `>`, `>=`, `between` or `begins_with` only on the last sort key attribute a query names",
    note = "give the sort key attributes left to right: `eq` on each of the leading ones, then at most one range operator"
)]
pub trait AfterRangeOperator {}

/// Every sort key attribute already has a value (never implemented: its message is the compile
/// error).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "every sort key attribute already has a condition",
    label = "the sort key has no attribute left to compare",
    note = "a sort key condition names each sort key attribute at most once, left to right"
)]
pub trait NoSortKeyAttributeLeft {}

macro_rules! refused {
    ($bound:ident; $($method:ident),+) => {
        $(
            #[doc(hidden)]
            pub fn $method<V: $bound>(self, _value: V) -> Self {
                self
            }
        )+
    };
}

impl<R> SortKeyRange<R> {
    refused!(AfterRangeOperator; eq, lt, le, gt, ge, begins_with);

    #[doc(hidden)]
    pub fn between<V: AfterRangeOperator, W>(self, _low: V, _high: W) -> Self {
        self
    }
}

impl<R> SortKey<R, ()> {
    refused!(NoSortKeyAttributeLeft; eq, lt, le, gt, ge, begins_with);

    #[doc(hidden)]
    pub fn between<V: NoSortKeyAttributeLeft, W>(self, _low: V, _high: W) -> Self {
        self
    }
}

/// What the closure given to a query's [`sort_key`](crate::Query::sort_key) returns: a
/// [`SortKey`] after some `eq`s, or a [`SortKeyRange`] after a range operator.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition on the sort key `{R}`",
    label = "the closure must return the `SortKey` it was given, after `eq`s and at most one range operator",
    note = "write `.sort_key(|s| s.eq(first).gt(second))`"
)]
pub trait IntoRange<R> {
    /// The finished condition.
    fn into_range(self) -> RangeCondition<R>;
}

impl<R> IntoRange<R> for SortKeyRange<R> {
    fn into_range(self) -> RangeCondition<R> {
        self.0
    }
}

impl<R, Rest> IntoRange<R> for SortKey<R, Rest> {
    fn into_range(self) -> RangeCondition<R> {
        RangeCondition {
            eqs: self.eqs,
            last: None,
            _type: std::marker::PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered<R>(condition: RangeCondition<R>, names: &[&str]) -> Result<String> {
        condition.render(names, &mut Placeholders::default())
    }

    fn built<R: KeyParts, C: IntoRange<R>>(
        build: impl FnOnce(SortKey<R>) -> C,
    ) -> RangeCondition<R> {
        build(SortKey::start()).into_range()
    }

    /// Leading attributes with `=`, then one operator on the next, in key-schema order.
    #[test]
    fn a_multi_attribute_condition_names_its_attributes_left_to_right() {
        let names = ["status", "placed_at", "id"];
        let between = built::<(String, i64, u32), _>(|s| s.eq("open").between(1, 9));
        assert_eq!(
            rendered(between, &names).unwrap(),
            "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"
        );
        let prefix = built::<(String, i64, u32), _>(|s| s.begins_with("op"));
        assert_eq!(rendered(prefix, &names).unwrap(), "begins_with(#n0, :v0)");
        let all = built::<(String, i64, u32), _>(|s| s.eq("open").eq(3).eq(7u32));
        assert_eq!(
            rendered(all, &names).unwrap(),
            "#n0 = :v0 AND #n1 = :v1 AND #n2 = :v2"
        );
        let single = RangeCondition::<i64>::ge(5);
        assert_eq!(rendered(single, &["likes"]).unwrap(), "#n0 >= :v0");
    }

    /// A `BETWEEN` of strings or binary whose low bound is above its high bound (by bytes, as
    /// DynamoDB compares them) is refused before sending; equal bounds and numbers go on.
    #[test]
    fn a_between_the_wrong_way_round_is_refused() {
        let refused = rendered(RangeCondition::<String>::between("b", "a"), &["sk"]);
        assert!(
            matches!(&refused, Err(Error::Validation(m)) if m.contains("above the high bound")),
            "{refused:?}"
        );
        // byte order, not char order: U+00E9 (0xC3 0xA9) is above `z`
        assert!(rendered(RangeCondition::<String>::between("\u{e9}", "z"), &["sk"]).is_err());
        assert!(rendered(RangeCondition::<String>::between("a", "a"), &["sk"]).is_ok());
        let bytes = RangeCondition::<Vec<u8>>::between(vec![2u8], vec![1u8]);
        assert!(rendered(bytes, &["sk"]).is_err());
        assert!(rendered(RangeCondition::<i64>::between(9, 1), &["sk"]).is_ok());
    }

    /// A condition naming no attribute, or more than the key has, is refused, not sent.
    #[test]
    fn a_condition_that_does_not_fit_the_key_is_refused() {
        let empty = built::<(String, i64), _>(|s| s);
        assert!(empty.is_empty());
        assert!(matches!(
            rendered(empty, &["status", "placed_at"]),
            Err(Error::Validation(_))
        ));
        let two = built::<(String, i64), _>(|s| s.eq("open").gt(1));
        assert!(matches!(
            rendered(two, &["status"]),
            Err(Error::Validation(_))
        ));
    }
}
