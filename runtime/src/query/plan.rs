//! The request loop of one query or scan ([`Plan`]): send, follow `LastEvaluatedKey`, stop at
//! the caller's `limit` or after `max_requests`, and end a page where a cursor resumes exactly
//! after the last item handed out.

use aws_sdk_dynamodb::types::{ReturnConsumedCapacity, Select};

use crate::client::Client;
use crate::codec::Item;
use crate::error::{DecodeError, Error, Result};
use crate::expr::{Names, Values};
use crate::query::cursor::Cursor;
use crate::query::page::{ConsumedCapacity, Count};
use crate::telemetry;

/// What kind of request a plan sends.
#[derive(Debug, Clone)]
pub(crate) enum ReadKind {
    Query {
        key_condition: String,
        descending: bool,
    },
    Scan {
        segment: Option<(i32, i32)>,
    },
}

/// Everything needed to send the requests of one query or scan, rendered once.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) client: Client,
    pub(crate) table: String,
    pub(crate) index: Option<&'static str>,
    pub(crate) operation: ReadKind,
    pub(crate) filter: Option<String>,
    pub(crate) projection: Option<String>,
    pub(crate) names: Option<Names>,
    pub(crate) values: Option<Values>,
    pub(crate) consistent: bool,
    /// DynamoDB's `Limit`: items evaluated per request.
    pub(crate) page_size: Option<i32>,
    /// The most requests one page sends (`None`: until the page is full or the read ends).
    pub(crate) max_requests: Option<u32>,
    /// The key attributes of the table and index: what a cursor holds.
    pub(crate) cursor_attributes: Vec<&'static str>,
    /// Send `Select = COUNT`: the responses hold counts, not items.
    pub(crate) count_only: bool,
    /// Send `ReturnConsumedCapacity = TOTAL`.
    pub(crate) consumed_capacity: bool,
}

/// One caller-visible page of raw items and the key to resume after.
pub(crate) struct RawPage {
    pub(crate) items: Vec<Item>,
    pub(crate) next: Option<Item>,
    /// The sum of the `ScannedCount`s of the requests sent.
    pub(crate) scanned_count: u64,
    /// The capacity they consumed, when asked for and reported.
    pub(crate) consumed_capacity: Option<ConsumedCapacity>,
}

/// What one request answered.
struct Response {
    items: Vec<Item>,
    last: Option<Item>,
    count: u64,
    scanned_count: u64,
    consumed_capacity: Option<ConsumedCapacity>,
}

fn to_u64(n: i32) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Records what a query or scan answered on its span.
fn record_answer(
    span: &tracing::Span,
    count: i32,
    scanned_count: i32,
    capacity: Option<&aws_sdk_dynamodb::types::ConsumedCapacity>,
) {
    span.record("aws.dynamodb.count", i64::from(count));
    span.record("aws.dynamodb.scanned_count", i64::from(scanned_count));
    telemetry::capacity(span, capacity);
}

impl Plan {
    /// The span of one request of this plan: what every request of it shares.
    fn span(&self, operation: telemetry::Operation, limit: Option<i32>) -> tracing::Span {
        let span = telemetry::request(operation, &self.table);
        if let Some(index) = self.index {
            span.record("aws.dynamodb.index_name", index);
        }
        span.record("aws.dynamodb.consistent_read", self.consistent);
        if let Some(limit) = limit {
            span.record("aws.dynamodb.limit", i64::from(limit));
        }
        if self.count_only {
            span.record("aws.dynamodb.select", "COUNT");
        } else if let Some(projection) = &self.projection {
            span.record("aws.dynamodb.select", "SPECIFIC_ATTRIBUTES");
            telemetry::projection(&span, projection, self.names.as_ref());
        }
        span
    }

    async fn send(&self, start: Option<Item>, limit: Option<i32>) -> Result<Response> {
        let sdk = self.client.sdk();
        let (select, projection) = if self.count_only {
            (Some(Select::Count), None)
        } else {
            let select = self.projection.as_ref().map(|_| Select::SpecificAttributes);
            (select, self.projection.clone())
        };
        let capacity = self
            .consumed_capacity
            .then_some(ReturnConsumedCapacity::Total);
        match &self.operation {
            ReadKind::Query {
                key_condition,
                descending,
            } => {
                let span = self.span(telemetry::Operation::Query, limit);
                span.record("aws.dynamodb.scan_forward", !descending);
                let request = sdk
                    .query()
                    .table_name(&self.table)
                    .set_index_name(self.index.map(str::to_owned))
                    .key_condition_expression(key_condition)
                    .set_filter_expression(self.filter.clone())
                    .set_projection_expression(projection)
                    .set_select(select)
                    .set_expression_attribute_names(self.names.clone())
                    .set_expression_attribute_values(self.values.clone())
                    .set_consistent_read(self.consistent.then_some(true))
                    .set_return_consumed_capacity(capacity)
                    .scan_index_forward(!descending)
                    .set_limit(limit)
                    .set_exclusive_start_key(start)
                    .send();
                let out = telemetry::send(&span, request).await?;
                record_answer(
                    &span,
                    out.count,
                    out.scanned_count,
                    out.consumed_capacity.as_ref(),
                );
                Ok(Response {
                    items: out.items.unwrap_or_default(),
                    last: non_empty(out.last_evaluated_key),
                    count: to_u64(out.count),
                    scanned_count: to_u64(out.scanned_count),
                    consumed_capacity: ConsumedCapacity::from_sdk(out.consumed_capacity),
                })
            }
            ReadKind::Scan { segment } => {
                let span = self.span(telemetry::Operation::Scan, limit);
                if let Some((segment, total)) = segment {
                    span.record("aws.dynamodb.segment", segment);
                    span.record("aws.dynamodb.total_segments", total);
                }
                let request = sdk
                    .scan()
                    .table_name(&self.table)
                    .set_index_name(self.index.map(str::to_owned))
                    .set_filter_expression(self.filter.clone())
                    .set_projection_expression(projection)
                    .set_select(select)
                    .set_expression_attribute_names(self.names.clone())
                    .set_expression_attribute_values(self.values.clone())
                    .set_consistent_read(self.consistent.then_some(true))
                    .set_return_consumed_capacity(capacity)
                    .set_segment(segment.map(|s| s.0))
                    .set_total_segments(segment.map(|s| s.1))
                    .set_limit(limit)
                    .set_exclusive_start_key(start)
                    .send();
                let out = telemetry::send(&span, request).await?;
                record_answer(
                    &span,
                    out.count,
                    out.scanned_count,
                    out.consumed_capacity.as_ref(),
                );
                Ok(Response {
                    items: out.items.unwrap_or_default(),
                    last: non_empty(out.last_evaluated_key),
                    count: to_u64(out.count),
                    scanned_count: to_u64(out.scanned_count),
                    consumed_capacity: ConsumedCapacity::from_sdk(out.consumed_capacity),
                })
            }
        }
    }

