use dynamo_types::DynamoModel;

#[derive(Debug, DynamoModel)]
#[dynamo(table = "lines", stream = "keys_only")]
struct Line {
    #[dynamo(hash)]
    id: String,
    text: String,
}

fn main() {
    let _ = LineEvent::handler().on_insert(|record| async move {
        println!("{}", record.event.new.text);
        Ok::<_, dynamo_types::Error>(())
    });
}
