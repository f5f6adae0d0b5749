//! The client every table handle shares.

use std::sync::Arc;

/// A cheap-to-clone DynamoDB client with an optional table-name prefix.
///
/// The prefix is put in front of every model's table name (`dev_` + `blog_posts`), so one code
/// base can serve several environments, and tests can give each run tables of its own.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    sdk: aws_sdk_dynamodb::Client,
    streams: Option<aws_sdk_dynamodbstreams::Client>,
    prefix: String,
}

/// The environment variable naming a DynamoDB endpoint (such as DynamoDB Local) to use instead
/// of AWS.
pub const ENDPOINT_ENV: &str = "DYNAMODB_ENDPOINT";

/// The environment variable naming a DynamoDB Streams endpoint, when it differs from
/// `DYNAMODB_ENDPOINT`.
pub const STREAMS_ENDPOINT_ENV: &str = "DYNAMODB_STREAMS_ENDPOINT";

impl Client {
    /// Wraps an SDK client. It has no DynamoDB Streams client: add one with
    /// [`with_streams`](Self::with_streams) to read streams.
    ///
    /// The client is rebuilt from `sdk`'s configuration with one interceptor added, which
    /// counts the attempts of each request and the answers they got: for its tracing span (see
    /// the crate's "Tracing" docs), and to tell a single write refused by DynamoDB from one
    /// whose outcome is unknown ([`Error::Unconfirmed`](crate::Error::Unconfirmed)); everything
    /// else about it is `sdk`'s.
    pub fn new(sdk: aws_sdk_dynamodb::Client) -> Self {
        // once: a client made from another's `sdk()` has the interceptor already, and a second
        // one would count every attempt twice
        let counted = sdk.config().interceptors().any(|i| {
            aws_sdk_dynamodb::config::Intercept::name(&i) == crate::telemetry::CountAttempts::NAME
        });
        let sdk = if counted {
            sdk
        } else {
            aws_sdk_dynamodb::Client::from_conf(
                sdk.config()
                    .to_builder()
                    .interceptor(crate::telemetry::CountAttempts)
                    .build(),
            )
        };
        Client {
            inner: Arc::new(Inner {
                sdk,
                streams: None,
                prefix: String::new(),
            }),
        }
    }

    /// The same client with `streams` for reading DynamoDB Streams (the stream consumer, tests).
    pub fn with_streams(&self, streams: aws_sdk_dynamodbstreams::Client) -> Self {
        Client {
            inner: Arc::new(Inner {
                sdk: self.inner.sdk.clone(),
                streams: Some(streams),
                prefix: self.inner.prefix.clone(),
            }),
        }
    }

    /// A client configured the usual AWS way (environment, profile, instance role), with a
    /// DynamoDB Streams client configured the same way.
    ///
    /// When `DYNAMODB_ENDPOINT` is set, requests go to that endpoint instead, and so do stream
    /// reads unless `DYNAMODB_STREAMS_ENDPOINT` names another (DynamoDB Local serves both on one
    /// endpoint). If that endpoint is on the loopback interface (a local DynamoDB), the client
    /// is [`Client::local`]: region `us-east-1` and static dummy credentials, whatever else is
    /// configured, so nothing is looked up on the network. DynamoDB Local keeps tables apart
    /// per access key and region unless started with `-sharedDb`; to see tables made with other
    /// credentials, build the SDK client yourself and use [`Client::new`].
    pub async fn from_env() -> Self {
        let endpoint = env_endpoint(ENDPOINT_ENV);
        let streams_endpoint = env_endpoint(STREAMS_ENDPOINT_ENV).or_else(|| endpoint.clone());
        match endpoint {
            Some(endpoint) if is_loopback(&endpoint) => {
                let client = Self::local(&endpoint).await;
                match streams_endpoint {
                    Some(s) if s != endpoint => client.with_streams(local_streams(&s)),
                    _ => client,
                }
            }
            endpoint => {
                let config = aws_config::load_from_env().await;
                let mut dynamodb = aws_sdk_dynamodb::config::Builder::from(&config);
                if let Some(endpoint) = endpoint {
                    dynamodb = dynamodb.endpoint_url(endpoint);
                }
                let mut streams = aws_sdk_dynamodbstreams::config::Builder::from(&config);
                if let Some(endpoint) = streams_endpoint {
                    streams = streams.endpoint_url(endpoint);
                }
                Self::new(aws_sdk_dynamodb::Client::from_conf(dynamodb.build()))
                    .with_streams(aws_sdk_dynamodbstreams::Client::from_conf(streams.build()))
            }
        }
    }

