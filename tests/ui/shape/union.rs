use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "numbers")]
union Number {
    int: u64,
    float: f64,
}

fn main() {}
