use dynamo_types::DynamoModel;
use dynamo_types::stream::TableHandler;

#[derive(Debug, DynamoModel)]
#[dynamo(table = "plain")]
struct Plain {
    #[dynamo(hash)]
    id: String,
}

fn main() {
    let _ = TableHandler::<Plain>::new();
}
