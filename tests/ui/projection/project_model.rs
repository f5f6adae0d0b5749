// `project` takes a projection, not the model itself.
use dynamo_types::DynamoModel;

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

async fn read(client: &dynamo_types::Client) {
    let _ = Post::table(client).primary_key().query("p-1").project::<Post>().await;
}

fn main() {
    let _ = read;
}
