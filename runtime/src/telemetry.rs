//! Tracing spans: one per request sent to DynamoDB, named and attributed after OpenTelemetry's
//! semantic conventions for DynamoDB client spans, so that `tracing-opentelemetry` exports them
//! as such (`otel.name`, `otel.kind`, `otel.status_code` are the fields it reads).
//!
//! Every span is at INFO level with the target `dynamo_types`. No key or item value is ever
//! recorded: only table and index names, attribute names (the projection), counts, settings,
//! consumed capacity and error codes.

use std::cell::Cell;
use std::future::Future;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::ConsumedCapacity as SdkCapacity;
use tracing::Instrument;
use tracing::field::Empty;

use crate::retry::Attempts;

/// The target of every span of this crate.
pub const TARGET: &str = "dynamo_types";

/// The DynamoDB operation a span stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    GetItem,
    BatchGetItem,
    Query,
    Scan,
    PutItem,
    UpdateItem,
    DeleteItem,
    BatchWriteItem,
    TransactWriteItems,
    TransactGetItems,
}

macro_rules! request_span {
    ($name:literal, $method:literal, $tables:expr) => {
        tracing::info_span!(
            target: "dynamo_types",
            $name,
            otel.name = $name,
            otel.kind = "client",
            otel.status_code = Empty,
            error.type = Empty,
            db.system.name = "aws.dynamodb",
            db.operation.name = $method,
            rpc.system = "aws-api",
            rpc.service = "DynamoDB",
            rpc.method = $method,
            aws.dynamodb.table_names = $tables,
            aws.dynamodb.index_name = Empty,
            aws.dynamodb.consistent_read = Empty,
            aws.dynamodb.limit = Empty,
            aws.dynamodb.projection = Empty,
            aws.dynamodb.select = Empty,
            aws.dynamodb.scan_forward = Empty,
            aws.dynamodb.segment = Empty,
            aws.dynamodb.total_segments = Empty,
            aws.dynamodb.count = Empty,
            aws.dynamodb.scanned_count = Empty,
            aws.dynamodb.consumed_capacity = Empty,
            http.request.resend_count = Empty,
            dynamo_types.batch.attempt = Empty,
            dynamo_types.batch.requested = Empty,
            dynamo_types.batch.unprocessed = Empty,
            dynamo_types.transaction.actions = Empty,
        )
    };
}

/// The span of one request of `operation` on `tables` (one name, or several joined with `,`
/// for a transaction across tables: a `tracing` field cannot hold a list).
pub(crate) fn request(operation: Operation, tables: &str) -> tracing::Span {
    use Operation::*;
    match operation {
        GetItem => request_span!("DynamoDB.GetItem", "GetItem", tables),
        BatchGetItem => request_span!("DynamoDB.BatchGetItem", "BatchGetItem", tables),
        Query => request_span!("DynamoDB.Query", "Query", tables),
        Scan => request_span!("DynamoDB.Scan", "Scan", tables),
        PutItem => request_span!("DynamoDB.PutItem", "PutItem", tables),
        UpdateItem => request_span!("DynamoDB.UpdateItem", "UpdateItem", tables),
        DeleteItem => request_span!("DynamoDB.DeleteItem", "DeleteItem", tables),
        BatchWriteItem => request_span!("DynamoDB.BatchWriteItem", "BatchWriteItem", tables),
        TransactWriteItems => {
            request_span!("DynamoDB.TransactWriteItems", "TransactWriteItems", tables)
        }
        TransactGetItems => {
            request_span!("DynamoDB.TransactGetItems", "TransactGetItems", tables)
        }
    }
}

/// The span of handing one batch of stream records to a handler: from the stream consumer
/// (`source = "consumer"`, with its shard) or from Lambda (`source = "lambda"`). Records are
/// handled inside it (their handlers' spans are its children); [`batch_handled`] records how it
/// ended.
pub(crate) fn stream_batch(
    source: &'static str,
    table: Option<&str>,
    shard_id: Option<&str>,
    records: usize,
) -> tracing::Span {
    tracing::info_span!(
        target: "dynamo_types",
        "dynamo_types.stream_batch",
        otel.name = "dynamo_types.stream_batch",
        otel.kind = "consumer",
        otel.status_code = Empty,
        error.type = Empty,
        messaging.batch.message_count = count(records),
        aws.dynamodb.table_names = table,
        dynamo_types.stream.source = source,
        dynamo_types.stream.shard_id = shard_id,
        dynamo_types.stream.handled = Empty,
    )
}

