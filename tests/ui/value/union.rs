use dynamo_types::DynamoValue;

#[derive(DynamoValue)]
union Number {
    int: u64,
    float: f64,
}

fn main() {}
