use dynamo_types::DynamoModel;
use dynamo_types::stream::filter::Pattern;

#[derive(Debug, DynamoModel)]
#[dynamo(table = "lines", stream = "keys_only")]
struct Line {
    #[dynamo(hash)]
    id: String,
    text: String,
}

fn main() {
    let _ = Pattern::<Line>::new().new_eq(&Line::fields().text, "x");
}
