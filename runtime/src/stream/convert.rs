//! Fallible conversions of other crates' stream records into [`RawRecord`]s.
//!
//! `aws-sdk-dynamodbstreams` has an `AttributeValue` of its own, with an `Unknown` variant for
//! types newer than the SDK (serde_dynamo's conversion panics on it). Here an unknown value, or
//! one nested deeper than DynamoDB allows, is an [`Error::StreamRecord`] naming the record's
//! sequence number, the image and the attribute's path.

use std::time::SystemTime;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodbstreams::types as streams;

use crate::codec::Item;
use crate::error::{Error, Image, RecordError, Result};

use super::record::{RawRecord, UserIdentity};

/// How deep lists and maps may nest. DynamoDB allows 32 levels; anything deeper did not come
/// from DynamoDB, and is refused before it can exhaust the stack. (In JSON each level takes two,
/// and serde_json stops reading values at 128 levels for the whole event: 40 leaves room for the
/// record around it, so that a value too deep fails its record, not the event; what lies deeper
/// is skipped, which serde_json does without recursion.)
pub(crate) const MAX_DEPTH: usize = 40;

/// A record read with `aws-sdk-dynamodbstreams` (cloned: the SDK hands out references).
pub(crate) fn from_streams(record: &streams::Record) -> Result<RawRecord> {
    streams_record(record.clone())
}

/// A record read with `aws-sdk-dynamodbstreams`, taken by value.
pub(crate) fn streams_record(record: streams::Record) -> Result<RawRecord> {
    let streams::Record {
        event_id,
        event_name,
        dynamodb,
        user_identity,
        ..
    } = record;
    let mut raw = RawRecord {
        event_name: event_name
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
        event_id,
        user_identity: user_identity.map(|u| UserIdentity {
            identity_type: u.r#type.unwrap_or_default(),
            principal_id: u.principal_id.unwrap_or_default(),
        }),
        ..RawRecord::default()
    };
    let Some(change) = dynamodb else {
        return Err(raw.error(RecordError::Malformed(
            "it has no `dynamodb` section".to_owned(),
        )));
    };
    raw.sequence_number = change.sequence_number;
    raw.approximate_creation_time = change
        .approximate_creation_date_time
        .and_then(|t| SystemTime::try_from(t).ok());
    raw.size_bytes = change.size_bytes.and_then(|n| u64::try_from(n).ok());
    raw.view_type = change.stream_view_type.map(|v| v.as_str().to_owned());
    let sequence = raw.sequence_number.clone();
    let image = |item: Option<std::collections::HashMap<String, streams::AttributeValue>>,
                 which: Image|
     -> Result<Option<Item>> {
        item.map(|item| {
            streams_item(item, which).map_err(|problem| Error::StreamRecord {
                sequence_number: sequence.clone(),
                problem,
            })
        })
        .transpose()
    };
    raw.keys = image(change.keys, Image::Keys)?;
    raw.new_image = image(change.new_image, Image::NewImage)?;
    raw.old_image = image(change.old_image, Image::OldImage)?;
    Ok(raw)
}

/// An item of `aws-sdk-dynamodbstreams` as an item of `aws-sdk-dynamodb`.
pub(crate) fn streams_item(
    item: std::collections::HashMap<String, streams::AttributeValue>,
    image: Image,
) -> std::result::Result<Item, RecordError> {
    let mut out = Item::with_capacity(item.len());
    for (name, value) in item {
        let value =
            streams_value(value, 0).map_err(|(path, reason)| RecordError::InvalidAttribute {
                image,
                path: join_path(&name, &path),
                reason,
            })?;
        out.insert(name, value);
    }
    Ok(out)
}

/// The path of a value below attribute `name`: `below` was built while unwinding, as `[2]` and
/// `.owner` steps (`meta` + `[1].owner`).
pub(crate) fn join_path(name: &str, below: &str) -> String {
    format!("{name}{below}")
}

