use std::collections::BTreeSet;

use dynamo_types::{DynamoModel, ModelKey};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(
    table = "blog_posts",
    ttl = "expires_at",
    stream = "new_and_old_images"
)]
#[dynamo(lsi(name = "by_likes", range = "like_count"))]
#[dynamo(gsi(name = "by_author", hash = "author_id", range = "published_at"))]
#[dynamo(gsi(name = "by_slug", hash = "slug", projection = "keys_only"))]
pub(crate) struct Post {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub post_id: String,
    pub author_id: String,
    pub slug: String,
    pub published_at: i64,
    #[dynamo(rename = "likes")]
    pub like_count: u64,
    pub tags: BTreeSet<String>,
    pub body: Option<String>,
    pub expires_at: Option<i64>,
}

#[test]
fn round_trip() {
    let post = Post {
        blog_id: "b".into(),
        post_id: "p".into(),
        author_id: "a".into(),
        slug: "s".into(),
        published_at: 7,
        like_count: 3,
        tags: ["x".to_owned()].into(),
        body: None,
        expires_at: Some(1),
    };
    let item = post.to_item().unwrap();
    assert!(item.contains_key("likes"));
    assert!(!item.contains_key("body"));
    assert_eq!(Post::from_item(item).unwrap(), post);
    let key = post.key();
    assert_eq!(
        key,
        PostKey {
            blog_id: "b".into(),
            post_id: "p".into()
        }
    );
    assert_eq!(key.to_key_item().unwrap().len(), 2);
    assert_eq!(Post::SCHEMA.indexes.len(), 3);
}

#[test]
fn typed_paths_render_through_placeholders() {
    let f = Post::fields();
    let condition = f.like_count.gt(10).and(f.body.exists()) | f.slug.begins_with("hello");
    let mut placeholders = dynamo_types::Placeholders::default();
    let text = placeholders.condition(&condition).unwrap();
    assert_eq!(
        text,
        "(#n0 > :v0 AND attribute_exists(#n1)) OR begins_with(#n2, :v1)"
    );
    let (names, _) = placeholders.into_parts();
    assert_eq!(names.unwrap()["#n0"], "likes");
}

#[test]
fn each_index_marker_and_method_reads_its_own_index() {
    use dynamo_types::KeySchema;
    // The markers point into SCHEMA.indexes by position: a wrong order would read another
    // index's metadata.
    let name = |index: Option<&'static dynamo_types::IndexSchema>| index.map(|i| i.name);
    assert_eq!(
        name(<PostByLikesIndex as KeySchema>::INDEX),
        Some("by_likes")
    );
    assert_eq!(
        name(<PostByAuthorIndex as KeySchema>::INDEX),
        Some("by_author")
    );
    assert_eq!(name(<PostBySlugIndex as KeySchema>::INDEX), Some("by_slug"));
    assert_eq!(
        <PostByLikesIndex as KeySchema>::HASH_ATTRIBUTES,
        ["blog_id"]
    );
    assert_eq!(
        <PostByAuthorIndex as KeySchema>::HASH_ATTRIBUTES,
        ["author_id"]
    );
    assert_eq!(<PostBySlugIndex as KeySchema>::HASH_ATTRIBUTES, ["slug"]);
    assert_eq!(name(<Post as KeySchema>::INDEX), None);
}
