//! Pages, and the request loop shared by queries and scans: send, follow
//! `LastEvaluatedKey`, stop at the caller's `limit`, and make a cursor that resumes exactly
//! after the last item handed out.

use std::sync::Arc;

use aws_sdk_dynamodb::types::{ReturnConsumedCapacity, Select};

use crate::client::Client;
use crate::codec::Item;
use crate::error::{DecodeError, Error, Result};
use crate::expr::{Names, Values};
use crate::query::cursor::{Cursor, ScanCursor};
use crate::telemetry;

/// One page of a query or scan: the items, and where the next page starts (`None` at the end).
/// It may gain fields (it is `#[non_exhaustive]`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page, in the order DynamoDB returned them.
    pub items: Vec<T>,
    /// Pass to `.start_after(cursor)` for the next page; `None` when there is nothing more.
    pub cursor: Option<Cursor>,
    /// How many items DynamoDB read to make this page, before the filter: the sum of the
    /// `ScannedCount`s of the requests the page sent. With a filter it can be far more than
    /// `items.len()`; when a `limit` cut the last response short, it counts that response's
    /// items past the cut too (DynamoDB read them; the next page reads them again).
    pub scanned_count: u64,
    /// The read capacity the page's requests consumed, when the read was built with
    /// `.return_consumed_capacity()` and the server reported it; `None` otherwise.
    pub consumed_capacity: Option<ConsumedCapacity>,
}

/// One page of a parallel scan: the items read from every unfinished segment, and where each
/// segment stands (`None` once every segment is read to the end). It may gain fields (it is
/// `#[non_exhaustive]`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ScanPage<T> {
    /// The items, segment by segment.
    pub items: Vec<T>,
    /// Pass to `ParallelScan::start_after` to resume; `None` when every segment is done.
    pub cursor: Option<ScanCursor>,
    /// How many items DynamoDB read for this page, over all segments (see
    /// [`Page::scanned_count`]).
    pub scanned_count: u64,
    /// The read capacity consumed over all segments, when asked for with
    /// `.return_consumed_capacity()` and reported by the server (see
    /// [`Page::consumed_capacity`]).
    pub consumed_capacity: Option<ConsumedCapacity>,
}

/// Capacity consumed by the requests of a page, a count, a transaction or a batch write, summed
/// over the requests (and the tables of a transaction), as DynamoDB reports it when asked
/// (`ReturnConsumedCapacity = TOTAL`). Ask with `.return_consumed_capacity()`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct ConsumedCapacity {
    /// Capacity units consumed (read units for a read, write units for a write): DynamoDB's
    /// `CapacityUnits`, summed.
    pub capacity_units: f64,
}

impl ConsumedCapacity {
    /// `a` plus `b`, where `None` is "not reported".
    pub(crate) fn sum(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(ConsumedCapacity {
                capacity_units: a.capacity_units + b.capacity_units,
            }),
            (a, b) => a.or(b),
        }
    }

    pub(crate) fn from_sdk(sdk: Option<aws_sdk_dynamodb::types::ConsumedCapacity>) -> Option<Self> {
        sdk.and_then(|c| c.capacity_units)
            .map(|capacity_units| ConsumedCapacity { capacity_units })
    }

    /// The sum over the tables of a batch or transaction answer (one entry per table).
    pub(crate) fn from_sdk_list(
        list: Option<Vec<aws_sdk_dynamodb::types::ConsumedCapacity>>,
    ) -> Option<Self> {
        list.into_iter()
            .flatten()
            .map(|c| Self::from_sdk(Some(c)))
            .fold(None, Self::sum)
    }
}

/// What `count()` on a query or scan returns: how many items match, over every page.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct Count {
    /// How many items matched the key condition and the filter (the sum of DynamoDB's
    /// `Count` over every request).
    pub count: u64,
    /// How many items DynamoDB read, before the filter (the sum of `ScannedCount`): what the
    /// read capacity was spent on. Equal to `count` without a filter.
    pub scanned_count: u64,
    /// The read capacity consumed by all the requests, when asked for with
    /// `.return_consumed_capacity()` and reported by the server.
    pub consumed_capacity: Option<ConsumedCapacity>,
}

impl Count {
    /// `self` plus `other` (the counts of two segments of a parallel scan).
    pub(crate) fn add(self, other: Count) -> Count {
        Count {
            count: self.count + other.count,
            scanned_count: self.scanned_count + other.scanned_count,
            consumed_capacity: ConsumedCapacity::sum(
                self.consumed_capacity,
                other.consumed_capacity,
            ),
        }
    }
}

/// Turns a raw item into what the caller asked for (the model, or its key).
pub(crate) type Decoder<T> = fn(Item) -> Result<T, DecodeError>;

