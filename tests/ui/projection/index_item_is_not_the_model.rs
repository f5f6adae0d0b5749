// A keys-only index reads its item type (the keys it holds), not the model.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "by_slug", hash = "slug", projection = "keys_only"))]
pub struct Post {
    #[dynamo(hash)]
    pub id: String,
    pub slug: String,
    pub body: String,
}

async fn read(client: &dynamo_types::Client) -> dynamo_types::Result<Vec<Post>> {
    Ok(Post::table(client).by_slug().query("hello").await?.items)
}

fn main() {
    let _ = read;
}
