//! `scan`: every item of the table or of an index, and the parallel scan.

use std::future::IntoFuture;
use std::sync::Arc;

use futures::StreamExt;

use crate::error::{Error, Result};
use crate::expr::{Condition, Placeholders};
use crate::model::KeySchema;
use crate::query::cursor::{Cursor, ScanCursor, SegmentState};
use crate::query::page::{
    ConsumedCapacity, Count, Decoder, Page, PagedRead, ScanPage, decode_all, item_stream,
    read_items, read_page, read_pages,
};
use crate::query::plan::{Plan, ReadKind};
use crate::query::projection::{DynamoProjection, ItemOf, ReadItem};
use crate::query::query_op::shared_read_methods;
use crate::query::query_op::{ReadOptions, Reads, decode_key, make_plan};
use crate::query::{ConsistentSource, KeyOf, ModelOf, ReadSource};

/// DynamoDB's bound on `TotalSegments`.
const MAX_SEGMENTS: u32 = 1_000_000;

/// A scan of the table or of an index (an index scan reads the index, not the table). Await it
/// for a [`Page`]; call [`stream`](Self::stream) for every item; [`segments`](Self::segments)
/// makes it a parallel scan.
///
/// Pages, `limit` and cursors work as for [`Query`](crate::Query).
#[must_use = "a scan does nothing until it is awaited or streamed"]
pub struct Scan<E: ReadSource, T = ItemOf<E>> {
    source: E,
    options: ReadOptions<ModelOf<E>>,
    segment: Option<(u32, u32)>,
    decode: Decoder<T>,
}

impl<E: ReadSource, T> Clone for Scan<E, T> {
    fn clone(&self) -> Self {
        Scan {
            source: self.source.clone(),
            options: self.options.clone(),
            segment: self.segment,
            decode: self.decode,
        }
    }
}

impl<E: ReadSource, T> std::fmt::Debug for Scan<E, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan")
            .field("table", &self.source.table_ref().name())
            .field("index", &<E::Schema as KeySchema>::INDEX.map(|i| i.name))
            .field("segment", &self.segment)
            .field("options", &self.options)
            .finish()
    }
}

impl<E: ReadSource> Scan<E> {
    pub(crate) fn new(source: E) -> Self {
        Scan {
            source,
            options: ReadOptions {
                reads: Reads::default_of::<E::Schema>(),
                ..ReadOptions::default()
            },
            segment: None,
            decode: <E::Schema as ReadItem>::decode,
        }
    }

    /// Reads only the primary keys of the items (`PostKey`s): what a `keys_only` index holds.
    pub fn keys_only(self) -> Scan<E, KeyOf<E>> {
        Scan {
            source: self.source,
            options: ReadOptions {
                reads: Reads::Keys,
                ..self.options
            },
            segment: self.segment,
            decode: decode_key::<ModelOf<E>>,
        }
    }

    /// Reads the items as the projection `P` (see [`Query::project`](crate::Query::project)):
    /// a `ProjectionExpression` of its attributes and the key attributes;
    /// [`Error::IndexProjection`] on an index that lacks some of them. Call it before
    /// [`segments`](Self::segments) for a parallel scan.
    pub fn project<P: DynamoProjection<Model = ModelOf<E>>>(self) -> Scan<E, P> {
        Scan {
            source: self.source,
            options: ReadOptions {
                reads: Reads::Attributes(P::ATTRIBUTES),
                ..self.options
            },
            segment: self.segment,
            decode: P::from_item,
        }
    }
}

impl<E: ReadSource, T: Send + 'static> Scan<E, T> {
    /// Reads only segment `segment` of `total` (DynamoDB's `Segment` / `TotalSegments`), for
    /// workers that split a scan among themselves.
    pub fn segment(mut self, segment: u32, total: u32) -> Self {
        self.segment = Some((segment, total));
        self
    }

    /// A parallel scan in `total` segments, read concurrently and merged into one stream or
    /// one page. Set `filter`, `limit`, `page_size` and `consistent` before this call.
    pub fn segments(self, total: u32) -> ParallelScan<E, T> {
        ParallelScan {
            base: Scan {
                segment: None,
                options: ReadOptions {
                    start: None,
                    ..self.options
                },
                ..self
            },
            total,
            start: None,
        }
    }

    fn plan(&self) -> Result<Plan> {
        let segment = match self.segment {
            None => None,
            Some((segment, total)) => {
                check_segments(total)?;
                if segment >= total {
                    return Err(Error::Validation(format!(
                        "segment {segment} does not exist in a scan of {total} segment(s)"
                    )));
                }
                Some((to_i32(segment), to_i32(total)))
            }
        };
        make_plan(
            &self.source,
            &self.options,
            Placeholders::default(),
            ReadKind::Scan { segment },
        )
    }
}

