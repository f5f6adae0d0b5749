//! Floats are numbers (N), so they can be keys.

use dynamo_types::{DynamoModel, ScalarType};

#[derive(DynamoModel)]
#[dynamo(table = "readings")]
#[dynamo(gsi(name = "by_value", hash = "sensor", range = "value"))]
struct Reading {
    #[dynamo(hash)]
    sensor: String,
    #[dynamo(range)]
    at: f64,
    value: f32,
}

fn main() {
    assert_eq!(Reading::SCHEMA.range.unwrap().scalar, ScalarType::Number);
    let _ = ReadingKey { sensor: String::new(), at: 1.5 };
    let _: fn(&ReadingTable) -> dynamo_types::FullGlobalSecondaryIndex<ReadingByValueIndex> =
        ReadingTable::by_value;
    let _ = Reading { sensor: String::new(), at: 0.0, value: 0.0 }.value;
}