/// One more step in front of a path built while unwinding.
pub(crate) fn step(path: String, step: Step<'_>) -> String {
    match step {
        Step::Index(i) => format!("[{i}]{path}"),
        Step::Key(k) => format!(".{k}{path}"),
    }
}

/// A step into a list or a map.
pub(crate) enum Step<'a> {
    Index(usize),
    Key(&'a str),
}

/// Converts one value; on failure, the path below it and the reason.
fn streams_value(
    value: streams::AttributeValue,
    depth: usize,
) -> std::result::Result<AttributeValue, (String, String)> {
    use streams::AttributeValue as S;
    if depth > MAX_DEPTH {
        return Err((
            String::new(),
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    Ok(match value {
        S::S(s) => AttributeValue::S(s),
        S::N(n) => AttributeValue::N(n),
        S::B(b) => AttributeValue::B(b),
        S::Bool(b) => AttributeValue::Bool(b),
        S::Null(b) => AttributeValue::Null(b),
        S::Ss(v) => AttributeValue::Ss(v),
        S::Ns(v) => AttributeValue::Ns(v),
        S::Bs(v) => AttributeValue::Bs(v),
        S::L(list) => {
            let mut out = Vec::with_capacity(list.len());
            for (i, v) in list.into_iter().enumerate() {
                out.push(
                    streams_value(v, depth + 1).map_err(|(p, r)| (step(p, Step::Index(i)), r))?,
                );
            }
            AttributeValue::L(out)
        }
        S::M(map) => {
            let mut out = Item::with_capacity(map.len());
            for (k, v) in map {
                let v =
                    streams_value(v, depth + 1).map_err(|(p, r)| (step(p, Step::Key(&k)), r))?;
                out.insert(k, v);
            }
            AttributeValue::M(out)
        }
        _ => {
            return Err((
                String::new(),
                "an attribute type this version of aws-sdk-dynamodbstreams does not know"
                    .to_owned(),
            ));
        }
    })
}

/// A record of a Lambda DynamoDB event (`aws_lambda_events`), cloned into a [`RawRecord`].
///
/// `aws_lambda_events` reads an absent image as an empty one, and an absent creation time as
/// the Unix epoch: both are taken as absent here (a real image always holds the key, and no
/// stream record dates from 1970).
#[cfg(feature = "lambda")]
pub(crate) fn from_lambda(
    record: &aws_lambda_events::event::dynamodb::EventRecord,
) -> Result<RawRecord> {
    let change = &record.change;
    let mut raw = lambda_metadata(record);
    check_lambda_images(record, &raw)?;
    let image = |item: &serde_dynamo::Item| (!item.is_empty()).then(|| lambda_item(item));
    raw.keys = image(&change.keys);
    raw.new_image = image(&change.new_image);
    raw.old_image = image(&change.old_image);
    Ok(raw)
}

/// Everything of a Lambda record but its images.
#[cfg(feature = "lambda")]
pub(crate) fn lambda_metadata(
    record: &aws_lambda_events::event::dynamodb::EventRecord,
) -> RawRecord {
    let change = &record.change;
    let mut raw = RawRecord {
        event_name: record.event_name.clone(),
        sequence_number: change.sequence_number.clone(),
        event_id: Some(record.event_id.clone()),
        event_source_arn: record.event_source_arn.clone(),
        table_name: record.table_name.clone(),
        size_bytes: u64::try_from(change.size_bytes).ok(),
        view_type: change.stream_view_type.as_ref().map(|v| v.to_string()),
        user_identity: record.user_identity.as_ref().map(|u| UserIdentity {
            identity_type: u.type_.clone(),
            principal_id: u.principal_id.clone(),
        }),
        ..RawRecord::default()
    };
    let time = SystemTime::from(change.approximate_creation_date_time);
    raw.approximate_creation_time = (time != SystemTime::UNIX_EPOCH).then_some(time);
    raw
}

/// Checks the three images of a Lambda record (nothing nested deeper than [`MAX_DEPTH`]: the
/// only thing that can be wrong with values serde_dynamo has read), in the order of the
/// raw conversion, so that a record is refused the same way whichever way it is decoded.
#[cfg(feature = "lambda")]
pub(crate) fn check_lambda_images(
    record: &aws_lambda_events::event::dynamodb::EventRecord,
    raw: &RawRecord,
) -> Result<()> {
    let change = &record.change;
    for (item, image) in [
        (&change.keys, Image::Keys),
        (&change.new_image, Image::NewImage),
        (&change.old_image, Image::OldImage),
    ] {
        for (name, value) in item.iter() {
            check_lambda_value(value, 0).map_err(|(path, reason)| {
                raw.error(RecordError::InvalidAttribute {
                    image,
                    path: join_path(name, &path),
                    reason,
                })
            })?;
        }
    }
    Ok(())
}

/// On failure, the path below `value` and the reason.
#[cfg(feature = "lambda")]
fn check_lambda_value(
    value: &serde_dynamo::AttributeValue,
    depth: usize,
) -> std::result::Result<(), (String, String)> {
    use serde_dynamo::AttributeValue as L;
    if depth > MAX_DEPTH {
        return Err((
            String::new(),
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    match value {
        L::L(list) => {
            for (i, v) in list.iter().enumerate() {
                check_lambda_value(v, depth + 1).map_err(|(p, r)| (step(p, Step::Index(i)), r))?;
            }
        }
        L::M(map) => {
            for (k, v) in map {
                check_lambda_value(v, depth + 1).map_err(|(p, r)| (step(p, Step::Key(k)), r))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// An image of a Lambda record, checked by [`check_lambda_images`] first, as an item.
#[cfg(feature = "lambda")]
pub(crate) fn lambda_item(item: &serde_dynamo::Item) -> Item {
    item.iter()
        .map(|(name, value)| (name.clone(), lambda_value(value)))
        .collect()
}

/// A value of a Lambda record, checked by [`check_lambda_images`] first (so its recursion is
/// bounded), as the SDK's value.
#[cfg(feature = "lambda")]
pub(crate) fn lambda_value(value: &serde_dynamo::AttributeValue) -> AttributeValue {
    use aws_sdk_dynamodb::primitives::Blob;
    use serde_dynamo::AttributeValue as L;
    match value {
        L::S(s) => AttributeValue::S(s.clone()),
        L::N(n) => AttributeValue::N(n.clone()),
        L::B(b) => AttributeValue::B(Blob::new(b.clone())),
        L::Bool(b) => AttributeValue::Bool(*b),
        L::Null(b) => AttributeValue::Null(*b),
        L::Ss(v) => AttributeValue::Ss(v.clone()),
        L::Ns(v) => AttributeValue::Ns(v.clone()),
        L::Bs(v) => AttributeValue::Bs(v.iter().map(|b| Blob::new(b.clone())).collect()),
        L::L(list) => AttributeValue::L(list.iter().map(lambda_value).collect()),
        L::M(map) => AttributeValue::M(
            map.iter()
                .map(|(k, v)| (k.clone(), lambda_value(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `AttributeValue::Unknown` cannot be built outside the SDK (it only comes from its
    // deserializer), so only the depth limit is exercised here.
    #[test]
    fn deep_values_name_their_path() {
        use streams::AttributeValue as S;
        let mut deep = S::S("leaf".into());
        for _ in 0..100 {
            deep = S::L(vec![deep]);
        }
        let item = std::collections::HashMap::from([("deep".to_owned(), deep)]);
        match streams_item(item, Image::OldImage) {
            Err(RecordError::InvalidAttribute { reason, path, .. }) => {
                assert!(reason.contains("nested deeper"), "{reason}");
                assert!(path.starts_with("deep[0][0]"), "{path}");
            }
            other => panic!("{other:?}"),
        }
    }
}
