//! A test kit for stream handlers (feature `lambda`): Lambda events built from model values.
//!
//! `aws_lambda_events` 1.x types are `#[non_exhaustive]` and cannot be written as literals;
//! [`TestEvent`] writes the event DynamoDB would send for inserts, modifications, deletions and
//! TTL expiries of your models, with the images their view type carries, as JSON, as an
//! `aws_lambda_events` event, as a [`Batch`], or wrapped in Kinesis records.
//!
//! ```
//! # use dynamo_types_runtime as dynamo_types;
//! # use dynamo_types::stream::{StreamModel, testing::TestEvent};
//! # fn event<Post: StreamModel>(post: &Post, edited: &Post) -> dynamo_types::Result<()> {
//! let event = TestEvent::new()
//!     .insert(post)
//!     .modify(post, edited)
//!     .expire(edited)
//!     .to_lambda_event()?; // aws_lambda_events::event::dynamodb::Event
//! # let _ = event; Ok(()) }
//! ```

use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::codec::Item;
use crate::error::{Error, Result};
use crate::model::{DynamoModel, ModelKey, StreamView};
use crate::write::item_size;

use super::json::Batch;
use super::record::{EventKind, StreamModel, UserIdentity, ViewType};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Builds the Lambda event DynamoDB Streams would send for changes to model values.
///
/// Records get increasing sequence numbers (21 digits, as DynamoDB writes them), unique event
/// ids, the stream ARN of their model's table (with the table prefix), and a creation time one
/// second after the previous record's.
#[derive(Debug, Clone)]
pub struct TestEvent {
    prefix: String,
    region: String,
    account: String,
    next: u64,
    start: SystemTime,
    records: Vec<Value>,
    error: Option<String>,
}

impl Default for TestEvent {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEvent {
    /// An empty event: no table prefix, region `us-east-1`, account `123456789012`.
    pub fn new() -> Self {
        TestEvent {
            prefix: String::new(),
            region: "us-east-1".to_owned(),
            account: "123456789012".to_owned(),
            next: 1,
            start: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            records: Vec::new(),
            error: None,
        }
    }

    /// An empty event whose tables carry `client`'s table prefix.
    pub fn for_client(client: &Client) -> Self {
        Self::new().table_prefix(client.table_prefix())
    }

    /// Puts `prefix` in front of the table names of the records added after this.
    pub fn table_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The region in the stream ARNs of the records added after this.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// An `INSERT` of `new`.
    pub fn insert<M: StreamModel>(self, new: &M) -> Self {
        self.change(EventKind::Insert, None, Some(new), false)
    }

    /// A `MODIFY` from `old` to `new` (both must have the same key).
    pub fn modify<M: StreamModel>(self, old: &M, new: &M) -> Self {
        self.change(EventKind::Modify, Some(old), Some(new), false)
    }

    /// A `REMOVE` of `old` by a user.
    pub fn remove<M: StreamModel>(self, old: &M) -> Self {
        self.change(EventKind::Remove, Some(old), None, false)
    }

    /// A `REMOVE` of `old` by DynamoDB's TTL process (it had expired).
    pub fn expire<M: StreamModel>(self, old: &M) -> Self {
        self.change(EventKind::Remove, Some(old), None, true)
    }

    /// A record written as JSON by hand (a malformed one, say), in the place of the next
    /// sequence number (read it first with [`next_sequence_number`](Self::next_sequence_number)).
    pub fn raw_record(mut self, record: Value) -> Self {
        self.next += 1;
        self.records.push(record);
        self
    }

    /// The sequence number the next record will get.
    pub fn next_sequence_number(&self) -> String {
        sequence_number(self.next)
    }

    fn change<M: StreamModel>(
        mut self,
        kind: EventKind,
        old: Option<&M>,
        new: Option<&M>,
        expired: bool,
    ) -> Self {
        match self.record(kind, old, new, expired) {
            Ok(record) => self.records.push(record),
            Err(e) => {
                self.error.get_or_insert(e.to_string());
            }
        }
        self
    }

