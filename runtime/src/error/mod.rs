//! The one error type of the library, and the codec errors it wraps.
//!
//! Here: [`Error`], what it says about retrying ([`Error::is_transient`],
//! [`Error::is_unanswered`], ...), and [`Result`]. The errors it wraps live beside it:
//! `decode.rs` (an item that does not fit the model), `encode.rs` (a value DynamoDB cannot
//! store, and DynamoDB's limits), `stream.rs` (a stream record that does not decode).

use crate::Item;
use crate::query::Cursor;

mod decode;
mod encode;
mod stream;

pub(crate) use decode::type_name;
pub use decode::{DecodeError, DecodeErrorKind};
pub use encode::{EncodeError, Limit};
pub use stream::{Image, RecordError};

/// The result of every operation of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to DynamoDB through a model.
///
/// Variants are meant to be matched on: a failed condition, a cancelled transaction, an item
/// that does not decode, input rejected before sending, and anything the SDK reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A condition expression (including the one implied by `#[dynamo(version)]`) was false.
    /// `item` holds the item as it is now when the request asked for it.
    #[error("the conditional check failed")]
    ConditionalCheckFailed {
        /// The current item, when the request asked for it with `return_old_on_failure()`.
        item: Option<Box<Item>>,
    },
    /// A single write (put, update, delete; a version check included) whose outcome is
    /// unknown: an attempt got no answer (or a server error, which DynamoDB can send after
    /// applying it), the SDK sent it again, and the last attempt failed with `source`. That
    /// failure may be about the first attempt's own result (a condition false against it), or
    /// say nothing about it (throttling). The write is neither confirmed nor refused: read the
    /// item to know. [`Error::is_unanswered`] is true for it and [`Error::is_transient`] false,
    /// since sending it again blindly could apply it twice. When the last attempt got no answer
    /// either, the error is that attempt's own, for which [`Error::is_unanswered`] is true too:
    /// check it before `is_transient` when retrying writes.
    #[error("a write is unconfirmed: an attempt got no answer, and the retry failed: {source}")]
    Unconfirmed {
        /// What the last attempt answered: [`Error::ConditionalCheckFailed`] (holding the
        /// current item when asked for), throttling, ...
        source: Box<Error>,
    },
    /// A transaction was cancelled; one reason per request in the transaction, in order.
    #[error("the transaction was cancelled: {}", describe_reasons(reasons))]
    TransactionCanceled {
        /// One entry per action of the transaction, in the order they were added.
        reasons: Vec<CancellationReason>,
    },
    /// An item read from DynamoDB does not fit the model.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A value of the model cannot be stored in DynamoDB.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// A cursor that cannot resume this read: not a cursor, changed, sealed with another key,
    /// or made on another table, index, partition or number of scan segments. Checked before
    /// anything is sent.
    #[error(transparent)]
    Cursor(crate::query::CursorError),
    /// The request was rejected before it was sent (a duplicate key, a bad option, ...).
    #[error("invalid request: {0}")]
    Validation(String),
    /// The request would exceed one of DynamoDB's limits (an item over 400 KB, an expression
    /// over 4 KB, a transaction of over 100 actions), so it was not sent. A value that cannot
    /// be stored for a limit of its own (a key value too long, lists and maps nested too deep,
    /// a number with too many digits) is usually an [`Error::Encode`] (the item check of a
    /// write reports a key here): match on [`Error::limit`], which tells either.
    #[error("{at}: {}", limit.describe(*found))]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// What was found: bytes, actions or levels, as [`Limit::max`] counts them.
        found: usize,
        /// What exceeds it: the item (by its key and table), the expression, the transaction.
        at: String,
    },
    /// A live table differs from what the model declares.
    #[error("table `{table}` does not match the model: {}", differences.join("; "))]
    SchemaMismatch {
        /// The table's full name.
        table: String,
        /// One line per difference.
        differences: Vec<String>,
    },
    /// A batch get stopped retrying with keys still unprocessed.
    #[error("batch get left {} key(s) unprocessed after {attempts} attempt(s)", unprocessed.len())]
    BatchGetIncomplete {
        /// The items that were read, as raw items: whole items (decode them with
        /// `DynamoModel::from_item`), or, after `.project::<P>()`, only `projection`'s
        /// attributes and the table's keys (decode them with `P::from_item`, never the
        /// model's).
        found: Vec<Item>,
        /// `Some(attributes)` when the read was a projection: the attributes asked for.
        projection: Option<&'static [&'static str]>,
        /// Exactly the keys that were not processed.
        unprocessed: Vec<Item>,
        /// How many times the request was sent.
        attempts: u32,
        /// The last attempt's error, when it failed (throttled, a server error, no answer)
        /// rather than leaving keys unprocessed.
        #[source]
        last_error: Option<Box<Error>>,
    },
    /// A read of a secondary index that needs attributes the index does not project (a
    /// `.project::<P>()` of fields it lacks): the struct could not be filled. Read the index's
    /// own item type, or `.keys_only()` (and fetch the items with `batch_get`), or project the
    /// attributes.
    #[error(
        "index `{index}` does not project {} of the attributes the read needs ({}): read what the index holds (its item type, or `.keys_only()` and `batch_get` the items), or declare the index with `projection = \"all\"` or `projection(include(...))` naming them",
        missing.len(),
        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
    )]
    IndexProjection {
        /// The index name.
        index: String,
        /// The attributes the read needs that the index does not hold.
        missing: Vec<String>,
    },
    /// A batch write stopped retrying with writes still unprocessed. Requests in neither list
    /// were written.
    #[error(
        "batch write left {} request(s) unprocessed and {} unconfirmed after {attempts} attempt(s)",
        unprocessed.len(),
        unconfirmed.len()
    )]
    BatchWriteIncomplete {
        /// The write requests DynamoDB said it did not process: not written.
        unprocessed: Vec<aws_sdk_dynamodb::types::WriteRequest>,
        /// The write requests of a request that got no answer (a timeout, a dropped
        /// connection) or a server error, and were not confirmed since: they may or may not
        /// have been written.
        unconfirmed: Vec<aws_sdk_dynamodb::types::WriteRequest>,
        /// How many times the request was sent.
        attempts: u32,
        /// The last attempt's error, when it failed (throttled, a server error, no answer)
        /// rather than leaving requests unprocessed.
        #[source]
        last_error: Option<Box<Error>>,
    },
    /// A batch write stopped on an error that retrying does not fix (a missing table, a
    /// validation error, ...). Requests of the batch that were not affected were written;
    /// `unprocessed` holds the write requests that were not, `unconfirmed` those that may or
    /// may not have been.
    #[error(
        "batch write failed with {} request(s) not written and {} unconfirmed: {source}",
        unprocessed.len(),
        unconfirmed.len()
    )]
    BatchWriteFailed {
        /// The first such error.
        source: Box<Error>,
        /// The write requests that were not written.
        unprocessed: Vec<aws_sdk_dynamodb::types::WriteRequest>,
        /// The write requests of a request that got no answer earlier and were not confirmed
        /// since: they may or may not have been written.
        unconfirmed: Vec<aws_sdk_dynamodb::types::WriteRequest>,
    },
    /// An item a get, query, scan or batch read received does not decode into the model
    /// (another program wrote it, or it predates a change of the model). It names the item's
    /// key (read the raw item by it with the SDK, to repair or set it aside), and for a query
    /// or a scan of one segment holds the cursor that resumes right after it. A `.stream()`
    /// yields this error in the item's place and goes on with the next item; an awaited page
    /// ends before the item, and the next page is this error.
    #[error("an item of `{table}` does not decode: {source}")]
    Undecodable {
        /// The table's full name.
        table: String,
        /// The item's key attributes (for a read of an index, the index's too).
        key: Box<Item>,
        /// Resumes the read right after this item (`.start_after(cursor)`), where there is one.
        cursor: Option<Box<Cursor>>,
        /// What does not fit, naming the attribute.
        #[source]
        source: DecodeError,
    },
    /// A checked batch put (`batch_put(..).checked()`) stopped at a transaction that failed:
    /// the first `written` puts, in the order given, were written; the others were not, unless
    /// `source` is a request that got no answer, in which case the transaction starting at
    /// `written` may have been.
    #[error("checked batch put stopped after {written} put(s): {source}")]
    BatchPutStopped {
        /// How many puts (the first ones) were written.
        written: usize,
        /// Why the next transaction failed (a version check is `TransactionCanceled`).
        source: Box<Error>,
    },
    /// A batch get hit an error that retrying does not cure (a missing table, a bad request)
    /// in one of its requests; the other requests' results are kept.
    #[error("batch get failed with {} key(s) not read: {source}", unprocessed.len())]
    BatchGetFailed {
        /// The first such error.
        source: Box<Error>,
        /// The items that were read, as raw items: whole items, or only `projection`'s
        /// attributes and the table's keys (see [`Error::BatchGetIncomplete`]).
        found: Vec<Item>,
        /// `Some(attributes)` when the read was a projection: the attributes asked for.
        projection: Option<&'static [&'static str]>,
        /// Exactly the keys that were not read.
        unprocessed: Vec<Item>,
    },
    /// A wait (for a table to become ACTIVE or to disappear) ran out of time.
    #[error("timed out: {0}")]
    Timeout(String),
    /// Any other error reported by DynamoDB or the SDK (throttling, missing table, network).
    #[error("DynamoDB error: {}", aws_sdk_dynamodb::error::DisplayErrorContext(.0.as_ref()))]
    Sdk(#[source] Box<aws_sdk_dynamodb::Error>),
    /// A stream record that does not decode into the model's event: a missing image the view
    /// type promises, an unknown event name, an attribute that does not fit the model.
    #[error("stream record {}: {problem}", sequence(sequence_number))]
    StreamRecord {
        /// The record's sequence number, when it has one.
        sequence_number: Option<String>,
        /// What is wrong with it.
        problem: RecordError,
    },
    /// A stream handler returned an error for a record.
    #[error(
        "the handler failed on stream record {}: {source}",
        sequence(sequence_number)
    )]
    Handler {
        /// The record's sequence number.
        sequence_number: Option<String>,
        /// The handler's error.
        source: BoxError,
    },
    /// A stream record that no route of a `stream::Router` takes.
    #[error("stream record {}: {reason}", sequence(sequence_number))]
    Unrouted {
        /// The record's sequence number, when it has one.
        sequence_number: Option<String>,
        /// Why no route matched (the table, the attribute value found).
        reason: String,
    },
    /// A `stream::Router` with two routes for the same records.
    #[error("duplicate stream route: {0}")]
    DuplicateRoute(String),
    /// A stream consumer's checkpoint is older than the stream keeps records (24 hours): the
    /// records after it are gone. The consumer stops rather than skip them in silence.
    #[error(
        "the stream no longer holds the records of shard `{shard_id}` after {}: they were older than 24 hours and are gone",
        sequence_number.as_deref().map_or_else(|| "its start".to_owned(), |s| format!("sequence number `{s}`"))
    )]
    StreamTrimmed {
        /// The shard.
        shard_id: String,
        /// The checkpoint reading was to resume after (`None`: the shard's start).
        sequence_number: Option<String>,
    },
    /// A DynamoDB Streams call failed (DescribeStream, GetShardIterator, GetRecords, ...).
    #[error("DynamoDB Streams error: {}", aws_sdk_dynamodbstreams::error::DisplayErrorContext(.0.as_ref()))]
    Streams(#[source] Box<aws_sdk_dynamodbstreams::Error>),
}

