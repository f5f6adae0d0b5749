// A projected read returns the projection: it never fills the full model.
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
    pub title: String,
}

async fn read(client: &dynamo_types::Client) -> dynamo_types::Result<Option<Post>> {
    Post::table(client).primary_key().get("p-1").project::<PostTitle>().await
}

fn main() {
    let _ = read;
}
