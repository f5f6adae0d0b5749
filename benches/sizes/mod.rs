//! The models of the `codec_sizes` benchmark, in three sizes, and their data.
//!
//! Each derives `DynamoModel` and serde's traits, with serde attributes that make serde_dynamo
//! write exactly the items the derive writes (no attribute for `None` or an empty set, sets as
//! SS / NS). `hand` holds the conversions a careful user writes with the SDK's types alone.
//!
//! The derive stores a struct inside an item in one of two ways, and the large model comes in
//! both: [`Large`] holds its [`Line`]s through `IntoAttributeValue` / `FromAttributeValue`
//! impls written with the crate's traits (the extension point the README names), and
//! [`LargeBridged`] through `#[dynamo(serde)]`, the serde bridge.

pub(crate) mod hand;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{
    DecodeError, DynamoModel, EncodeError, FromAttributeValue, IntoAttributeValue, ListElement,
};
use serde::{Deserialize, Serialize};

/// 4 fields: the keys, a number and a flag.
#[derive(Debug, Clone, PartialEq, DynamoModel, Serialize, Deserialize)]
#[dynamo(table = "sizes_small")]
pub(crate) struct Small {
    #[dynamo(hash)]
    pub(crate) user_id: String,
    #[dynamo(range)]
    pub(crate) seq: u64,
    pub(crate) score: i64,
    pub(crate) active: bool,
}

/// 15 fields: strings, integers, a float, options (some `None`), a string set and a number
/// set (some empty), two lists and two maps.
#[derive(Debug, Clone, PartialEq, DynamoModel, Serialize, Deserialize)]
#[dynamo(table = "sizes_medium")]
pub(crate) struct Medium {
    #[dynamo(hash)]
    pub(crate) tenant_id: String,
    #[dynamo(range)]
    pub(crate) product_id: String,
    pub(crate) title: String,
    pub(crate) status: String,
    pub(crate) price_cents: i64,
    pub(crate) quantity: u32,
    pub(crate) rating: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) discontinued_at: Option<i64>,
    #[serde(
        default,
        with = "serde_dynamo::string_set",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub(crate) tags: BTreeSet<String>,
    #[serde(
        default,
        with = "serde_dynamo::number_set",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub(crate) sizes: BTreeSet<u32>,
    pub(crate) image_urls: Vec<String>,
    pub(crate) price_history: Vec<i64>,
    pub(crate) attributes: HashMap<String, String>,
    pub(crate) stock: BTreeMap<String, u32>,
}

/// One line of a large order: a map per element, itself holding a map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Line {
    pub(crate) sku: String,
    pub(crate) quantity: u32,
    pub(crate) unit_price_cents: i64,
    pub(crate) gift_wrap: bool,
    pub(crate) options: BTreeMap<String, String>,
}

/// A few scalars and a list of [`LINES`] nested maps, through the crate's traits.
#[derive(Debug, Clone, PartialEq, DynamoModel, Serialize, Deserialize)]
#[dynamo(table = "sizes_large")]
pub(crate) struct Large {
    #[dynamo(hash)]
    pub(crate) order_id: String,
    pub(crate) customer_id: String,
    pub(crate) placed_at: i64,
    pub(crate) total_cents: i64,
    pub(crate) lines: Vec<Line>,
}

/// [`Large`] with its lines stored through the serde bridge.
#[derive(Debug, Clone, PartialEq, DynamoModel, Serialize, Deserialize)]
#[dynamo(table = "sizes_large_bridged")]
pub(crate) struct LargeBridged {
    #[dynamo(hash)]
    pub(crate) order_id: String,
    pub(crate) customer_id: String,
    pub(crate) placed_at: i64,
    pub(crate) total_cents: i64,
    #[dynamo(serde)]
    pub(crate) lines: Vec<Line>,
}

impl From<Large> for LargeBridged {
    fn from(large: Large) -> Self {
        LargeBridged {
            order_id: large.order_id,
            customer_id: large.customer_id,
            placed_at: large.placed_at,
            total_cents: large.total_cents,
            lines: large.lines,
        }
    }
}