/// What kind of request a plan sends.
#[derive(Debug, Clone)]
pub(crate) enum Operation {
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
    pub(crate) operation: Operation,
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
            span.record(
                "aws.dynamodb.projection",
                telemetry::readable(projection, self.names.as_ref()).as_str(),
            );
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
            Operation::Query {
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
            Operation::Scan { segment } => {
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

/// Decodes one raw item; one that does not decode is [`Error::Undecodable`] naming its key,
/// with the cursor that resumes after it when `resumable` (a query, or a scan of one segment).
pub(crate) fn decode_one<T>(
    plan: &Plan,
    item: Item,
    decode: Decoder<T>,
    resumable: bool,
) -> Result<T> {
    decode_keyed(plan, item, decode, resumable).1
}

/// [`decode_one`], also giving the item's key. The key is taken first: decoding consumes the
/// item (keeping a copy of every item for the rare one that fails would cost more than the
/// decoding).
fn decode_keyed<T>(
    plan: &Plan,
    item: Item,
    decode: Decoder<T>,
    resumable: bool,
) -> (Item, Result<T>) {
    let key = plan.key_of(&item).unwrap_or_default();
    let decoded = decode(item).map_err(|source| {
        let cursor = if resumable && !key.is_empty() {
            plan.cursor(Some(key.clone())).ok().flatten().map(Box::new)
        } else {
            None
        };
        Error::Undecodable {
            table: plan.table.clone(),
            key: Box::new(key.clone()),
            cursor,
            source,
        }
    });
    (key, decoded)
}

/// Decodes raw items in order, stopping at the first that does not decode.
pub(crate) fn decode_all<T>(
    plan: &Plan,
    items: Vec<Item>,
    decode: Decoder<T>,
    resumable: bool,
) -> Result<Vec<T>> {
    items
        .into_iter()
        .map(|item| decode_one(plan, item, decode, resumable))
        .collect()
}

/// A query or a scan, as the shared read loop sees it.
pub(crate) trait PagedRead: Clone + Send + 'static {
    /// What each item decodes to (the model, or its key).
    type Item: Send + 'static;
    /// The request to send, or why it cannot be sent.
    fn plan(&self) -> Result<Plan>;
    /// Where to resume, and how many items to hand out at most.
    fn position(&self) -> (Option<&Cursor>, Option<usize>);
    /// How items are decoded.
    fn decoder(&self) -> Decoder<Self::Item>;
    /// The same read, resumed after `cursor`.
    fn resume(self, cursor: Cursor) -> Self;
}

/// One page of `read`: at most its `limit` items, with the cursor that resumes after them.
pub(crate) async fn read_page<R: PagedRead>(read: R) -> Result<Page<R::Item>> {
    let plan = read.plan()?;
    let (start, limit) = read.position();
    let start = start.map(|c| c.exclusive_start_key().clone());
    let page = plan.page(start, limit).await?;
    let decode = read.decoder();
    let mut items = Vec::with_capacity(page.items.len());
    let mut last = None;
    for item in page.items {
        match decode_keyed(&plan, item, decode, true) {
            (key, Ok(value)) => {
                items.push(value);
                last = Some(key);
            }
            // The items before one that does not decode are a page of their own, whose cursor
            // resumes at it; the next page is its error, whose cursor resumes after it. So no
            // item is lost on the way past it.
            (_, Err(error)) => match last.filter(|key| !key.is_empty()) {
                Some(key) => {
                    return Ok(Page {
                        cursor: plan.cursor(Some(key))?,
                        items,
                        scanned_count: page.scanned_count,
                        consumed_capacity: page.consumed_capacity,
                    });
                }
                None => return Err(error),
            },
        }
    }
    Ok(Page {
        cursor: plan.cursor(page.next)?,
        items,
        scanned_count: page.scanned_count,
        consumed_capacity: page.consumed_capacity,
    })
}

/// Every page of `read`, each with the cursor that resumes after it.
pub(crate) fn read_pages<R: PagedRead>(
    read: R,
) -> impl futures::Stream<Item = Result<Page<R::Item>>> + Send + 'static {
    futures::stream::try_unfold(Some(read), |read| async move {
        let Some(read) = read else { return Ok(None) };
        let again = read.clone();
        let page = read_page(read).await?;
        let next = page.cursor.clone().map(|cursor| again.resume(cursor));
        Ok(Some((page, next)))
    })
}

/// Every item of every page of `read`, at most its `limit` in all.
pub(crate) fn read_items<R: PagedRead>(
    read: R,
) -> impl futures::Stream<Item = Result<R::Item>> + Send + 'static {
    let (start, limit) = read.position();
    let start = start.map(|c| c.exclusive_start_key().clone());
    item_stream(
        read.plan().map(Arc::new),
        start,
        limit,
        read.decoder(),
        true,
    )
}

/// A stream of every item of every page from `start`, at most `limit` in all. An item that
/// does not decode is an [`Error::Undecodable`] in its place (with a cursor after it when
/// `resumable`), and the stream goes on; a failed request ends it.
pub(crate) fn item_stream<T: Send + 'static>(
    plan: Result<Arc<Plan>>,
    start: Option<Item>,
    limit: Option<usize>,
    decode: Decoder<T>,
    resumable: bool,
) -> impl futures::Stream<Item = Result<T>> + Send + 'static {
    use futures::{StreamExt, TryStreamExt};

    struct State {
        plan: Option<Result<Arc<Plan>>>,
        start: Option<Item>,
        remaining: Option<usize>,
    }
    let state = State {
        plan: Some(plan),
        start,
        remaining: limit,
    };
    futures::stream::try_unfold(state, move |mut state| async move {
        let plan = match state.plan.take() {
            None => return Ok(None),
            Some(Err(e)) => return Err(e),
            Some(Ok(plan)) => plan,
        };
        if state.remaining == Some(0) {
            return Ok(None);
        }
        let page = plan.page(state.start.take(), state.remaining).await?;
        let items: Vec<Result<T>> = page
            .items
            .into_iter()
            .map(|item| decode_one(&plan, item, decode, resumable))
            .collect();
        if let Some(r) = state.remaining.as_mut() {
            *r = r.saturating_sub(items.len());
        }
        if page.next.is_some() {
            state.plan = Some(Ok(plan));
            state.start = page.next;
        }
        Ok(Some((items, state)))
    })
    .map_ok(futures::stream::iter)
    .try_flatten()
    .boxed()
}
