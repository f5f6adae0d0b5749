//! This example shows a Lambda function for the streams of two tables: a router sends each
//! record to its model's typed handler, and Lambda is told exactly which record failed.
//!
//! - New posts are announced; posts removed by TTL are archived, posts deleted by a user are
//!   not.
//! - New comments are checked; an empty comment is refused (the handler returns an error), so
//!   that record is the batch item failure and Lambda retries from it.
//!
//! Deployed, it serves Lambda's Runtime API (`AWS_LAMBDA_RUNTIME_API` is set there); the event
//! source mappings need `FunctionResponseTypes: ["ReportBatchItemFailures"]` (see the README).
//! `TABLE_PREFIX` is put in front of both table names. Run on its own, with no Runtime API,
//! it handles a made-up event instead and prints Lambda's answer:
//!
//! ```sh
//! cargo run --example lambda_stream
//! ```

use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{Router, RouterBuilder};
use dynamo_types::{DynamoModel, Error, lambda};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(
    table = "blog_posts",
    stream = "new_and_old_images",
    ttl = "expires_at"
)]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
    title: String,
    expires_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "comments", stream = "new_image")]
struct Comment {
    #[dynamo(hash)]
    post_id: String,
    #[dynamo(range)]
    comment_id: String,
    body: String,
}

/// The routes: one handler per table, typed by its model and view type.
fn routes(builder: RouterBuilder) -> dynamo_types::Result<Router> {
    builder
        .table::<Post>(
            PostEvent::handler()
                .on_insert(|record| async move {
                    println!("new post {:?}: tell the followers", record.event.new.title);
                    Ok::<_, Error>(())
                })
                .on_remove(|record| async move {
                    if record.event.expired {
                        println!("post {:?} expired: archive it", record.event.old.title);
                    }
                    Ok::<_, Error>(())
                }),
        )
        .table::<Comment>(CommentEvent::handler().on_insert(|record| async move {
            let comment = record.event.new;
            if comment.body.trim().is_empty() {
                return Err(Error::Validation(format!(
                    "comment {} on {} is empty",
                    comment.comment_id, comment.post_id
                )));
            }
            println!(
                "comment {} on {}: {:?}",
                comment.comment_id, comment.post_id, comment.body
            );
            Ok(())
        }))
        .build()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let prefix = std::env::var("TABLE_PREFIX").unwrap_or_default();
    let router = routes(Router::builder().table_prefix(&prefix))?;
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        lambda::lambda_runtime::tracing::init_default_subscriber();
        return lambda::run(router).await;
    }

    // No Lambda here: handle an event made of model values, as Lambda would deliver it.
    let post = Post {
        blog_id: "blog-1".into(),
        post_id: "p-1".into(),
        title: "Hello".into(),
        expires_at: Some(1_700_000_000),
    };
    let comment = |id: &str, body: &str| Comment {
        post_id: "p-1".into(),
        comment_id: id.into(),
        body: body.into(),
    };
    let event = TestEvent::new()
        .table_prefix(&prefix)
        .insert(&post)
        .insert(&comment("c-1", "Nice post"))
        .insert(&comment("c-2", "   "))
        .insert(&comment("c-3", "Never handled: Lambda retries from c-2"))
        .expire(&post);
    let response = lambda::handle(event.to_batch()?, &router).await;
    println!("Lambda's answer: {}", serde_json::to_string(&response)?);
    Ok(())
}
