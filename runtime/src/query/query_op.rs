//! `query`: the items of one partition of the table or of an index, in sort-key order.

use std::future::IntoFuture;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{Item, KeyParts, KeyRole, same_key_value};
use crate::error::{EncodeError, Error, Result};
use crate::expr::{Condition, Placeholders, check_expression};
use crate::model::{DynamoModel, KeyAttr, KeySchema, ModelKey, RangeKeySchema};
use crate::query::cursor::{Cursor, CursorError};
use crate::query::page::{Decoder, Page, PagedRead, read_items, read_page, read_pages};
use crate::query::plan::{Plan, ReadKind};
use crate::query::projection::{
    DynamoProjection, ItemOf, ReadItem, check_index_holds, projection_names,
};
use crate::query::range::{IntoRange, RangeCondition, SortKey};
use crate::query::{ConsistentSource, KeyOf, ModelOf, ReadSource};

/// What a query or scan reads of each item (the key attributes always: a cursor resumes after
/// an item's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reads {
    /// Every attribute.
    Items,
    /// The table's and the index's keys only (`.keys_only()`).
    Keys,
    /// These attributes (a projection, or an index's item type).
    Attributes(&'static [&'static str]),
}

impl Reads {
    /// What a read of `S` reads unless told otherwise: its item type's attributes.
    pub(crate) fn default_of<S: ReadItem>() -> Self {
        S::ATTRIBUTES.map_or(Reads::Items, Reads::Attributes)
    }
}

/// The options queries and scans share.
pub(crate) struct ReadOptions<M> {
    pub(crate) filter: Option<Condition<M>>,
    pub(crate) limit: Option<usize>,
    pub(crate) page_size: Option<u32>,
    pub(crate) consistent: bool,
    pub(crate) start: Option<Cursor>,
    pub(crate) reads: Reads,
    pub(crate) max_requests: Option<u32>,
    /// Asked for `ReturnConsumedCapacity = TOTAL`.
    pub(crate) consumed_capacity: bool,
    /// Counting (`Select = COUNT`), not reading items.
    pub(crate) count_only: bool,
}

/// How many requests one page of a filtered read sends at most, unless `max_requests` says.
pub(crate) const FILTERED_REQUESTS_PER_PAGE: u32 = 10;

impl<M> Clone for ReadOptions<M> {
    fn clone(&self) -> Self {
        ReadOptions {
            filter: self.filter.clone(),
            limit: self.limit,
            page_size: self.page_size,
            consistent: self.consistent,
            start: self.start.clone(),
            reads: self.reads,
            max_requests: self.max_requests,
            consumed_capacity: self.consumed_capacity,
            count_only: self.count_only,
        }
    }
}

impl<M> std::fmt::Debug for ReadOptions<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("filter", &self.filter)
            .field("limit", &self.limit)
            .field("page_size", &self.page_size)
            .field("consistent", &self.consistent)
            .field("start", &self.start)
            .field("reads", &self.reads)
            .field("max_requests", &self.max_requests)
            .field("consumed_capacity", &self.consumed_capacity)
            .field("count_only", &self.count_only)
            .finish()
    }
}

impl<M> Default for ReadOptions<M> {
    fn default() -> Self {
        ReadOptions {
            filter: None,
            limit: None,
            page_size: None,
            consistent: false,
            start: None,
            reads: Reads::Items,
            max_requests: None,
            consumed_capacity: false,
            count_only: false,
        }
    }
}

impl<M> ReadOptions<M> {
    pub(crate) fn add_filter(&mut self, condition: Condition<M>) {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(condition),
            None => condition,
        });
    }
}

/// The key attributes of the table and of the index `S` (if any): what a cursor holds.
pub(crate) fn cursor_attributes<S: KeySchema>() -> Vec<&'static str> {
    cursor_key_attributes::<S>()
        .into_iter()
        .map(|a| a.name)
        .collect()
}