    fn record<M: StreamModel>(
        &mut self,
        kind: EventKind,
        old: Option<&M>,
        new: Option<&M>,
        expired: bool,
    ) -> Result<Value> {
        if let (Some(old), Some(new)) = (old, new)
            && old.key() != new.key()
        {
            return Err(Error::Validation(
                "a modification keeps the item's key: `old` and `new` have different keys"
                    .to_owned(),
            ));
        }
        let view = <M::View as ViewType>::VIEW;
        let key = new
            .or(old)
            .map(DynamoModel::key)
            .ok_or_else(|| Error::Validation("a change needs an item".to_owned()))?;
        let keys = key.to_key_item()?;
        let (with_new, with_old) = match view {
            StreamView::NewAndOldImages => (true, true),
            StreamView::NewImage => (true, false),
            StreamView::OldImage => (false, true),
            StreamView::KeysOnly => (false, false),
        };
        let new_image = match new {
            Some(m) if with_new => Some(m.to_item()?),
            _ => None,
        };
        let old_image = match old {
            Some(m) if with_old => Some(m.to_item()?),
            _ => None,
        };
        let size = item_size(&keys)
            + new_image.as_ref().map_or(0, item_size)
            + old_image.as_ref().map_or(0, item_size);
        let number = self.next;
        self.next += 1;
        let time = self.start + Duration::from_secs(number);
        let seconds = time
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let table = format!("{}{}", self.prefix, M::SCHEMA.table);
        let mut change = Map::new();
        change.insert("ApproximateCreationDateTime".into(), json!(seconds));
        change.insert("Keys".into(), item_json(&keys));
        if let Some(item) = &new_image {
            change.insert("NewImage".into(), item_json(item));
        }
        if let Some(item) = &old_image {
            change.insert("OldImage".into(), item_json(item));
        }
        change.insert("SequenceNumber".into(), json!(sequence_number(number)));
        change.insert("SizeBytes".into(), json!(size));
        change.insert("StreamViewType".into(), json!(view_name(view)));
        let mut record = Map::new();
        record.insert("eventID".into(), json!(format!("{number:032x}")));
        record.insert("eventName".into(), json!(kind.as_str()));
        record.insert("eventVersion".into(), json!("1.1"));
        record.insert("eventSource".into(), json!("aws:dynamodb"));
        record.insert("awsRegion".into(), json!(self.region));
        record.insert("dynamodb".into(), Value::Object(change));
        record.insert(
            "eventSourceARN".into(),
            json!(format!(
                "arn:aws:dynamodb:{}:{}:table/{table}/stream/2024-01-01T00:00:00.000",
                self.region, self.account
            )),
        );
        if expired {
            let identity = UserIdentity::ttl();
            record.insert(
                "userIdentity".into(),
                json!({ "type": identity.identity_type, "principalId": identity.principal_id }),
            );
        }
        Ok(Value::Object(record))
    }

    fn check(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(Error::Validation(format!(
                "cannot build the test event: {e}"
            ))),
            None => Ok(()),
        }
    }

    /// The records, as Lambda writes them.
    pub fn records(&self) -> Result<Vec<Value>> {
        self.check()?;
        Ok(self.records.clone())
    }

    /// The event as JSON: `{"Records": [...]}`.
    pub fn to_json(&self) -> Result<String> {
        Ok(json!({ "Records": self.records()? }).to_string())
    }

    /// The event as `aws_lambda_events` reads it.
    pub fn to_lambda_event(&self) -> Result<aws_lambda_events::event::dynamodb::Event> {
        serde_json::from_str(&self.to_json()?)
            .map_err(|e| Error::Validation(format!("aws_lambda_events cannot read the event: {e}")))
    }

