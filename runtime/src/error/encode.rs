//! [`EncodeError`]: a value DynamoDB cannot store; and [`Limit`], the DynamoDB limits checked
//! before a request is sent.

use std::fmt;

use super::decode::prefix_path;

/// One of DynamoDB's limits ("Constraints" in its developer guide) that the library checks
/// before sending, so that a request over it fails here with what exceeds it, rather than at
/// the server (a batch would fail with it the other writes of its request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// An item's size, counted as DynamoDB counts it ([`crate::item_size`]): 400 KB.
    ItemSize,
    /// A partition key value, of the table or of an index: 2,048 bytes (UTF-8 bytes of a
    /// string, bytes of binary; numbers are bounded by their own limits).
    PartitionKeySize,
    /// A sort key value, of the table or of an index: 1,024 bytes. DynamoDB checks it on
    /// every value a query's sort key condition compares with too.
    SortKeySize,
    /// An expression (key condition, condition, filter, update, projection): 4 KB, in bytes.
    ExpressionLength,
    /// The actions of one transaction (`TransactWriteItems`, `TransactGetItems`): 100.
    TransactionActions,
    /// Levels of lists and maps inside one attribute value: 32.
    NestingDepth,
}

impl Limit {
    /// The limit's value, in the unit it counts (bytes, actions, levels).
    pub const fn max(self) -> usize {
        match self {
            Limit::ItemSize => 400 * 1024,
            Limit::PartitionKeySize => 2048,
            Limit::SortKeySize => 1024,
            Limit::ExpressionLength => 4096,
            Limit::TransactionActions => 100,
            Limit::NestingDepth => 32,
        }
    }

    /// What was found against this limit, and the limit, in words: `3000 bytes, over
    /// DynamoDB's limit of 2048 bytes for a partition key value`.
    pub(crate) fn describe(self, found: usize) -> String {
        let max = self.max();
        match self {
            Limit::ItemSize => {
                format!("{found} bytes, over DynamoDB's limit of {max} bytes (400 KB) for an item")
            }
            Limit::PartitionKeySize => format!(
                "{found} bytes, over DynamoDB's limit of {max} bytes for a partition key value"
            ),
            Limit::SortKeySize => {
                format!("{found} bytes, over DynamoDB's limit of {max} bytes for a sort key value")
            }
            Limit::ExpressionLength => format!(
                "{found} bytes long, over DynamoDB's limit of {max} bytes (4 KB) for an expression"
            ),
            Limit::TransactionActions => {
                format!("{found} actions, over DynamoDB's limit of {max} actions per transaction")
            }
            Limit::NestingDepth => format!(
                "nested {found} levels deep, over DynamoDB's limit of {max} levels of lists and maps"
            ),
        }
    }
}

/// A value that DynamoDB cannot store (a NaN, a number beyond 38 digits, a serde failure).
///
/// It is one pointer wide: encoders return a `Result` of it for every value, and a
/// `Result<Option<AttributeValue>, EncodeError>` is then no bigger than the value.
#[derive(Clone, PartialEq)]
pub struct EncodeError(Box<Inner>);

#[derive(Clone, PartialEq)]
struct Inner {
    path: String,
    message: String,
    limit: Option<(Limit, usize)>,
}

impl fmt::Debug for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodeError")
            .field("path", &self.0.path)
            .field("message", &self.0.message)
            .field("limit", &self.0.limit)
            .finish()
    }
}

impl EncodeError {
    /// A value that cannot be stored, and why.
    pub fn new(message: impl fmt::Display) -> Self {
        EncodeError(Box::new(Inner {
            path: String::new(),
            message: message.to_string(),
            limit: None,
        }))
    }

    /// A value over one of DynamoDB's limits, `found` counted in the limit's unit (bytes for a
    /// key, levels for nesting).
    pub fn exceeds(limit: Limit, found: usize) -> Self {
        EncodeError(Box::new(Inner {
            path: String::new(),
            message: limit.describe(found),
            limit: Some((limit, found)),
        }))
    }

    /// The DynamoDB limit the value is over, when that is why it cannot be stored.
    pub fn limit(&self) -> Option<Limit> {
        self.0.limit.map(|(limit, _)| limit)
    }

    /// The limit the value is over, and what was found.
    pub(crate) fn exceeded(&self) -> Option<(Limit, usize)> {
        self.0.limit
    }

    /// Prefixes the path with an attribute name.
    pub fn at(mut self, attribute: &str) -> Self {
        prefix_path(&mut self.0.path, attribute, false);
        self
    }

    /// Prefixes the path with a list index.
    pub fn at_index(mut self, index: usize) -> Self {
        prefix_path(&mut self.0.path, &index.to_string(), true);
        self
    }

    /// The path of the attribute that failed.
    pub fn path(&self) -> &str {
        &self.0.path
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.path.is_empty() {
            write!(f, "cannot encode value: {}", self.0.message)
        } else {
            write!(
                f,
                "cannot encode attribute `{}`: {}",
                self.0.path, self.0.message
            )
        }
    }
}

impl std::error::Error for EncodeError {}
