//! Pages of queries and scans: what the caller gets (items, cursor, counts, capacity), the
//! decoding of raw items, and the paging shared by queries and scans over a [`Plan`](super::plan::Plan).

use std::sync::Arc;

use crate::codec::Item;
use crate::error::{DecodeError, Error, Result};
use crate::query::cursor::{Cursor, ScanCursor};
use crate::query::plan::Plan;

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

/// A batch read or write, or a write or read transaction, that also returns the capacity it
/// consumed: from `.return_consumed_capacity()` on [`BatchGet`](crate::BatchGet),
/// [`BatchGetFull`](crate::BatchGetFull), [`BatchPut`](crate::BatchPut), [`BatchDelete`](crate::BatchDelete),
/// [`TransactWrite`](crate::TransactWrite) or [`TransactGet`](crate::TransactGet). Await it.
///
/// The capacity is summed over the answers the call received (each batch request and each
/// retry of its unprocessed part, each transaction of a checked put) and over the tables of a
/// transaction; `None` when the server reports none (DynamoDB always does when asked). The
/// SDK's own retries of a transaction return only the last answer, and a call that fails
/// reports no capacity.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct WithConsumedCapacity<B>(pub(crate) B);

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