    /// The event as [`Batch`], as [`lambda::run`](crate::lambda::run) reads it.
    pub fn to_batch(&self) -> Result<Batch> {
        Batch::from_json(self.to_json()?.as_bytes())
    }

    /// The same changes as Kinesis Data Streams for DynamoDB delivers them to Lambda: each
    /// record's change document (with `tableName`, and the creation time in milliseconds) is
    /// base64 data of a Kinesis record. The Kinesis sequence numbers are the records'.
    pub fn to_kinesis_json(&self) -> Result<String> {
        let mut out = Vec::new();
        for record in self.records()? {
            let Value::Object(mut record) = record else {
                continue;
            };
            let sequence = record
                .get("dynamodb")
                .and_then(|d| d.get("SequenceNumber"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if let Some(Value::Object(change)) = record.get_mut("dynamodb") {
                change.remove("SequenceNumber");
                change.remove("StreamViewType");
                if let Some(seconds) = change
                    .get("ApproximateCreationDateTime")
                    .and_then(Value::as_u64)
                {
                    change.insert("ApproximateCreationDateTime".into(), json!(seconds * 1000));
                }
                change.insert(
                    "ApproximateCreationDateTimePrecision".into(),
                    json!("MILLISECOND"),
                );
            }
            let table = record
                .get("eventSourceARN")
                .and_then(Value::as_str)
                .and_then(super::record::table_from_arn)
                .unwrap_or_default()
                .to_owned();
            record.remove("eventSourceARN");
            record.remove("eventVersion");
            record.insert("tableName".into(), json!(table));
            record.insert("recordFormat".into(), json!("application/json"));
            let data = BASE64.encode(Value::Object(record).to_string());
            out.push(json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": "0",
                    "sequenceNumber": sequence,
                    "data": data,
                    "approximateArrivalTimestamp": 1_700_000_000.5,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{sequence}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda",
                "awsRegion": self.region,
                "eventSourceARN": format!("arn:aws:kinesis:{}:{}:stream/ddb-changes", self.region, self.account),
            }));
        }
        Ok(json!({ "Records": out }).to_string())
    }

    /// The Kinesis form as `aws_lambda_events` reads it.
    pub fn to_kinesis_event(&self) -> Result<aws_lambda_events::event::kinesis::KinesisEvent> {
        serde_json::from_str(&self.to_kinesis_json()?)
            .map_err(|e| Error::Validation(format!("aws_lambda_events cannot read the event: {e}")))
    }
}

fn sequence_number(n: u64) -> String {
    format!("{:021}", n * 100)
}

fn view_name(view: StreamView) -> &'static str {
    match view {
        StreamView::KeysOnly => "KEYS_ONLY",
        StreamView::NewImage => "NEW_IMAGE",
        StreamView::OldImage => "OLD_IMAGE",
        StreamView::NewAndOldImages => "NEW_AND_OLD_IMAGES",
    }
}

/// An item in DynamoDB's JSON.
pub fn item_json(item: &Item) -> Value {
    Value::Object(
        item.iter()
            .map(|(name, value)| (name.clone(), value_json(value)))
            .collect(),
    )
}

/// One attribute value in DynamoDB's JSON (`{"S": "..."}`).
pub fn value_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": BASE64.encode(b.as_ref()) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(b) => json!({ "NULL": b }),
        AttributeValue::Ss(v) => json!({ "SS": v }),
        AttributeValue::Ns(v) => json!({ "NS": v }),
        AttributeValue::Bs(v) => {
            json!({ "BS": v.iter().map(|b| BASE64.encode(b.as_ref())).collect::<Vec<_>>() })
        }
        AttributeValue::L(list) => json!({ "L": list.iter().map(value_json).collect::<Vec<_>>() }),
        AttributeValue::M(map) => json!({ "M": item_json(map) }),
        // a type newer than this SDK cannot be written back: left as a value no reader takes
        _ => json!({ "UNKNOWN": null }),
    }
}
