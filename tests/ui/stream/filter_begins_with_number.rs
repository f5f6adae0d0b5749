use dynamo_types::DynamoModel;
use dynamo_types::stream::filter::Pattern;

#[derive(Debug, DynamoModel)]
#[dynamo(table = "lines", stream = "new_image")]
struct Line {
    #[dynamo(hash)]
    id: String,
    count: u32,
}

fn main() {
    let _ = Pattern::<Line>::new().new_begins_with(&Line::fields().count, "1");
}
