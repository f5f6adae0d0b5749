//! Rendering: the `#name` / `:value` placeholders of one request, and the 4 KB expression
//! limit.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{Error, Limit};

use super::condition::{Condition, Node, Operand};
use super::path::Segment;

/// DynamoDB's longest expression string: 4 KB, in bytes.
pub const MAX_EXPRESSION_LENGTH: usize = Limit::ExpressionLength.max();

/// Refuses an expression over 4 KB before sending, naming it (`which` is the request's
/// parameter: `ConditionExpression`, `KeyConditionExpression`, ...) and its length. Names and
/// values are behind placeholders (`#n0`, `:v0`), so only the shape of the expression counts:
/// its paths, operators and functions.
pub(crate) fn check_expression(which: &str, expression: &str) -> Result<(), Error> {
    if expression.len() > MAX_EXPRESSION_LENGTH {
        return Err(Error::LimitExceeded {
            limit: Limit::ExpressionLength,
            found: expression.len(),
            at: format!("the {which}"),
        });
    }
    Ok(())
}

/// `ExpressionAttributeNames`: placeholder to attribute name.
pub type Names = HashMap<String, String>;
/// `ExpressionAttributeValues`: placeholder to value.
pub type Values = HashMap<String, AttributeValue>;

/// The `#name` and `:value` placeholders of one request, shared by all its expressions (key
/// condition, filter, condition, update, projection).
#[derive(Debug, Default)]
pub struct Placeholders {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    /// The top-level attributes the rendered paths start from.
    attributes: Vec<String>,
}

impl Placeholders {
    /// The placeholder of an attribute name (the same name always gets the same one).
    pub fn name(&mut self, name: &str) -> String {
        if let Some(existing) = self.names.iter().find(|(_, n)| n.as_str() == name) {
            return existing.0.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), name.to_owned());
        placeholder
    }

    /// The top-level attributes the paths rendered so far start from (not the names of map
    /// keys inside them).
    pub(crate) fn attributes(&self) -> impl Iterator<Item = &str> {
        self.attributes.iter().map(String::as_str)
    }

    /// The placeholder of a value.
    pub fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// A document path with each name behind a placeholder: `#n0.#n1[3]`.
    pub fn path(&mut self, segments: &[Segment]) -> String {
        if let Some(Segment::Name(first)) = segments.first()
            && !self.attributes.contains(first)
        {
            self.attributes.push(first.clone());
        }
        let mut out = String::new();
        for segment in segments {
            match segment {
                Segment::Name(n) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    let placeholder = self.name(n);
                    out.push_str(&placeholder);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// Renders a condition, registering its names and values.
    pub fn condition<M>(&mut self, condition: &Condition<M>) -> Result<String, Error> {
        self.node(&condition.node, false)
    }

    fn operand(&mut self, operand: &Operand) -> Result<String, Error> {
        Ok(match operand {
            Operand::Path(p) => self.path(p),
            Operand::Size(p) => format!("size({})", self.path(p)),
            Operand::Value(v) => {
                let v = v.clone()?;
                self.value(v)
            }
        })
    }

    fn node(&mut self, node: &Node, nested: bool) -> Result<String, Error> {
        let text = match node {
            Node::Compare(a, op, b) => {
                format!("{} {} {}", self.operand(a)?, op.symbol(), self.operand(b)?)
            }
            Node::Between(p, low, high) => {
                let path = self.path(p);
                let low = self.value(low.clone()?);
                let high = self.value(high.clone()?);
                format!("{path} BETWEEN {low} AND {high}")
            }
            Node::In(p, values) => {
                if values.is_empty() || values.len() > 100 {
                    return Err(Error::Validation(format!(
                        "`IN` takes 1 to 100 values, this one has {}",
                        values.len()
                    )));
                }
                let path = self.path(p);
                let mut placeholders = Vec::with_capacity(values.len());
                for v in values {
                    placeholders.push(self.value(v.clone()?));
                }
                format!("{path} IN ({})", placeholders.join(", "))
            }
            Node::Exists(p, true) => format!("attribute_exists({})", self.path(p)),
            Node::Exists(p, false) => format!("attribute_not_exists({})", self.path(p)),
            Node::IsType(p, t) => {
                let path = self.path(p);
                let ty = self.value(AttributeValue::S(t.code().to_owned()));
                format!("attribute_type({path}, {ty})")
            }
            Node::Function(f, p, v) => {
                let path = self.path(p);
                let v = self.value(v.clone()?);
                format!("{f}({path}, {v})")
            }
            Node::And(nodes) | Node::Or(nodes) => {
                let joiner = if matches!(node, Node::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                let parts = nodes
                    .iter()
                    .map(|n| self.node(n, true))
                    .collect::<Result<Vec<_>, _>>()?;
                let joined = parts.join(joiner);
                return Ok(if nested {
                    format!("({joined})")
                } else {
                    joined
                });
            }
            Node::Not(inner) => format!("NOT {}", self.node(inner, true)?),
        };
        Ok(if nested && matches!(node, Node::Not(_)) {
            format!("({text})")
        } else {
            text
        })
    }

    /// The names for `ExpressionAttributeNames` (`None` when empty, as the API wants).
    pub fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    /// The values for `ExpressionAttributeValues` (`None` when empty, as the API wants).
    pub fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }

    /// Moves the names and values out, for the request builder.
    pub fn into_parts(self) -> (Option<Names>, Option<Values>) {
        (
            (!self.names.is_empty()).then_some(self.names),
            (!self.values.is_empty()).then_some(self.values),
        )
    }
}
