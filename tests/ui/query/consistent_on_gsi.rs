// A global secondary index offers no strongly consistent reads, so its queries have no
// `.consistent()`.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "by_author", hash = "author"))]
pub struct Post {
    #[dynamo(hash)]
    pub id: String,
    pub author: String,
}

async fn query(client: &dynamo_types::Client) {
    let _ = Post::table(client).by_author().query("ann").consistent().await;
}

fn main() {
    let _ = query;
}
