use dynamo_types::DynamoModel;
use dynamo_types::stream::filter::Pattern;

#[derive(Debug, DynamoModel)]
#[dynamo(table = "lines", stream = "new_image")]
struct Line {
    #[dynamo(hash)]
    id: String,
    words: Vec<String>,
}

fn main() {
    let _ = Pattern::<Line>::new().new_exists(&Line::fields().words);
}
