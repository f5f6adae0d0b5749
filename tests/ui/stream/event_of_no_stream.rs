use dynamo_types::DynamoModel;
use dynamo_types::stream::EventOf;

#[derive(Debug, DynamoModel)]
#[dynamo(table = "plain")]
struct Plain {
    #[dynamo(hash)]
    id: String,
}

fn main() {
    let _: Option<EventOf<Plain>> = None;
}
