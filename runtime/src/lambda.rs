//! A Lambda function for a table's stream (feature `lambda`), on `lambda_runtime` and
//! `aws_lambda_events`.
//!
//! [`handle`] is the testable core: it takes a batch (a Lambda DynamoDB event, a Kinesis event
//! carrying DynamoDB changes, or their JSON), runs the records in order through a [`Dispatch`]
//! (a [`TableHandler`] or a [`Router`]), stops at the first record that fails (its handler
//! returned an error, it does not decode, or no route takes it) and answers a
//! `batchItemFailures` naming exactly that record. Lambda then retries from that record: records
//! before it are done, and no record after it ran. [`run`] serves the same with
//! `lambda_runtime`, reading the event as [`LambdaHandler`] says.
//!
//! This needs `FunctionResponseTypes: ["ReportBatchItemFailures"]` on the event source mapping;
//! without it Lambda ignores the response and counts the batch as done. See the README for the
//! settings that go with it (bisecting, retry limits, an on-failure destination).

use std::sync::Arc;

/// The `aws_lambda_events` this module reads (so that your version matches).
pub use aws_lambda_events;
pub use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
/// The `lambda_runtime` [`run`] serves with (for `lambda_runtime::tracing`, say).
pub use lambda_runtime;

use futures::future::BoxFuture;

use tracing::Instrument;

use crate::error::{Error, Result};
use crate::stream::{
    Batch, Dispatch, EventBatch, EventOf, Handler, Router, StreamModel, TableHandler, convert,
};
use crate::telemetry;

impl From<aws_lambda_events::event::dynamodb::Event> for Batch {
    fn from(event: aws_lambda_events::event::dynamodb::Event) -> Self {
        Batch {
            records: event.records.iter().map(convert::from_lambda).collect(),
        }
    }
}

impl From<aws_lambda_events::event::kinesis::KinesisEvent> for Batch {
    fn from(event: aws_lambda_events::event::kinesis::KinesisEvent) -> Self {
        Batch {
            records: event
                .records
                .iter()
                .map(crate::stream::json::from_kinesis_record)
                .collect(),
        }
    }
}

/// Runs every record of `batch` through `handler`, in order, and stops at the first that
/// fails. Returns how many records succeeded, or the first failure (its sequence number is
/// [`Error::sequence_number`](crate::Error::sequence_number)).
pub async fn process<D: Dispatch + ?Sized>(batch: impl Into<Batch>, handler: &D) -> Result<usize> {
    let batch = batch.into();
    let span = telemetry::stream_batch("lambda", None, None, batch.records.len());
    let mut done = 0;
    let outcome = async {
        for record in batch.records {
            handler.dispatch(record?).await?;
            done += 1;
        }
        Ok(done)
    }
    .instrument(span.clone())
    .await;
    telemetry::batch_handled(&span, done, outcome.as_ref().err());
    outcome
}

/// Runs a Lambda batch through `handler` and answers what Lambda needs to retry exactly the
/// failed record: an empty `batchItemFailures` when every record succeeded, else the sequence
/// number of the first record that failed (no record after it ran). A failed record without a
/// sequence number is reported with an empty identifier, which Lambda takes as a failure of the
/// whole batch. The failure is logged with `tracing` at error level.
pub async fn handle<D: Dispatch + ?Sized>(
    batch: impl Into<Batch>,
    handler: &D,
) -> DynamoDbEventResponse {
    answer(process(batch, handler).await)
}

/// Lambda's answer to a batch processed up to its first failure.
fn answer(outcome: Result<usize>) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    if let Err(error) = outcome {
        let sequence_number = error.sequence_number().unwrap_or_default().to_owned();
        tracing::error!(
            sequence_number = %sequence_number,
            error = %error,
            "stream record failed: reporting it as the batch item failure, so Lambda retries from it"
        );
        response.batch_item_failures.push(failure(sequence_number));
    }
    response
}

fn failure(item_identifier: String) -> DynamoDbBatchItemFailure {
    let mut failure = DynamoDbBatchItemFailure::default();
    failure.item_identifier = Some(item_identifier);
    failure
}

