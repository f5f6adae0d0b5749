//! One shard's reader: reads it from its checkpoint to its end, hands each record to the
//! handler, checkpoints, and ends when the shard ends, when asked to stop, or when its lease is
//! lost.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use tokio::sync::{Mutex, watch};
use tracing::Instrument;

use crate::error::{Error, Result};

use super::super::handler::Handler;
use super::super::record::{EventOf, RawRecord, StreamModel};
use super::{
    Lease, OnHandlerError, Shared, StartPosition, jitter, retrying, streams_error, write_lease,
};

/// How a shard reader ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReaderEnd {
    /// The shard is closed and every record was handled; its lease is marked finished.
    Finished,
    /// Stopped on request; its lease was released.
    Released,
    /// Its lease was taken over by another consumer.
    Lost,
}

/// Where to read a shard from.
#[derive(Debug, Clone)]
enum Position {
    Start(StartPosition),
    After(String),
}

enum ReadFailure {
    Expired,
    Other(Error),
}

async fn shard_iterator<M, H>(
    shared: &Shared<M, H>,
    shard_id: &str,
    position: &Position,
) -> Result<Option<String>> {
    let result = retrying(|| {
        let request = shared
            .streams
            .get_shard_iterator()
            .stream_arn(&shared.stream_arn)
            .shard_id(shard_id);
        let request = match position {
            Position::Start(StartPosition::TrimHorizon) => {
                request.shard_iterator_type(ShardIteratorType::TrimHorizon)
            }
            Position::Start(StartPosition::Latest) => {
                request.shard_iterator_type(ShardIteratorType::Latest)
            }
            Position::After(seq) => request
                .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                .sequence_number(seq),
        };
        async move { request.send().await.map_err(streams_error) }
    })
    .await;
    match result {
        Ok(output) => Ok(output.shard_iterator),
        Err(Error::Streams(e))
            if matches!(
                *e,
                aws_sdk_dynamodbstreams::Error::TrimmedDataAccessException(_)
            ) =>
        {
            Err(Error::StreamTrimmed {
                shard_id: shard_id.to_owned(),
                sequence_number: match position {
                    Position::After(seq) => Some(seq.clone()),
                    Position::Start(_) => None,
                },
            })
        }
        Err(e) => Err(e),
    }
}

