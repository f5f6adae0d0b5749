// An enum with a mistake, used as a model field: only the mistake is reported.
use dynamo_types::{DynamoModel, DynamoValue};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, DynamoValue)]
#[dynamo(rename_all = "snake")]
enum Status {
    Draft,
    Published,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "articles")]
#[dynamo(gsi(name = "by_status", hash = "status"))]
struct Article {
    #[dynamo(hash)]
    id: String,
    status: Status,
    history: std::collections::BTreeSet<Status>,
}

fn main() {}
