//! This example shows a Lambda function for one table's stream: a `TableHandler` of the
//! model's events, which `lambda::run` reads straight from the event's JSON into the model
//! (no item in between), answering with the record that failed.
//!
//! New comments are checked; an empty comment is refused (the handler returns an error), so
//! that record is the batch item failure and Lambda retries from it. `TABLE_PREFIX` is put in
//! front of the table name: records of any other table are refused, not guessed at. Run on
//! its own, with no Lambda Runtime API, it handles a made-up event and prints Lambda's answer:
//!
//! ```sh
//! cargo run --example lambda_table
//! ```

use dynamo_types::stream::testing::TestEvent;
use dynamo_types::{DynamoModel, Error, lambda};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "comments", stream = "new_image")]
struct Comment {
    #[dynamo(hash)]
    post_id: String,
    #[dynamo(range)]
    comment_id: String,
    body: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let prefix = std::env::var("TABLE_PREFIX").unwrap_or_default();
    let handler = CommentEvent::handler()
        .table_prefix(&prefix)
        .on_insert(|record| async move {
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
        });
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        lambda::lambda_runtime::tracing::init_default_subscriber();
        return lambda::run(handler).await;
    }

    // No Lambda here: handle an event made of model values, as Lambda would deliver it.
    let comment = |id: &str, body: &str| Comment {
        post_id: "p-1".into(),
        comment_id: id.into(),
        body: body.into(),
    };
    let event = TestEvent::new()
        .table_prefix(&prefix)
        .insert(&comment("c-1", "Nice post"))
        .insert(&comment("c-2", "   "))
        .insert(&comment("c-3", "Never handled: Lambda retries from c-2"));
    let response = lambda::handle(event.to_batch()?, &handler).await;
    println!("Lambda's answer: {}", serde_json::to_string(&response)?);
    Ok(())
}
