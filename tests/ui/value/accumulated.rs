// Every mistake in one build: a variant with data and attribute mistakes together.
use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
#[dynamo(rename_all = "snake-case")]
enum Status {
    Draft,
    Scheduled(i64),
    #[dynamo(renam = "gone")]
    Archived,
}

fn main() {}
