//! This example shows a model with a local and a global secondary index: it creates the table
//! on the embedded DynamoDB (or on `DYNAMODB_ENDPOINT`), writes posts, reads one back, queries
//! the table and both indexes, updates a counter under a condition, and deletes the table.
//!
//! Run it with `cargo run --example quickstart`.

use std::collections::BTreeSet;

use dynamo_types::{DynamoModel, RangeCondition};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(
    table = "blog_posts",
    ttl = "expires_at",
    stream = "new_and_old_images"
)]
#[dynamo(lsi(name = "by_likes", range = "like_count"))]
#[dynamo(gsi(name = "by_author", hash = "author_id", range = "published_at"))]
#[dynamo(gsi(name = "by_slug", hash = "slug"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
    author_id: String,
    slug: String,
    published_at: i64,
    #[dynamo(rename = "likes")]
    like_count: u64,
    tags: BTreeSet<String>,
    body: Option<String>,
    expires_at: Option<i64>,
}

fn post(n: u32, author: &str) -> Post {
    Post {
        blog_id: "blog-1".into(),
        post_id: format!("2024-05-{n:02}"),
        author_id: author.into(),
        slug: format!("post-number-{n}"),
        published_at: 1_714_521_600 + i64::from(n) * 86_400,
        like_count: u64::from(n * 7 % 10),
        tags: ["rust".to_owned(), "dynamodb".to_owned()].into(),
        body: n.is_multiple_of(2).then(|| format!("Body of post {n}")),
        expires_at: None,
    }
}

#[tokio::main]
async fn main() -> dynamo_types::Result<()> {
    // The embedded server, unless DYNAMODB_ENDPOINT names another (DynamoDB Local, say).
    let client = dynamo_types::local::client().await?;
    let posts = Post::table(&client);
    posts.create_table().await?;
    println!("created table {}", posts.name());

    let mut all: Vec<Post> = (1..=12)
        .map(|n| post(n, if n.is_multiple_of(3) { "bob" } else { "alice" }))
        .collect();
    posts.writer().batch_put(&mut all).await?;
    println!("wrote {} posts with batch_put", all.len());

    let pk = posts.primary_key();
    let one = pk.get("blog-1", "2024-05-03").await?;
    println!("get 2024-05-03 -> {:?}", one.as_ref().map(|p| &p.slug));
    assert_eq!(one.as_ref(), Some(&all[2]));

    let page = pk
        .query("blog-1")
        .range(RangeCondition::between("2024-05-04", "2024-05-09"))
        .descending()
        .limit(3)
        .await?;
    let ids: Vec<&str> = page.items.iter().map(|p| p.post_id.as_str()).collect();
    println!("newest 3 posts between 05-04 and 05-09: {ids:?}");
    let rest = pk
        .query("blog-1")
        .range(RangeCondition::between("2024-05-04", "2024-05-09"))
        .descending()
        .start_after(page.cursor.expect("more pages"))
        .await?;
    let ids: Vec<&str> = rest.items.iter().map(|p| p.post_id.as_str()).collect();
    println!("  ...and the rest after the cursor: {ids:?}");

    let bobs = posts.by_author().query("bob").await?;
    println!("bob wrote {} posts (GSI by_author)", bobs.items.len());
    let popular = posts
        .by_likes()
        .query("blog-1")
        .range(RangeCondition::ge(8))
        .await?;
    println!(
        "{} posts with 8 likes or more (LSI by_likes)",
        popular.items.len()
    );
    let by_slug = posts.by_slug().query("post-number-5").await?;
    println!(
        "slug post-number-5 -> {:?}",
        by_slug.items.first().map(|p| &p.post_id)
    );

    let fields = Post::fields();
    let mut liked = all[0].clone();
    liked.like_count += 1;
    posts
        .writer()
        .put(&mut liked)
        .condition(fields.like_count.eq(all[0].like_count))
        .await?;
    let stale = posts
        .writer()
        .put(&mut liked)
        .condition(fields.like_count.eq(all[0].like_count))
        .await;
    println!(
        "a put conditioned on a stale like count fails: {}",
        stale.is_err_and(|e| matches!(e, dynamo_types::Error::ConditionalCheckFailed { .. }))
    );

    let found = pk
        .batch_get([
            ("blog-1", "2024-05-01"),
            ("blog-1", "missing"),
            ("blog-1", "2024-05-12"),
        ])
        .await?;
    println!("batch_get of 3 keys (one missing) found {}", found.len());

    posts.delete_table().await?;
    println!("deleted table {}", posts.name());
    Ok(())
}
