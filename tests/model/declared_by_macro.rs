//! A model declared by a `macro_rules!` whose field types are `$t:ty` fragments: the derive's
//! spans must not move `self` or its locals into the macro's hygiene context.

use dynamo_types::DynamoModel;

macro_rules! model {
    ($name:ident, $key:ty, $value:ty) => {
        #[derive(Debug, Clone, PartialEq, DynamoModel)]
        #[dynamo(table = "declared_by_macro")]
        pub(crate) struct $name {
            #[dynamo(hash)]
            pub(crate) id: $key,
            pub(crate) value: $value,
            pub(crate) tags: Option<$value>,
        }
    };
}

model!(Pair, String, u32);

#[test]
fn a_model_declared_by_a_macro_round_trips() {
    let pair = Pair {
        id: "a".into(),
        value: 7,
        tags: None,
    };
    assert_eq!(Pair::from_item(pair.to_item().unwrap()).unwrap(), pair);
    assert_eq!(pair.key(), PairKey { id: "a".into() });
}

/// The other way round: the caller gives the derive, the macro's own body writes the fields,
/// so the field types carry the macro's hygiene while the derive's locals do not.
macro_rules! with_fields {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        pub(crate) struct $name {
            #[dynamo(hash)]
            pub(crate) id: String,
            pub(crate) count: i64,
            pub(crate) labels: Vec<String>,
        }
    };
}

with_fields!(
    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "with_fields", stream = "new_image")]
    Counted
);

#[test]
fn a_model_whose_fields_a_macro_wrote_round_trips() {
    let counted = Counted {
        id: "a".into(),
        count: 3,
        labels: vec!["x".into()],
    };
    assert_eq!(
        Counted::from_item(counted.to_item().unwrap()).unwrap(),
        counted
    );
}