/// The key attributes of the table and of the index `S` (if any), with their types: what a
/// cursor holds: the table's partition and sort key, then the index's not among them.
pub(crate) fn cursor_key_attributes<S: KeySchema>() -> Vec<KeyAttr> {
    let table = &<S::Model as DynamoModel>::SCHEMA;
    let mut attributes: Vec<KeyAttr> = std::iter::once(table.hash).chain(table.range).collect();
    if let Some(index) = S::INDEX {
        for attribute in index.key_attributes() {
            if !attributes.iter().any(|a| a.name == attribute.name) {
                attributes.push(attribute);
            }
        }
    }
    attributes
}

/// Decodes the primary key out of a raw item.
pub(crate) fn decode_key<M: DynamoModel>(item: Item) -> Result<M::Key, crate::DecodeError> {
    M::Key::from_key_item(&item)
}

/// Renders the options of a query or scan into a [`Plan`]. `p` already holds the key
/// condition's placeholders, if any.
pub(crate) fn make_plan<E: ReadSource>(
    source: &E,
    options: &ReadOptions<ModelOf<E>>,
    mut p: Placeholders,
    operation: ReadKind,
) -> Result<Plan> {
    let table = source.table_ref();
    let index = <E::Schema as KeySchema>::INDEX;
    // A count reads no attributes, so any index can be counted.
    if let Some(index) = index
        && !options.count_only
    {
        match options.reads {
            Reads::Keys => {}
            Reads::Attributes(attributes) => check_index_holds::<ModelOf<E>>(index, attributes)?,
            Reads::Items => {
                check_index_holds::<ModelOf<E>>(index, ModelOf::<E>::SCHEMA.attributes)?
            }
        }
    }
    if <E::Schema as ReadItem>::SEVERAL_MODELS
        && !options.count_only
        && !matches!(options.reads, Reads::Items)
    {
        return Err(Error::Validation(format!(
            "`{}` is a collection of several entities: its queries and scans read whole items, each decoded as its entity; `keys_only` and `project` would read every item as one entity (query an entity's own table or index for those)",
            std::any::type_name::<ItemOf<E>>()
        )));
    }
    let cursor_attributes = cursor_attributes::<E::Schema>();
    if let Some(cursor) = &options.start {
        cursor.check(table.name(), index.map(|i| i.name), &cursor_attributes)?;
    }
    let page_size = match options.page_size {
        None => None,
        Some(0) => {
            return Err(Error::Validation(
                "`page_size` must be at least 1".to_owned(),
            ));
        }
        Some(n) => Some(i32::try_from(n).unwrap_or(i32::MAX)),
    };
    if options.count_only && options.limit.is_some() {
        return Err(Error::Validation(
            "`count()` counts every item to the end of the read: remove `limit`".to_owned(),
        ));
    }
    if options.limit == Some(0) {
        return Err(Error::Validation("`limit` must be at least 1".to_owned()));
    }
    if options.max_requests == Some(0) {
        return Err(Error::Validation(
            "`max_requests` must be at least 1".to_owned(),
        ));
    }
    // Without a filter every request returns what it read, so a page needs no bound of its
    // own; with one, a filter that rejects everything would read to the end in one page.
    // An entity's read (or a collection's) keeps only its entities' items, by a filter on the
    // entity attribute: other entities sharing the key range are skipped by DynamoDB.
    let entities = <E::Schema as ReadItem>::ENTITIES.map(|e| e.condition());
    let filter = match (options.filter.clone(), entities) {
        (Some(user), Some(entities)) => Some(entities.and(user)),
        (Some(user), None) => Some(user),
        (None, entities) => entities,
    };
    let max_requests = options
        .max_requests
        .or(filter.is_some().then_some(FILTERED_REQUESTS_PER_PAGE));
    let filter = filter.as_ref().map(|f| p.condition(f)).transpose()?;
    // A global index holds only what it projects, and DynamoDB evaluates a filter on an
    // attribute it lacks as if the item had none: a count or a keys-only read would then be
    // silently wrong. (A local index fetches such attributes from the table.)
    if let Some(index) = index
        && filter.is_some()
        && index.kind == crate::model::IndexKind::Global
    {
        let missing = index.missing_attributes(&ModelOf::<E>::SCHEMA);
        let mut filtered: Vec<String> = p
            .attributes()
            .filter(|name| missing.contains(name))
            .map(str::to_owned)
            .collect();
        if !filtered.is_empty() {
            filtered.sort();
            return Err(Error::Validation(format!(
                "the filter reads {} of global index `{}`, which does not project it: DynamoDB would take every item as lacking it; add it to the index's `projection(include(..))` (or use `all`), or query the table",
                filtered
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                index.name
            )));
        }
    }
    // The key attributes are always read: a cursor resumes after an item's key.
    let projection = match (options.count_only, options.reads) {
        (true, _) | (false, Reads::Items) => None,
        (false, Reads::Keys) => Some(projection_names(&mut p, &cursor_attributes, &[])),
        (false, Reads::Attributes(attributes)) => {
            Some(projection_names(&mut p, attributes, &cursor_attributes))
        }
    };
    if let ReadKind::Query { key_condition, .. } = &operation {
        check_expression("KeyConditionExpression", key_condition)?;
    }
    if let Some(filter) = &filter {
        check_expression("FilterExpression", filter)?;
    }
    if let Some(projection) = &projection {
        check_expression("ProjectionExpression", projection)?;
    }
    let (names, values) = p.into_parts();
    Ok(Plan {
        client: table.client().clone(),
        table: table.name().to_owned(),
        index: index.map(|i| i.name),
        operation,
        filter,
        projection,
        names,
        values,
        consistent: options.consistent,
        page_size,
        max_requests,
        cursor_attributes,
        count_only: options.count_only,
        consumed_capacity: options.consumed_capacity,
    })
}

