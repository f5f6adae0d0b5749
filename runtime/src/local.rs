//! A DynamoDB-compatible server in this process, for tests and examples (feature `local`).
//!
//! It is [dynoxide](https://crates.io/crates/dynoxide-rs), an emulator on SQLite, served over
//! HTTP on `127.0.0.1` with a free port, on a thread of its own (so it outlives any one test's
//! async runtime). [`client`] is the one line a test needs:
//!
//! ```
//! # use dynamo_types_runtime as dynamo_types;
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> dynamo_types::Result<()> {
//! let client = dynamo_types::local::client().await?;
//! # Ok(()) }
//! ```

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::client::{Client, ENDPOINT_ENV};
use crate::error::{Error, Result};

/// An embedded DynamoDB server. Stops when dropped.
pub struct LocalDynamo {
    endpoint: String,
    db: dynoxide::Database,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for LocalDynamo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalDynamo")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl LocalDynamo {
    /// Starts an in-memory server on `127.0.0.1` with a free port.
    pub fn start() -> Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| {
                Error::Validation(format!(
                    "cannot bind 127.0.0.1:0 for the local DynamoDB: {e}"
                ))
            })?;
        let address = listener
            .local_addr()
            .map_err(|e| Error::Validation(format!("local DynamoDB address: {e}")))?;
        let db = dynoxide::Database::memory()
            .map_err(|e| Error::Validation(format!("cannot open the local DynamoDB: {e}")))?;
        let served = db.clone();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, started) = std::sync::mpsc::channel::<std::result::Result<(), String>>();
        std::thread::Builder::new()
            .name("dynamo-types-local".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready.send(Err(e.to_string()));
                            return;
                        }
                    };
                    let _ = ready.send(Ok(()));
                    let stop = async move {
                        let _ = stopped.await;
                    };
                    if let Err(e) =
                        dynoxide::server::serve_with_shutdown(listener, served, stop).await
                    {
                        tracing::error!(error = %e, "the local DynamoDB stopped");
                    }
                });
            })
            .map_err(|e| {
                Error::Validation(format!("cannot start the local DynamoDB thread: {e}"))
            })?;
        match started.recv() {
            Ok(Ok(())) => Ok(LocalDynamo {
                endpoint: format!("http://{address}"),
                db,
                shutdown: Some(shutdown),
            }),
            Ok(Err(e)) => Err(Error::Validation(format!(
                "cannot start the local DynamoDB: {e}"
            ))),
            Err(_) => Err(Error::Validation(
                "the local DynamoDB thread died while starting".to_owned(),
            )),
        }
    }

    /// The server's URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A client for this server (region `us-east-1`, dummy credentials). Its DynamoDB Streams
    /// client mends one quirk of dynoxide 3.2: `GetRecords` answers spell a TTL removal's
    /// identity `type` / `principalId` (as Lambda events do) where the Streams API has `Type` /
    /// `PrincipalId`, which the SDK would drop, making a TTL expiry read as a user's delete.
    pub async fn client(&self) -> Client {
        Client::local(&self.endpoint)
            .await
            .with_streams(mend::streams_client(&self.endpoint))
    }

    /// Runs DynamoDB's TTL process now: deletes every item whose TTL attribute is in the past,
    /// in every table with TTL on, and writes a `REMOVE` stream record for each with the TTL
    /// service's identity (so it decodes as `Remove { expired: true, .. }`). Returns how many
    /// items it deleted. (Real DynamoDB deletes expired items on its own, within days; AWS's
    /// DynamoDB Local never does.)
    pub fn sweep_ttl(&self) -> Result<usize> {
        self.db
            .sweep_ttl()
            .map_err(|e| Error::Validation(format!("the local DynamoDB's TTL sweep failed: {e}")))
    }
}

impl Drop for LocalDynamo {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The process-wide embedded server, started on first use and kept until the process exits.
///
/// Only a server that started is kept: after a failed start (a port that could not be bound,
/// say), the next call tries again and returns its own error.
pub fn shared() -> Result<&'static LocalDynamo> {
    static SHARED: OnceLock<LocalDynamo> = OnceLock::new();
    static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    if let Some(server) = SHARED.get() {
        return Ok(server);
    }
    // One start at a time; a poisoned lock only means another start panicked.
    let _guard = STARTING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(server) = SHARED.get() {
        return Ok(server);
    }
    let server = LocalDynamo::start()?;
    Ok(SHARED.get_or_init(|| server))
}

/// A client of the embedded server (never `DYNAMODB_ENDPOINT`), with a table prefix unique to
/// this call: for what only the embedded server does, such as [`sweep_ttl`].
pub async fn embedded_client() -> Result<Client> {
    Ok(shared()?.client().await.with_table_prefix(unique_prefix()))
}

/// Runs the TTL process of the process-wide embedded server (see [`LocalDynamo::sweep_ttl`]).
pub fn sweep_ttl() -> Result<usize> {
    shared()?.sweep_ttl()
}