/// Records how a stream batch ended: how many records were handled, and the error that stopped
/// it (its kind only: a handler's error text may hold item values).
pub(crate) fn batch_handled(span: &tracing::Span, handled: usize, error: Option<&crate::Error>) {
    span.record("dynamo_types.stream.handled", count(handled));
    if let Some(error) = error {
        failed(span, error.kind_name());
    }
}

/// The table names of a request over several tables, each once, in first-seen order.
pub(crate) fn table_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    // nothing to build when no subscriber takes the span
    if !tracing::enabled!(target: "dynamo_types", tracing::Level::INFO) {
        return String::new();
    }
    join_unique(names)
}

/// `names`, each once, in first-seen order, joined with `,`.
fn join_unique<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen.join(",")
}

tokio::task_local! {
    /// The attempts of the request being sent in this task (see [`CountAttempts`]).
    static ATTEMPTS: Cell<Attempts>;
}

/// Counts the SDK's attempts of a request sent through [`send`], and the answers they got: its
/// span says how many times it was resent, and a single write tells a refusal from a write
/// whose outcome is unknown (see [`Attempts`]). It is on every client made by
/// [`Client::new`](crate::Client::new) and costs nothing but a task-local lookup per attempt:
/// a request carries no interceptor of its own, which would make the SDK rebuild its
/// configuration for every call.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CountAttempts;

impl CountAttempts {
    /// The interceptor's name, by which a client that has it already is told apart.
    // With the version: two incompatible copies of this crate in one build count in task-locals
    // of their own, so each must find its own interceptor on an SDK client the other made.
    pub(crate) const NAME: &'static str =
        concat!("dynamo_types::CountAttempts@", env!("CARGO_PKG_VERSION"));
}

impl aws_sdk_dynamodb::config::Intercept for CountAttempts {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn read_before_transmit(
        &self,
        _: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        // Outside `send` (a user's own call through `Client::sdk`) there is nothing to count.
        let _ = ATTEMPTS.try_with(|a| {
            let mut attempts = a.get();
            attempts.sent = attempts.sent.saturating_add(1);
            a.set(attempts);
        });
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef<
            '_,
        >,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let unreadable = matches!(context.output_or_error(), Err(e) if e.is_response_error());
        if context.response().status().as_u16() < 500 && !unreadable {
            let _ = ATTEMPTS.try_with(|a| {
                let mut attempts = a.get();
                attempts.answered = attempts.answered.saturating_add(1);
                a.set(attempts);
            });
        }
        Ok(())
    }
}

/// Sends `request` inside `span`, and records on it how often the SDK resent it and, on a
/// failure, the error: `otel.status_code = "ERROR"` and `error.type`, DynamoDB's error code
/// (`ConditionalCheckFailedException`, `ProvisionedThroughputExceededException`, ...) or the
/// kind of failure when there was no answer (`TimeoutError`, `DispatchFailure`, ...).
pub(crate) fn send<T, E, R>(
    span: &tracing::Span,
    request: impl Future<Output = Result<T, SdkError<E, R>>>,
) -> impl Future<Output = Result<T, SdkError<E, R>>>
where
    E: ProvideErrorMetadata,
{
    let sent = send_counted(span, request);
    async move { sent.await.0 }
}

