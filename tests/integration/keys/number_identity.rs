//! The library's key identity agrees with the server's: two number texts are one key for the
//! library exactly when the server stores them as one item.
//!
//! A fixed-seed sample of pairs of number texts (the same number in two spellings: signs, leading
//! and trailing zeros, points, exponents; or two numbers a digit, a sign or a power of ten
//! apart, up to 38 digits and out to 1e-130 and 1e126) is written twice:
//!
//! - with the SDK, one item per text, then counted and read by the other text: what the server
//!   takes for one item;
//! - with `batch_put` of a model whose key writes the text as it is: the library refuses two
//!   writes to one key before sending, so a refusal is what the library takes for one item.
//!   When it does not refuse, the server must take both writes (a batch naming one item twice
//!   is a `ValidationException`).
//!
//! It runs on the embedded server and, in CI, on DynamoDB Local.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{
    DecodeError, DynamoModel, EncodeError, Error, FromAttributeValue, IntoAttributeValue,
    KeyAttribute, ScalarType,
};

use super::{n, s};

/// The sample's size and seed: every run (and CI) checks the same texts.
/// `NUMBER_IDENTITY_SEED=<u64>` looks elsewhere.
const PAIRS: usize = 80;
const SEED: u64 = 0x5EED_0011;

/// A number key written as the text it holds, as another program might write it.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberText(String);

impl IntoAttributeValue for NumberText {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::N(self.0.clone())))
    }
}

impl FromAttributeValue for NumberText {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::N(text) => Ok(NumberText(text)),
            other => Err(DecodeError::wrong_type("a number (N)", &other)),
        }
    }
}

impl KeyAttribute for NumberText {
    const SCALAR_TYPE: ScalarType = ScalarType::Number;
}

/// One item per text: the pair it belongs to (partition) and the number (sort key).
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "number_identity")]
pub struct Spelled {
    #[dynamo(hash)]
    pub pair: String,
    #[dynamo(range)]
    pub number: NumberText,
    pub side: String,
}

/// A number before it is spelled: sign, significant digits, exponent of the last digit.
#[derive(Debug, Clone)]
struct Parts {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Parts {
    /// The decimal exponent of the leading digit.
    fn magnitude(&self) -> i64 {
        self.exponent + self.digits.len() as i64 - 1
    }
}

fn random_parts(rng: &mut fastrand::Rng) -> Parts {
    let len = match rng.u8(0..4) {
        0 => rng.usize(30..=38),
        1 => 1,
        _ => rng.usize(1..12),
    };
    let digits: String = (0..len)
        .map(|i| {
            let low = if i == 0 { b'1' } else { b'0' };
            char::from(rng.u8(low..=b'9'))
        })
        .collect();
    if rng.u8(0..8) == 0 {
        // Zero, in any spelling, with a small exponent: the embedded server refuses a zero
        // whose exponent is beyond DynamoDB's magnitudes (`0E-132`, `0e999`) as an underflow or
        // overflow, where DynamoDB Local stores 0.
        return Parts {
            negative: rng.bool(),
            digits: "0".to_owned(),
            exponent: rng.i64(-5..=5),
        };
    }
    // Magnitudes within DynamoDB's range, often at its edges.
    let magnitude = match rng.u8(0..4) {
        0 => rng.i64(-130..=-120),
        1 => rng.i64(115..=125),
        _ => rng.i64(-20..=40),
    };
    Parts {
        negative: rng.bool(),
        exponent: magnitude - digits.len() as i64 + 1,
        digits,
    }
}

/// `parts` in a random spelling: `+` or no sign, zeros padded either side, the point anywhere,
/// an exponent in `e` or `E`, with or without `+` and leading zeros.
fn spell(rng: &mut fastrand::Rng, parts: &Parts) -> String {
    let trailing = rng.usize(0..3);
    let mut digits = format!(
        "{}{}{}",
        "0".repeat(rng.usize(0..3)),
        parts.digits,
        "0".repeat(trailing)
    );
    let mut exponent = parts.exponent - trailing as i64;
    // Digits after the point: none, some, or all (then `0.` or just `.` before them).
    let after_point = match rng.u8(0..3) {
        0 => 0,
        1 => rng.usize(0..=digits.len()),
        _ => digits.len() + rng.usize(0..3),
    };
    if after_point > digits.len() {
        digits = format!("{}{digits}", "0".repeat(after_point - digits.len()));
    }
    exponent += after_point as i64;
    let (int, frac) = digits.split_at(digits.len() - after_point);
    let int = if int.is_empty() && rng.bool() {
        "0"
    } else {
        int
    };
    let mantissa = if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    };
    let sign = if parts.negative {
        "-"
    } else if rng.u8(0..4) == 0 {
        "+"
    } else {
        ""
    };
    // Without an exponent the value must be written out: keep it short enough to read.
    let text = if exponent == 0 && rng.bool() {
        String::new()
    } else {
        let plus = if exponent >= 0 && rng.bool() { "+" } else { "" };
        let minus = if exponent < 0 { "-" } else { "" };
        format!(
            "{}{minus}{plus}{}{}",
            if rng.bool() { "e" } else { "E" },
            "0".repeat(rng.usize(0..2)),
            exponent.unsigned_abs()
        )
    };
    format!("{sign}{mantissa}{text}")
}

