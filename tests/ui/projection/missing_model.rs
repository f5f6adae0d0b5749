// A projection names its model.
use dynamo_types::DynamoProjection;

#[derive(DynamoProjection)]
pub struct PostId {
    pub id: String,
}

fn main() {}