fn check_segments(total: u32) -> Result<()> {
    if total == 0 || total > MAX_SEGMENTS {
        return Err(Error::Validation(format!(
            "a scan has 1 to {MAX_SEGMENTS} segments, not {total}"
        )));
    }
    Ok(())
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl<E: ReadSource, T: Send + 'static> IntoFuture for Scan<E, T> {
    type Output = Result<Page<T>>;
    type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(read_page(self))
    }
}

/// A scan split in segments that are read concurrently.
///
/// [`stream`](Self::stream) merges the items of all segments as they arrive. Awaiting it reads
/// one page from every unfinished segment at once and returns them as a [`ScanPage`], whose
/// [`ScanCursor`] records where each segment stands; [`start_after`](Self::start_after) resumes
/// from it, segment by segment. With a `limit`, a page holds at most that many items and
/// segments cut short resume right after their last item returned.
#[must_use = "a scan does nothing until it is awaited or streamed"]
pub struct ParallelScan<E: ReadSource, T = ItemOf<E>> {
    base: Scan<E, T>,
    total: u32,
    start: Option<ScanCursor>,
}

impl<E: ReadSource, T> Clone for ParallelScan<E, T> {
    fn clone(&self) -> Self {
        ParallelScan {
            base: self.base.clone(),
            total: self.total,
            start: self.start.clone(),
        }
    }
}

impl<E: ReadSource, T> std::fmt::Debug for ParallelScan<E, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParallelScan")
            .field("scan", &self.base)
            .field("total", &self.total)
            .field("start", &self.start)
            .finish()
    }
}