    /// Reads one page for the caller, from `start`.
    ///
    /// With `want = Some(n)`, requests are sent until `n` items are read or the end is reached;
    /// if the last response held more than needed, the page stops at the `n`th item and the
    /// key to resume after is that item's key, not DynamoDB's `LastEvaluatedKey` (which lies
    /// after items the caller never saw). With `want = None`, requests are sent until one
    /// yields an item (a filter can make responses empty) or the end is reached. Either way at
    /// most `max_requests` are sent: then the page ends with what it has, and resumes after
    /// everything read.
    pub(crate) async fn page(
        &self,
        mut start: Option<Item>,
        want: Option<usize>,
    ) -> Result<RawPage> {
        let mut items: Vec<Item> = Vec::new();
        let mut sent: u32 = 0;
        let mut scanned_count: u64 = 0;
        let mut consumed_capacity: Option<ConsumedCapacity> = None;
        loop {
            let remaining = want.map(|n| n.saturating_sub(items.len()));
            // Without a filter every evaluated item is returned, so asking DynamoDB for just the
            // remaining count avoids reading items that would be thrown away.
            let limit = match (remaining, &self.filter) {
                (Some(r), None) => {
                    let r = i32::try_from(r).unwrap_or(i32::MAX);
                    Some(self.page_size.map_or(r, |p| p.min(r)))
                }
                _ => self.page_size,
            };
            let response = self.send(start.take(), limit).await?;
            sent = sent.saturating_add(1);
            scanned_count = scanned_count.saturating_add(response.scanned_count);
            consumed_capacity =
                ConsumedCapacity::sum(consumed_capacity, response.consumed_capacity);
            let (mut batch, last) = (response.items, response.last);
            let done = |items: Vec<Item>, next: Option<Item>| RawPage {
                items,
                next,
                scanned_count,
                consumed_capacity,
            };
            if let Some(n) = want {
                let room = n - items.len();
                if batch.len() > room {
                    batch.truncate(room);
                    items.extend(batch);
                    let next = match items.last() {
                        Some(item) => Some(self.key_of(item)?),
                        None => None,
                    };
                    return Ok(done(items, next));
                }
                items.extend(batch);
                if items.len() == n || last.is_none() {
                    return Ok(done(items, last));
                }
            } else {
                items.extend(batch);
                if !items.is_empty() || last.is_none() {
                    return Ok(done(items, last));
                }
            }
            if self.max_requests.is_some_and(|most| sent >= most) {
                return Ok(done(items, last));
            }
            start = last;
        }
    }

    /// Counts the items from `start` to the end (`Select = COUNT`, following
    /// `LastEvaluatedKey` through every response; `max_requests` does not apply).
    pub(crate) async fn count(&self, mut start: Option<Item>) -> Result<Count> {
        let mut total = Count::default();
        loop {
            let response = self.send(start.take(), self.page_size).await?;
            total = total.add(Count {
                count: response.count,
                scanned_count: response.scanned_count,
                consumed_capacity: response.consumed_capacity,
            });
            match response.last {
                Some(last) => start = Some(last),
                None => return Ok(total),
            }
        }
    }

    /// The key attributes of `item` that resume a read right after it.
    pub(crate) fn key_of(&self, item: &Item) -> Result<Item> {
        self.cursor_attributes
            .iter()
            .map(|name| match item.get(*name) {
                Some(v) => Ok(((*name).to_owned(), v.clone())),
                None => Err(Error::Decode(DecodeError::missing().at(name))),
            })
            .collect()
    }

    pub(crate) fn cursor(&self, key: Option<Item>) -> Result<Option<Cursor>> {
        key.map(|k| Cursor::new(&self.table, self.index, k))
            .transpose()
    }
}

fn non_empty(key: Option<Item>) -> Option<Item> {
    key.filter(|k| !k.is_empty())
}
