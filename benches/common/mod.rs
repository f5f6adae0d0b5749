//! The model and the items the codec and stream benchmarks use (each uses a part of them).
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};

use dynamo_types::{DynamoModel, Item};
use serde::{Deserialize, Serialize};

/// An e-commerce order: strings, integers, a float, options, a string set, a list and a map.
#[derive(Debug, Clone, PartialEq, DynamoModel, Serialize, Deserialize)]
#[dynamo(table = "orders", stream = "new_and_old_images")]
pub(crate) struct Order {
    #[dynamo(hash)]
    pub(crate) customer_id: String,
    #[dynamo(range)]
    pub(crate) order_id: String,
    pub(crate) status: String,
    pub(crate) total_cents: i64,
    pub(crate) item_count: u32,
    pub(crate) discount: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shipped_at: Option<i64>,
    #[serde(
        default,
        with = "serde_dynamo::string_set",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub(crate) tags: BTreeSet<String>,
    pub(crate) line_items: Vec<u64>,
    pub(crate) attributes: HashMap<String, String>,
}

pub(crate) const BATCH: usize = 64;

/// `BATCH` deterministic, varied orders: some sparse, some with bigger lists and maps.
pub(crate) fn orders() -> Vec<Order> {
    let mut rng = fastrand::Rng::with_seed(42);
    (0..BATCH).map(|i| order(&mut rng, i)).collect()
}

/// The `i`th of a series of varied orders drawn from `rng`.
pub(crate) fn order(rng: &mut fastrand::Rng, i: usize) -> Order {
    Order {
        customer_id: format!("customer-{:06}", rng.u32(..1_000_000)),
        order_id: format!("2024-06-{:02}#{:08x}", rng.u8(1..29), rng.u32(..)),
        status: ["placed", "paid", "shipped", "delivered"][i % 4].to_owned(),
        total_cents: rng.i64(100..5_000_000),
        item_count: rng.u32(1..20),
        discount: f64::from(rng.u32(0..5000)) / 100.0,
        note: i
            .is_multiple_of(3)
            .then(|| "leave at the door, ring twice 🚪".to_owned()),
        shipped_at: i
            .is_multiple_of(2)
            .then(|| 1_717_000_000 + rng.i64(0..1_000_000)),
        tags: (0..rng.usize(0..5)).map(|t| format!("tag-{t}")).collect(),
        line_items: (0..rng.usize(1..8)).map(|_| rng.u64(..1 << 40)).collect(),
        attributes: (0..rng.usize(0..5))
            .map(|a| (format!("attr-{a}"), format!("value-{}", rng.u16(..))))
            .collect(),
    }
}

/// The items of `orders`, after checking that both libraries write exactly these items and
/// read them back as the orders: the comparison is only fair on identical input and output.
pub(crate) fn items(orders: &[Order]) -> Vec<Item> {
    let ours: Vec<Item> = orders.iter().map(|o| o.to_item().unwrap()).collect();
    let theirs: Vec<Item> = orders
        .iter()
        .map(|o| serde_dynamo::to_item(o).unwrap())
        .collect();
    assert_eq!(ours, theirs, "both libraries write identical items");
    for (order, item) in orders.iter().zip(&ours) {
        assert_eq!(&Order::from_item(item.clone()).unwrap(), order);
        assert_eq!(
            &serde_dynamo::from_item::<_, Order>(item.clone()).unwrap(),
            order
        );
    }
    ours
}