/// The builder methods queries and scans share, and their [`PagedRead`] impl: one definition,
/// so the two cannot drift apart. `$what` names the read in the docs ("query", "scan").
macro_rules! shared_read_methods {
    ($ty:ident, $what:literal) => {
        impl<E: ConsistentSource, T> $ty<E, T> {
            #[doc = concat!("A strongly consistent ", $what, " (the table and local indexes only: a global")]
            #[doc = "secondary index offers none, so there this method does not exist)."]
            pub fn consistent(mut self) -> Self {
                self.options.consistent = true;
                self
            }
        }

        impl<E: ReadSource, T: Send + 'static> PagedRead for $ty<E, T> {
            type Item = T;
            fn plan(&self) -> Result<Plan> {
                $ty::plan(self)
            }
            fn position(&self) -> (Option<&Cursor>, Option<usize>) {
                (self.options.start.as_ref(), self.options.limit)
            }
            fn decoder(&self) -> Decoder<T> {
                self.decode
            }
            fn resume(self, cursor: Cursor) -> Self {
                self.start_after(cursor)
            }
        }

        impl<E: ReadSource, T: Send + 'static> $ty<E, T> {
            /// Keeps only the items for which `condition` holds (DynamoDB's `FilterExpression`;
            /// it is applied after reading, so filtered-out items still cost read capacity).
            /// Several calls combine with AND.
            pub fn filter(mut self, condition: Condition<ModelOf<E>>) -> Self {
                self.options.add_filter(condition);
                self
            }

            /// At most `n` items in all: requests are sent until `n` items are found (after the
            /// filter) or the read ends.
            pub fn limit(mut self, n: usize) -> Self {
                self.options.limit = Some(n);
                self
            }

            /// How many items DynamoDB evaluates per request (its `Limit`); without it, each
            /// request reads up to 1 MB. It does not bound what a page returns when a `limit`
            /// is set.
            pub fn page_size(mut self, n: u32) -> Self {
                self.options.page_size = Some(n);
                self
            }

            /// At most `n` requests per page (per await, per item of `pages()`), with or
            /// without a `limit`. The default is 10 when a filter is set and no bound without
            /// one (then every request returns what it read). When the requests run out, the
            /// page holds what the filter let through so far, maybe nothing, and a cursor to go
            /// on: only a page without a cursor is the end. `stream()` reads on regardless.
            pub fn max_requests(mut self, n: u32) -> Self {
                self.options.max_requests = Some(n);
                self
            }

            /// Asks DynamoDB for the read capacity each request consumes
            /// (`ReturnConsumedCapacity = TOTAL`): pages and counts then carry it, summed over
            /// their requests, in `consumed_capacity`.
            pub fn return_consumed_capacity(mut self) -> Self {
                self.options.consumed_capacity = true;
                self
            }

            #[doc = concat!("Counts the items the ", $what, " matches, to its end: sends `Select = COUNT`")]
            /// and follows every `LastEvaluatedKey`, with the same key condition, index,
            /// filter, `page_size`, `consistent` and `start_after` as the read of items, and
            /// returns no items. [`Count`](crate::Count) holds the count, the scanned count
            /// (items read before the filter) and, when asked with
            /// [`return_consumed_capacity`](Self::return_consumed_capacity), the capacity
            /// consumed. `max_requests` does not apply (a count has no pages); a `limit` is
            /// [`Error::Validation`](crate::Error::Validation). Any index can be counted,
            /// whatever its projection.
            pub fn count(mut self) -> futures::future::BoxFuture<'static, Result<crate::Count>> {
                self.options.count_only = true;
                let plan = self.plan();
                let start = self
                    .options
                    .start
                    .as_ref()
                    .map(|c| c.exclusive_start_key().clone());
                Box::pin(async move { plan?.count(start).await })
            }

            #[doc = concat!("Resumes after `cursor`, from a previous page of the same ", $what, ".")]
            pub fn start_after(mut self, cursor: Cursor) -> Self {
                self.options.start = Some(cursor);
                self
            }

            /// Every item of every page (at most `limit`), as a stream; pages are fetched as the
            /// stream is polled.
            pub fn stream(self) -> impl futures::Stream<Item = Result<T>> + Send + 'static {
                read_items(self)
            }

            /// The pages, each with the cursor that resumes after it (at most `limit` items per
            /// page when a limit is set): for checkpointing a long read.
            pub fn pages(self) -> impl futures::Stream<Item = Result<Page<T>>> + Send + 'static {
                read_pages(self)
            }
        }
    };
}
pub(crate) use shared_read_methods;

