//! Conditions and filters: comparisons, functions and their combinations, as a tree rendered
//! later through [`Placeholders`](super::Placeholders).

use std::fmt;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::IntoAttributeValue;
use crate::error::EncodeError;

use super::path::{AttributeType, Segment};
use super::placeholders::Placeholders;

pub(super) fn encode<T: IntoAttributeValue>(value: &T) -> Result<AttributeValue, EncodeError> {
    Ok(value
        .to_attribute_value()?
        .unwrap_or(AttributeValue::Null(true)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Operand {
    Path(Vec<Segment>),
    Size(Vec<Segment>),
    Value(Result<AttributeValue, EncodeError>),
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Compare(Operand, CompareOp, Operand),
    Between(
        Vec<Segment>,
        Result<AttributeValue, EncodeError>,
        Result<AttributeValue, EncodeError>,
    ),
    In(Vec<Segment>, Vec<Result<AttributeValue, EncodeError>>),
    Exists(Vec<Segment>, bool),
    IsType(Vec<Segment>, AttributeType),
    Function(
        &'static str,
        Vec<Segment>,
        Result<AttributeValue, EncodeError>,
    ),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// A condition or filter on items of model `M`, built from typed paths and combined with
/// [`and`](Condition::and), [`or`](Condition::or), [`not`](Condition::not) (or `&`, `|`, `!`).
pub struct Condition<M> {
    pub(super) node: Node,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Condition<M> {
    fn clone(&self) -> Self {
        Condition::new(self.node.clone())
    }
}

impl<M> fmt::Debug for Condition<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Placeholders::default();
        match names.condition(self) {
            Ok(text) => write!(f, "Condition({text})"),
            Err(e) => write!(f, "Condition(<invalid: {e}>)"),
        }
    }
}

impl<M> Condition<M> {
    pub(super) fn new(node: Node) -> Self {
        Condition {
            node,
            _model: PhantomData,
        }
    }

    /// Both conditions hold.
    pub fn and(self, other: Condition<M>) -> Condition<M> {
        Condition::new(match (self.node, other.node) {
            (Node::And(mut a), Node::And(b)) => {
                a.extend(b);
                Node::And(a)
            }
            (Node::And(mut a), b) => {
                a.push(b);
                Node::And(a)
            }
            (a, b) => Node::And(vec![a, b]),
        })
    }

    /// Either condition holds.
    pub fn or(self, other: Condition<M>) -> Condition<M> {
        Condition::new(match (self.node, other.node) {
            (Node::Or(mut a), Node::Or(b)) => {
                a.extend(b);
                Node::Or(a)
            }
            (Node::Or(mut a), b) => {
                a.push(b);
                Node::Or(a)
            }
            (a, b) => Node::Or(vec![a, b]),
        })
    }

    /// The condition does not hold.
    #[allow(clippy::should_implement_trait)] // `!` is implemented too
    pub fn not(self) -> Condition<M> {
        Condition::new(Node::Not(Box::new(self.node)))
    }

    /// All of `conditions` hold (`None` when there are none).
    pub fn all(conditions: impl IntoIterator<Item = Condition<M>>) -> Option<Condition<M>> {
        conditions.into_iter().reduce(Condition::and)
    }

    /// Any of `conditions` holds (`None` when there are none).
    pub fn any(conditions: impl IntoIterator<Item = Condition<M>>) -> Option<Condition<M>> {
        conditions.into_iter().reduce(Condition::or)
    }
}

impl<M> BitAnd for Condition<M> {
    type Output = Condition<M>;
    fn bitand(self, rhs: Self) -> Self {
        self.and(rhs)
    }
}

impl<M> BitOr for Condition<M> {
    type Output = Condition<M>;
    fn bitor(self, rhs: Self) -> Self {
        self.or(rhs)
    }
}

impl<M> Not for Condition<M> {
    type Output = Condition<M>;
    fn not(self) -> Self {
        Condition::not(self)
    }
}
