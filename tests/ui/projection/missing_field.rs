// Every field of a projection is a stored field of its model.
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
pub struct PostSummary {
    pub id: String,
    pub summary: String,
}

fn main() {}
