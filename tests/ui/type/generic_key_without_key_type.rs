use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "by_key")]
struct Keyed<K> {
    #[dynamo(hash)]
    key: K,
}

fn main() {
    let keyed = Keyed { key: true };
    let _ = keyed.to_item();
}
