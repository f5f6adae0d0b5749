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
    prefix: String,
}

/// The environment variable naming a DynamoDB endpoint (such as DynamoDB Local) to use instead
/// of AWS.
pub const ENDPOINT_ENV: &str = "DYNAMODB_ENDPOINT";

impl Client {
    /// Wraps an SDK client.
    pub fn new(sdk: aws_sdk_dynamodb::Client) -> Self {
        Client {
            inner: Arc::new(Inner {
                sdk,
                prefix: String::new(),
            }),
        }
    }

    /// A client configured the usual AWS way (environment, profile, instance role).
    ///
    /// When `DYNAMODB_ENDPOINT` is set, requests go to that endpoint instead. If that endpoint
    /// is on the loopback interface (a local DynamoDB), the client is [`Client::local`]: region
    /// `us-east-1` and static dummy credentials, whatever else is configured, so nothing is
    /// looked up on the network. DynamoDB Local keeps tables apart per access key and region
    /// unless started with `-sharedDb`; to see tables made with other credentials, build the
    /// SDK client yourself and use [`Client::new`].
    pub async fn from_env() -> Self {
        match std::env::var(ENDPOINT_ENV) {
            Ok(endpoint) if !endpoint.trim().is_empty() => {
                if is_loopback(&endpoint) {
                    Self::local(endpoint.trim()).await
                } else {
                    let config = aws_config::load_from_env().await;
                    let sdk_config = aws_sdk_dynamodb::config::Builder::from(&config)
                        .endpoint_url(endpoint.trim())
                        .build();
                    Self::new(aws_sdk_dynamodb::Client::from_conf(sdk_config))
                }
            }
            _ => Self::new(aws_sdk_dynamodb::Client::new(
                &aws_config::load_from_env().await,
            )),
        }
    }

    /// A client for a local DynamoDB at `endpoint` (such as `http://127.0.0.1:8000`), with
    /// region `us-east-1` and static dummy credentials.
    pub async fn local(endpoint: &str) -> Self {
        let credentials = aws_sdk_dynamodb::config::Credentials::new(
            "local",
            "local",
            None,
            None,
            "dynamo-types",
        );
        let config = aws_sdk_dynamodb::config::Builder::new()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .credentials_provider(credentials)
            .endpoint_url(endpoint)
            .build();
        Self::new(aws_sdk_dynamodb::Client::from_conf(config))
    }

    /// The same connection with `prefix` put in front of every table name.
    pub fn with_table_prefix(&self, prefix: impl Into<String>) -> Self {
        Client {
            inner: Arc::new(Inner {
                sdk: self.inner.sdk.clone(),
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
    use super::is_loopback;

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
