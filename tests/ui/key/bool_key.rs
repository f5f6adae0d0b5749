use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "flags")]
struct Flag {
    #[dynamo(hash)]
    enabled: bool,
}

fn main() {}