    /// A client for a local DynamoDB at `endpoint` (such as `http://127.0.0.1:8000`), with
    /// region `us-east-1` and static dummy credentials; stream reads go to the same endpoint.
    /// Each such client has a retry quota of its own (its own SDK retry partition).
    pub async fn local(endpoint: &str) -> Self {
        // The SDK's retry quota (a token bucket) is shared by every client of a retry
        // partition in the process: each local client gets a partition of its own, so that one
        // client's failed attempts (a test's injected faults) never take another's retries away.
        static PARTITIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let partition = PARTITIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let config = aws_sdk_dynamodb::config::Builder::new()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new(LOCAL_REGION))
            .credentials_provider(local_credentials())
            .endpoint_url(endpoint)
            .retry_partition(aws_sdk_dynamodb::config::retry::RetryPartition::new(
                format!("dynamo_types_local_{partition}"),
            ))
            .build();
        Self::new(aws_sdk_dynamodb::Client::from_conf(config)).with_streams(local_streams(endpoint))
    }

    /// The DynamoDB Streams client, for reading a table's stream.
    pub fn streams(&self) -> crate::Result<&aws_sdk_dynamodbstreams::Client> {
        self.inner.streams.as_ref().ok_or_else(|| {
            crate::Error::Validation(
                "this client has no DynamoDB Streams client: give it one with `Client::with_streams`".to_owned(),
            )
        })
    }

    /// The same connection with `prefix` put in front of every table name.
    pub fn with_table_prefix(&self, prefix: impl Into<String>) -> Self {
        Client {
            inner: Arc::new(Inner {
                sdk: self.inner.sdk.clone(),
                streams: self.inner.streams.clone(),
                prefix: prefix.into(),
            }),
        }
    }

    /// The table-name prefix (empty by default).
    pub fn table_prefix(&self) -> &str {
        &self.inner.prefix
    }

    /// The full name of a table: the prefix followed by `name`.
    pub fn table_name(&self, name: &str) -> String {
        format!("{}{}", self.inner.prefix, name)
    }

    /// The underlying SDK client, for anything this crate does not cover.
    pub fn sdk(&self) -> &aws_sdk_dynamodb::Client {
        &self.inner.sdk
    }
}

const LOCAL_REGION: &str = "us-east-1";

fn local_credentials() -> aws_sdk_dynamodb::config::Credentials {
    aws_sdk_dynamodb::config::Credentials::new("local", "local", None, None, "dynamo-types")
}

fn local_streams(endpoint: &str) -> aws_sdk_dynamodbstreams::Client {
    let config = aws_sdk_dynamodbstreams::config::Builder::new()
        .behavior_version(aws_sdk_dynamodbstreams::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodbstreams::config::Region::new(LOCAL_REGION))
        .credentials_provider(local_credentials())
        .endpoint_url(endpoint)
        .build();
    aws_sdk_dynamodbstreams::Client::from_conf(config)
}

fn env_endpoint(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
}

fn is_loopback(endpoint: &str) -> bool {
    let rest = endpoint
        .trim()
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::{Client, is_loopback};

    /// How many attempt counters a client's SDK client has (single writes read their attempts
    /// from it to report `Error::Unconfirmed`: without one, they never would).
    fn counters(client: &Client) -> usize {
        client
            .sdk()
            .config()
            .interceptors()
            .filter(|i| {
                aws_sdk_dynamodb::config::Intercept::name(i)
                    == crate::telemetry::CountAttempts::NAME
            })
            .count()
    }

    /// Every way to make a client gives it exactly one attempt counter.
    #[test]
    fn every_client_counts_attempts_once() {
        let raw = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::new()
                .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
                .region(aws_sdk_dynamodb::config::Region::new("eu-west-1"))
                .build(),
        );
        assert_eq!(
            counters(&Client {
                inner: std::sync::Arc::new(super::Inner {
                    sdk: raw.clone(),
                    streams: None,
                    prefix: String::new(),
                })
            }),
            0,
            "the raw SDK client has none"
        );
        let wrapped = Client::new(raw);
        let local = futures::executor::block_on(Client::local("http://127.0.0.1:1"));
        let clients = [
            wrapped.clone(),
            // a client made from another's SDK client does not count twice
            Client::new(wrapped.sdk().clone()),
            local.clone(),
            local.with_table_prefix("t_"),
            local.with_streams(local.streams().unwrap().clone()),
            Client::new(local.sdk().clone()),
        ];
        for client in &clients {
            assert_eq!(counters(client), 1);
        }
    }

    #[test]
    fn loopback_endpoints() {
        assert!(is_loopback("http://127.0.0.1:8000"));
        assert!(is_loopback("http://localhost:8000/"));
        assert!(is_loopback("http://[::1]:8000"));
        assert!(is_loopback("http://127.0.0.5"));
        assert!(!is_loopback("https://dynamodb.us-east-1.amazonaws.com"));
        assert!(!is_loopback("http://10.0.0.1:8000"));
    }
}