/// Two texts: the same number spelled twice, or two numbers that differ a little.
fn pair(rng: &mut fastrand::Rng) -> (String, String) {
    let a = random_parts(rng);
    let mut b = a.clone();
    match rng.u8(0..6) {
        0..=2 => {} // the same number
        3 => b.negative = !b.negative,
        4 if b.magnitude() < 125 && b.magnitude() > -130 => {
            b.exponent += if rng.bool() { 1 } else { -1 };
        }
        _ => {
            // One digit up or down: at the 38th digit, the numbers are as close as can be.
            let i = rng.usize(0..b.digits.len());
            let digit = b.digits.as_bytes()[i];
            let other = match digit {
                b'9' => b'8',
                b'0' if i == 0 => b'1',
                d => d + 1,
            };
            b.digits
                .replace_range(i..=i, &char::from(other).to_string());
        }
    }
    (spell(rng, &a), spell(rng, &b))
}

/// The sample: generated pairs, and a few chosen ones.
fn sample() -> Vec<(String, String)> {
    let seed = std::env::var("NUMBER_IDENTITY_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(SEED);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut pairs: Vec<(String, String)> = [
        ("0", "-0"),
        ("0", "-0.000e5"),
        ("1.50", "1.5"),
        ("1E+2", "100"),
        ("+5", "5."),
        (".5", "0.5"),
        ("-.5", "-0.50"),
        ("+0", "0E-0"),
        ("1e-130", "0.1E-129"),
        (
            "9.9999999999999999999999999999999999999E+125",
            "99999999999999999999999999999999999999e88",
        ),
        (
            "12345678901234567890123456789012345678",
            "12345678901234567890123456789012345679",
        ),
        (
            "1.2345678901234567890123456789012345678",
            "1.2345678901234567890123456789012345677",
        ),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    while pairs.len() < PAIRS {
        pairs.push(pair(&mut rng));
    }
    pairs
}

#[tokio::test]
async fn number_keys_are_one_item_exactly_when_the_library_says_so() {
    let client = crate::common::client().await;
    let table = Spelled::table(&client);
    table.create_table().await.unwrap();
    let name = table.name().to_owned();
    let pairs = sample();

    // The server's view: each text written with the SDK under its pair's partition.
    let mut refused_by_server = Vec::new();
    for (i, (a, b)) in pairs.iter().enumerate() {
        for (side, text) in [("a", a), ("b", b)] {
            let put = client
                .sdk()
                .put_item()
                .table_name(&name)
                .item("pair", s(&format!("server-{i}")))
                .item("number", n(text))
                .item("side", s(side))
                .send()
                .await;
            if let Err(err) = put {
                refused_by_server
                    .push(format!("{text}: {}", err.message().unwrap_or("no message")));
            }
        }
    }
    assert!(
        refused_by_server.is_empty(),
        "the server refused numbers of the sample: {refused_by_server:#?}"
    );
    let mut stored: BTreeMap<String, Vec<HashMap<String, AttributeValue>>> = BTreeMap::new();
    let mut start = None;
    loop {
        let page = client
            .sdk()
            .scan()
            .table_name(&name)
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in page.items.unwrap_or_default() {
            let Some(AttributeValue::S(pair)) = item.get("pair") else {
                panic!("{item:?}")
            };
            stored.entry(pair.clone()).or_default().push(item);
        }
        start = page.last_evaluated_key;
        if start.is_none() {
            break;
        }
    }

    let mut disagreements = Vec::new();
    let (mut same_count, mut different_count) = (0, 0);
    for (i, (a, b)) in pairs.iter().enumerate() {
        let items = stored.get(&format!("server-{i}")).map_or(0, Vec::len);
        let server_same = items == 1;
        // Read by the other text: the item found is the one written last (`b`) when they are
        // one item, and `a`'s own item otherwise.
        let got = client
            .sdk()
            .get_item()
            .table_name(&name)
            .key("pair", s(&format!("server-{i}")))
            .key("number", n(a))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
            .expect("an item under `a`'s text");
        let side = if server_same { "b" } else { "a" };
        assert_eq!(got.get("side"), Some(&s(side)), "{a} / {b}");

        // The library's view: two writes to one key are refused before sending.
        let mut writes = [
            Spelled {
                pair: format!("library-{i}"),
                number: NumberText(a.clone()),
                side: "a".to_owned(),
            },
            Spelled {
                pair: format!("library-{i}"),
                number: NumberText(b.clone()),
                side: "b".to_owned(),
            },
        ];
        let library_same = match table.writer().batch_put(&mut writes).await {
            Ok(()) => false,
            Err(Error::Validation(message)) if message.contains("twice") => true,
            // The library sent both and the server refused them as one item.
            Err(err) => {
                disagreements.push(format!("{a} / {b}: sent as two keys, and {err}"));
                continue;
            }
        };
        if server_same {
            same_count += 1;
        } else {
            different_count += 1;
        }
        if library_same != server_same {
            disagreements.push(format!(
                "{a} / {b}: the server stores {items} item(s), the library takes them for {}",
                if library_same { "one" } else { "two" }
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // The sample must reach both outcomes, or it checks little.
    assert!(
        same_count >= PAIRS / 4 && different_count >= PAIRS / 4,
        "{same_count} same, {different_count} different"
    );
    table.delete_table().await.unwrap();
}
