use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "statuses")]
enum Status {
    Draft,
    Published,
}

fn main() {}
