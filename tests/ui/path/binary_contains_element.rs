// `contains` on a binary (B) attribute is never true, so a guard `!contains_element(..)` on a
// `Vec<u8>` would always pass: it must not compile.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "files")]
pub struct File {
    #[dynamo(hash)]
    pub id: String,
    pub data: Vec<u8>,
}

fn main() {
    let _ = !File::fields().data.contains_element(1);
}
