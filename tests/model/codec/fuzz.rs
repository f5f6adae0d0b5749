//! Property test: thousands of arbitrary items (seeded, so failures reproduce) decoded into a
//! model with many field types. Decoding must never panic; an error must name an attribute of
//! the item; a decoded model must encode again (or name the attribute it cannot store) and
//! decode back to itself.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use dynamo_types::{DecodeError, DynamoModel, Item};

use super::everything::*;

struct Gen(fastrand::Rng);

impl Gen {
    fn number(&mut self) -> String {
        let rng = &mut self.0;
        match rng.u8(0..6) {
            0 | 1 => NUMBERS[rng.usize(..NUMBERS.len())].to_owned(),
            2 => rng.i128(..).to_string(),
            3 => f64::from_bits(rng.u64(..)).to_string(),
            4 => format!("{}e{}", rng.i64(-999..999), rng.i32(-200..200)),
            _ => (0..rng.usize(0..45))
                .map(|_| {
                    let chars = b"0123456789-+.eE";
                    chars[rng.usize(..chars.len())] as char
                })
                .collect(),
        }
    }

    fn string(&mut self) -> String {
        let rng = &mut self.0;
        if rng.bool() {
            return STRINGS[rng.usize(..STRINGS.len())].to_owned();
        }
        (0..rng.usize(0..12))
            .map(|_| match rng.u8(0..4) {
                0 => rng.alphanumeric(),
                1 => rng.char(..),
                _ => rng.char('\u{0}'..'\u{80}'),
            })
            .collect()
    }

    fn bytes(&mut self) -> Vec<u8> {
        let len = self.0.usize(0..8);
        (0..len).map(|_| self.0.u8(..)).collect()
    }

    fn name(&mut self) -> String {
        if self.0.u8(0..4) > 0 {
            FIELDS[self.0.usize(..FIELDS.len())].to_owned()
        } else {
            self.string()
        }
    }

    fn value(&mut self, depth: u32) -> AttributeValue {
        let kinds = if depth >= 4 { 7 } else { 10 };
        match self.0.u8(0..kinds) {
            0 => AttributeValue::S(self.string()),
            1 => AttributeValue::N(self.number()),
            2 => AttributeValue::B(Blob::new(self.bytes())),
            3 => AttributeValue::Bool(self.0.bool()),
            4 => AttributeValue::Null(self.0.u8(0..4) > 0),
            5 => AttributeValue::Ss((0..self.0.usize(0..4)).map(|_| self.string()).collect()),
            6 => AttributeValue::Ns((0..self.0.usize(0..4)).map(|_| self.number()).collect()),
            7 => AttributeValue::Bs(
                (0..self.0.usize(0..4))
                    .map(|_| Blob::new(self.bytes()))
                    .collect(),
            ),
            8 => AttributeValue::L(
                (0..self.0.usize(0..5))
                    .map(|_| self.value(depth + 1))
                    .collect(),
            ),
            _ => AttributeValue::M(
                (0..self.0.usize(0..5))
                    .map(|_| (self.name(), self.value(depth + 1)))
                    .collect(),
            ),
        }
    }

    /// Replaces one value somewhere inside `value` (or `value` itself) with a random one.
    fn mutate(&mut self, value: &mut AttributeValue, depth: u32) {
        let descend = self.0.u8(0..3) > 0;
        match value {
            AttributeValue::L(list) if descend && !list.is_empty() => {
                let at = self.0.usize(..list.len());
                self.mutate(&mut list[at], depth + 1);
            }
            AttributeValue::M(map) if descend && !map.is_empty() => {
                let at = self.0.usize(..map.len());
                let key = map.keys().nth(at).cloned().unwrap_or_default();
                if let Some(inner) = map.get_mut(&key) {
                    self.mutate(inner, depth + 1);
                }
            }
            AttributeValue::Ss(v) | AttributeValue::Ns(v) if descend && !v.is_empty() => {
                let at = self.0.usize(..v.len());
                v[at] = if self.0.bool() {
                    self.number()
                } else {
                    self.string()
                };
            }
            _ => *value = self.value(depth),
        }
    }

