// A number sort key is still a key: `add` (and every other update action) must not take it.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "readings")]
pub struct Reading {
    #[dynamo(hash)]
    pub sensor: String,
    #[dynamo(range)]
    pub at: i64,
    pub value: f64,
}

fn main() {
    let _ = Reading::update().add(&Reading::fields().at, 1);
}
