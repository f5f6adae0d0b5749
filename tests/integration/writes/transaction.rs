//! Transactions: TransactWrite across models and tables, TransactGet as a typed tuple.

use dynamo_types::{ConditionCheck, DynamoModel, DynamoProjection, Error, Limit};

use super::models::{Doc, DocKey, Post, PostKey, User, UserKey, count_items, created};
use crate::common;

fn user(id: &str) -> User {
    User {
        user_id: id.into(),
        name: format!("user {id}"),
        post_count: 0,
    }
}

#[tokio::test]
async fn a_transaction_writes_across_models_and_tables() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let users = created(User::table(&client)).await;
    users.writer().put(&mut user("u1")).await.unwrap();
    users.writer().put(&mut user("u0")).await.unwrap();
    posts
        .writer()
        .put(&mut Post::new("b1", "old"))
        .await
        .unwrap();
    let uf = User::fields();

    client
        .transact_write()
        .put(&posts, &mut Post::new("b1", "p1"))
        .update(
            &users,
            UserKey {
                user_id: "u1".into(),
            },
            User::update().add(&uf.post_count, 1),
        )
        .condition_check(
            &users,
            UserKey {
                user_id: "u0".into(),
            },
            uf.name.eq("user u0"),
        )
        .delete(&posts, &Post::new("b1", "old"))
        .token(format!("create-p1-{}", posts.name()))
        .await
        .unwrap();

    let key = |id: &str| PostKey {
        blog_id: "b1".into(),
        post_id: id.into(),
    };
    assert_eq!(
        posts.get(key("p1")).consistent().await.unwrap(),
        Some(Post::new("b1", "p1"))
    );
    assert_eq!(posts.get(key("old")).consistent().await.unwrap(), None);
    let u = users
        .get(UserKey {
            user_id: "u1".into(),
        })
        .consistent()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.post_count, 1);

    // TransactGet: a typed tuple of different models.
    let (post, found_user, none): (Option<Post>, Option<User>, Option<User>) = client
        .transact_get((
            posts.get(key("p1")),
            users.get(UserKey {
                user_id: "u1".into(),
            }),
            users.get(UserKey {
                user_id: "nobody".into(),
            }),
        ))
        .await
        .unwrap();
    assert_eq!(post, Some(Post::new("b1", "p1")));
    assert_eq!(found_user, Some(u));
    assert_eq!(none, None);
    let all = client
        .transact_get(vec![posts.get(key("p1")), posts.get(key("old"))])
        .await
        .unwrap();
    assert_eq!(all, vec![Some(Post::new("b1", "p1")), None]);
    posts.delete_table().await.unwrap();
    users.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_transaction_whose_condition_fails_writes_nothing() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let users = created(User::table(&client)).await;
    users.writer().put(&mut user("u1")).await.unwrap();
    let uf = User::fields();
    let pf = Post::fields();

    let err = client
        .transact_write()
        .put(&posts, &mut Post::new("b1", "p1"))
        .update(
            &users,
            UserKey {
                user_id: "u1".into(),
            },
            User::update().add(&uf.post_count, 1),
        )
        .action(
            ConditionCheck::new(
                &users,
                UserKey {
                    user_id: "u2".into(),
                },
                uf.name.exists(),
            )
            .return_old_on_failure(),
        )
        .action(
            posts
                .primary_key()
                .update("b1", "p2", Post::update().set(&pf.title, "t"))
                .condition(pf.title.not_exists()),
        )
        .await
        .unwrap_err();
    match &err {
        Error::TransactionCanceled { reasons } => {
            assert_eq!(reasons.len(), 4, "one reason per action: {reasons:?}");
            assert!(!reasons[0].is_condition_failed());
            assert!(!reasons[1].is_condition_failed());
            assert!(reasons[2].is_condition_failed(), "{reasons:?}");
            // The item asked for does not exist, so there is no current item to return.
            assert!(reasons[2].current_item::<User>().is_none());
            assert!(!reasons[3].is_condition_failed());
        }
        other => panic!("expected TransactionCanceled, got {other}"),
    }
    // Nothing was written.
    assert_eq!(count_items(&posts).await, 0);
    let u = users
        .get(UserKey {
            user_id: "u1".into(),
        })
        .consistent()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.post_count, 0);
    posts.delete_table().await.unwrap();
    users.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_cancellation_reason_carries_the_current_item_when_asked() {
    let client = common::client().await;
    let users = created(User::table(&client)).await;
    users.writer().put(&mut user("u1")).await.unwrap();
    let uf = User::fields();
    let err = client
        .transact_write()
        .action(
            ConditionCheck::new(
                &users,
                UserKey {
                    user_id: "u1".into(),
                },
                uf.post_count.gt(5),
            )
            .return_old_on_failure(),
        )
        .put(&users, &mut user("u2"))
        .await
        .unwrap_err();
    let Error::TransactionCanceled { reasons } = &err else {
        panic!("expected TransactionCanceled, got {err}");
    };
    assert!(reasons[0].is_condition_failed());
    assert_eq!(
        reasons[0].current_item::<User>().unwrap().unwrap(),
        user("u1")
    );
    assert_eq!(
        users
            .get(UserKey {
                user_id: "u2".into()
            })
            .consistent()
            .await
            .unwrap(),
        None
    );
    users.delete_table().await.unwrap();
}

