//! An HTTP client for the SDK that answers every request at once with a canned body chosen by
//! its operation (`X-Amz-Target`), without a network or a server: what a call costs the client
//! alone (building, signing, serialising the request, parsing the answer, decoding).

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use dynamo_types::Item;

/// The answers, by operation name (`PutItem`, `GetItem`, `Query`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Answers(Arc<HashMap<&'static str, bytes::Bytes>>);

impl Answers {
    pub(crate) fn new(answers: impl IntoIterator<Item = (&'static str, String)>) -> Self {
        Answers(Arc::new(
            answers
                .into_iter()
                .map(|(operation, body)| (operation, bytes::Bytes::from(body)))
                .collect(),
        ))
    }

    /// An SDK client (configured as `Client::local` configures one) whose requests get these
    /// answers.
    pub(crate) fn client(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::config::Builder::new()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "local", "local", None, None, "bench",
            ))
            .endpoint_url("http://127.0.0.1:9")
            .http_client(SharedHttpClient::new(self.clone()))
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }
}

impl HttpClient for Answers {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for Answers {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default();
        let body = self
            .0
            .get(operation)
            .unwrap_or_else(|| panic!("no canned answer for {operation}"))
            .clone();
        let mut response =
            HttpResponse::new(200.try_into().expect("status"), SdkBody::from(body.clone()));
        let headers = response.headers_mut();
        headers.insert("content-type", "application/x-amz-json-1.0");
        headers.insert("content-length", body.len().to_string());
        HttpConnectorFuture::ready(Ok(response))
    }
}

/// `item` in DynamoDB's JSON, as an answer carries it.
pub(crate) fn item_json(item: &Item) -> serde_json::Value {
    serde_json::Value::Object(
        item.iter()
            .map(|(name, value)| (name.clone(), value_json(value)))
            .collect(),
    )
}

fn value_json(value: &AttributeValue) -> serde_json::Value {
    use serde_json::json;
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::Ss(v) => json!({ "SS": v }),
        AttributeValue::Ns(v) => json!({ "NS": v }),
        AttributeValue::L(list) => {
            json!({ "L": list.iter().map(value_json).collect::<Vec<_>>() })
        }
        AttributeValue::M(map) => json!({ "M": item_json(map) }),
        other => panic!("no canned JSON for {other:?}"),
    }
}
