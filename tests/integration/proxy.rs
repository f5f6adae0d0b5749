//! A fault-injecting HTTP proxy on 127.0.0.1, in front of the test server (the embedded one,
//! or `DYNAMODB_ENDPOINT`). hyper serves and forwards; the faults are ours. Every answer a
//! client gets is the server's, or one of these faults, shaped as DynamoDB shapes it:
//!
//! - throttling (`ProvisionedThroughputExceededException`, `ThrottlingException`, or for
//!   DynamoDB Streams `LimitExceededException`) and server errors (500), without forwarding;
//! - a dropped connection before forwarding (not applied) or after (applied, unanswered);
//! - a slow answer;
//! - a partial batch: a `BatchGetItem` or `BatchWriteItem` forwarded with only part of its keys
//!   or items, the rest answered as `UnprocessedKeys` / `UnprocessedItems`;
//! - an expired shard iterator for `GetRecords`.
//!
//! Which request gets which fault follows rules (per operation, a rate or a count) drawn with a
//! seeded generator, so a failing run can be replayed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// What happens to a request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// DynamoDB's `ProvisionedThroughputExceededException` (Streams: `LimitExceededException`).
    Throttle,
    /// The generic `ThrottlingException`.
    Throttling,
    /// A 500 `InternalServerError`.
    ServerError,
    /// The connection drops before the request is forwarded: it was not applied.
    DropBefore,
    /// The request is forwarded and applied, then the connection drops: no answer.
    DropAfter,
    /// The request is forwarded after a delay.
    Slow(Duration),
    /// The request is forwarded and applied, and its answer held back for a while (past a
    /// client's attempt timeout, say).
    SlowAnswer(Duration),
    /// The request is forwarded and applied, and the answer replaced by a 500
    /// `InternalServerError`, as DynamoDB can answer after applying a write.
    ServerErrorAfter,
    /// A batch request goes out with part of its keys or items (each left out with this
    /// probability); the rest come back unprocessed.
    Partial(f64),
    /// `GetRecords` answers `ExpiredIteratorException`.
    ExpiredIterator,
}

impl Fault {
    fn name(&self) -> &'static str {
        match self {
            Fault::Throttle => "throttle",
            Fault::Throttling => "throttling",
            Fault::ServerError => "server error",
            Fault::DropBefore => "drop before",
            Fault::DropAfter => "drop after",
            Fault::Slow(_) => "slow",
            Fault::SlowAnswer(_) => "slow answer",
            Fault::ServerErrorAfter => "server error after applying",
            Fault::Partial(_) => "partial",
            Fault::ExpiredIterator => "expired iterator",
        }
    }
}

/// When a rule fires.
#[derive(Debug, Clone, Copy)]
enum When {
    /// On each matching request with this probability.
    Rate(f64),
    /// On the next this many matching requests.
    Times(usize),
}

#[derive(Debug, Clone)]
struct Rule {
    /// The operation (`BatchWriteItem`, `GetRecords`), or `*` for every one.
    operation: String,
    fault: Fault,
    when: When,
}

/// What went through the proxy.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Requests per operation, faulty ones included.
    pub requests: BTreeMap<String, usize>,
    /// Faults injected, per kind.
    pub faults: BTreeMap<&'static str, usize>,
    /// Keys or items left out of partial batches.
    pub left_unprocessed: usize,
}

impl Stats {
    pub fn requests_of(&self, operation: &str) -> usize {
        self.requests.get(operation).copied().unwrap_or(0)
    }

    pub fn total_requests(&self) -> usize {
        self.requests.values().sum()
    }

    pub fn total_faults(&self) -> usize {
        self.faults.values().sum()
    }
}

struct State {
    rules: Vec<Rule>,
    rng: fastrand::Rng,
    stats: Stats,
}

/// A running proxy.
#[derive(Clone)]
pub struct Proxy {
    pub endpoint: String,
    state: Arc<Mutex<State>>,
}