fn unique_prefix() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "t{}_{}_{:04x}_",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        fastrand::u16(..)
    )
}

/// A client for tests and examples, with a table prefix unique to this call, so that tests
/// running in parallel never share a table.
///
/// It talks to `DYNAMODB_ENDPOINT` when that is set (DynamoDB Local, say), and to the shared
/// embedded server otherwise.
pub async fn client() -> Result<Client> {
    let base = match std::env::var(ENDPOINT_ENV) {
        Ok(endpoint) if !endpoint.trim().is_empty() => Client::from_env().await,
        _ => shared()?.client().await,
    };
    Ok(base.with_table_prefix(unique_prefix()))
}

mod mend {
    //! dynoxide 3.2 writes the identity of a TTL removal in `GetRecords` answers the way Lambda
    //! events spell it (`{"type": "Service", "principalId": "dynamodb.amazonaws.com"}`), where
    //! the DynamoDB Streams API has `Type` and `PrincipalId`. `aws-sdk-dynamodbstreams` skips
    //! the unknown keys, and a TTL expiry would read as a user's delete. The embedded server's
    //! streams client renames them in `GetRecords` answers before the SDK reads them; answers
    //! already spelt the API's way pass unchanged.

    use aws_smithy_runtime_api::client::http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
        SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::byte_stream::ByteStream;

    /// A DynamoDB Streams client for the embedded server at `endpoint`.
    pub(crate) fn streams_client(endpoint: &str) -> aws_sdk_dynamodbstreams::Client {
        let http = SharedHttpClient::new(Mend(aws_smithy_http_client::Builder::new().build_http()));
        let config = aws_sdk_dynamodbstreams::config::Builder::new()
            .behavior_version(aws_sdk_dynamodbstreams::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodbstreams::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodbstreams::config::Credentials::new(
                "local",
                "local",
                None,
                None,
                "dynamo-types",
            ))
            .endpoint_url(endpoint)
            .http_client(http)
            .build();
        aws_sdk_dynamodbstreams::Client::from_conf(config)
    }

    #[derive(Debug)]
    struct Mend(SharedHttpClient);

    impl HttpClient for Mend {
        fn http_connector(
            &self,
            settings: &HttpConnectorSettings,
            components: &RuntimeComponents,
        ) -> SharedHttpConnector {
            SharedHttpConnector::new(MendConnector(self.0.http_connector(settings, components)))
        }
    }

    #[derive(Debug)]
    struct MendConnector(SharedHttpConnector);

    impl HttpConnector for MendConnector {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let get_records = request
                .headers()
                .get("x-amz-target")
                .is_some_and(|t| t.ends_with(".GetRecords"));
            let answer = self.0.call(request);
            if !get_records {
                return answer;
            }
            HttpConnectorFuture::new(async move {
                let mut response = answer.await?;
                let body = ByteStream::new(response.take_body())
                    .collect()
                    .await
                    .map_err(|e| ConnectorError::io(e.into()))?
                    .into_bytes();
                let body = identities(&body).unwrap_or_else(|| body.to_vec());
                let _ = response
                    .headers_mut()
                    .insert("content-length", body.len().to_string());
                // dynoxide's checksum was of the answer before it was mended
                let _ = response.headers_mut().remove("x-amz-crc32");
                *response.body_mut() = SdkBody::from(body);
                Ok(response)
            })
        }
    }

    /// The answer with `type` / `principalId` of every record's `userIdentity` renamed `Type`
    /// / `PrincipalId`; `None` when there is nothing to rename (or it is not JSON).
    pub(crate) fn identities(body: &[u8]) -> Option<Vec<u8>> {
        let mut answer: serde_json::Value = serde_json::from_slice(body).ok()?;
        let mut renamed = false;
        for record in answer.get_mut("Records")?.as_array_mut()? {
            let Some(identity) = record
                .get_mut("userIdentity")
                .and_then(serde_json::Value::as_object_mut)
            else {
                continue;
            };
            for (from, to) in [("type", "Type"), ("principalId", "PrincipalId")] {
                if let Some(value) = identity.remove(from) {
                    let _ = identity.insert(to.to_owned(), value);
                    renamed = true;
                }
            }
        }
        renamed.then(|| serde_json::to_vec(&answer).ok()).flatten()
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn renames_only_identities() {
            let body = br#"{"Records":[{"eventName":"REMOVE","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},"dynamodb":{"type":"x"}},{"eventName":"INSERT"}],"NextShardIterator":"i"}"#;
            let mended: serde_json::Value =
                serde_json::from_slice(&super::identities(body).unwrap()).unwrap();
            assert_eq!(
                mended["Records"][0]["userIdentity"],
                serde_json::json!({"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"})
            );
            assert_eq!(mended["Records"][0]["dynamodb"]["type"], "x");
            assert_eq!(mended["NextShardIterator"], "i");
            let spelt_right = br#"{"Records":[{"userIdentity":{"Type":"Service"}}]}"#;
            assert_eq!(super::identities(spelt_right), None);
        }
    }
}
