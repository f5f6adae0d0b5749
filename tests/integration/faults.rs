//! Faults between the client and a real server: a proxy on 127.0.0.1 that forwards each
//! request to the test server (embedded, or `DYNAMODB_ENDPOINT`) and, for the operations told,
//! swallows the answer (the server did the work, the client never hears of it). No DynamoDB
//! behaviour is imitated: every answer that arrives is the server's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dynamo_types::{Client, DynamoModel, Error, RetryPolicy};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A forwarding proxy that loses the answers of chosen operations.
pub struct FaultProxy {
    pub endpoint: String,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Operation (`BatchWriteItem`) to how many more answers to lose.
    lose: HashMap<String, usize>,
    /// Operations seen, in order.
    seen: Vec<String>,
}

impl FaultProxy {
    /// A proxy in front of `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str) -> Self {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, upstream.clone(), shared.clone()));
            }
        });
        FaultProxy { endpoint, state }
    }

    /// Loses the answers to the next `times` requests of `operation`.
    pub fn lose_answers(&self, operation: &str, times: usize) {
        self.state
            .lock()
            .unwrap()
            .lose
            .insert(operation.to_owned(), times);
    }

    /// How many requests of `operation` reached the server.
    pub fn count(&self, operation: &str) -> usize {
        let state = self.state.lock().unwrap();
        state.seen.iter().filter(|s| *s == operation).count()
    }
}

/// One HTTP/1.1 message as read: its head and its body, both as sent.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<String> {
        String::from_utf8_lossy(&self.head)
            .lines()
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| value.trim().to_owned())
            })
    }

    fn bytes(&self) -> Vec<u8> {
        [self.head.as_slice(), self.body.as_slice()].concat()
    }
}

/// Reads one message (head, then a body by `Content-Length` or chunked); `None` at the end of
/// the connection.
async fn read_message<R: tokio::io::AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
) -> Option<Message> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
    }
    let mut message = Message {
        head,
        body: Vec::new(),
    };
    if let Some(length) = message.header("content-length") {
        let mut body = vec![0; length.parse().ok()?];
        reader.read_exact(&mut body).await.ok()?;
        message.body = body;
    } else if message
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size_line = Vec::new();
            reader.read_until(b'\n', &mut size_line).await.ok()?;
            message.body.extend_from_slice(&size_line);
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&size_line).trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            message.body.extend_from_slice(&chunk);
            if size == 0 {
                break;
            }
        }
    }
    Some(message)
}

async fn serve(client: TcpStream, upstream: String, state: Arc<Mutex<State>>) {
    let (client_read, mut client_write) = client.into_split();
    let mut client_read = BufReader::new(client_read);
    let mut server: Option<(
        BufReader<tokio::net::tcp::OwnedReadHalf>,
        tokio::net::tcp::OwnedWriteHalf,
    )> = None;
    while let Some(request) = read_message(&mut client_read).await {
        let operation = request
            .header("x-amz-target")
            .and_then(|t| t.rsplit('.').next().map(str::to_owned))
            .unwrap_or_default();
        if server.is_none() {
            let Ok(stream) = TcpStream::connect(&upstream).await else {
                return;
            };
            let (read, write) = stream.into_split();
            server = Some((BufReader::new(read), write));
        }
        let Some((server_read, server_write)) = server.as_mut() else {
            return;
        };
        if server_write.write_all(&request.bytes()).await.is_err() {
            return;
        }
        let Some(response) = read_message(server_read).await else {
            return;
        };
        let lose = {
            let mut state = state.lock().unwrap();
            state.seen.push(operation.clone());
            match state.lose.get_mut(&operation) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    true
                }
                _ => false,
            }
        };
        if lose {
            // the server did the work; the client hears nothing and the connection drops
            return;
        }
        if client_write.write_all(&response.bytes()).await.is_err() {
            return;
        }
    }
}

/// The server the tests use, and a client of it through a new proxy.
async fn proxied() -> (FaultProxy, Client, Client) {
    let direct = crate::common::client().await;
    let upstream = match std::env::var("DYNAMODB_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => endpoint,
        _ => dynamo_types::local::shared().unwrap().endpoint().to_owned(),
    };
    let proxy = FaultProxy::start(&upstream).await;
    let through = Client::local(&proxy.endpoint)
        .await
        .with_table_prefix(direct.table_prefix());
    (proxy, direct, through)
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "ledger")]
pub struct Entry {
    #[dynamo(hash)]
    pub id: String,
    pub amount: i64,
}

fn quick(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        concurrency: 1,
    }
}

#[tokio::test]
async fn a_batch_write_whose_answers_are_lost_says_unconfirmed_and_sends_once_per_attempt() {
    let (proxy, direct, through) = proxied().await;
    Entry::table(&direct).create_table().await.unwrap();
    let entries: Vec<Entry> = (0..5)
        .map(|i| Entry {
            id: format!("e{i}"),
            amount: i,
        })
        .collect();
    proxy.lose_answers("BatchWriteItem", usize::MAX);
    let result = Entry::table(&through)
        .writer()
        .with_retry_policy(quick(3))
        .batch_put(&entries)
        .await;
    match result {
        Err(Error::BatchWriteIncomplete {
            unprocessed,
            unconfirmed,
            attempts,
            last_error,
        }) => {
            assert!(unprocessed.is_empty(), "nothing is known to be unwritten");
            assert_eq!(unconfirmed.len(), 5, "every request is unconfirmed");
            assert_eq!(attempts, 3);
            assert!(last_error.is_some(), "the last attempt's error is kept");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        proxy.count("BatchWriteItem"),
        3,
        "one send per attempt: the SDK's own retry does not multiply them"
    );
    // and they were written: "unconfirmed" is the truth, "not written" would not be
    let stored = Entry::table(&direct)
        .primary_key()
        .batch_get(entries.iter().map(|e| e.id.clone()))
        .await
        .unwrap();
    assert_eq!(stored.len(), 5);
    Entry::table(&direct).delete_table().await.unwrap();
}

#[tokio::test]
async fn a_batch_get_whose_answers_are_lost_is_retried_to_the_end() {
    let (proxy, direct, through) = proxied().await;
    Entry::table(&direct).create_table().await.unwrap();
    let entries: Vec<Entry> = (0..5)
        .map(|i| Entry {
            id: format!("e{i}"),
            amount: i,
        })
        .collect();
    Entry::table(&direct)
        .writer()
        .batch_put(&entries)
        .await
        .unwrap();
    proxy.lose_answers("BatchGetItem", 2);
    let read = Entry::table(&through)
        .primary_key()
        .batch_get(entries.iter().map(|e| e.id.clone()))
        .retry_policy(quick(5))
        .await
        .unwrap();
    assert_eq!(read, entries);
    assert_eq!(
        proxy.count("BatchGetItem"),
        3,
        "two lost, the third answered"
    );
    Entry::table(&direct).delete_table().await.unwrap();
}