impl Proxy {
    /// A proxy in front of `upstream` (`http://127.0.0.1:PORT`), drawing faults with `seed`.
    pub async fn start(upstream: &str, seed: u64) -> Self {
        let upstream = upstream.trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            rules: Vec::new(),
            rng: fastrand::Rng::with_seed(seed),
            stats: Stats::default(),
        }));
        let forward: HttpClient<HttpConnector, Full<Bytes>> =
            HttpClient::builder(TokioExecutor::new()).build_http();
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, forward, upstream) =
                    (shared.clone(), forward.clone(), upstream.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        handle(request, state.clone(), forward.clone(), upstream.clone())
                    });
                    // an error here is a connection the proxy dropped on purpose
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Proxy { endpoint, state }
    }

    /// The proxy in front of the server the tests use.
    pub async fn in_front_of_test_server(seed: u64) -> Self {
        let upstream = match std::env::var("DYNAMODB_ENDPOINT") {
            Ok(endpoint) if !endpoint.trim().is_empty() => endpoint,
            _ => dynamo_types::local::shared().unwrap().endpoint().to_owned(),
        };
        Proxy::start(&upstream, seed).await
    }

    /// A client of the proxy with the table prefix of `direct` (a client of the server), so
    /// that both see the same tables.
    pub async fn client(&self, direct: &dynamo_types::Client) -> dynamo_types::Client {
        dynamo_types::Client::local(&self.endpoint)
            .await
            .with_table_prefix(direct.table_prefix())
    }

    /// `fault` on each `operation` request (`*`: any) with probability `rate`.
    pub fn at_rate(&self, operation: &str, fault: Fault, rate: f64) -> &Self {
        self.rule(operation, fault, When::Rate(rate))
    }

    /// `fault` on the next `times` `operation` requests.
    pub fn times(&self, operation: &str, fault: Fault, times: usize) -> &Self {
        self.rule(operation, fault, When::Times(times))
    }

    fn rule(&self, operation: &str, fault: Fault, when: When) -> &Self {
        self.state.lock().unwrap().rules.push(Rule {
            operation: operation.to_owned(),
            fault,
            when,
        });
        self
    }

    /// No more faults.
    pub fn heal(&self) {
        self.state.lock().unwrap().rules.clear();
    }

    pub fn stats(&self) -> Stats {
        self.state.lock().unwrap().stats.clone()
    }

    /// Starts counting afresh.
    pub fn reset_stats(&self) {
        self.state.lock().unwrap().stats = Stats::default();
    }
}

/// The proxy gave up on the connection on purpose.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the fault proxy")
    }
}

impl std::error::Error for Dropped {}

type Answer = Result<Response<Full<Bytes>>, Dropped>;

async fn handle(
    request: Request<Incoming>,
    state: Arc<Mutex<State>>,
    forward: HttpClient<HttpConnector, Full<Bytes>>,
    upstream: String,
) -> Answer {
    let (parts, body) = request.into_parts();
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return Err(Dropped);
    };
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let streams = target.starts_with("DynamoDBStreams");
    let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
    let fault = {
        let mut state = state.lock().unwrap();
        *state.stats.requests.entry(operation.clone()).or_default() += 1;
        let fault = draw(&mut state, &operation);
        if let Some(fault) = fault {
            *state.stats.faults.entry(fault.name()).or_default() += 1;
        }
        fault
    };
    let send = |body: Bytes| {
        let mut upstream_request = Request::builder()
            .method(parts.method.clone())
            .uri(format!("{upstream}{}", parts.uri.path()));
        for (name, value) in &parts.headers {
            if name != hyper::header::CONTENT_LENGTH {
                upstream_request = upstream_request.header(name, value);
            }
        }
        let upstream_request = upstream_request.body(Full::new(body));
        let forward = forward.clone();
        async move {
            let response = forward
                .request(upstream_request.map_err(|_| Dropped)?)
                .await;
            let response = response.map_err(|_| Dropped)?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|_| Dropped)?.to_bytes();
            Ok::<_, Dropped>((parts, body))
        }
    };
    match fault {
        None => {
            let (parts, body) = send(body).await?;
            Ok(rebuild(parts, body))
        }
        Some(Fault::Throttle) if streams => Ok(error(400, "LimitExceededException")),
        Some(Fault::Throttle) => Ok(error(400, "ProvisionedThroughputExceededException")),
        Some(Fault::Throttling) => Ok(error(400, "ThrottlingException")),
        Some(Fault::ServerError) => Ok(error(500, "InternalServerError")),
        Some(Fault::ExpiredIterator) => Ok(error(400, "ExpiredIteratorException")),
        Some(Fault::DropBefore) => Err(Dropped),
        Some(Fault::DropAfter) => {
            send(body).await?;
            Err(Dropped)
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            let (parts, body) = send(body).await?;
            Ok(rebuild(parts, body))
        }
        Some(Fault::SlowAnswer(delay)) => {
            let (parts, body) = send(body).await?;
            tokio::time::sleep(delay).await;
            Ok(rebuild(parts, body))
        }
        Some(Fault::ServerErrorAfter) => {
            send(body).await?;
            Ok(error(500, "InternalServerError"))
        }
        Some(Fault::Partial(share)) => {
            let Ok(mut request) = serde_json::from_slice::<Value>(&body) else {
                return Err(Dropped);
            };
            let left = {
                let mut state = state.lock().unwrap();
                let left = split(&mut request, &operation, share, &mut state.rng);
                state.stats.left_unprocessed += count(&left, &operation);
                left
            };
            let forwarded = request["RequestItems"]
                .as_object()
                .is_some_and(|tables| !tables.is_empty());
            let mut answer = if forwarded {
                let (parts, body) = send(Bytes::from(request.to_string())).await?;
                if !parts.status.is_success() {
                    return Ok(rebuild(parts, body));
                }
                serde_json::from_slice::<Value>(&body).map_err(|_| Dropped)?
            } else {
                json!({})
            };
            merge_unprocessed(&mut answer, &operation, left);
            Ok(json_response(200, &answer))
        }
    }
}