/// [`send`], also returning what its attempts came to.
///
/// The SDK's request future (several kilobytes) is boxed once here, so that the layers around
/// it (the task-local scope, the span, the caller's own future) move a pointer, not the future.
pub(crate) fn send_counted<T, E, R>(
    span: &tracing::Span,
    request: impl Future<Output = Result<T, SdkError<E, R>>>,
) -> impl Future<Output = (Result<T, SdkError<E, R>>, Attempts)>
where
    E: ProvideErrorMetadata,
{
    let request = Box::pin(request);
    let span = span.clone();
    async move {
        let (result, attempts) = ATTEMPTS
            .scope(Cell::new(Attempts::default()), async {
                let result = request.await;
                (result, ATTEMPTS.with(Cell::get))
            })
            .instrument(span.clone())
            .await;
        if attempts.sent > 1 {
            span.record("http.request.resend_count", attempts.sent - 1);
        }
        if let Err(error) = &result {
            failed(&span, sdk_error_type(error));
        }
        (result, attempts)
    }
}

/// DynamoDB's error code, or the kind of failure when there is none.
fn sdk_error_type<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> &str {
    if let Some(code) = error.code() {
        return code;
    }
    match error {
        SdkError::ConstructionFailure(_) => "ConstructionFailure",
        SdkError::TimeoutError(_) => "TimeoutError",
        SdkError::DispatchFailure(_) => "DispatchFailure",
        SdkError::ResponseError(_) => "ResponseError",
        _ => "_OTHER",
    }
}

/// Marks `span` failed with `error_type`.
pub(crate) fn failed(span: &tracing::Span, error_type: &str) {
    span.record("otel.status_code", "ERROR");
    span.record("error.type", error_type);
}

/// Records the consumed capacity of an answer, when it has one: each entry as JSON with
/// DynamoDB's member names, in one JSON array (the convention's `string[]` as one field).
pub(crate) fn capacity<'a>(
    span: &tracing::Span,
    entries: impl IntoIterator<Item = &'a SdkCapacity>,
) {
    let entries: Vec<String> = entries.into_iter().map(capacity_json).collect();
    if !entries.is_empty() {
        span.record(
            "aws.dynamodb.consumed_capacity",
            format!("[{}]", entries.join(",")).as_str(),
        );
    }
}

fn capacity_json(capacity: &SdkCapacity) -> String {
    let mut members: Vec<String> = Vec::new();
    if let Some(table) = &capacity.table_name {
        members.push(format!("\"TableName\":{}", json_string(table)));
    }
    let units = [
        ("CapacityUnits", capacity.capacity_units),
        ("ReadCapacityUnits", capacity.read_capacity_units),
        ("WriteCapacityUnits", capacity.write_capacity_units),
    ];
    for (name, value) in units {
        if let Some(value) = value.filter(|v| v.is_finite()) {
            members.push(format!("\"{name}\":{value}"));
        }
    }
    format!("{{{}}}", members.join(","))
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Records the projection a request sends, as attribute names (only when the span is
/// recorded: a read does not build the text for nobody).
pub(crate) fn projection(
    span: &tracing::Span,
    expression: &str,
    names: Option<&crate::expr::Names>,
) {
    if !span.is_disabled() {
        span.record(
            "aws.dynamodb.projection",
            readable(expression, names).as_str(),
        );
    }
}

/// An expression with its `#name` placeholders replaced by the attribute names they stand for
/// (names only: values are never in a span).
pub(crate) fn readable(expression: &str, names: Option<&crate::expr::Names>) -> String {
    let Some(names) = names else {
        return expression.to_owned();
    };
    let mut out = String::with_capacity(expression.len());
    let mut rest = expression;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(tail.len(), |i| i + 1);
        let placeholder = &tail[..end];
        out.push_str(names.get(placeholder).map_or(placeholder, String::as_str));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Converts a count to a span field value.
pub(crate) fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_json_with_dynamodb_member_names() {
        let capacity = SdkCapacity::builder()
            .table_name("t\"1")
            .capacity_units(1.5)
            .build();
        assert_eq!(
            capacity_json(&capacity),
            r#"{"TableName":"t\"1","CapacityUnits":1.5}"#
        );
        assert_eq!(join_unique(["a", "b", "a"]), "a,b");
        let names: crate::expr::Names = [
            ("#a".to_owned(), "title".to_owned()),
            ("#b_1".to_owned(), "x.y".to_owned()),
        ]
        .into();
        assert_eq!(
            readable("#a, #b_1.#a, #zz", Some(&names)),
            "title, x.y.title, #zz"
        );
    }
}
