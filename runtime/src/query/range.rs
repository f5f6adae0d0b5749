//! Typed sort-key conditions for queries.

use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{IntoKey, KeyAttribute, KeyRole, PrefixKey};
use crate::error::{EncodeError, Error, Result};
use crate::expr::Placeholders;
use crate::query::keys::unnamed_key_value;

/// A condition on the sort key of a query, typed to the sort key: `.range(RangeCondition::gt(10))`.
///
/// `begins_with` exists only for string and binary sort keys ([`PrefixKey`]); on a number key it
/// does not compile.
pub struct RangeCondition<T> {
    op: RangeOp,
    values: Vec<Result<AttributeValue, EncodeError>>,
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
            op: self.op,
            values: self.values.clone(),
            _type: std::marker::PhantomData,
        }
    }
}

impl<T> fmt::Debug for RangeCondition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RangeCondition")
            .field("op", &self.op)
            .field("values", &self.values)
            .finish()
    }
}

impl<T: KeyAttribute> RangeCondition<T> {
    fn new(op: RangeOp, values: Vec<T>) -> Self {
        RangeCondition {
            op,
            // Named when rendered, where the sort key attribute is known. DynamoDB bounds the
            // values a key condition compares with as it bounds sort keys.
            values: values
                .iter()
                .map(|v| unnamed_key_value(v, KeyRole::Sort))
                .collect(),
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
            op: self.op,
            values: self.values,
            _type: std::marker::PhantomData,
        }
    }

    /// Renders the condition on the attribute `name` through placeholders.
    pub(crate) fn render(&self, name: &str, p: &mut Placeholders) -> Result<String> {
        let mut values = Vec::with_capacity(self.values.len());
        for v in &self.values {
            let v = v.clone().map_err(|e| Error::Encode(e.at(name)))?;
            values.push(p.value(v));
        }
        let path = p.name(name);
        let expected = if self.op == RangeOp::Between { 2 } else { 1 };
        if values.len() != expected {
            return Err(Error::Validation("malformed sort key condition".to_owned()));
        }
        Ok(match self.op {
            RangeOp::Eq => format!("{path} = {}", values[0]),
            RangeOp::Lt => format!("{path} < {}", values[0]),
            RangeOp::Le => format!("{path} <= {}", values[0]),
            RangeOp::Gt => format!("{path} > {}", values[0]),
            RangeOp::Ge => format!("{path} >= {}", values[0]),
            RangeOp::Between => format!("{path} BETWEEN {} AND {}", values[0], values[1]),
            RangeOp::BeginsWith => format!("begins_with({path}, {})", values[0]),
        })
    }
}
