use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User<'a> {
    #[dynamo(hash)]
    id: &'a str,
}

fn main() {}