/// A query of one partition of the table or of an index. Await it for a [`Page`]; call
/// [`stream`](Self::stream) for every item of every page.
///
/// Without a `limit`, a page is what one request returns (up to 1 MB, or `page_size` items
/// evaluated), skipping responses a filter emptied; with `limit(n)`, requests are sent until
/// `n` items are found or the partition ends, and the cursor resumes right after the last item
/// returned. A filtered page sends at most [`max_requests`](Self::max_requests) requests (10 by
/// default), so it may hold fewer items than asked for, or none, with a cursor to go on.
#[must_use = "a query does nothing until it is awaited or streamed"]
pub struct Query<E: ReadSource, T = ItemOf<E>> {
    source: E,
    /// The partition key attributes and their values.
    hash: Result<Vec<(&'static str, AttributeValue)>, EncodeError>,
    /// The sort key attributes and the condition on them.
    range: Option<(&'static [&'static str], RangeCondition<()>)>,
    descending: bool,
    options: ReadOptions<ModelOf<E>>,
    decode: Decoder<T>,
}

impl<E: ReadSource, T> Clone for Query<E, T> {
    fn clone(&self) -> Self {
        Query {
            source: self.source.clone(),
            hash: self.hash.clone(),
            range: self.range.clone(),
            descending: self.descending,
            options: self.options.clone(),
            decode: self.decode,
        }
    }
}

impl<E: ReadSource, T> std::fmt::Debug for Query<E, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("table", &self.source.table_ref().name())
            .field("index", &<E::Schema as KeySchema>::INDEX.map(|i| i.name))
            .field("hash", &self.hash)
            .field("range", &self.range)
            .field("descending", &self.descending)
            .field("options", &self.options)
            .finish()
    }
}

impl<E: ReadSource> Query<E> {
    pub(crate) fn new(source: E, hash: <E::Schema as KeySchema>::Hash) -> Self {
        Query {
            hash: hash.encode_parts(
                <E::Schema as KeySchema>::HASH_ATTRIBUTES,
                KeyRole::Partition,
            ),
            source,
            range: None,
            descending: false,
            options: ReadOptions {
                reads: Reads::default_of::<E::Schema>(),
                ..ReadOptions::default()
            },
            decode: <E::Schema as ReadItem>::decode,
        }
    }