/// The fault for a request, if a rule fires.
fn draw(state: &mut State, operation: &str) -> Option<Fault> {
    let State { rules, rng, .. } = state;
    for rule in rules.iter_mut() {
        if rule.operation != "*" && rule.operation != operation {
            continue;
        }
        if matches!(rule.fault, Fault::Partial(_))
            && !matches!(operation, "BatchGetItem" | "BatchWriteItem")
        {
            continue;
        }
        let fires = match &mut rule.when {
            When::Rate(rate) => rng.f64() < *rate,
            When::Times(0) => false,
            When::Times(left) => {
                *left -= 1;
                true
            }
        };
        if fires {
            return Some(rule.fault);
        }
    }
    None
}

/// Takes part of a batch request's keys (BatchGetItem) or write requests (BatchWriteItem) out
/// of `request`, each with probability `share`; returns what was taken, per table, shaped as
/// the unprocessed part of an answer.
fn split(request: &mut Value, operation: &str, share: f64, rng: &mut fastrand::Rng) -> Value {
    let mut left = serde_json::Map::new();
    let Some(tables) = request["RequestItems"].as_object_mut() else {
        return Value::Object(left);
    };
    for (table, entry) in tables.iter_mut() {
        let list = match operation {
            "BatchGetItem" => entry["Keys"].as_array_mut(),
            _ => entry.as_array_mut(),
        };
        let Some(list) = list else { continue };
        let (kept, out): (Vec<Value>, Vec<Value>) =
            list.drain(..).partition(|_| rng.f64() >= share);
        *list = kept;
        if out.is_empty() {
            continue;
        }
        let unprocessed = match operation {
            "BatchGetItem" => {
                let mut same = entry.clone();
                same["Keys"] = Value::Array(out);
                same
            }
            _ => Value::Array(out),
        };
        left.insert(table.clone(), unprocessed);
    }
    tables.retain(|_, entry| {
        let list = entry.get("Keys").unwrap_or(entry);
        list.as_array().is_some_and(|l| !l.is_empty())
    });
    Value::Object(left)
}

fn count(left: &Value, operation: &str) -> usize {
    left.as_object().map_or(0, |tables| {
        tables
            .values()
            .map(|entry| {
                let list = match operation {
                    "BatchGetItem" => &entry["Keys"],
                    _ => entry,
                };
                list.as_array().map_or(0, Vec::len)
            })
            .sum()
    })
}

fn merge_unprocessed(answer: &mut Value, operation: &str, left: Value) {
    let field = match operation {
        "BatchGetItem" => "UnprocessedKeys",
        _ => "UnprocessedItems",
    };
    let Some(left) = left.as_object() else { return };
    if !answer[field].is_object() {
        answer[field] = json!({});
    }
    for (table, part) in left {
        let slot = &mut answer[field][table];
        match (operation, slot.is_null()) {
            (_, true) => *slot = part.clone(),
            ("BatchGetItem", false) => {
                if let (Some(keys), Some(more)) =
                    (slot["Keys"].as_array_mut(), part["Keys"].as_array())
                {
                    keys.extend(more.iter().cloned());
                }
            }
            (_, false) => {
                if let (Some(items), Some(more)) = (slot.as_array_mut(), part.as_array()) {
                    items.extend(more.iter().cloned());
                }
            }
        }
    }
}

/// The server's answer as it came, less the length and checksum headers (the body is
/// rebuilt, and a partial batch changes it).
fn rebuild(parts: hyper::http::response::Parts, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::from_parts(parts, Full::new(body));
    let headers = response.headers_mut();
    headers.remove(hyper::header::CONTENT_LENGTH);
    headers.remove(hyper::header::TRANSFER_ENCODING);
    response
}

fn json_response(status: u16, body: &Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header("content-type", "application/x-amz-json-1.0")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// An error answer as DynamoDB writes one: the type after `#` is what the SDK reads.
fn error(status: u16, kind: &str) -> Response<Full<Bytes>> {
    json_response(
        status,
        &json!({
            "__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"),
            "message": format!("injected by the fault proxy: {kind}"),
        }),
    )
}
