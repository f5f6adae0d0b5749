//! `examples/lambda_stream.rs` run the way Lambda runs a function: as its own process, polling
//! a Lambda Runtime API (served here on 127.0.0.1 by a small stand-in of AWS's) for events of
//! DynamoDB Streams and Kinesis records, and answering each with its `batchItemFailures`.

use std::collections::VecDeque;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use dynamo_types::DynamoModel;
use dynamo_types::stream::testing::TestEvent;
use serde_json::{Value, json};

/// The parts of the Runtime API a function uses: the next invocation, its response or error.
#[derive(Default)]
struct RuntimeApi {
    events: Mutex<VecDeque<(String, String)>>,
    answers: Mutex<Vec<(String, Result<Value, String>)>>,
    arrived: tokio::sync::Notify,
    answered: tokio::sync::Notify,
}

async fn next(State(api): State<Arc<RuntimeApi>>) -> (HeaderMap, String) {
    loop {
        let waiting = api.arrived.notified();
        if let Some((id, body)) = api.events.lock().unwrap().pop_front() {
            let mut headers = HeaderMap::new();
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 60_000;
            headers.insert(
                "lambda-runtime-aws-request-id",
                HeaderValue::from_str(&id).unwrap(),
            );
            headers.insert(
                "lambda-runtime-deadline-ms",
                HeaderValue::from(deadline as u64),
            );
            headers.insert(
                "lambda-runtime-invoked-function-arn",
                HeaderValue::from_static("arn:aws:lambda:us-east-1:123456789012:function:stream"),
            );
            headers.insert(
                "lambda-runtime-trace-id",
                HeaderValue::from_static("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
            );
            return (headers, body);
        }
        waiting.await;
    }
}

async fn response(
    State(api): State<Arc<RuntimeApi>>,
    Path(id): Path<String>,
    body: String,
) -> StatusCode {
    let answer = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"));
    api.answers.lock().unwrap().push((id, answer));
    api.answered.notify_waiters();
    StatusCode::ACCEPTED
}

async fn error(
    State(api): State<Arc<RuntimeApi>>,
    Path(id): Path<String>,
    body: String,
) -> StatusCode {
    api.answers.lock().unwrap().push((id, Err(body)));
    api.answered.notify_waiters();
    StatusCode::ACCEPTED
}

async fn init_error(State(api): State<Arc<RuntimeApi>>, body: String) -> StatusCode {
    api.answers.lock().unwrap().push(("init".into(), Err(body)));
    api.answered.notify_waiters();
    StatusCode::ACCEPTED
}

/// An example's binary, built if `cargo test` has not built it yet.
fn example_binary(name: &str) -> std::path::PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the example builds");
    let deps = std::env::current_exe().unwrap();
    let profile_dir = deps.parent().and_then(|d| d.parent()).unwrap();
    let binary = profile_dir.join("examples").join(name);
    assert!(binary.exists(), "{} exists", binary.display());
    binary
}