/// Any error a stream handler returns: a boxed `std::error::Error` (an `anyhow::Error` or a
/// `dynamo_types::Error` converts into it with `?` or `.into()`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

fn sequence(number: &Option<String>) -> String {
    match number {
        Some(n) => format!("`{n}`"),
        None => "(no sequence number)".to_owned(),
    }
}

impl Error {
    /// The variant's name (`"Handler"`, `"Decode"`, ...): what a span records as the error's
    /// type, since the message may hold item values.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Error::ConditionalCheckFailed { .. } => "ConditionalCheckFailed",
            Error::Unconfirmed { .. } => "Unconfirmed",
            Error::TransactionCanceled { .. } => "TransactionCanceled",
            Error::Decode(_) => "Decode",
            Error::Encode(_) => "Encode",
            Error::Cursor(_) => "Cursor",
            Error::Validation(_) => "Validation",
            Error::LimitExceeded { .. } => "LimitExceeded",
            Error::SchemaMismatch { .. } => "SchemaMismatch",
            Error::BatchGetIncomplete { .. } => "BatchGetIncomplete",
            Error::IndexProjection { .. } => "IndexProjection",
            Error::BatchWriteIncomplete { .. } => "BatchWriteIncomplete",
            Error::BatchWriteFailed { .. } => "BatchWriteFailed",
            Error::Undecodable { .. } => "Undecodable",
            Error::BatchPutStopped { .. } => "BatchPutStopped",
            Error::BatchGetFailed { .. } => "BatchGetFailed",
            Error::Timeout(_) => "Timeout",
            Error::Sdk(_) => "Sdk",
            Error::StreamRecord { .. } => "StreamRecord",
            Error::Handler { .. } => "Handler",
            Error::Unrouted { .. } => "Unrouted",
            Error::DuplicateRoute(_) => "DuplicateRoute",
            Error::StreamTrimmed { .. } => "StreamTrimmed",
            Error::Streams(_) => "Streams",
        }
    }

    /// True when DynamoDB throttled the request (a caller may retry later).
    pub fn is_throttling(&self) -> bool {
        use aws_sdk_dynamodb::Error as E;
        use aws_sdk_dynamodbstreams::Error as S;
        match self {
            Error::Sdk(e) => matches!(
                e.as_ref(),
                E::ProvisionedThroughputExceededException(_)
                    | E::RequestLimitExceeded(_)
                    | E::ThrottlingException(_)
            ),
            Error::Streams(e) => matches!(e.as_ref(), S::LimitExceededException(_)),
            _ => false,
        }
    }

    /// True when sending the same request again later may succeed: throttling, or an internal
    /// server error. The batch operations retry these with backoff.
    pub fn is_retryable(&self) -> bool {
        self.is_throttling()
            || match self {
                Error::Sdk(e) => {
                    matches!(e.as_ref(), aws_sdk_dynamodb::Error::InternalServerError(_))
                }
                Error::Streams(e) => {
                    matches!(
                        e.as_ref(),
                        aws_sdk_dynamodbstreams::Error::InternalServerError(_)
                    )
                }
                _ => false,
            }
    }

    /// True when sending the same request again may succeed: what
    /// [`is_retryable`](Self::is_retryable) says, throttling or unavailability codes the SDKs do
    /// not model, and requests that got no usable answer
    /// ([`is_unanswered`](Self::is_unanswered)), except [`Error::Unconfirmed`]: a write that
    /// may have been applied is read before it is tried again.
    pub fn is_transient(&self) -> bool {
        use aws_sdk_dynamodb::error::ProvideErrorMetadata;
        const CODES: &[&str] = &[
            "ThrottlingException",
            "ServiceUnavailable",
            "ServiceUnavailableException",
            "InternalFailure",
            "RequestTimeout",
            "RequestTimeoutException",
        ];
        let coded = |code: Option<&str>| code.is_some_and(|c| CODES.contains(&c));
        self.is_retryable()
            // an unconfirmed write is not sent again blindly: it may be applied
            || (self.is_unanswered() && !matches!(self, Error::Unconfirmed { .. }))
            || match self {
                Error::Sdk(e) => coded(e.code()),
                Error::Streams(e) => coded(e.code()),
                _ => false,
            }
    }

    /// True for a 5xx answer from DynamoDB: it may have applied the request before answering.
    pub(crate) fn is_server_error(&self) -> bool {
        use aws_sdk_dynamodb::error::ProvideErrorMetadata;
        match self {
            Error::Sdk(e) => {
                matches!(e.as_ref(), aws_sdk_dynamodb::Error::InternalServerError(_))
                    || matches!(
                        e.code(),
                        Some(
                            "InternalFailure"
                                | "InternalServerError"
                                | "ServiceUnavailable"
                                | "ServiceUnavailableException"
                        )
                    )
            }
            _ => false,
        }
    }

    /// True for a request that got no usable answer: the connection failed (refused, reset,
    /// a network error), the request timed out, the response could not be read, or DynamoDB
    /// answered with a server error (a 5xx, which it can send after applying a write). It may
    /// have been carried out: a write that failed this way is neither done nor undone. A
    /// request the SDK could not build, or a connector's refusal of the request itself, is not
    /// one of these. [`Error::Unconfirmed`] is.
    pub fn is_unanswered(&self) -> bool {
        use aws_sdk_dynamodb::error::{ConnectorError, ProvideErrorMetadata};
        if self.is_server_error() {
            return true;
        }
        let coded = match self {
            Error::Unconfirmed { .. } => return true,
            Error::Sdk(e) => e.code().is_some(),
            Error::Streams(e) => e.code().is_some(),
            _ => return false,
        };
        if coded {
            return false;
        }
        let mut next: Option<&(dyn std::error::Error + 'static)> = match self {
            Error::Sdk(e) => std::error::Error::source(e.as_ref()),
            Error::Streams(e) => std::error::Error::source(e.as_ref()),
            _ => None,
        };
        while let Some(error) = next {
            if let Some(connector) = error.downcast_ref::<ConnectorError>() {
                return !connector.is_user();
            }
            // the SDK's words for its error kinds (`SdkError`'s Display)
            match error.to_string().as_str() {
                "request has timed out" | "response error" => return true,
                "failed to construct request" => return false,
                _ => {}
            }
            next = error.source();
        }
        false
    }

    /// The sequence number of the stream record a stream error is about.
    pub fn sequence_number(&self) -> Option<&str> {
        match self {
            Error::StreamRecord {
                sequence_number, ..
            }
            | Error::Handler {
                sequence_number, ..
            }
            | Error::Unrouted {
                sequence_number, ..
            } => sequence_number.as_deref(),
            _ => None,
        }
    }

    /// The DynamoDB limit this request was refused for, before it was sent: an
    /// [`Error::LimitExceeded`], or an [`Error::Encode`] of a value over a limit of its own
    /// (see [`EncodeError::limit`]), or a checked batch put stopped by one of these
    /// ([`Error::BatchPutStopped`] says how many puts were written before).
    pub fn limit(&self) -> Option<Limit> {
        match self {
            Error::LimitExceeded { limit, .. } => Some(*limit),
            Error::Encode(e) => e.limit(),
            Error::BatchPutStopped { source, .. } => source.limit(),
            _ => None,
        }
    }

    /// True when the table (or index) does not exist.
    pub fn is_resource_not_found(&self) -> bool {
        matches!(self, Error::Sdk(e) if matches!(e.as_ref(), aws_sdk_dynamodb::Error::ResourceNotFoundException(_)))
    }
}

