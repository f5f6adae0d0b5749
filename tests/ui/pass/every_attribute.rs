//! Every struct and field attribute at once.

use std::collections::BTreeSet;

use dynamo_types::{DynamoModel, IndexKind, Projection, StreamView};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Meta {
    source: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "blog_posts", ttl = "expires_at", stream = "new_and_old_images")]
#[dynamo(crate = "::dynamo_types")]
#[dynamo(lsi(name = "by_likes", range = "like_count", projection = "keys_only"))]
#[dynamo(lsi(name = "by_title", range = "title", projection(include(body, tags))))]
#[dynamo(gsi(name = "by_author", hash = "author_id", range = "published_at"))]
#[dynamo(gsi(name = "by_slug", hash = "slug", projection = "all"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range, rename = "pid")]
    post_id: String,
    author_id: String,
    slug: String,
    title: String,
    published_at: i64,
    #[dynamo(rename = "likes")]
    like_count: u64,
    #[dynamo(default)]
    tags: BTreeSet<String>,
    body: Option<String>,
    expires_at: Option<i64>,
    #[dynamo(version)]
    version: u64,
    #[dynamo(skip)]
    cached: Option<String>,
    #[dynamo(serde)]
    meta: Meta,
}

fn main() {
    let schema = &Post::SCHEMA;
    assert_eq!(schema.range.unwrap().name, "pid");
    assert_eq!(schema.ttl, Some("expires_at"));
    assert_eq!(schema.version, Some("version"));
    assert_eq!(schema.stream, Some(StreamView::NewAndOldImages));
    assert!(!schema.attributes.contains(&"cached"));
    assert_eq!(schema.indexes[0].kind, IndexKind::Local);
    assert_eq!(schema.indexes[0].projection, Projection::KeysOnly);
    assert_eq!(schema.indexes[1].projection, Projection::Include(&["body", "tags"]));
    assert_eq!(schema.indexes[1].range[0].name, "title");
    assert_eq!(schema.indexes[0].range[0].name, "likes");

    let post = Post {
        blog_id: "b".to_owned(),
        post_id: "p".to_owned(),
        author_id: "a".to_owned(),
        slug: "s".to_owned(),
        title: "t".to_owned(),
        published_at: 1,
        like_count: 2,
        tags: BTreeSet::new(),
        body: None,
        expires_at: None,
        version: 0,
        cached: Some("not stored".to_owned()),
        meta: Meta { source: "x".to_owned() },
    };
    let back = Post::from_item(post.to_item().unwrap()).unwrap();
    assert_eq!(back, Post { cached: None, ..post.clone() });
    let _: PostKey = post.key();
    let _ = (PostTable::by_likes, PostTable::by_title, PostTable::by_author, PostTable::by_slug);
}
