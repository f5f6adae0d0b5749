use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "counters")]
struct Counter {
    #[dynamo(hash, version)]
    id: u64,
}

fn main() {}