/// A request the SDK could not build (a required field left out) is an invalid request.
impl From<aws_sdk_dynamodb::error::BuildError> for Error {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Self {
        Error::Validation(e.to_string())
    }
}

/// Why one action of a cancelled transaction failed (`code` is `None` for actions that were fine).
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// DynamoDB's code: `ConditionalCheckFailed`, `TransactionConflict`, `ValidationError`, ...
    pub code: Option<String>,
    /// DynamoDB's message.
    pub message: Option<String>,
    /// The current item, for a failed condition when the action asked for it.
    pub item: Option<Item>,
}

fn describe_reasons(reasons: &[CancellationReason]) -> String {
    let codes: Vec<String> = reasons
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r.code.as_deref() {
            None | Some("None") => None,
            Some(code) => Some(format!("#{i}: {code}")),
        })
        .collect();
    if codes.is_empty() {
        "no reason given".to_owned()
    } else {
        codes.join(", ")
    }
}

impl<E, R> From<aws_sdk_dynamodb::error::SdkError<E, R>> for Error
where
    aws_sdk_dynamodb::Error: From<aws_sdk_dynamodb::error::SdkError<E, R>>,
{
    fn from(err: aws_sdk_dynamodb::error::SdkError<E, R>) -> Self {
        Error::from(aws_sdk_dynamodb::Error::from(err))
    }
}

