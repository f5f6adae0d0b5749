//! Table options: billing and capacity, table class, deletion protection, point-in-time
//! recovery and tags, created by `create_table` and read back by `describe` / `verify`.
//!
//! What the two local servers do with them (checked by these tests):
//!
//! | option | dynoxide (embedded) | DynamoDB Local 3.3 |
//! |---|---|---|
//! | billing, table and index capacity | created and reported | created and reported |
//! | table class | created and reported | accepted, not reported (reads as `STANDARD`) |
//! | deletion protection | created, reported, enforced | created, reported, enforced |
//! | point-in-time recovery | no backup API (`UnknownOperationException`) | same |
//! | tags | created and listed | no tagging API (`UnknownOperationException`) |
//!
//! Where a server lacks a feature, the test detects it from the server's own answer, says so,
//! and asserts what `describe` then reports: never a silent pass.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{BillingMode, Tag as SdkTag};
use dynamo_types::{Billing, Capacity, DynamoModel, SchemaDifference, TableClass, TableRef};

use crate::common;

/// A provisioned table: `by_owner` takes the table's capacity, `by_kind` its own.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(
    table = "provisioned",
    billing = "provisioned",
    read_capacity = 3,
    write_capacity = 4
)]
#[dynamo(gsi(name = "by_owner", hash = "owner"))]
#[dynamo(gsi(name = "by_kind", hash = "kind", read_capacity = 5, write_capacity = 6))]
pub struct Provisioned {
    #[dynamo(hash)]
    pub id: String,
    pub owner: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "archive", table_class = "standard_infrequent_access")]
pub struct Archive {
    #[dynamo(hash)]
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "protected", deletion_protection)]
pub struct Protected {
    #[dynamo(hash)]
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "recoverable", point_in_time_recovery)]
pub struct Recoverable {
    #[dynamo(hash)]
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "tagged")]
#[dynamo(
    tag(key = "team", value = "growth"),
    tag(key = "cost-center", value = "42")
)]
pub struct Tagged {
    #[dynamo(hash)]
    pub id: String,
}

/// One table name, declared with no option and with every option: each creates the table the
/// other then describes.
mod plain {
    use dynamo_types::DynamoModel;

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "options_drift")]
    #[dynamo(gsi(name = "by_owner", hash = "owner"))]
    pub struct Item {
        #[dynamo(hash)]
        pub id: String,
        pub owner: String,
    }
}

/// The same table, with the defaults written out: on-demand billing and the standard class.
mod stated_defaults {
    use dynamo_types::DynamoModel;

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(
        table = "options_drift",
        billing = "on_demand",
        table_class = "standard"
    )]
    #[dynamo(gsi(name = "by_owner", hash = "owner"))]
    pub struct Item {
        #[dynamo(hash)]
        pub id: String,
        pub owner: String,
    }
}

mod every_option {
    use dynamo_types::DynamoModel;

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(
        table = "options_drift",
        billing = "provisioned",
        read_capacity = 2,
        write_capacity = 1,
        table_class = "standard_infrequent_access",
        deletion_protection,
        point_in_time_recovery,
        tag(key = "team", value = "growth")
    )]
    #[dynamo(gsi(name = "by_owner", hash = "owner", write_capacity = 7))]
    pub struct Item {
        #[dynamo(hash)]
        pub id: String,
        pub owner: String,
    }
}

/// The live table as the raw SDK describes it: what the server itself reports.
async fn raw_table<M: DynamoModel>(
    table: &TableRef<M>,
) -> aws_sdk_dynamodb::types::TableDescription {
    table
        .client()
        .sdk()
        .describe_table()
        .table_name(table.name())
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
}

/// Turns deletion protection off (with the SDK: the model has no say in it) and deletes.
async fn unprotect_and_delete<M: DynamoModel>(table: &TableRef<M>) {
    table
        .client()
        .sdk()
        .update_table()
        .table_name(table.name())
        .deletion_protection_enabled(false)
        .send()
        .await
        .unwrap();
    table.delete_table().await.unwrap();
}

/// The server's error code for a raw SDK call, if it failed.
fn code<T, E: ProvideErrorMetadata>(result: &Result<T, E>) -> Option<&str> {
    result.as_ref().err().and_then(|e| e.code())
}

