// A `Vec<u8>` is stored as binary (B): `list_append` on it is rejected by DynamoDB, so
// `append` must not compile.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "files")]
pub struct File {
    #[dynamo(hash)]
    pub id: String,
    pub data: Vec<u8>,
}

fn main() {
    let _ = File::update().append(&File::fields().data, [4]);
}
