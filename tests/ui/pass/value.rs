//! A unit enum stored as a string can be a field, a key, a sort key with `begins_with`, and a
//! set member.

use std::collections::BTreeSet;

use dynamo_types::{DynamoModel, DynamoValue, KeyAttribute, PrefixKey, ScalarType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, DynamoValue)]
#[dynamo(rename_all = "kebab-case")]
enum Region {
    UsEast1,
    #[dynamo(rename = "eu")]
    EuWest1,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "servers")]
#[dynamo(gsi(name = "by_home", hash = "home"))]
struct Server {
    #[dynamo(hash)]
    region: Region,
    #[dynamo(range)]
    name: String,
    home: Region,
    replicas: BTreeSet<Region>,
}

fn prefix<K: PrefixKey>() -> ScalarType {
    K::SCALAR_TYPE
}

fn main() {
    assert_eq!(prefix::<Region>(), ScalarType::String);
    assert_eq!(Server::SCHEMA.hash.scalar, ScalarType::String);
    assert_eq!(<Region as KeyAttribute>::SCALAR_TYPE, ScalarType::String);
    let _ = ServerKey { region: Region::UsEast1, name: String::new() };
    let _ = Server {
        region: Region::EuWest1,
        name: String::new(),
        home: Region::UsEast1,
        replicas: BTreeSet::new(),
    };
    let _ = ServerTable::by_home;
}
