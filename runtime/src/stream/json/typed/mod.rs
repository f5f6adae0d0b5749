//! Records read straight into one model's events: each image the view type needs is decoded
//! into the model while it is read (attribute names matched as they come, borrowed from the
//! input), and the images it does not need are only checked. No item is built in between.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::codec::{
    FieldSource, FromAttributeValue, ListSource, MapSource, Nested, SetEntry, SetKind, SetSource,
    ValueDecoder, ValueSource,
};
use crate::error::{DecodeError, Error, Image, Result};
use crate::model::{DynamoModel, ModelKey};

use super::super::convert::{MAX_DEPTH, Step};
use super::super::record::{
    Images, Meta, Record, Slot, StreamEvent, StreamModel, ViewType, assemble, images_used,
};
use super::check::{Check, CheckMap};
use super::value::{
    Attributes, BASE64, Bad, Key, Lenient, Str, TagText, Value, only_one, reject_others,
    seed_is_visitor, tagged,
};
use super::{EventVisitor, RecordsSeed, Target, parse_event, slot};

mod values;

use self::values::Decode;

/// A batch of stream records (a Lambda event of DynamoDB Streams or Kinesis records) read
/// straight into model `M`'s events, `E`: the fast path for a function that serves one table.
/// Each record is read on its own, and one that does not decode is an `Err` in its place.
#[derive(Debug)]
pub struct EventBatch<E> {
    /// The records, in the order of the event.
    pub records: Vec<Result<Record<E>>>,
}

impl<E: StreamEvent> EventBatch<E> {
    /// Reads a Lambda event from JSON. Only text that is not a JSON object with a `Records`
    /// array is an error here.
    pub fn from_json(json: &[u8]) -> Result<Self> {
        parse_event::<Typed<E>>(json).map(|records| EventBatch { records })
    }
}

impl<'de, E: StreamEvent> serde::Deserialize<'de> for EventBatch<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer
            .deserialize_map(EventVisitor(RecordsSeed::<Typed<E>>(PhantomData)))
            .map(|records| EventBatch { records })
    }
}

/// Reads images into `E`'s model.
struct Typed<E>(PhantomData<E>);

type Model<E> = <E as StreamEvent>::Model;

/// The images of one record, decoded or kept as they come.
struct TypedImages<M: DynamoModel> {
    keys: Option<Slot<M::Key>>,
    new: Option<Slot<M>>,
    old: Option<Slot<M>>,
}

impl<M: DynamoModel> Default for TypedImages<M> {
    fn default() -> Self {
        TypedImages {
            keys: None,
            new: None,
            old: None,
        }
    }
}

impl<E: StreamEvent> Target for Typed<E> {
    type Images = TypedImages<Model<E>>;
    type Out = Result<Record<E>>;

    fn image<'de, D: Deserializer<'de>>(
        images: &mut Self::Images,
        which: Image,
        value: D,
    ) -> std::result::Result<Option<Box<Bad>>, D::Error> {
        let view = <<Model<E> as StreamModel>::View as ViewType>::VIEW;
        if !images_used(view)[slot(which)] {
            return Ok(value.deserialize_any(Unused)?.err());
        }
        match which {
            Image::Keys => Ok(match (Attributes { depth: 0 }).deserialize(value)? {
                Ok(item) => {
                    images.keys = item.map(|item| {
                        Slot::Decoded(<Model<E> as DynamoModel>::Key::from_key_item(&item))
                    });
                    None
                }
                Err(bad) => Some(bad),
            }),
            Image::NewImage | Image::OldImage => {
                let decoded = value.deserialize_any(ModelImage::<Model<E>>(PhantomData))?;
                Ok(match decoded {
                    Ok(decoded) => {
                        let slot = decoded.map(Slot::Decoded);
                        match which {
                            Image::NewImage => images.new = slot,
                            _ => images.old = slot,
                        }
                        None
                    }
                    Err(bad) => Some(bad),
                })
            }
        }
    }

