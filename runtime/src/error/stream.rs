//! The errors of a stream record that does not decode: [`RecordError`], and the [`Image`] of
//! the record it was found in.

use std::fmt;

use super::DecodeError;

/// Which part of a stream record a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// `Keys`: the primary key of the changed item.
    Keys,
    /// `NewImage`: the item after the change.
    NewImage,
    /// `OldImage`: the item before the change.
    OldImage,
}

impl fmt::Display for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Image::Keys => "Keys",
            Image::NewImage => "NewImage",
            Image::OldImage => "OldImage",
        })
    }
}

/// What is wrong with a stream record that does not decode. The record's sequence number is in
/// [`Error::StreamRecord`](crate::Error::StreamRecord).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RecordError {
    /// The event name is not `INSERT`, `MODIFY` or `REMOVE`.
    UnknownEventName(String),
    /// The record lacks an image that the model's view type promises (for example a stream
    /// configured `KEYS_ONLY` read by a model declaring `new_and_old_images`).
    MissingImage {
        /// The missing image.
        image: Image,
        /// The view type the record states (`StreamViewType`), when it states one.
        record_view: Option<String>,
    },
    /// An image holds an item that does not decode into the model.
    Decode {
        /// The image.
        image: Image,
        /// The attribute, what was expected and what was found.
        error: DecodeError,
    },
    /// An attribute value that is not valid DynamoDB data (an unknown type, bad base64, a
    /// number that is not a number).
    InvalidAttribute {
        /// The image.
        image: Image,
        /// The attribute's path (`meta.tags[2]`).
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The record itself is malformed: a required field (sequence number, event id, the
    /// `dynamodb` section) is missing or has the wrong shape.
    Malformed(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::UnknownEventName(name) => write!(
                f,
                "unknown event name {name:?} (expected INSERT, MODIFY or REMOVE)"
            ),
            RecordError::MissingImage {
                image,
                record_view: Some(view),
            } => write!(
                f,
                "the record has no {image}, which the model's stream view type promises (the record's view type is {view})"
            ),
            RecordError::MissingImage {
                image,
                record_view: None,
            } => write!(
                f,
                "the record has no {image}, which the model's stream view type promises"
            ),
            RecordError::Decode { image, error } => write!(f, "{image}: {error}"),
            RecordError::InvalidAttribute {
                image,
                path,
                reason,
            } => write!(f, "{image}: attribute `{path}`: {reason}"),
            RecordError::Malformed(what) => write!(f, "malformed record: {what}"),
        }
    }
}
