// `contains_element` is for sets and lists; a string attribute has `contains` (substring).
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "files")]
pub struct File {
    #[dynamo(hash)]
    pub id: String,
    pub name: String,
}

fn main() {
    let _ = File::fields().name.contains_element("x");
}
