//! A record of an `aws_lambda_events` DynamoDB event decoded into one model's event straight
//! from serde_dynamo's values: the images are read in place (borrowed; strings are copied once,
//! into the model), without building an `Item` in between. What
//! [`StreamEvent::from_lambda`](super::StreamEvent::from_lambda) does.

use std::borrow::Cow;
use std::collections::hash_map;

use aws_lambda_events::event::dynamodb::EventRecord;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_dynamo::AttributeValue as L;

use crate::codec::{
    FieldSource, FromAttributeValue, ListSource, MapSource, Nested, SetEntry, SetKind, SetSource,
    ValueDecoder, ValueSource,
};
use crate::error::{DecodeError, Result};
use crate::model::DynamoModel;

use super::convert::{check_lambda_images, lambda_item, lambda_metadata, lambda_value};
use super::record::{
    Images, Meta, Record, Slot, StreamEvent, StreamModel, ViewType, assemble, images_used,
};

/// Decodes `record` into `E`. It fails exactly where the raw conversion followed by
/// [`RawRecord::decode`](super::RawRecord::decode) fails, with the same errors: every image is
/// checked as that conversion checks it, and the derive's decoder over a field source decodes
/// as `from_item` does.
pub(crate) fn decode<E: StreamEvent>(record: &EventRecord) -> Result<Record<E>> {
    let raw = lambda_metadata(record);
    check_lambda_images(record, &raw)?;
    let change = &record.change;
    let [keys, new, old] = images_used(<<E::Model as StreamModel>::View as ViewType>::VIEW);
    let keys = (keys && !change.keys.is_empty()).then(|| Slot::Item(lambda_item(&change.keys)));
    let model = |used: bool, image: &serde_dynamo::Item| {
        (used && !image.is_empty()).then(|| {
            Slot::Decoded(<E::Model as DynamoModel>::__from_source(&mut Fields {
                entries: image.iter(),
                current: &NULL,
            }))
        })
    };
    let new = model(new, &change.new_image);
    let old = model(old, &change.old_image);
    assemble::<E>(Meta::from(raw), Images::new(keys, new, old))
}

/// What [`Fields::value`] gives before a name was read (never, from the derive's decoder).
static NULL: L = L::Null(true);

/// The attributes of an image, for the derive's decoder.
struct Fields<'a> {
    entries: hash_map::Iter<'a, String, L>,
    current: &'a L,
}

impl FieldSource for Fields<'_> {
    fn next_name(&mut self) -> Option<&str> {
        let (name, value) = self.entries.next()?;
        self.current = value;
        Some(name)
    }

    type Value<'b>
        = Value<'b>
    where
        Self: 'b;

    fn value(&mut self) -> Value<'_> {
        Value(self.current)
    }

    fn skip(&mut self) {}
}

/// One value, read in place: numbers and strings are handed over as borrowed text, lists, maps
/// and sets element by element.
struct Value<'a>(&'a L);

impl ValueSource for Value<'_> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        Ok(lambda_value(self.0))
    }

    fn decode<D: ValueDecoder>(self, decoder: D) -> std::result::Result<D::Out, DecodeError> {
        match self.0 {
            L::N(text) => decoder.number(text),
            L::S(text) => decoder.string(Cow::Borrowed(text)),
            L::L(list) => decoder.list(List(list.iter())),
            L::M(map) => decoder.map(Map(map.iter())),
            L::Ss(members) => decoder.set(SetKind::String, Texts(SetKind::String, members)),
            L::Ns(members) => decoder.set(SetKind::Number, Texts(SetKind::Number, members)),
            L::Bs(members) => decoder.set(SetKind::Binary, Bytes(members)),
            other => decoder.value(lambda_value(other)),
        }
    }
}

struct List<'a>(std::slice::Iter<'a, L>);

impl ListSource for List<'_> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        Ok(AttributeValue::L(self.0.map(lambda_value).collect()))
    }

    fn next<T: FromAttributeValue>(&mut self) -> Option<std::result::Result<T, DecodeError>> {
        self.0.next().map(|v| Value(v).decode(Nested::<T>::new()))
    }
}

struct Map<'a>(hash_map::Iter<'a, String, L>);

impl MapSource for Map<'_> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        Ok(AttributeValue::M(
            self.0.map(|(k, v)| (k.clone(), lambda_value(v))).collect(),
        ))
    }

    #[allow(clippy::type_complexity)]
    fn next<T: FromAttributeValue>(
        &mut self,
    ) -> Option<std::result::Result<(String, std::result::Result<T, DecodeError>), DecodeError>>
    {
        self.0
            .next()
            .map(|(k, v)| Ok((k.clone(), Value(v).decode(Nested::<T>::new()))))
    }
}

/// The members of an SS or NS (the kind), not read yet.
struct Texts<'a>(SetKind, &'a [String]);

impl SetSource for Texts<'_> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        let members = self.1.to_vec();
        Ok(match self.0 {
            SetKind::Number => AttributeValue::Ns(members),
            _ => AttributeValue::Ss(members),
        })
    }

    fn next(&mut self) -> Option<std::result::Result<SetEntry, DecodeError>> {
        let (first, rest) = self.1.split_first()?;
        self.1 = rest;
        Some(Ok(SetEntry::Text(first.clone())))
    }
}

/// The members of a BS, not read yet.
struct Bytes<'a>(&'a [Vec<u8>]);

impl SetSource for Bytes<'_> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        Ok(AttributeValue::Bs(
            self.0
                .iter()
                .map(|b| aws_sdk_dynamodb::primitives::Blob::new(b.clone()))
                .collect(),
        ))
    }

    fn next(&mut self) -> Option<std::result::Result<SetEntry, DecodeError>> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(Ok(SetEntry::Bytes(first.clone())))
    }
}
