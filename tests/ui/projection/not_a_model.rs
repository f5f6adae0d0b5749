// The model of a projection derives `DynamoModel`.
use dynamo_types::DynamoProjection;

pub struct Post {
    pub id: String,
}

#[derive(DynamoProjection)]
#[dynamo(model = Post)]
pub struct PostId {
    pub id: String,
}

fn main() {}
