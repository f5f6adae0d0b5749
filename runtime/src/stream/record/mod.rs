//! Stream records: the raw form every source turns into, the typed [`Record`], the traits the
//! derive implements, and the decoding between them.
//!
//! Decoding is strict. The event name must be `INSERT`, `MODIFY` or `REMOVE`; the record must
//! carry a sequence number and an event id; every image the model's view type promises must be
//! there and decode into the model. Anything else is an [`Error::StreamRecord`] naming the
//! record's sequence number, the image and the attribute.

use std::time::SystemTime;

use crate::codec::Item;
use crate::error::{Error, RecordError, Result};
use crate::model::DynamoModel;

use super::handler::TableHandler;

mod view;

pub(crate) use self::view::Slot;
#[cfg(feature = "json")]
pub(crate) use self::view::images_used;
pub use self::view::*;

/// What happened to the item: DynamoDB's event name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `INSERT`: a new item was written.
    Insert,
    /// `MODIFY`: an existing item was changed.
    Modify,
    /// `REMOVE`: an item was deleted, by a user or by TTL.
    Remove,
}

impl EventKind {
    /// DynamoDB's name for it (`INSERT`, `MODIFY`, `REMOVE`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Insert => "INSERT",
            EventKind::Modify => "MODIFY",
            EventKind::Remove => "REMOVE",
        }
    }

    /// Parses DynamoDB's event name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "INSERT" => Some(EventKind::Insert),
            "MODIFY" => Some(EventKind::Modify),
            "REMOVE" => Some(EventKind::Remove),
            _ => None,
        }
    }
}

/// Who made a change, as a stream record reports it. DynamoDB sets it only for deletions made by
/// its TTL process.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserIdentity {
    /// `Service` for TTL deletions.
    pub identity_type: String,
    /// `dynamodb.amazonaws.com` for TTL deletions.
    pub principal_id: String,
}

impl UserIdentity {
    /// The identity DynamoDB's TTL process writes on the records of the items it deletes.
    pub fn ttl() -> Self {
        UserIdentity {
            identity_type: TTL_TYPE.to_owned(),
            principal_id: TTL_PRINCIPAL.to_owned(),
        }
    }

    /// True for DynamoDB's TTL process: type `Service`, principal `dynamodb.amazonaws.com`.
    pub fn is_ttl(&self) -> bool {
        self.identity_type == TTL_TYPE && self.principal_id == TTL_PRINCIPAL
    }
}

const TTL_TYPE: &str = "Service";
const TTL_PRINCIPAL: &str = "dynamodb.amazonaws.com";

/// A stream record before it is decoded into a model's event: what Lambda events, DynamoDB
/// Streams `GetRecords` answers and Kinesis payloads all turn into. A [`Router`](super::Router)
/// looks at it to choose a route; [`StreamEvent::from_raw`] decodes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawRecord {
    /// `INSERT`, `MODIFY` or `REMOVE` (anything else fails to decode).
    pub event_name: String,
    /// The record's position in its shard (for a Kinesis record, the Kinesis sequence number):
    /// what a Lambda batch item failure or a checkpoint names.
    pub sequence_number: Option<String>,
    /// A unique id of the event.
    pub event_id: Option<String>,
    /// When the change was made, approximately.
    pub approximate_creation_time: Option<SystemTime>,
    /// The stream's ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`), when the
    /// source gives it.
    pub event_source_arn: Option<String>,
    /// The table's full name, when the source gives it without an ARN (Kinesis payloads, a
    /// consumer that knows its table).
    pub table_name: Option<String>,
    /// The record's size in bytes.
    pub size_bytes: Option<u64>,
    /// The view type the record states (`NEW_AND_OLD_IMAGES`, ...), when it states one.
    pub view_type: Option<String>,
    /// The primary key of the changed item.
    pub keys: Option<Item>,
    /// The item after the change.
    pub new_image: Option<Item>,
    /// The item before the change.
    pub old_image: Option<Item>,
    /// Who made the change (set by DynamoDB for TTL deletions only).
    pub user_identity: Option<UserIdentity>,
}

impl RawRecord {
    /// The table's full name (with any prefix): the one the source names, or the one in the
    /// event source ARN.
    pub fn table(&self) -> Option<&str> {
        self.table_name
            .as_deref()
            .or_else(|| self.event_source_arn.as_deref().and_then(table_from_arn))
    }

    /// True when DynamoDB's TTL process deleted the item.
    pub fn is_ttl_removal(&self) -> bool {
        self.event_name == "REMOVE" && self.user_identity.as_ref().is_some_and(|u| u.is_ttl())
    }

    /// The value of a top-level attribute, from the new image, else the old image, else the keys.
    pub fn attribute(&self, name: &str) -> Option<&aws_sdk_dynamodb::types::AttributeValue> {
        [&self.new_image, &self.old_image, &self.keys]
            .into_iter()
            .flatten()
            .find_map(|item| item.get(name))
    }

