// A `Vec<u8>` is stored as binary (B), not a list: indexing into it must not compile, and the
// error must say what to do instead.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "files")]
pub struct File {
    #[dynamo(hash)]
    pub id: String,
    pub data: Vec<u8>,
}

fn main() {
    let _ = File::fields().data.at(0).eq(7);
}
