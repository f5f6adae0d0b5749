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

    /// A client for this server (region `us-east-1`, dummy credentials).
    pub async fn client(&self) -> Client {
        Client::local(&self.endpoint).await
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