// What a user of the crate writes to store their own struct as a map: each field through the
// crate's own codec, errors carrying the field's name.
impl IntoAttributeValue for Line {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        let mut map = HashMap::with_capacity(5);
        let mut put = |name: &str, value: Result<Option<AttributeValue>, EncodeError>| {
            if let Some(value) = value.map_err(|e| e.at(name))? {
                map.insert(name.to_owned(), value);
            }
            Ok::<_, EncodeError>(())
        };
        put("sku", self.sku.to_attribute_value())?;
        put("quantity", self.quantity.to_attribute_value())?;
        put(
            "unit_price_cents",
            self.unit_price_cents.to_attribute_value(),
        )?;
        put("gift_wrap", self.gift_wrap.to_attribute_value())?;
        put("options", self.options.to_attribute_value())?;
        Ok(Some(AttributeValue::M(map)))
    }
}

impl FromAttributeValue for Line {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        let mut map = match value {
            AttributeValue::M(map) => map,
            other => return Err(DecodeError::wrong_type("a map (M)", &other)),
        };
        fn field<T: FromAttributeValue>(
            map: &mut HashMap<String, AttributeValue>,
            name: &str,
        ) -> Result<T, DecodeError> {
            match map.remove(name) {
                Some(value) => T::from_attribute_value(value).map_err(|e| e.at(name)),
                None => T::from_missing().ok_or_else(|| DecodeError::missing().at(name)),
            }
        }
        Ok(Line {
            sku: field(&mut map, "sku")?,
            quantity: field(&mut map, "quantity")?,
            unit_price_cents: field(&mut map, "unit_price_cents")?,
            gift_wrap: field(&mut map, "gift_wrap")?,
            options: field(&mut map, "options")?,
        })
    }
}

impl ListElement for Line {}

/// The lines of a large order.
pub(crate) const LINES: usize = 100;

pub(crate) fn small(rng: &mut fastrand::Rng, i: usize) -> Small {
    Small {
        user_id: format!("user-{:06}", rng.u32(..1_000_000)),
        seq: rng.u64(..1 << 40),
        score: rng.i64(-1_000..1_000_000),
        active: !i.is_multiple_of(3),
    }
}

pub(crate) fn medium(rng: &mut fastrand::Rng, i: usize) -> Medium {
    Medium {
        tenant_id: format!("tenant-{:04}", rng.u16(..10_000)),
        product_id: format!("sku-{:08x}", rng.u32(..)),
        title: format!("Product {i} in {}", ["red", "green", "blue"][i % 3]),
        status: ["draft", "active", "archived"][i % 3].to_owned(),
        price_cents: rng.i64(100..1_000_000),
        quantity: rng.u32(..500),
        rating: f64::from(rng.u32(0..500)) / 100.0,
        description: (!i.is_multiple_of(3))
            .then(|| format!("Product {i}: a description long enough to be a sentence.")),
        discontinued_at: i
            .is_multiple_of(4)
            .then(|| 1_717_000_000 + rng.i64(0..1_000_000)),
        tags: (0..rng.usize(0..5)).map(|t| format!("tag-{t}")).collect(),
        sizes: (0..rng.usize(0..4)).map(|_| rng.u32(30..50)).collect(),
        image_urls: (0..rng.usize(1..4))
            .map(|k| format!("https://img.example.com/{i}/{k}.jpg"))
            .collect(),
        price_history: (0..rng.usize(0..6))
            .map(|_| rng.i64(100..1_000_000))
            .collect(),
        attributes: (0..rng.usize(1..5))
            .map(|a| (format!("attr-{a}"), format!("value-{}", rng.u16(..))))
            .collect(),
        stock: ["eu", "us", "ap"][..rng.usize(1..4)]
            .iter()
            .map(|region| ((*region).to_owned(), rng.u32(..1_000)))
            .collect(),
    }
}

pub(crate) fn large(rng: &mut fastrand::Rng, i: usize) -> Large {
    let lines: Vec<Line> = (0..LINES)
        .map(|_| Line {
            sku: format!("sku-{:06}", rng.u32(..1_000_000)),
            quantity: rng.u32(1..10),
            unit_price_cents: rng.i64(100..100_000),
            gift_wrap: rng.bool(),
            options: [("colour", "blue"), ("size", "XL"), ("engraving", "for Sam")]
                [..rng.usize(0..4)]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        })
        .collect();
    Large {
        order_id: format!("order-{i:06}-{:08x}", rng.u32(..)),
        customer_id: format!("customer-{:06}", rng.u32(..1_000_000)),
        placed_at: 1_717_000_000 + rng.i64(0..1_000_000),
        total_cents: lines
            .iter()
            .map(|l| i64::from(l.quantity) * l.unit_price_cents)
            .sum(),
        lines,
    }
}