/// What [`run`] serves: how an invocation's event is read, and handled.
///
/// A [`TableHandler`] reads the event straight into its model's events ([`EventBatch`]: no
/// item is built in between); a [`Router`] reads a [`Batch`] of raw records and routes each;
/// [`RawRecords`] serves any other [`Dispatch`] the router's way. Either answers as [`handle`] does.
pub trait LambdaHandler: Send + Sync + 'static {
    /// The event, as the function reads it.
    type Event: serde::de::DeserializeOwned + Send + 'static;

    /// Handles one event: records in order, up to the first failure.
    fn handle_event(&self, event: Self::Event) -> BoxFuture<'_, DynamoDbEventResponse>;
}

impl<M: StreamModel> LambdaHandler for TableHandler<M> {
    type Event = EventBatch<EventOf<M>>;

    fn handle_event(&self, event: Self::Event) -> BoxFuture<'_, DynamoDbEventResponse> {
        let span =
            telemetry::stream_batch("lambda", Some(self.table_name()), None, event.records.len());
        let batch = span.clone();
        Box::pin(
            async move {
                let mut done = 0;
                let mut outcome = Ok(0);
                for record in event.records {
                    let handled = match record {
                        Ok(record) => {
                            if let Err(e) = self
                                .check_table(record.table.as_deref(), Some(&record.sequence_number))
                            {
                                outcome = Err(e);
                                break;
                            }
                            let sequence_number = Some(record.sequence_number.clone());
                            Handler::handle(self, record)
                                .await
                                .map_err(|source| Error::Handler {
                                    sequence_number,
                                    source,
                                })
                        }
                        Err(e) => Err(e),
                    };
                    if let Err(e) = handled {
                        outcome = Err(e);
                        break;
                    }
                    done += 1;
                    outcome = Ok(done);
                }
                telemetry::batch_handled(&batch, done, outcome.as_ref().err());
                answer(outcome)
            }
            .instrument(span),
        )
    }
}

impl LambdaHandler for Router {
    type Event = Batch;

    fn handle_event(&self, event: Batch) -> BoxFuture<'_, DynamoDbEventResponse> {
        Box::pin(handle(event, self))
    }
}

/// Any [`Dispatch`], served the router's way: records read as raw records, then dispatched.
#[derive(Debug)]
pub struct RawRecords<D>(pub D);

impl<D: Dispatch + 'static> LambdaHandler for RawRecords<D> {
    type Event = Batch;

    fn handle_event(&self, event: Batch) -> BoxFuture<'_, DynamoDbEventResponse> {
        Box::pin(handle(event, &self.0))
    }
}

impl<H: LambdaHandler> LambdaHandler for Arc<H> {
    type Event = H::Event;

    fn handle_event(&self, event: Self::Event) -> BoxFuture<'_, DynamoDbEventResponse> {
        (**self).handle_event(event)
    }
}

/// Serves `handler` as a Lambda function until the runtime stops: each invocation's event
/// (DynamoDB Streams or Kinesis records, each record read on its own) is read and answered as
/// [`LambdaHandler`] says: a [`TableHandler`] reads records straight into its model's events,
/// a [`Router`] reads raw records and routes them.
///
/// Outside Lambda (no `AWS_LAMBDA_RUNTIME_API`, `AWS_LAMBDA_FUNCTION_NAME`,
/// `AWS_LAMBDA_FUNCTION_VERSION` or numeric `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` in the
/// environment) it returns an error saying which is missing.
pub async fn run<H: LambdaHandler>(handler: H) -> std::result::Result<(), lambda_runtime::Error> {
    for name in [
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    ] {
        let value = std::env::var(name).unwrap_or_default();
        let valid = match name {
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE" => value.parse::<i32>().is_ok(),
            _ => !value.is_empty(),
        };
        if !valid {
            return Err(format!(
                "`lambda::run` serves Lambda's Runtime API, and `{name}` is not set as Lambda sets it: this is not a Lambda environment (call `lambda::handle` to handle an event yourself)"
            )
            .into());
        }
    }
    let handler = Arc::new(handler);
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<H::Event>| {
            let handler = Arc::clone(&handler);
            async move { Ok::<_, std::convert::Infallible>(handler.handle_event(event.payload).await) }
        },
    ))
    .await
}
