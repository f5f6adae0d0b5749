// An `Option` field of the model stays an `Option`: an item without it would not decode.
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
pub struct PostBody {
    pub body: String,
}

fn main() {}
