//! Declarations the derive must take as they come: defaults and inline bounds on parameters,
//! restricted visibility, a model inside a function body, field names like generated locals.

use dynamo_types::DynamoModel;

mod inner {
    use dynamo_types::DynamoModel;

    /// Visible to the parent module only: so are its key, table and index types.
    #[derive(Debug, DynamoModel)]
    #[dynamo(table = "scoped")]
    #[dynamo(gsi(name = "by_other", hash = "other"))]
    pub(super) struct Scoped<T: Clone + Send + Sync + 'static = String> {
        #[dynamo(hash)]
        pub(super) id: T,
        pub(super) other: String,
    }
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "locals")]
struct Locals {
    #[dynamo(hash)]
    __item: String,
    #[dynamo(range)]
    __value: String,
    __name: Option<String>,
    __f0: u8,
    __e: u8,
    table: String,
}

fn main() {
    let _: inner::ScopedKey = inner::ScopedKey { id: String::new() };
    let _: fn(&inner::ScopedTable<u64>) -> _ = inner::ScopedTable::<u64>::by_other;
    let _ = inner::Scoped::<String>::SCHEMA;

    let locals = Locals {
        __item: "a".to_owned(),
        __value: "b".to_owned(),
        __name: None,
        __f0: 1,
        __e: 2,
        table: "t".to_owned(),
    };
    assert_eq!(Locals::from_item(locals.to_item().unwrap()).unwrap(), locals);
    let _: LocalsKey = locals.key();

    #[derive(DynamoModel)]
    #[dynamo(table = "in_a_function")]
    struct InAFunction {
        #[dynamo(hash)]
        id: String,
    }
    assert_eq!(InAFunction::SCHEMA.table, "in_a_function");
    let _ = InAFunction { id: String::new() }.id;
}