impl<E: ReadSource, T: Send + 'static> ParallelScan<E, T> {
    /// Resumes each segment where `cursor` (from a previous [`ScanPage`]) left it.
    pub fn start_after(mut self, cursor: ScanCursor) -> Self {
        self.start = Some(cursor);
        self
    }

    /// At most `n` items: in all for [`stream`](Self::stream), per page when awaited or read
    /// with [`pages`](Self::pages).
    pub fn limit(mut self, n: usize) -> Self {
        self.base.options.limit = Some(n);
        self
    }

    /// At most `n` requests per segment per page (see [`Scan::max_requests`]; 10 by default
    /// when a filter is set).
    pub fn max_requests(mut self, n: u32) -> Self {
        self.base.options.max_requests = Some(n);
        self
    }

    /// Asks for the read capacity consumed (see [`Scan::return_consumed_capacity`]): each
    /// [`ScanPage`] and the count carry it, summed over segments.
    pub fn return_consumed_capacity(mut self) -> Self {
        self.base.options.consumed_capacity = true;
        self
    }

    /// Counts the items of every unfinished segment (from the cursor given to
    /// [`start_after`](Self::start_after), if any), the segments counted concurrently, and
    /// sums them. See [`Scan::count`].
    pub fn count(mut self) -> futures::future::BoxFuture<'static, Result<Count>> {
        self.base.options.count_only = true;
        let plans = self.segment_plans();
        Box::pin(async move {
            let counts =
                futures::future::try_join_all(plans?.into_iter().map(|(plan, state)| async move {
                    match state {
                        SegmentState::Start => plan.count(None).await,
                        SegmentState::After(cursor) => {
                            plan.count(Some(cursor.exclusive_start_key().clone())).await
                        }
                        SegmentState::Done => Ok(Count::default()),
                    }
                }))
                .await?;
            Ok(counts.into_iter().fold(Count::default(), Count::add))
        })
    }

    /// The plan and starting point of each segment.
    fn segment_plans(&self) -> Result<Vec<(Arc<Plan>, SegmentState)>> {
        check_segments(self.total)?;
        let states = match &self.start {
            None => vec![SegmentState::Start; self.total as usize],
            Some(cursor) => {
                cursor.check(
                    self.base.source.table_ref().name(),
                    <E::Schema as KeySchema>::INDEX.map(|i| i.name),
                    self.total as usize,
                )?;
                cursor.segments.clone()
            }
        };
        let mut plans = Vec::with_capacity(states.len());
        for (segment, state) in (0..self.total).zip(states) {
            let mut scan = self.base.clone().segment(segment, self.total);
            if let SegmentState::After(cursor) = &state {
                scan.options.start = Some(cursor.clone());
            }
            plans.push((Arc::new(scan.plan()?), state));
        }
        Ok(plans)
    }

    /// Every item of every segment (at most `limit`), merged into one stream as segments
    /// deliver them; all segments are read concurrently.
    pub fn stream(self) -> impl futures::Stream<Item = Result<T>> + Send + 'static {
        let decode = self.base.decode;
        let limit = self.base.options.limit;
        let merged = match self.segment_plans() {
            Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
            Ok(plans) => {
                futures::stream::select_all(plans.into_iter().filter_map(|(plan, state)| {
                    let start = match state {
                        SegmentState::Start => None,
                        SegmentState::After(cursor) => Some(cursor.exclusive_start_key().clone()),
                        SegmentState::Done => return None,
                    };
                    Some(item_stream(Ok(plan), start, None, decode, false).boxed())
                }))
                .boxed()
            }
        };
        merged.take(limit.unwrap_or(usize::MAX))
    }

    async fn run(self) -> Result<ScanPage<T>> {
        let plans = self.segment_plans()?;
        let limit = self.base.options.limit;
        // Each unfinished segment is asked for its share of the limit, not all of it: asking
        // every segment for `limit` items read up to segments x limit to hand out `limit`.
        let unfinished = plans
            .iter()
            .filter(|(_, state)| !matches!(state, SegmentState::Done))
            .count()
            .max(1);
        let share = limit.map(|n| n.div_ceil(unfinished).max(1));
        let pages = futures::future::try_join_all(plans.iter().map(|(plan, state)| {
            let plan = Arc::clone(plan);
            let state = state.clone();
            async move {
                let start = match state {
                    SegmentState::Start => None,
                    SegmentState::After(cursor) => Some(cursor.exclusive_start_key().clone()),
                    SegmentState::Done => return Ok(None),
                };
                plan.page(start, share).await.map(Some)
            }
        }))
        .await?;

        let mut remaining = limit;
        let mut items = Vec::new();
        let mut scanned_count: u64 = 0;
        let mut consumed_capacity = None;
        let mut states = Vec::with_capacity(pages.len());
        for ((plan, state), page) in plans.into_iter().zip(pages) {
            let Some(mut page) = page else {
                states.push(SegmentState::Done);
                continue;
            };
            scanned_count += page.scanned_count;
            consumed_capacity = ConsumedCapacity::sum(consumed_capacity, page.consumed_capacity);
            let next = |key: Option<_>| -> Result<SegmentState> {
                Ok(match plan.cursor(key)? {
                    Some(cursor) => SegmentState::After(cursor),
                    None => SegmentState::Done,
                })
            };
            let room = remaining.unwrap_or(usize::MAX);
            if page.items.is_empty() {
                states.push(next(page.next)?);
            } else if room == 0 {
                states.push(state); // not handed out: read again next time
            } else if page.items.len() > room {
                page.items.truncate(room);
                let last = page
                    .items
                    .last()
                    .map(|item| plan.key_of(item))
                    .transpose()?;
                states.push(next(last)?);
            } else {
                states.push(next(page.next)?);
            }
            let taken = page.items.len().min(room);
            if let Some(r) = remaining.as_mut() {
                *r -= taken;
            }
            page.items.truncate(taken);
            items.extend(decode_all(&plan, page.items, self.base.decode, false)?);
        }
        let cursor = ScanCursor::new(
            self.base.source.table_ref().name(),
            <E::Schema as KeySchema>::INDEX.map(|i| i.name),
            states,
        );
        Ok(ScanPage {
            items,
            cursor: (!cursor.is_finished()).then_some(cursor),
            scanned_count,
            consumed_capacity,
        })
    }

    /// The pages of the parallel scan, one per round of concurrent requests, each with the
    /// cursor to resume after it: for checkpointing a long scan.
    pub fn pages(self) -> impl futures::Stream<Item = Result<ScanPage<T>>> + Send + 'static {
        futures::stream::try_unfold(Some(self), |scan| async move {
            let Some(scan) = scan else { return Ok(None) };
            let next_scan = scan.clone();
            let page = scan.run().await?;
            let next = page
                .cursor
                .clone()
                .map(|cursor| next_scan.start_after(cursor));
            Ok(Some((page, next)))
        })
    }
}

impl<E: ReadSource, T: Send + 'static> IntoFuture for ParallelScan<E, T> {
    type Output = Result<ScanPage<T>>;
    type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

shared_read_methods!(Scan, "scan");