impl From<aws_sdk_dynamodbstreams::Error> for Error {
    fn from(err: aws_sdk_dynamodbstreams::Error) -> Self {
        Error::Streams(Box::new(err))
    }
}

impl From<aws_sdk_dynamodb::Error> for Error {
    fn from(err: aws_sdk_dynamodb::Error) -> Self {
        match err {
            aws_sdk_dynamodb::Error::ConditionalCheckFailedException(e) => {
                Error::ConditionalCheckFailed {
                    item: e.item.map(Box::new),
                }
            }
            aws_sdk_dynamodb::Error::TransactionCanceledException(e) => {
                Error::TransactionCanceled {
                    reasons: e
                        .cancellation_reasons
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| CancellationReason {
                            code: r.code,
                            message: r.message,
                            item: r.item,
                        })
                        .collect(),
                }
            }
            other => Error::Sdk(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_error_may_have_been_applied_and_is_worth_retrying() {
        let internal = Error::Sdk(Box::new(aws_sdk_dynamodb::Error::InternalServerError(
            aws_sdk_dynamodb::types::error::InternalServerError::builder().build(),
        )));
        assert!(internal.is_unanswered() && internal.is_transient());
        let throttled = Error::Sdk(Box::new(
            aws_sdk_dynamodb::Error::ProvisionedThroughputExceededException(
                aws_sdk_dynamodb::types::error::ProvisionedThroughputExceededException::builder()
                    .build(),
            ),
        ));
        assert!(!throttled.is_unanswered() && throttled.is_transient());
        let unconfirmed = Error::Unconfirmed {
            source: Box::new(Error::ConditionalCheckFailed { item: None }),
        };
        assert!(unconfirmed.is_unanswered() && !unconfirmed.is_transient());
        // a retry throttled after a lost attempt leaves the write open: not sent again blindly
        let throttled_retry = Error::Unconfirmed {
            source: Box::new(throttled),
        };
        assert!(throttled_retry.is_unanswered() && !throttled_retry.is_transient());
        assert!(!throttled_retry.is_throttling());
    }
}