    /// Reads only the primary keys of the items (`PostKey`s): what a `keys_only` index holds.
    /// Fetch the items with `batch_get` when needed.
    pub fn keys_only(self) -> Query<E, KeyOf<E>> {
        Query {
            source: self.source,
            hash: self.hash,
            range: self.range,
            descending: self.descending,
            options: ReadOptions {
                reads: Reads::Keys,
                ..self.options
            },
            decode: decode_key::<ModelOf<E>>,
        }
    }

    /// Reads the items as the projection `P` (a struct deriving `DynamoProjection` of this
    /// model), sending a `ProjectionExpression` of its attributes and of the key attributes
    /// a cursor needs. On an index that does not hold all of `P`'s attributes, awaiting or
    /// streaming it is [`Error::IndexProjection`] before anything is sent.
    pub fn project<P: DynamoProjection<Model = ModelOf<E>>>(self) -> Query<E, P> {
        Query {
            source: self.source,
            hash: self.hash,
            range: self.range,
            descending: self.descending,
            options: ReadOptions {
                reads: Reads::Attributes(P::ATTRIBUTES),
                ..self.options
            },
            decode: P::from_item,
        }
    }
}

impl<E: ReadSource, T> Query<E, T>
where
    E::Schema: RangeKeySchema,
{
    /// Narrows a sort key of one attribute: `RangeCondition::between(1, 99)`,
    /// `RangeCondition::begins_with("2024-")`. A sort key of several attributes is narrowed
    /// with [`sort_key`](Self::sort_key).
    pub fn range(
        mut self,
        condition: RangeCondition<<E::Schema as RangeKeySchema>::Range>,
    ) -> Self {
        self.range = Some((
            <E::Schema as RangeKeySchema>::RANGE_ATTRIBUTES,
            condition.untyped(),
        ));
        self
    }

    /// Narrows the sort key attribute by attribute, left to right, as DynamoDB requires of a
    /// sort key of several attributes (a global secondary index's): `eq` on each leading
    /// attribute, then at most one range operator on the next, `.sort_key(|s|
    /// s.eq("open").ge(since))`. Anything else does not compile (see [`SortKey`]); a closure
    /// that names no attribute (`|s| s`) reads the whole partition. Works on a sort key of one
    /// attribute too.
    pub fn sort_key<C>(
        mut self,
        build: impl FnOnce(SortKey<<E::Schema as RangeKeySchema>::Range>) -> C,
    ) -> Self
    where
        C: IntoRange<<E::Schema as RangeKeySchema>::Range>,
    {
        let condition = build(SortKey::start()).into_range();
        // `|s| s` names no attribute: the whole partition, as without `sort_key`
        self.range = (!condition.is_empty()).then(|| {
            (
                <E::Schema as RangeKeySchema>::RANGE_ATTRIBUTES,
                condition.untyped(),
            )
        });
        self
    }
}

impl<E: ReadSource, T: Send + 'static> Query<E, T> {
    /// Ascending sort-key order (the default).
    pub fn ascending(mut self) -> Self {
        self.descending = false;
        self
    }

    /// Descending sort-key order.
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    fn plan(&self) -> Result<Plan> {
        let hash = self.hash.clone()?;
        if let Some(cursor) = &self.options.start {
            for (name, value) in &hash {
                if !cursor
                    .exclusive_start_key()
                    .get(*name)
                    .is_some_and(|stored| same_key_value(stored, value))
                {
                    return Err(CursorError::OtherPartition {
                        attribute: (*name).to_owned(),
                    }
                    .into());
                }
            }
        }
        let mut p = Placeholders::default();
        let mut clauses = Vec::with_capacity(hash.len() + 1);
        for (name, value) in hash {
            clauses.push(format!("{} = {}", p.name(name), p.value(value)));
        }
        if let Some((names, range)) = &self.range {
            clauses.push(range.render(names, &mut p)?);
        }
        let key_condition = clauses.join(" AND ");
        make_plan(
            &self.source,
            &self.options,
            p,
            ReadKind::Query {
                key_condition,
                descending: self.descending,
            },
        )
    }
}

impl<E: ReadSource, T: Send + 'static> IntoFuture for Query<E, T> {
    type Output = Result<Page<T>>;
    type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(read_page(self))
    }
}

shared_read_methods!(Query, "query");
