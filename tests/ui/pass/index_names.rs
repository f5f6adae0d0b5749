//! Index names may hold `-` and `.`: the methods and marker types are made from their words,
//! and a keyword makes a raw identifier.

use dynamo_types::{DynamoModel, FullGlobalSecondaryIndex, HashGlobalSecondaryIndex};

#[derive(DynamoModel)]
#[dynamo(table = "my-app.posts")]
#[dynamo(gsi(name = "by-author.v2", hash = "author_id", range = "published_at"))]
#[dynamo(gsi(name = "GSI1", hash = "slug"))]
#[dynamo(gsi(name = "type", hash = "kind"))]
#[dynamo(lsi(name = "2024.by-likes", range = "likes"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
    author_id: String,
    published_at: i64,
    slug: String,
    likes: u64,
    kind: String,
}

fn main() {
    let _: fn(&PostTable) -> FullGlobalSecondaryIndex<PostByAuthorV2Index> = PostTable::by_author_v2;
    let _: fn(&PostTable) -> HashGlobalSecondaryIndex<PostGsi1Index> = PostTable::gsi1;
    let _ = PostTable::index_2024_by_likes;
    let _: fn(&PostTable) -> HashGlobalSecondaryIndex<PostTypeIndex> = PostTable::r#type;
    let names: Vec<&str> = Post::SCHEMA.indexes.iter().map(|i| i.name).collect();
    assert_eq!(names, ["2024.by-likes", "by-author.v2", "GSI1", "type"]);
    assert_eq!(Post::SCHEMA.table, "my-app.posts");
}