#[tokio::test]
async fn versioned_writes_in_a_transaction_check_the_version() {
    let client = common::client().await;
    let docs = created(Doc::table(&client)).await;
    let users = created(User::table(&client)).await;
    let mut new = Doc {
        id: "d1".into(),
        body: "b".into(),
        editors: vec![],
        version: 0,
    };
    client
        .transact_write()
        .put(&docs, &mut new)
        .put(&users, &mut user("u1"))
        .await
        .unwrap();
    let stored = docs
        .get(DocKey { id: "d1".into() })
        .consistent()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 1);
    // Committed: the put's model holds the stored version.
    assert_eq!(stored, new);
    // Creating it again fails the whole transaction, and changes no model.
    let mut again = Doc {
        version: 0,
        ..new.clone()
    };
    let err = client
        .transact_write()
        .put(&docs, &mut again)
        .put(&users, &mut user("u2"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::TransactionCanceled { reasons } if reasons[0].is_condition_failed()),
        "{err}"
    );
    assert_eq!(again.version, 0);
    assert_eq!(count_items(&users).await, 1);
    // An update at the read version, as an action.
    let f = Doc::fields();
    client
        .transact_write()
        .action(
            docs.primary_key()
                .update("d1", Doc::update().set(&f.body, "c"))
                .if_version(1u64),
        )
        .await
        .unwrap();
    let stored = docs
        .get(DocKey { id: "d1".into() })
        .consistent()
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.version, stored.body.as_str()), (2, "c"));
    // A versioned update without a version is refused before sending.
    let err = client
        .transact_write()
        .update(
            &docs,
            DocKey { id: "d1".into() },
            Doc::update().set(&f.body, "d"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("action #0")),
        "{err}"
    );
    docs.delete_table().await.unwrap();
    users.delete_table().await.unwrap();
}

#[tokio::test]
async fn invalid_transactions_are_refused_before_sending() {
    let client = common::client().await;
    let users = created(User::table(&client)).await;
    let err = client.transact_write().await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");

    let mut many: Vec<User> = (0..101).map(|i| user(&format!("u{i}"))).collect();
    let mut too_many = client.transact_write();
    for u in &mut many {
        too_many = too_many.put(&users, u);
    }
    let err = too_many.await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::LimitExceeded {
                limit: Limit::TransactionActions,
                found: 101,
                ..
            }
        ),
        "{err}"
    );

    let err = client
        .transact_write()
        .put(&users, &mut user("u1"))
        .delete(&users, &user("u1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("user_id = \"u1\"")),
        "{err}"
    );

    let mut big = user("big");
    big.name = "n".repeat(dynamo_types::MAX_ITEM_SIZE);
    let err = client
        .transact_write()
        .put(&users, &mut big)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::LimitExceeded { limit: Limit::ItemSize, at, .. } if at.contains("action #0") && at.contains("user_id = \"big\"")),
        "{err}"
    );
    assert_eq!(count_items(&users).await, 0);

    // 100 actions is the limit, and fine.
    let mut hundred = client.transact_write();
    for u in &mut many[..100] {
        hundred = hundred.put(&users, u);
    }
    hundred.await.unwrap();
    assert_eq!(count_items(&users).await, 100);
    users.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_client_request_token_makes_a_retry_idempotent() {
    let client = common::client().await;
    let users = created(User::table(&client)).await;
    users.writer().put(&mut user("u1")).await.unwrap();
    let uf = User::fields();
    // Tokens live for 10 minutes server-wide: make this one unique to the run.
    for _ in 0..2 {
        client
            .transact_write()
            .update(
                &users,
                UserKey {
                    user_id: "u1".into(),
                },
                User::update().add(&uf.post_count, 1),
            )
            .token(format!("increment-once-{}", users.name()))
            .await
            .unwrap();
    }
    let u = users
        .get(UserKey {
            user_id: "u1".into(),
        })
        .consistent()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        u.post_count, 1,
        "the second call with the same token is not applied again"
    );
    users.delete_table().await.unwrap();
}

#[derive(Debug, Clone, PartialEq, DynamoProjection)]
#[dynamo(model = Post)]
pub struct PostTitle {
    pub post_id: String,
    pub title: String,
}

/// Any `get` goes in a read transaction: a table's `get(key)`, a primary key's `get(..)`, and
/// a projected one, which reads only its attributes (the transaction's `ProjectionExpression`).
#[tokio::test]
async fn a_read_transaction_takes_any_get_projected_or_not() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let users = created(User::table(&client)).await;
    let mut post = Post::new("b1", "p1");
    post.title = "Hello".into();
    post.body = Some("a long body".into());
    posts.writer().put(&mut post).await.unwrap();
    users.writer().put(&mut user("u1")).await.unwrap();

    let (title, found, missing): (Option<PostTitle>, Option<User>, Option<Post>) = client
        .transact_get((
            posts.primary_key().get("b1", "p1").project::<PostTitle>(),
            users.primary_key().get("u1"),
            posts.get(PostKey {
                blog_id: "b1".into(),
                post_id: "nope".into(),
            }),
        ))
        .await
        .unwrap();
    assert_eq!(
        title,
        Some(PostTitle {
            post_id: "p1".into(),
            title: "Hello".into(),
        })
    );
    assert_eq!(found, Some(user("u1")));
    assert_eq!(missing, None);

    let projected: Vec<Option<PostTitle>> = client
        .transact_get(vec![
            posts.primary_key().get("b1", "p1").project::<PostTitle>(),
            posts.primary_key().get("b1", "p2").project::<PostTitle>(),
        ])
        .await
        .unwrap();
    assert_eq!(projected.len(), 2);
    assert_eq!(
        projected[0].as_ref().map(|p| p.title.as_str()),
        Some("Hello")
    );
    assert_eq!(projected[1], None);
    posts.delete_table().await.unwrap();
    users.delete_table().await.unwrap();
}
