//! [`DecodeError`]: an item or attribute value that does not fit the Rust type it is decoded
//! into, and the path of the attribute it names.

use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;

/// An item (or one attribute value) that does not fit the Rust type it is decoded into.
///
/// It names the attribute (a path such as `tags[3]` or `meta.owner` for nested values), what
/// was expected and what was found. Decoding never panics: every mismatch ends here.
///
/// It is one pointer wide: decoders pass `Result`s of it around for every attribute, and a
/// `Result<String, DecodeError>` is then no bigger than the `String`.
#[derive(Clone, PartialEq)]
pub struct DecodeError(Box<Inner>);

#[derive(Clone, PartialEq)]
struct Inner {
    path: String,
    kind: DecodeErrorKind,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.0.path)
            .field("kind", &self.0.kind)
            .finish()
    }
}

/// What went wrong while decoding.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// A required attribute is absent.
    Missing,
    /// The attribute has another DynamoDB type than the field needs.
    WrongType {
        /// What the field needs, e.g. `a number (N)`.
        expected: &'static str,
        /// The DynamoDB type that was found, e.g. `S`.
        found: &'static str,
    },
    /// The type is right but the value does not fit (out of range, not finite, bad format).
    InvalidValue {
        /// What the field needs, e.g. `an integer that fits u8`.
        expected: String,
        /// The value that was found (shortened when long).
        found: String,
    },
    /// An error from a user codec or the serde bridge.
    Custom(String),
}

impl DecodeError {
    /// A required attribute is absent.
    pub fn missing() -> Self {
        Self::new(DecodeErrorKind::Missing)
    }

    /// The value has the wrong DynamoDB type.
    pub fn wrong_type(expected: &'static str, found: &AttributeValue) -> Self {
        Self::new(DecodeErrorKind::WrongType {
            expected,
            found: type_name(found),
        })
    }

    /// The value has the right type but does not fit.
    pub fn invalid_value(expected: impl Into<String>, found: &str) -> Self {
        Self::new(DecodeErrorKind::InvalidValue {
            expected: expected.into(),
            found: preview(found),
        })
    }

    /// Any other problem, in the user's words.
    pub fn custom(message: impl fmt::Display) -> Self {
        Self::new(DecodeErrorKind::Custom(message.to_string()))
    }

    fn new(kind: DecodeErrorKind) -> Self {
        DecodeError(Box::new(Inner {
            path: String::new(),
            kind,
        }))
    }

    /// Prefixes the path with an attribute name (used while unwinding nested values).
    pub fn at(mut self, attribute: &str) -> Self {
        prefix_path(&mut self.0.path, attribute, false);
        self
    }

    /// Prefixes the path with a list index.
    pub fn at_index(mut self, index: usize) -> Self {
        prefix_path(&mut self.0.path, &index.to_string(), true);
        self
    }

    /// The path of the attribute that failed (`""` for a bare value).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.0.kind
    }
}

pub(super) fn prefix_path(path: &mut String, segment: &str, index: bool) {
    let head = if index {
        format!("[{segment}]")
    } else {
        segment.to_owned()
    };
    let joined = if path.is_empty() || path.starts_with('[') {
        format!("{head}{path}")
    } else {
        format!("{head}.{path}")
    };
    *path = joined;
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.0.path.is_empty() {
            "value"
        } else {
            &self.0.path
        };
        match &self.0.kind {
            DecodeErrorKind::Missing => write!(f, "attribute `{path}` is missing"),
            DecodeErrorKind::WrongType { expected, found } => {
                write!(f, "attribute `{path}`: expected {expected}, found {found}")
            }
            DecodeErrorKind::InvalidValue { expected, found } => {
                write!(f, "attribute `{path}`: expected {expected}, found {found}")
            }
            DecodeErrorKind::Custom(message) => write!(f, "attribute `{path}`: {message}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// DynamoDB's name for the type of an attribute value.
pub(crate) fn type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "a string (S)",
        AttributeValue::N(_) => "a number (N)",
        AttributeValue::B(_) => "binary (B)",
        AttributeValue::Bool(_) => "a boolean (BOOL)",
        AttributeValue::Null(_) => "null (NULL)",
        AttributeValue::L(_) => "a list (L)",
        AttributeValue::M(_) => "a map (M)",
        AttributeValue::Ss(_) => "a string set (SS)",
        AttributeValue::Ns(_) => "a number set (NS)",
        AttributeValue::Bs(_) => "a binary set (BS)",
        _ => "an attribute type this SDK version does not know",
    }
}

fn preview(value: &str) -> String {
    const MAX: usize = 48;
    if value.chars().count() <= MAX {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut:?}... ({} bytes)", value.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest_like_document_paths() {
        let e = DecodeError::missing().at("owner").at_index(3).at("meta");
        assert_eq!(e.path(), "meta[3].owner");
        assert_eq!(e.to_string(), "attribute `meta[3].owner` is missing");
    }

    #[test]
    fn long_values_are_shortened() {
        let e = DecodeError::invalid_value("an integer", &"9".repeat(200)).at("n");
        let text = e.to_string();
        assert!(text.contains("(200 bytes)"), "{text}");
        assert!(text.len() < 150, "{text}");
    }
}
