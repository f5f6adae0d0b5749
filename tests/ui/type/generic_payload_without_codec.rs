use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "envelopes")]
struct Envelope<T> {
    #[dynamo(hash)]
    id: String,
    payload: T,
}

struct Address {
    street: String,
}

fn main() {
    let envelope = Envelope { id: String::new(), payload: Address { street: String::new() } };
    let _ = envelope.to_item();
}
