//! Typed Lambda event filters: the JSON Lambda takes, with DynamoDB's type descriptors, and
//! Lambda's limits enforced.

use dynamo_types::Error;
use dynamo_types::stream::EventKind;
use dynamo_types::stream::filter::{FilterCriteria, Pattern};
use serde_json::{Value, json};

use super::{Blob, Counter, LogLine, Post};

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn kinds_and_new_image_values() {
    let f = Post::fields();
    let pattern = Pattern::<Post>::new()
        .kinds([EventKind::Insert, EventKind::Modify])
        .new_eq(&f.title, "Hello")
        .new_in(&f.like_count, [1, 20])
        .new_eq(&f.published, true)
        .new_exists(&f.expires_at);
    assert_eq!(
        parse(&pattern.to_json().unwrap()),
        json!({
            "eventName": ["INSERT", "MODIFY"],
            "dynamodb": {
                "NewImage": {
                    "title": { "S": ["Hello"] },
                    "likes": { "N": ["1", "20"] },
                    "published": { "BOOL": [true] },
                    "expires_at": { "N": [{ "exists": true }] },
                }
            }
        })
    );
}

#[test]
fn prefixes_keys_old_images_and_absence() {
    let f = Post::fields();
    let pattern = Pattern::<Post>::new()
        .key_eq(&f.blog_id, "blog-1")
        .new_begins_with(&f.post_id, "2024-")
        .new_not_exists(&f.expires_at)
        .old_eq(&f.title, "draft")
        .old_begins_with(&f.post_id, "2023-")
        .old_exists(&f.published);
    assert_eq!(
        parse(&pattern.to_json().unwrap()),
        json!({
            "dynamodb": {
                "Keys": { "blog_id": { "S": ["blog-1"] } },
                "NewImage": {
                    "post_id": { "S": [{ "prefix": "2024-" }] },
                    "expires_at": { "N": [{ "exists": false }] },
                },
                "OldImage": {
                    "title": { "S": ["draft"] },
                    "post_id": { "S": [{ "prefix": "2023-" }] },
                    "published": { "BOOL": [{ "exists": true }] },
                }
            }
        })
    );
}

#[test]
fn binary_and_number_keys() {
    let pattern = Pattern::<Blob>::new().key_eq(&Blob::fields().id, vec![0u8, 255]);
    assert_eq!(
        parse(&pattern.to_json().unwrap()),
        json!({ "dynamodb": { "Keys": { "id": { "B": ["AP8="] } } } })
    );
    let pattern = Pattern::<Counter>::new().new_eq(&Counter::fields().count, -12);
    assert_eq!(
        parse(&pattern.to_json().unwrap()),
        json!({ "dynamodb": { "NewImage": { "count": { "N": ["-12"] } } } })
    );
    // a keys-only stream still filters on its keys
    let pattern = Pattern::<LogLine>::new().key_eq(&LogLine::fields().stream, "s");
    assert!(pattern.to_json().is_ok());
}

#[test]
fn expired_ttl_removals_only() {
    assert_eq!(
        parse(&Pattern::<Post>::expired().to_json().unwrap()),
        json!({
            "eventName": ["REMOVE"],
            "userIdentity": { "type": ["Service"], "principalId": ["dynamodb.amazonaws.com"] }
        })
    );
}

#[test]
fn criteria_json_and_limits() {
    let f = Post::fields();
    let criteria = FilterCriteria::new()
        .pattern(Pattern::<Post>::new().kinds([EventKind::Insert]))
        .pattern(Pattern::<Post>::expired());
    let json = parse(&criteria.to_json().unwrap());
    let filters = json["Filters"].as_array().unwrap();
    assert_eq!(filters.len(), 2);
    // each pattern is JSON text inside the criteria, as Lambda takes it
    assert_eq!(
        parse(filters[0]["Pattern"].as_str().unwrap()),
        json!({ "eventName": ["INSERT"] })
    );

    let six = (0..6).fold(FilterCriteria::new(), |c, i| {
        c.pattern(Pattern::<Post>::new().new_eq(&f.title, format!("t{i}")))
    });
    assert!(matches!(six.to_json(), Err(Error::Validation(m)) if m.contains("at most 5 filters")),);

    let long =
        Pattern::<Post>::new().new_in(&f.title, (0..400).map(|i| format!("title number {i}")));
    match long.to_json() {
        Err(Error::Validation(m)) => assert!(m.contains("at most 4096 characters"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(FilterCriteria::new().pattern(long).to_json().is_err());
}

#[test]
fn what_lambda_cannot_filter_is_refused() {
    let f = Post::fields();
    let twice = Pattern::<Post>::new()
        .new_eq(&f.title, "a")
        .new_begins_with(&f.title, "b");
    match twice.to_json() {
        Err(Error::Validation(m)) => assert!(m.contains("two rules on `title`"), "{m}"),
        other => panic!("{other:?}"),
    }
    let empty: [&str; 0] = [];
    assert!(
        Pattern::<Post>::new()
            .new_in(&f.title, empty)
            .to_json()
            .is_err()
    );
    // `Keys` holds only the table's keys: a filter on another attribute there never matches
    match Pattern::<Post>::new().key_eq(&f.title, "x").to_json() {
        Err(Error::Validation(m)) => assert!(m.contains("`title` is not a key attribute"), "{m}"),
        other => panic!("{other:?}"),
    }
    // a pattern with nothing in it, and TTL expiries of another kind than removals
    assert!(Pattern::<Counter>::new().to_json().is_err());
    assert!(
        Pattern::<Post>::expired()
            .kinds([EventKind::Insert])
            .to_json()
            .is_err()
    );
}

#[test]
fn old_image_values_and_absence() {
    let f = Post::fields();
    let pattern = Pattern::<Post>::new()
        .old_in(&f.title, ["a", "b"])
        .old_not_exists(&f.expires_at);
    assert_eq!(
        parse(&pattern.to_json().unwrap()),
        json!({
            "dynamodb": {
                "OldImage": {
                    "title": { "S": ["a", "b"] },
                    "expires_at": { "N": [{ "exists": false }] },
                }
            }
        })
    );
}