    fn item(&mut self, valid: &Item) -> Item {
        match self.0.u8(0..3) {
            // Entirely random.
            0 => (0..self.0.usize(0..FIELDS.len() + 4))
                .map(|_| (self.name(), self.value(0)))
                .collect(),
            // A valid item with a few attributes changed, removed or added.
            _ => {
                let mut item = valid.clone();
                for _ in 0..self.0.usize(1..4) {
                    let name = self.name();
                    match self.0.u8(0..5) {
                        0 => {
                            item.remove(&name);
                        }
                        1 => {
                            item.insert(name, self.value(0));
                        }
                        _ => {
                            if let Some(value) = item.get_mut(&name) {
                                self.mutate(value, 0);
                            }
                        }
                    }
                }
                item
            }
        }
    }
}

/// The attribute an error path starts with: `tags` for `tags[3]`, `meta` for `meta.owner`.
fn top_attribute(err: &DecodeError) -> &str {
    let path = err.path();
    let end = FIELDS
        .iter()
        .filter(|f| {
            path.starts_with(*f)
                && matches!(path.as_bytes().get(f.len()), None | Some(b'.') | Some(b'['))
        })
        .map(|f| f.len())
        .max()
        .unwrap_or(path.len());
    &path[..end]
}

#[test]
fn arbitrary_items_never_panic_and_errors_name_an_attribute() {
    let valid = sample().to_item().unwrap();
    assert_eq!(Everything::from_item(valid.clone()).unwrap(), sample());
    let mut generator = Gen(fastrand::Rng::with_seed(0x00D1_A30D));
    let (mut decoded, mut refused) = (0u32, 0u32);
    for round in 0..6_000 {
        let item = generator.item(&valid);
        match Everything::from_item(item.clone()) {
            Err(err) => {
                refused += 1;
                let attribute = top_attribute(&err);
                assert!(
                    FIELDS.contains(&attribute),
                    "round {round}: `{err}` names no field of the model ({err:?})"
                );
                assert!(
                    err.to_string().contains(&format!("`{}`", err.path())),
                    "round {round}: {err}"
                );
                if err.kind() != &dynamo_types::DecodeErrorKind::Missing {
                    assert!(item.contains_key(attribute), "round {round}: {err:?}");
                }
            }
            Ok(model) => {
                decoded += 1;
                match model.to_item() {
                    Ok(again) => {
                        let back = Everything::from_item(again);
                        assert_eq!(back.as_ref(), Ok(&model), "round {round}");
                    }
                    // Decoding accepts a few numbers DynamoDB would never send (`1e-400`
                    // reads as 0 and round trips; `1e-200` reads as a float too small to store).
                    Err(err) => assert!(
                        FIELDS.contains(&err.path().split(['.', '[']).next().unwrap_or("")),
                        "round {round}: {err}"
                    ),
                }
            }
        }
    }
    // The generator must reach both outcomes, or the test proves little.
    assert!(decoded > 600, "only {decoded} items decoded");
    assert!(refused > 600, "only {refused} items refused");
}

#[test]
fn arbitrary_values_never_panic_in_any_field_type() {
    use dynamo_types::FromAttributeValue as F;
    let mut generator = Gen(fastrand::Rng::with_seed(7));
    for _ in 0..20_000 {
        let value = generator.value(0);
        let results = [
            <u8 as F>::from_attribute_value(value.clone()).err(),
            <i8 as F>::from_attribute_value(value.clone()).err(),
            <u128 as F>::from_attribute_value(value.clone()).err(),
            <i128 as F>::from_attribute_value(value.clone()).err(),
            <f32 as F>::from_attribute_value(value.clone()).err(),
            <f64 as F>::from_attribute_value(value.clone()).err(),
            <Vec<Option<Vec<i64>>> as F>::from_attribute_value(value.clone()).err(),
            <HashMap<String, Vec<BTreeSet<u8>>> as F>::from_attribute_value(value.clone()).err(),
            <BTreeSet<Bytes> as F>::from_attribute_value(value.clone()).err(),
            <Option<chrono::DateTime<chrono::Utc>> as F>::from_attribute_value(value.clone()).err(),
            <time::OffsetDateTime as F>::from_attribute_value(value.clone()).err(),
            <chrono::NaiveDate as F>::from_attribute_value(value.clone()).err(),
            <uuid::Uuid as F>::from_attribute_value(value).err(),
        ];
        for err in results.into_iter().flatten() {
            // A bare value has no attribute name; its Display says `value` then.
            let text = err.to_string();
            assert!(text.starts_with("attribute `"), "{text}");
        }
    }
}

