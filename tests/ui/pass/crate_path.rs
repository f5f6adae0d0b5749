//! `#[dynamo(crate = "...")]`: the derive's output names the crate by the given path.

pub extern crate dynamo_types as dt;

mod reexport {
    pub use dt as inner;
}

#[derive(dt::DynamoModel)]
#[dynamo(table = "users", crate = "dt")]
struct User {
    #[dynamo(hash)]
    id: String,
}

#[derive(reexport::inner::DynamoModel)]
#[dynamo(table = "orders", crate = "crate::reexport::inner")]
struct Order {
    #[dynamo(hash)]
    id: String,
    #[dynamo(range)]
    line: u32,
}

#[derive(Debug, Clone, PartialEq, dt::DynamoValue)]
#[dynamo(crate = "crate::reexport::inner", rename_all = "lowercase")]
enum Status {
    Open,
}

#[derive(dt::DynamoModel)]
#[dynamo(table = "tickets", crate = "dt")]
struct Ticket {
    #[dynamo(hash)]
    status: Status,
}

fn main() {
    use dt::DynamoModel;
    assert_eq!(User::SCHEMA.table, "users");
    assert_eq!(Order::SCHEMA.table, "orders");
    let _ = User { id: String::new() }.key();
    let _ = Order { id: String::new(), line: 0 }.key();
    let item = Ticket { status: Status::Open }.to_item().unwrap();
    assert_eq!(Ticket::from_item(item).unwrap().status, Status::Open);
}