    /// A record read with `aws-sdk-dynamodbstreams` (`GetRecords`). The SDK record names no
    /// table: set `table_name` when a [`Router`](super::Router) is to route it.
    pub fn from_streams(record: aws_sdk_dynamodbstreams::types::Record) -> Result<Self> {
        super::convert::streams_record(record)
    }

    /// A record of a Lambda DynamoDB event (`aws_lambda_events`).
    #[cfg(feature = "lambda")]
    pub fn from_lambda(record: &aws_lambda_events::event::dynamodb::EventRecord) -> Result<Self> {
        super::convert::from_lambda(record)
    }

    /// Decodes the record into `E`, the event of a model.
    pub fn decode<E: StreamEvent>(self) -> Result<Record<E>> {
        E::from_raw(self)
    }

    pub(crate) fn error(&self, problem: RecordError) -> Error {
        Error::StreamRecord {
            sequence_number: self.sequence_number.clone(),
            problem,
        }
    }
}

/// The table name in a stream ARN: `arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`.
///
/// Any partition and region (`aws-us-gov`, `us-gov-west-1`, `cn-north-1`) and any valid table
/// name (letters, digits, `_`, `-`, `.`) are accepted. The stream label is a timestamp with
/// colons in it, so the ARN is split on its first five colons only.
pub fn table_from_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some("dynamodb"), Some(_region), Some(_account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let resource = parts.next()?;
    let rest = resource.strip_prefix("table/")?;
    let name = rest.split('/').next()?;
    (!name.is_empty()).then_some(name)
}

/// A decoded stream record: the model's typed event and the record's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<E> {
    /// What happened, typed by the model (`PostEvent`), or for per-kind handlers the part of it
    /// that kind carries.
    pub event: E,
    /// The record's position in its shard: what a Lambda batch item failure or a checkpoint
    /// names.
    pub sequence_number: String,
    /// A unique id of the event (the same change delivered twice has the same id).
    pub event_id: String,
    /// When the change was made, approximately (DynamoDB Streams: to the second; Kinesis: to
    /// the millisecond or microsecond).
    pub approximate_creation_time: Option<SystemTime>,
    /// The table's full name, from the event source ARN or the Kinesis payload, when the source
    /// gives one.
    pub table: Option<String>,
    /// The record's size in bytes, as DynamoDB reports it.
    pub size_bytes: Option<u64>,
}

impl<E> Record<E> {
    /// The same metadata with another event (per-kind handlers get the part of the event their
    /// kind carries).
    pub fn map<F>(self, f: impl FnOnce(E) -> F) -> Record<F> {
        let (event, meta) = self.split();
        meta.with(f(event))
    }

    /// The event, and the metadata alone.
    pub fn split(self) -> (E, Record<()>) {
        let Record {
            event,
            sequence_number,
            event_id,
            approximate_creation_time,
            table,
            size_bytes,
        } = self;
        let meta = Record {
            event: (),
            sequence_number,
            event_id,
            approximate_creation_time,
            table,
            size_bytes,
        };
        (event, meta)
    }
}

impl Record<()> {
    /// The metadata with an event.
    pub fn with<E>(self, event: E) -> Record<E> {
        Record {
            event,
            sequence_number: self.sequence_number,
            event_id: self.event_id,
            approximate_creation_time: self.approximate_creation_time,
            table: self.table,
            size_bytes: self.size_bytes,
        }
    }
}

/// A model whose table has a stream: the derive implements it for models declaring
/// `stream = "..."`, with the generated event type (`PostEvent`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no stream events: its model declares no `stream`",
    label = "this model has no stream",
    note = "add `stream = \"new_and_old_images\"` (or `new_image`, `old_image`, `keys_only`) to the model's `#[dynamo(...)]` attribute: the derive then generates its event type and `create_table` turns the stream on"
)]
pub trait StreamModel: DynamoModel {
    /// The view type the model declares, as a type: it decides what each event carries.
    type View: ViewType;
    /// The model's event (`PostEvent`).
    type Event: StreamEvent<Model = Self>;
}

/// The event type of a model with a stream: `EventOf<Post>` is `PostEvent`.
pub type EventOf<M> = <M as StreamModel>::Event;
/// What an `INSERT` of model `M` carries (its `Insert` variant's fields).
pub type InsertOf<M> = <<M as StreamModel>::View as ViewType>::Insert<M>;
/// What a `MODIFY` of model `M` carries (its `Modify` variant's fields).
pub type ModifyOf<M> = <<M as StreamModel>::View as ViewType>::Modify<M>;
/// What a `REMOVE` of model `M` carries (its `Remove` variant's fields).
pub type RemoveOf<M> = <<M as StreamModel>::View as ViewType>::Remove<M>;
/// An event of model `M` as the three kinds' payloads.
pub type ChangeOf<M> = Change<InsertOf<M>, ModifyOf<M>, RemoveOf<M>>;

