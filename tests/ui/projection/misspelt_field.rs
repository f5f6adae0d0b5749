// A misspelt field is an error on it, with the model's field it may mean.
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
pub struct PostTitle {
    pub id: String,
    pub titel: String,
}

fn main() {}