#[tokio::test]
async fn a_model_without_options_gets_the_defaults() {
    let client = common::client().await;
    let table = plain::Item::table(&client);
    table.create_table().await.unwrap();
    let raw = raw_table(&table).await;
    assert_eq!(
        raw.billing_mode_summary().and_then(|b| b.billing_mode()),
        Some(&BillingMode::PayPerRequest)
    );
    assert_ne!(raw.deletion_protection_enabled(), Some(true));
    let d = table.verify().await.unwrap();
    assert_eq!(d.billing, Billing::OnDemand);
    assert!(d.index_capacities.is_empty(), "{:?}", d.index_capacities);
    assert_eq!(d.class, TableClass::Standard);
    assert!(!d.deletion_protection);
    // Neither local server implements the backup API: `None`, and no difference, since the
    // model asks for nothing. (DynamoDB answers `Some(false)`.)
    assert_ne!(d.point_in_time_recovery, Some(true));
    // dynoxide lists tags (none here); DynamoDB Local has no tagging API: `None`.
    assert!(
        d.tags.as_ref().is_none_or(BTreeMap::is_empty),
        "{:?}",
        d.tags
    );
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn provisioned_billing_gives_the_table_and_each_index_capacity() {
    let client = common::client().await;
    let table = Provisioned::table(&client);
    table.create_table().await.unwrap();
    let raw = raw_table(&table).await;
    // A provisioned table has no BillingModeSummary on either server (nor, new, on DynamoDB).
    assert_ne!(
        raw.billing_mode_summary().and_then(|b| b.billing_mode()),
        Some(&BillingMode::PayPerRequest)
    );
    let throughput = raw.provisioned_throughput().unwrap();
    assert_eq!(
        (
            throughput.read_capacity_units(),
            throughput.write_capacity_units()
        ),
        (Some(3), Some(4))
    );
    let mut gsis: Vec<(&str, Option<i64>, Option<i64>)> = raw
        .global_secondary_indexes()
        .iter()
        .map(|g| {
            let t = g.provisioned_throughput().unwrap();
            (
                g.index_name().unwrap(),
                t.read_capacity_units(),
                t.write_capacity_units(),
            )
        })
        .collect();
    gsis.sort_unstable();
    assert_eq!(
        gsis,
        [
            ("by_kind", Some(5), Some(6)),
            ("by_owner", Some(3), Some(4))
        ]
    );

    let d = table.verify().await.unwrap();
    assert_eq!(
        d.billing,
        Billing::Provisioned(Capacity { read: 3, write: 4 })
    );
    assert_eq!(
        d.index_capacities,
        BTreeMap::from([
            ("by_kind".to_owned(), Capacity { read: 5, write: 6 }),
            ("by_owner".to_owned(), Capacity { read: 3, write: 4 }),
        ])
    );
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn table_class_is_created_and_compared() {
    let client = common::client().await;
    let table = Archive::table(&client);
    table.create_table().await.unwrap();
    let raw = raw_table(&table).await;
    let d = table.describe().await.unwrap();
    match raw.table_class_summary() {
        Some(summary) => {
            // dynoxide (and DynamoDB) report the class they were given.
            assert_eq!(
                summary.table_class(),
                Some(&aws_sdk_dynamodb::types::TableClass::StandardInfrequentAccess)
            );
            assert_eq!(d.class, TableClass::StandardInfrequentAccess);
            assert!(d.matches_model(), "{:?}", d.differences);
        }
        None => {
            // DynamoDB Local accepts `TableClass` in CreateTable but reports no
            // TableClassSummary, which DynamoDB documents as STANDARD: so the class cannot be
            // confirmed there, and `describe` says the table is STANDARD.
            assert_eq!(d.class, TableClass::Standard);
            assert_eq!(
                d.differences,
                [SchemaDifference::TableClass {
                    expected: TableClass::StandardInfrequentAccess,
                    found: TableClass::Standard,
                }]
            );
        }
    }
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn deletion_protection_is_created_and_refuses_delete_table() {
    let client = common::client().await;
    let table = Protected::table(&client);
    table.create_table().await.unwrap();
    let d = table.verify().await.unwrap();
    assert!(d.deletion_protection);
    // Both servers enforce it.
    let refused = table.delete_table().await.unwrap_err();
    assert!(
        refused.to_string().contains("protect"),
        "DeleteTable of a protected table: {refused}"
    );
    unprotect_and_delete(&table).await;
}

#[tokio::test]
async fn point_in_time_recovery_is_turned_on_after_create() {
    let client = common::client().await;
    let table = Recoverable::table(&client);
    table.create_table().await.unwrap();
    let raw = client
        .sdk()
        .describe_continuous_backups()
        .table_name(table.name())
        .send()
        .await;
    let d = table.describe().await.unwrap();
    if code(&raw) == Some("UnknownOperationException") {
        // dynoxide and DynamoDB Local implement neither UpdateContinuousBackups nor
        // DescribeContinuousBackups: the table is created without point-in-time recovery, and
        // `verify` says it cannot confirm what the model declares.
        assert_eq!(d.point_in_time_recovery, None);
        assert!(
            matches!(
                d.differences.as_slice(),
                [SchemaDifference::PointInTimeRecovery {
                    expected: true,
                    found: None,
                    reason,
                }] if reason.contains("UnknownOperationException")
            ),
            "{:?}",
            d.differences
        );
        let err = table.verify().await.unwrap_err();
        assert!(
            err.to_string()
                .contains("point-in-time recovery: model has on, and the server does not say"),
            "{err}"
        );
    } else {
        // A server with the backup API (DynamoDB) has it on.
        raw.unwrap();
        assert_eq!(d.point_in_time_recovery, Some(true));
        assert!(d.matches_model(), "{:?}", d.differences);
    }
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn declared_tags_must_be_there_and_extra_tags_are_listed() {
    let client = common::client().await;
    let table = Tagged::table(&client);
    table.create_table().await.unwrap();
    let sdk = client.sdk();
    let arn = raw_table(&table).await.table_arn.unwrap();
    let raw = sdk.list_tags_of_resource().resource_arn(&arn).send().await;
    if code(&raw) == Some("UnknownOperationException") {
        // DynamoDB Local: "Tagging is not currently supported in DynamoDB Local." It accepts
        // `Tags` in CreateTable and keeps none, so the model's tags cannot be confirmed.
        let d = table.describe().await.unwrap();
        assert_eq!(d.tags, None);
        assert!(
            matches!(
                d.differences.as_slice(),
                [SchemaDifference::TagsUnknown { reason }] if reason.contains("UnknownOperationException")
            ),
            "{:?}",
            d.differences
        );
        table.delete_table().await.unwrap();
        return;
    }
    // dynoxide (and DynamoDB): the tags are on the table.
    let mut listed: Vec<(String, String)> = raw
        .unwrap()
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    listed.sort_unstable();
    assert_eq!(
        listed,
        [
            ("cost-center".to_owned(), "42".to_owned()),
            ("team".to_owned(), "growth".to_owned())
        ]
    );
    let d = table.verify().await.unwrap();
    assert_eq!(d.tags.as_ref().map(BTreeMap::len), Some(2));

    // A tag someone else adds is listed, and is not a difference.
    let tag = |key: &str, value: &str| SdkTag::builder().key(key).value(value).build().unwrap();
    sdk.tag_resource()
        .resource_arn(&arn)
        .tags(tag("owner", "ops"))
        .send()
        .await
        .unwrap();
    let d = table.verify().await.unwrap();
    assert_eq!(
        d.tags
            .as_ref()
            .and_then(|t| t.get("owner"))
            .map(String::as_str),
        Some("ops")
    );

    // A declared tag with another value, or gone, is.
    sdk.tag_resource()
        .resource_arn(&arn)
        .tags(tag("team", "search"))
        .send()
        .await
        .unwrap();
    sdk.untag_resource()
        .resource_arn(&arn)
        .tag_keys("cost-center")
        .send()
        .await
        .unwrap();
    let mut differences = table.describe().await.unwrap().differences;
    differences.sort_by_key(ToString::to_string);
    assert_eq!(
        differences,
        [
            SchemaDifference::Tag {
                key: "cost-center".into(),
                expected: "42".into(),
                found: None,
            },
            SchemaDifference::Tag {
                key: "team".into(),
                expected: "growth".into(),
                found: Some("search".into()),
            },
        ]
    );
    let err = table.verify().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("tag `team`: model has `growth`, table has `search`"),
        "{err}"
    );
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn verify_lists_the_options_a_live_table_lacks() {
    let client = common::client().await;
    let live = plain::Item::table(&client);
    live.create_table().await.unwrap();
    let model = every_option::Item::table(&client);
    let d = model.describe().await.unwrap();
    let expected = [
        SchemaDifference::Billing {
            expected: Billing::Provisioned(Capacity { read: 2, write: 1 }),
            found: Billing::OnDemand,
        },
        SchemaDifference::TableClass {
            expected: TableClass::StandardInfrequentAccess,
            found: TableClass::Standard,
        },
        SchemaDifference::DeletionProtection {
            expected: true,
            found: false,
        },
    ];
    for difference in &expected {
        assert!(d.differences.contains(difference), "{:?}", d.differences);
    }
    // Point-in-time recovery: neither local server answers DescribeContinuousBackups, so it
    // is reported as unknown there (DynamoDB would say off).
    assert!(
        d.differences.iter().any(|x| matches!(
            x,
            SchemaDifference::PointInTimeRecovery {
                expected: true,
                found: None | Some(false),
                ..
            }
        )),
        "{:?}",
        d.differences
    );
    // Tags: dynoxide lists none (the tag is missing); DynamoDB Local cannot say.
    let tags_reported = d.differences.iter().any(|x| {
        matches!(x, SchemaDifference::Tag { key, found: None, .. } if key == "team")
            || matches!(x, SchemaDifference::TagsUnknown { .. })
    });
    assert!(tags_reported, "{:?}", d.differences);
    // Index capacities are compared only once the billing agrees.
    assert!(
        !d.differences
            .iter()
            .any(|x| matches!(x, SchemaDifference::IndexCapacity { .. })),
        "{:?}",
        d.differences
    );
    assert_eq!(d.differences.len(), 5, "{:?}", d.differences);
    let err = model.verify().await.unwrap_err();
    let message = err.to_string();
    for part in [
        "billing: model has provisioned (read 2 / write 1), table has on-demand (PAY_PER_REQUEST)",
        "table class: model has STANDARD_INFREQUENT_ACCESS, table has STANDARD",
        "deletion protection: model has on, table has off",
    ] {
        assert!(message.contains(part), "{message}");
    }
    live.delete_table().await.unwrap();
}

#[tokio::test]
async fn verify_compares_only_the_options_a_model_states() {
    let client = common::client().await;
    let live = every_option::Item::table(&client);
    live.create_table().await.unwrap();
    let raw = raw_table(&live).await;
    // The index's capacity: its own write capacity, the table's read capacity.
    let d = live.describe().await.unwrap();
    assert_eq!(
        d.index_capacities.get("by_owner"),
        Some(&Capacity { read: 2, write: 7 })
    );

    // A model that says nothing about billing, class, protection, recovery or tags has no
    // difference with this table (another tool may have set them), and describe reports them.
    let model = plain::Item::table(&client);
    let d = model.describe().await.unwrap();
    assert_eq!(d.differences, [], "{:?}", d.differences);
    assert_eq!(
        d.billing,
        Billing::Provisioned(Capacity { read: 2, write: 1 })
    );
    assert!(d.deletion_protection);
    model.verify().await.unwrap();

    // A model that states the defaults is compared on them.
    let model = stated_defaults::Item::table(&client);
    let d = model.describe().await.unwrap();
    assert!(
        d.differences.contains(&SchemaDifference::Billing {
            expected: Billing::OnDemand,
            found: Billing::Provisioned(Capacity { read: 2, write: 1 }),
        }),
        "{:?}",
        d.differences
    );
    let class_reported = raw.table_class_summary().is_some();
    // dynoxide reports the class it was given; DynamoDB Local reports none (reads STANDARD).
    assert_eq!(
        d.differences.contains(&SchemaDifference::TableClass {
            expected: TableClass::Standard,
            found: TableClass::StandardInfrequentAccess,
        }),
        class_reported,
        "{:?}",
        d.differences
    );
    // Deletion protection, recovery and an extra tag the model does not turn on are no
    // difference.
    assert_eq!(
        d.differences.len(),
        1 + usize::from(class_reported),
        "{:?}",
        d.differences
    );
    assert!(model.verify().await.is_err());
    unprotect_and_delete(&live).await;
}
