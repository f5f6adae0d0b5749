// A projection of one model cannot read another model's table.
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

#[derive(DynamoModel)]
#[dynamo(table = "users")]
pub struct User {
    #[dynamo(hash)]
    pub id: String,
    pub name: String,
}

#[derive(DynamoProjection)]
#[dynamo(model = User)]
pub struct UserName {
    pub id: String,
    pub name: String,
}

async fn read(client: &dynamo_types::Client) {
    let _ = Post::table(client).primary_key().scan().project::<UserName>().await;
}

fn main() {
    let _ = read;
}
