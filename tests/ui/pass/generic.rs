//! A generic model: the payload type is chosen where the model is used.

use dynamo_types::{DynamoModel, HashPrimaryKey};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "envelopes")]
struct Envelope<T> {
    #[dynamo(hash)]
    id: String,
    payload: T,
}

/// A key that is itself generic.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "by_key")]
struct Keyed<K, V>
where
    V: Clone,
{
    #[dynamo(hash)]
    key: K,
    value: Option<V>,
}

/// A const parameter, in a skipped field.
#[derive(Debug, DynamoModel)]
#[dynamo(table = "fixed")]
struct Fixed<const N: usize> {
    #[dynamo(hash)]
    id: String,
    #[dynamo(skip)]
    scratch: [u8; N],
    samples: Vec<u16>,
}

/// A generic version and TTL: the derive asks of `V` and `E` what the attributes need.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "versioned", ttl = "expires")]
struct Versioned<V, E> {
    #[dynamo(hash)]
    id: String,
    #[dynamo(version)]
    version: V,
    expires: Option<E>,
}

fn main() {
    let versioned = Versioned { id: "v".to_owned(), version: 3_u32, expires: Some(9_i64) };
    let back = Versioned::<u32, i64>::from_item(versioned.to_item().unwrap()).unwrap();
    assert_eq!(back, versioned);

    let fixed = Fixed::<2> { id: "f".to_owned(), scratch: [1, 2], samples: vec![3, 4] };
    let back = Fixed::<2>::from_item(fixed.to_item().unwrap()).unwrap();
    assert_eq!((back.scratch, back.samples), ([0, 0], vec![3, 4]));

    let envelope = Envelope { id: "1".to_owned(), payload: 7_u32 };
    let item = envelope.to_item().unwrap();
    assert_eq!(Envelope::<u32>::from_item(item).unwrap(), envelope);
    let _: EnvelopeKey = envelope.key();
    let _: fn(&EnvelopeTable<Vec<String>>) -> HashPrimaryKey<Envelope<Vec<String>>> =
        EnvelopeTable::primary_key;

    let keyed = Keyed { key: 3_i64, value: Some("x".to_owned()) };
    let key: KeyedKey<i64> = keyed.key();
    assert_eq!(key.key, 3);
    let _ = Keyed::<i64, String>::SCHEMA;
}