/// Runs example `name` as a Lambda function, with `TABLE_PREFIX` = `prefix`, on events
/// `bodies` in turn; returns each event's batch item failures and what the function printed.
async fn serve(name: &str, prefix: &str, bodies: &[String]) -> (Vec<Vec<String>>, String) {
    let binary = example_binary(name);
    let api = Arc::new(RuntimeApi::default());
    let app = axum::Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(api.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    {
        let mut queue = api.events.lock().unwrap();
        for (i, body) in bodies.iter().enumerate() {
            queue.push_back((format!("request-{i}"), body.clone()));
        }
    }
    let child = Command::new(binary)
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/stream")
        .env("TABLE_PREFIX", prefix)
        .env("AWS_REGION", "us-east-1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the function starts");
    let mut function = Function(Some(child));
    api.arrived.notify_waiters();

    let all_answered = async {
        loop {
            let waiting = api.answered.notified();
            if api.answers.lock().unwrap().len() >= bodies.len() {
                break;
            }
            waiting.await;
        }
    };
    let finished = tokio::time::timeout(Duration::from_secs(60), all_answered).await;
    let (stdout, stderr) = function.stop();
    assert!(
        finished.is_ok(),
        "the function answered every invocation\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let answers = api.answers.lock().unwrap().clone();
    let failures = answers
        .iter()
        .enumerate()
        .map(|(i, (id, answer))| {
            assert_eq!(id, &format!("request-{i}"));
            let answer = answer
                .as_ref()
                .unwrap_or_else(|e| panic!("request {i} failed: {e}"));
            answer["batchItemFailures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["itemIdentifier"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect();
    (failures, stdout)
}

/// The function's process, killed when the test ends however it ends.
struct Function(Option<Child>);

impl Function {
    /// Stops the process and returns what it printed.
    fn stop(&mut self) -> (String, String) {
        let Some(mut child) = self.0.take() else {
            return Default::default();
        };
        let _ = child.kill();
        let output = child.wait_with_output().expect("the function's output");
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The example's models, as its tables know them (the test writes their records).
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

fn comment(id: &str, body: &str) -> Comment {
    Comment {
        post_id: "p-1".into(),
        comment_id: id.into(),
        body: body.into(),
    }
}

#[tokio::test]
async fn the_router_example_answers_lambda_with_the_failed_record() {
    let prefix = "prod.eu-";
    let post_value = Post {
        blog_id: "blog-1".into(),
        post_id: "p-1".into(),
        title: "Hello".into(),
        expires_at: Some(1_700_000_000),
    };
    let events = |b: TestEvent| b.table_prefix(prefix);
    // 1. everything succeeds
    let good = events(TestEvent::new())
        .insert(&post_value)
        .insert(&comment("c-1", "Nice"))
        .expire(&post_value);
    // 2. the handler refuses the second comment: it is the failure, the third never runs
    let refused = events(TestEvent::new())
        .insert(&comment("c-2", "ok"))
        .insert(&comment("c-3", " "))
        .insert(&comment("c-4", "never seen"));
    // 3. a record that does not decode (an attribute type that does not exist)
    let mut malformed = events(TestEvent::new())
        .insert(&comment("c-5", "ok"))
        .insert(&comment("c-6", "ok"))
        .records()
        .unwrap();
    malformed[1]["dynamodb"]["NewImage"]["body"] = json!({ "STRING": "?" });
    // 4. a record of a table the function has no route for (no prefix)
    let unrouted = TestEvent::new().insert(&comment("c-7", "ok"));
    // 5. the refusal again, delivered by Kinesis Data Streams
    let kinesis = refused.to_kinesis_json().unwrap();

    let bodies = [
        good.to_json().unwrap(),
        refused.to_json().unwrap(),
        json!({ "Records": malformed }).to_string(),
        unrouted.to_json().unwrap(),
        kinesis,
    ];
    let (failures, stdout) = serve("lambda_stream", prefix, &bodies).await;
    let failures = |i: usize| failures[i].clone();
    assert_eq!(failures(0), Vec::<String>::new());
    assert_eq!(failures(1), ["000000000000000000200"]);
    assert_eq!(failures(2), ["000000000000000000200"]);
    assert_eq!(failures(3), ["000000000000000000100"]);
    assert_eq!(failures(4), ["000000000000000000200"]);

    // what ran: the good event whole; of the others, only the records before the failure
    assert!(
        stdout.contains("new post \"Hello\": tell the followers"),
        "{stdout}"
    );
    assert!(
        stdout.contains("post \"Hello\" expired: archive it"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("comment c-2 on p-1: ").count(),
        2,
        "{stdout}"
    );
    assert!(stdout.contains("comment c-5 on p-1: "), "{stdout}");
    for never in [
        "c-3 on p-1: ",
        "c-4 on p-1: ",
        "c-6 on p-1: ",
        "c-7 on p-1: ",
    ] {
        assert!(!stdout.contains(never), "{never} never runs:\n{stdout}");
    }
}

/// The one-table example: `lambda::run` of a `TableHandler`, which reads each event straight
/// into `CommentEvent`s.
#[tokio::test]
async fn the_table_example_answers_lambda_with_the_failed_record() {
    let prefix = "dev-";
    let events = |b: TestEvent| b.table_prefix(prefix);
    let good = events(TestEvent::new()).insert(&comment("c-1", "Nice"));
    let refused = events(TestEvent::new())
        .insert(&comment("c-2", "ok"))
        .insert(&comment("c-3", " "))
        .insert(&comment("c-4", "never seen"));
    let mut malformed = events(TestEvent::new())
        .insert(&comment("c-5", "ok"))
        .insert(&comment("c-6", "ok"))
        .records()
        .unwrap();
    malformed[1]["dynamodb"]["NewImage"]["body"] = json!({ "N": "1" });
    // another table's record: refused, though it would fit the model
    let other_table = TestEvent::new().insert(&comment("c-7", "ok"));
    let bodies = [
        good.to_json().unwrap(),
        refused.to_json().unwrap(),
        json!({ "Records": malformed }).to_string(),
        other_table.to_json().unwrap(),
        refused.to_kinesis_json().unwrap(),
    ];
    let (failures, stdout) = serve("lambda_table", prefix, &bodies).await;
    assert_eq!(
        failures,
        [
            vec![],
            vec!["000000000000000000200".to_owned()],
            vec!["000000000000000000200".to_owned()],
            vec!["000000000000000000100".to_owned()],
            vec!["000000000000000000200".to_owned()],
        ]
    );
    assert!(stdout.contains("comment c-1 on p-1: "), "{stdout}");
    assert_eq!(
        stdout.matches("comment c-2 on p-1: ").count(),
        2,
        "{stdout}"
    );
    assert!(stdout.contains("comment c-5 on p-1: "), "{stdout}");
    for never in [
        "c-3 on p-1: ",
        "c-4 on p-1: ",
        "c-6 on p-1: ",
        "c-7 on p-1: ",
    ] {
        assert!(!stdout.contains(never), "{never} never runs:\n{stdout}");
    }
}