/// Reads one shard to its end or until stopped.
pub(super) async fn read_shard<M, H>(
    shared: Arc<Shared<M, H>>,
    lease: Arc<Mutex<Lease>>,
    mut stop: watch::Receiver<bool>,
) -> Result<ReaderEnd>
where
    M: StreamModel,
    H: Handler<M> + 'static,
{
    let (shard_id, resume_after) = {
        let held = lease.lock().await;
        (held.shard_id.clone(), held.checkpoint.clone())
    };
    let span = tracing::info_span!("stream.shard", shard_id = %shard_id);
    async move {
        let mut position = match resume_after {
            Some(seq) => Position::After(seq),
            None => Position::Start(shared.start),
        };
        let mut iterator = shard_iterator(&shared, &shard_id, &position).await?;
        let mut idle = Duration::from_millis(20);
        let mut backoff = Duration::from_millis(50);
        loop {
            if *stop.borrow() {
                return release(&shared, &lease).await;
            }
            let Some(current) = iterator.clone() else {
                return finish(&shared, &lease).await;
            };
            let page = shared
                .streams
                .get_records()
                .shard_iterator(current)
                .limit(shared.batch_size)
                .send()
                .await
                .map_err(|e| match aws_sdk_dynamodbstreams::Error::from(e) {
                    aws_sdk_dynamodbstreams::Error::ExpiredIteratorException(_) => {
                        ReadFailure::Expired
                    }
                    other => ReadFailure::Other(Error::from(other)),
                });
            let page = match page {
                Ok(page) => {
                    backoff = Duration::from_millis(50);
                    page
                }
                Err(ReadFailure::Expired) => {
                    tracing::debug!(
                        "shard iterator expired: renewing it from the last record handled"
                    );
                    iterator = shard_iterator(&shared, &shard_id, &position).await?;
                    continue;
                }
                Err(ReadFailure::Other(Error::Streams(e)))
                    if matches!(
                        *e,
                        aws_sdk_dynamodbstreams::Error::TrimmedDataAccessException(_)
                    ) =>
                {
                    return Err(Error::StreamTrimmed {
                        shard_id: shard_id.clone(),
                        sequence_number: match &position {
                            Position::After(seq) => Some(seq.clone()),
                            Position::Start(_) => None,
                        },
                    });
                }
                Err(ReadFailure::Other(e)) if e.is_retryable() => {
                    tracing::debug!(error = %e, "GetRecords throttled or failed: backing off");
                    wait(&mut stop, jitter(backoff)).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    continue;
                }
                Err(ReadFailure::Other(e)) => return Err(e),
            };
            let records = page.records.unwrap_or_default();
            let count = records.len();
            let mut handled: Option<String> = None;
            let mut interrupted = false;
            let batch = tracing::debug_span!("stream.batch", records = count);
            let outcome: Result<Option<ReaderEnd>> = async {
                for record in records {
                    let mut raw = RawRecord::from_streams(record)?;
                    raw.table_name = Some(shared.table.clone());
                    let sequence = raw.sequence_number.clone();
                    let mut delay = Duration::from_millis(100);
                    loop {
                        let decoded = raw.clone().decode::<EventOf<M>>()?;
                        match shared.handler.handle(decoded).await {
                            Ok(()) => break,
                            Err(source) => {
                                let error = Error::Handler {
                                    sequence_number: sequence.clone(),
                                    source,
                                };
                                // what was handled before this record is done
                                if let Some(done) = handled.take()
                                    && !checkpoint(&shared, &lease, done).await?
                                {
                                    return Ok(Some(ReaderEnd::Lost));
                                }
                                if shared.on_error == OnHandlerError::Stop {
                                    return Err(error);
                                }
                                tracing::warn!(%error, "handler failed: retrying the record");
                                wait(&mut stop, jitter(delay)).await;
                                delay = (delay * 2).min(Duration::from_secs(10));
                                if *stop.borrow() {
                                    return Ok(Some(release(&shared, &lease).await?));
                                }
                            }
                        }
                    }
                    if let Some(seq) = sequence {
                        position = Position::After(seq.clone());
                        handled = Some(seq);
                    }
                    if *stop.borrow() {
                        interrupted = true;
                        break;
                    }
                }
                Ok(None)
            }
            .instrument(batch)
            .await;
            if let Some(end) = outcome? {
                return Ok(end);
            }
            if let Some(done) = handled
                && !checkpoint(&shared, &lease, done).await?
            {
                return Ok(ReaderEnd::Lost);
            }
            if interrupted {
                return release(&shared, &lease).await;
            }
            iterator = page.next_shard_iterator;
            if iterator.is_some() && count == 0 {
                wait(&mut stop, idle).await;
                idle = (idle * 2).min(shared.max_poll);
            } else {
                idle = Duration::from_millis(20);
            }
        }
    }
    .instrument(span)
    .await
}

/// Sleeps for `delay`, or less if a stop is asked for.
async fn wait(stop: &mut watch::Receiver<bool>, delay: Duration) {
    if *stop.borrow() {
        return;
    }
    tokio::select! {
        _ = stop.changed() => {}
        () = tokio::time::sleep(delay) => {}
    }
}

async fn checkpoint<M, H>(
    shared: &Shared<M, H>,
    lease: &Mutex<Lease>,
    sequence: String,
) -> Result<bool> {
    let won = write_lease(shared, lease, |l| l.checkpoint = Some(sequence.clone())).await?;
    if !won {
        tracing::warn!("lease lost to another consumer: stopping before the next record");
    }
    Ok(won)
}

async fn release<M, H>(shared: &Shared<M, H>, lease: &Mutex<Lease>) -> Result<ReaderEnd> {
    Ok(if write_lease(shared, lease, |l| l.owner = None).await? {
        tracing::info!("lease released");
        ReaderEnd::Released
    } else {
        ReaderEnd::Lost
    })
}

async fn finish<M, H>(shared: &Shared<M, H>, lease: &Mutex<Lease>) -> Result<ReaderEnd> {
    Ok(
        if write_lease(shared, lease, |l| {
            l.finished = true;
            l.owner = None;
        })
        .await?
        {
            tracing::info!("shard finished");
            ReaderEnd::Finished
        } else {
            ReaderEnd::Lost
        },
    )
}
