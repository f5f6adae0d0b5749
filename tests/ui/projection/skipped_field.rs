// A `#[dynamo(skip)]` field is not stored, so no projection can read it.
use dynamo_types::{DynamoModel, DynamoProjection};

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
pub struct Post {
    #[dynamo(hash)]
    pub id: String,
    #[dynamo(rename = "t")]
    pub title: String,
    pub likes: u64,
    pub body: Option<String>,
    #[dynamo(skip)]
    pub cache: Option<String>,
}

#[derive(DynamoProjection)]
#[dynamo(model = Post)]
pub struct PostCache {
    pub id: String,
    pub cache: Option<String>,
}

fn main() {}