    const KEEP_ARN: bool = false;

    fn finish(meta: Meta, images: Self::Images) -> Self::Out {
        assemble::<E>(meta, Images::new(images.keys, images.new, images.old))
    }

    fn failed(error: Error) -> Self::Out {
        Err(error)
    }
}

/// An image the view type does not use: checked, not kept (`null` is fine).
struct Unused;

impl<'de> Visitor<'de> for Unused {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of attribute values")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
        CheckMap {
            depth: 0,
            image: true,
        }
        .visit_map(map)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Ok(()))
    }
    reject_others!("an object of attribute values"; visit_map, visit_unit);
}

/// An image decoded into the model as it is read (`null` is absent).
struct ModelImage<M>(PhantomData<M>);

impl<'de, M: DynamoModel> Visitor<'de> for ModelImage<M> {
    type Value = Lenient<Option<std::result::Result<M, DecodeError>>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of attribute values")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut fields = JsonFields {
            map: &mut map,
            name: None,
            pending: false,
            broken: None,
            invalid: None,
        };
        let decoded = M::__from_source(&mut fields);
        if fields.pending {
            fields.skip();
        }
        let JsonFields {
            broken,
            mut invalid,
            ..
        } = fields;
        if let Some(e) = broken {
            return Err(e);
        }
        // the decoder stops at its first error: the rest must still be read, and valid
        while let Some(name) = map.next_key::<Key<'de>>()? {
            if let Err(bad) = map.next_value_seed(Check { depth: 0 })? {
                invalid.get_or_insert_with(|| bad.under(Step::Key(&name.0)));
            }
        }
        Ok(match invalid {
            Some(bad) => Err(bad),
            None => Ok(Some(decoded)),
        })
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("an object of attribute values"; visit_map, visit_unit);
}

/// The attributes of an image as the JSON gives them, for the derive's decoder.
struct JsonFields<'a, 'de, A: MapAccess<'de>> {
    map: &'a mut A,
    name: Option<Cow<'de, str>>,
    /// An attribute was named and its value not read yet (a decoder that returned without
    /// reading it): it is skipped before the next name.
    pending: bool,
    /// The JSON itself is broken: reading stops.
    broken: Option<A::Error>,
    /// The first attribute value that is not valid DynamoDB data.
    invalid: Option<Box<Bad>>,
}

impl<'de, A: MapAccess<'de>> JsonFields<'_, 'de, A> {
    fn here(&self, bad: Box<Bad>) -> Box<Bad> {
        bad.under(Step::Key(self.name.as_deref().unwrap_or_default()))
    }

    /// Reads the value of the attribute just named with `seed`; a value that is not valid
    /// DynamoDB data is kept as the image's problem, and broken JSON stops the reading.
    fn read<T, S>(&mut self, seed: S) -> std::result::Result<T, DecodeError>
    where
        S: DeserializeSeed<'de, Value = Lenient<T>>,
    {
        if !self.pending {
            return Err(DecodeError::custom(
                "the attribute's value was read already",
            ));
        }
        self.pending = false;
        match self.map.next_value_seed(seed) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(bad)) => {
                let bad = self.here(bad);
                let error = DecodeError::custom(&bad.reason);
                self.invalid.get_or_insert(bad);
                Err(error)
            }
            Err(e) => {
                self.broken = Some(e);
                Err(DecodeError::custom("the JSON ends early"))
            }
        }
    }
}

/// The value of the attribute just named, for the field type to decode: numbers as their
/// text, borrowed from the input.
impl<'de, A: MapAccess<'de>> ValueSource for &mut JsonFields<'_, 'de, A> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        self.read(Value { depth: 0 })
    }

    fn decode<D: ValueDecoder>(self, decoder: D) -> std::result::Result<D::Out, DecodeError> {
        self.read(Decode { decoder, depth: 0 })
            .and_then(|decoded| decoded)
    }
}