/// The typed event of a model's stream: implemented by the derive for `{Model}Event`.
///
/// Bring it into scope to decode records: `PostEvent::from_streams(&record)`,
/// `PostEvent::from_lambda(&record)` (feature `lambda`).
pub trait StreamEvent: Sized + Send + Sync + 'static {
    /// The model whose stream this is.
    type Model: StreamModel<Event = Self>;

    /// The primary key of the changed item: every event has it, whatever the view type.
    fn key(&self) -> <Self::Model as DynamoModel>::Key;

    /// Insert, modify or remove.
    fn kind(&self) -> EventKind;

    /// The event from its kind's payload.
    fn from_change(change: ChangeOf<Self::Model>) -> Self;

    /// The event as its kind's payload.
    fn into_change(self) -> ChangeOf<Self::Model>;

    /// Decodes a raw record. (`from_streams` and `from_kinesis` go through it; `from_lambda`
    /// decodes the Lambda record's images in place instead, to the same result.)
    fn from_raw(record: RawRecord) -> Result<Record<Self>> {
        decode(record)
    }

    /// Decodes a record read with `aws-sdk-dynamodbstreams` (`GetRecords`). The SDK record has
    /// no table name: `table` is `None`.
    fn from_streams(record: &aws_sdk_dynamodbstreams::types::Record) -> Result<Record<Self>> {
        Self::from_raw(super::convert::from_streams(record)?)
    }

    /// Decodes a record of a Lambda DynamoDB event (`aws_lambda_events`).
    #[cfg(feature = "lambda")]
    fn from_lambda(
        record: &aws_lambda_events::event::dynamodb::EventRecord,
    ) -> Result<Record<Self>> {
        super::typed_lambda::decode(record)
    }

    /// Decodes a record of a Lambda Kinesis event carrying a DynamoDB change (Kinesis Data
    /// Streams for DynamoDB). Its sequence number is the Kinesis record's.
    #[cfg(feature = "lambda")]
    fn from_kinesis(
        record: &aws_lambda_events::event::kinesis::KinesisEventRecord,
    ) -> Result<Record<Self>> {
        Self::from_raw(super::json::from_kinesis_record(record)?)
    }

    /// Decodes the data of a Kinesis record carrying a DynamoDB change (the JSON document, after
    /// base64 decoding), with the Kinesis record's sequence number.
    #[cfg(feature = "json")]
    fn from_kinesis_data(data: &[u8], sequence_number: &str) -> Result<Record<Self>> {
        Self::from_raw(super::json::from_kinesis_data(data, sequence_number)?)
    }

    /// A handler for this model's records, per kind: `PostEvent::handler().on_insert(...)`.
    fn handler() -> TableHandler<Self::Model> {
        TableHandler::new()
    }
}

/// An event as one of three kinds, each with the payload the view type gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<I, M, R> {
    /// An `INSERT`.
    Insert(I),
    /// A `MODIFY`.
    Modify(M),
    /// A `REMOVE`.
    Remove(R),
}

/// Decodes a raw record into a model's event (what [`StreamEvent::from_raw`] does).
fn decode<E: StreamEvent>(mut raw: RawRecord) -> Result<Record<E>> {
    let images = Images::new(
        raw.keys.take().map(Slot::Item),
        raw.new_image.take().map(Slot::Item),
        raw.old_image.take().map(Slot::Item),
    );
    assemble(Meta::from(raw), images)
}

/// A record's event name, as read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EventName {
    Known(EventKind),
    Unknown(String),
    Missing,
}

impl EventName {
    pub(crate) fn parse(name: &str) -> Self {
        match EventKind::parse(name) {
            Some(kind) => EventName::Known(kind),
            None if name.is_empty() => EventName::Missing,
            None => EventName::Unknown(name.to_owned()),
        }
    }
}

/// What a record says besides its images.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meta {
    pub(crate) event_name: EventName,
    pub(crate) sequence_number: Option<String>,
    pub(crate) event_id: Option<String>,
    pub(crate) approximate_creation_time: Option<SystemTime>,
    pub(crate) event_source_arn: Option<String>,
    pub(crate) table_name: Option<String>,
    pub(crate) size_bytes: Option<u64>,
    pub(crate) view_type: Option<std::borrow::Cow<'static, str>>,
    pub(crate) user_identity: Option<UserIdentity>,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            event_name: EventName::Missing,
            sequence_number: None,
            event_id: None,
            approximate_creation_time: None,
            event_source_arn: None,
            table_name: None,
            size_bytes: None,
            view_type: None,
            user_identity: None,
        }
    }
}