#[test]
fn numbers_that_decode_as_floats_are_finite() {
    use dynamo_types::FromAttributeValue as F;
    let mut generator = Gen(fastrand::Rng::with_seed(11));
    let (mut floats, mut integers) = (0, 0);
    for _ in 0..20_000 {
        let text = generator.number();
        if let Ok(v) = <f64 as F>::from_attribute_value(AttributeValue::N(text.clone())) {
            assert!(v.is_finite(), "{text} -> {v}");
            floats += 1;
        }
        if let Ok(v) = <f32 as F>::from_attribute_value(AttributeValue::N(text.clone())) {
            assert!(v.is_finite(), "{text} -> {v}");
        }
        // An integer decoded from any text is the value that text means.
        if let Ok(v) = <i128 as F>::from_attribute_value(AttributeValue::N(text.clone())) {
            let f: f64 = text.parse().expect("an integer's text is a number");
            assert!(
                (v as f64 - f).abs() <= f.abs() * 1e-15 + 0.5,
                "{text} -> {v}"
            );
            integers += 1;
        }
    }
    // The generator must reach the branches above, or this test checks nothing.
    assert!(
        floats > 1_000 && integers > 1_000,
        "{floats} floats, {integers} integers"
    );
}

/// The stream readers that decode images straight into the model (no item in between: from
/// JSON, and `from_lambda` from serde_dynamo's values) agree with `from_item` on thousands of
/// arbitrary items: the same model when both decode, an error when either refuses.
#[test]
fn images_read_straight_from_json_decode_as_items_do() {
    use dynamo_types::ModelKey;
    use dynamo_types::stream::testing::item_json;
    use dynamo_types::stream::{Batch, EventBatch, RawRecord, StreamEvent};

    let valid = sample().to_item().unwrap();
    let mut generator = Gen(fastrand::Rng::with_seed(0x0571_2EA3));
    let (mut agreed_ok, mut agreed_err) = (0u32, 0u32);
    for round in 0..4_000 {
        let item = generator.item(&valid);
        let text = serde_json::json!({
            "Records": [{
                "eventID": "e-1",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "eventSourceARN": "arn:aws:dynamodb:us-east-1:1:table/everything/stream/x",
                "dynamodb": {
                    "Keys": item_json(&sample().key().to_key_item().unwrap()),
                    "NewImage": item_json(&item),
                    "SequenceNumber": "1",
                    "SizeBytes": 100,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }]
        })
        .to_string();
        let via_items = Batch::from_json(text.as_bytes())
            .unwrap()
            .records
            .remove(0)
            .and_then(RawRecord::decode::<EverythingEvent>);
        let straight = EventBatch::<EverythingEvent>::from_json(text.as_bytes())
            .unwrap()
            .records
            .remove(0);
        let direct = Everything::from_item(item.clone());
        // `from_lambda` reads serde_dynamo's values in place: the same result, error included,
        // as the raw Lambda record decoded through items
        let lambda: aws_lambda_events::event::dynamodb::Event =
            serde_json::from_str(&text).expect("aws_lambda_events reads the event");
        let in_place = EverythingEvent::from_lambda(&lambda.records[0]);
        let raw = RawRecord::from_lambda(&lambda.records[0])
            .and_then(RawRecord::decode::<EverythingEvent>);
        match (&in_place, &raw) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "round {round}: from_lambda"),
            (Err(a), Err(b)) => assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "round {round}: from_lambda"
            ),
            _ => panic!("round {round}: from_lambda {in_place:?}, through items {raw:?}"),
        }
        assert_eq!(
            in_place.is_ok(),
            via_items.is_ok(),
            "round {round}: from_lambda against our JSON reader"
        );
        match (&via_items, &straight) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "round {round}");
                let EverythingEvent::Insert { new } = &b.event else {
                    panic!("round {round}: {b:?}")
                };
                assert_eq!(direct.as_ref(), Ok(new), "round {round}");
                agreed_ok += 1;
            }
            (Err(_), Err(_)) => {
                assert!(direct.is_err(), "round {round}: {direct:?}");
                agreed_err += 1;
            }
            _ => panic!("round {round}: through items {via_items:?}, straight {straight:?}"),
        }
    }
    assert!(
        agreed_ok > 400 && agreed_err > 400,
        "{agreed_ok} {agreed_err}"
    );
}