impl Meta {
    pub(crate) fn error(&self, problem: RecordError) -> Error {
        Error::StreamRecord {
            sequence_number: self.sequence_number.clone(),
            problem,
        }
    }

    /// The raw record with these fields and `images` (`[Keys, NewImage, OldImage]`).
    #[cfg(feature = "json")]
    pub(crate) fn into_raw(self, [keys, new_image, old_image]: [Option<Item>; 3]) -> RawRecord {
        RawRecord {
            event_name: match self.event_name {
                EventName::Known(kind) => kind.as_str().to_owned(),
                EventName::Unknown(name) => name,
                EventName::Missing => String::new(),
            },
            sequence_number: self.sequence_number,
            event_id: self.event_id,
            approximate_creation_time: self.approximate_creation_time,
            event_source_arn: self.event_source_arn,
            table_name: self.table_name,
            size_bytes: self.size_bytes,
            view_type: self.view_type.map(std::borrow::Cow::into_owned),
            keys,
            new_image,
            old_image,
            user_identity: self.user_identity,
        }
    }
}

impl From<RawRecord> for Meta {
    fn from(raw: RawRecord) -> Self {
        Meta {
            event_name: EventName::parse(&raw.event_name),
            sequence_number: raw.sequence_number,
            event_id: raw.event_id,
            approximate_creation_time: raw.approximate_creation_time,
            event_source_arn: raw.event_source_arn,
            table_name: raw.table_name,
            size_bytes: raw.size_bytes,
            view_type: raw.view_type.map(std::borrow::Cow::Owned),
            user_identity: raw.user_identity,
        }
    }
}

/// A record's event from its metadata and its images.
pub(crate) fn assemble<E: StreamEvent>(
    mut meta: Meta,
    mut images: Images<E::Model>,
) -> Result<Record<E>> {
    let kind = match std::mem::replace(&mut meta.event_name, EventName::Missing) {
        EventName::Known(kind) => kind,
        EventName::Unknown(name) => return Err(meta.error(RecordError::UnknownEventName(name))),
        EventName::Missing => {
            return Err(meta.error(RecordError::Malformed(
                "it has no event name (`eventName`)".to_owned(),
            )));
        }
    };
    let Some(sequence_number) = meta.sequence_number.take() else {
        return Err(meta.error(RecordError::Malformed(
            "it has no sequence number".to_owned(),
        )));
    };
    let Some(event_id) = meta.event_id.take().filter(|id| !id.is_empty()) else {
        return Err(Error::StreamRecord {
            sequence_number: Some(sequence_number),
            problem: RecordError::Malformed("it has no event id".to_owned()),
        });
    };
    images.expired =
        kind == EventKind::Remove && meta.user_identity.as_ref().is_some_and(|u| u.is_ttl());
    let table = match meta.table_name {
        Some(name) => Some(name),
        None => meta
            .event_source_arn
            .as_deref()
            .and_then(table_from_arn)
            .map(str::to_owned),
    };
    images.view = meta.view_type;
    let change = match kind {
        EventKind::Insert => {
            <InsertOf<E::Model> as Payload<E::Model>>::decode(&mut images).map(Change::Insert)
        }
        EventKind::Modify => {
            <ModifyOf<E::Model> as Payload<E::Model>>::decode(&mut images).map(Change::Modify)
        }
        EventKind::Remove => {
            <RemoveOf<E::Model> as Payload<E::Model>>::decode(&mut images).map(Change::Remove)
        }
    };
    match change {
        Ok(change) => Ok(Record {
            event: E::from_change(change),
            sequence_number,
            event_id,
            approximate_creation_time: meta.approximate_creation_time,
            table,
            size_bytes: meta.size_bytes,
        }),
        Err(problem) => Err(Error::StreamRecord {
            sequence_number: Some(sequence_number),
            problem,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::table_from_arn;

    #[test]
    fn table_names_from_stream_arns() {
        let cases = [
            (
                "arn:aws:dynamodb:us-east-1:123456789012:table/blog_posts/stream/2024-01-01T00:00:00.000",
                Some("blog_posts"),
            ),
            (
                "arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/my-table.v2/stream/2015-06-27T00:48:05.899",
                Some("my-table.v2"),
            ),
            (
                "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/A.b-C_d/stream/label",
                Some("A.b-C_d"),
            ),
            (
                "arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x",
                Some("t"),
            ),
            ("arn:aws:s3:::bucket", None),
            ("arn:aws:dynamodb:us-east-1:1:index/x", None),
            ("table/x", None),
            ("", None),
            ("arn:aws:dynamodb:us-east-1:1:table//stream/x", None),
        ];
        for (arn, table) in cases {
            assert_eq!(table_from_arn(arn), table, "{arn}");
        }
    }
}
