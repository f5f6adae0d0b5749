//! Single writes: put, delete, conditions, return values, size check.

use dynamo_types::{DynamoModel, Error, Limit, MAX_ITEM_SIZE};

use super::models::{
    Post, PostKey, User, UserKey, count_items, created, is_condition_failed, raw_get, s,
};
use crate::common;

#[tokio::test]
async fn put_stores_the_item_and_get_item_reads_it_back() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let w = posts.writer();
    let mut post = Post::new("b1", "p1");
    post.body = Some("hello".into());
    post.tags = ["rust".to_owned(), "db".to_owned()].into();
    post.meta.insert("lang".into(), "en".into());
    post.matrix = vec![vec![1, 2], vec![3]];
    w.put(&mut post).await.unwrap();

    let raw = raw_get(&posts, &[("blog_id", s("b1")), ("post_id", s("p1"))])
        .await
        .expect("the item is stored");
    assert_eq!(raw.get("likes"), Some(&super::models::n(0)));
    assert!(!raw.contains_key("like_count"), "rename is honoured");
    assert_eq!(Post::from_item(raw).unwrap(), post);

    let key = PostKey {
        blog_id: "b1".into(),
        post_id: "p1".into(),
    };
    assert_eq!(
        posts.get(key.clone()).consistent().await.unwrap(),
        Some(post.clone())
    );
    let missing = PostKey {
        blog_id: "b1".into(),
        post_id: "nope".into(),
    };
    assert_eq!(posts.get(missing).consistent().await.unwrap(), None);

    // A second put replaces the item; `return_all_old` gives the replaced one.
    let mut newer = post.clone();
    newer.title = "newer".into();
    newer.body = None;
    let old = w.put(&mut newer).return_all_old().await.unwrap();
    assert_eq!(old, Some(post));
    assert_eq!(
        posts.get(key).consistent().await.unwrap(),
        Some(newer.clone())
    );
    // `return_all_old` of a put that created the item is `None`.
    let created = w
        .put(&mut Post::new("b1", "p2"))
        .return_all_old()
        .await
        .unwrap();
    assert_eq!(created, None);
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_false_condition_is_a_distinct_error_and_writes_nothing() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let w = posts.writer();
    let f = Post::fields();
    let mut post = Post::new("b1", "p1");
    post.like_count = 5;
    w.put(&mut post).await.unwrap();

    let mut changed = post.clone();
    changed.title = "changed".into();
    let err = w
        .put(&mut changed)
        .condition(f.like_count.gt(10))
        .await
        .unwrap_err();
    match &err {
        Error::ConditionalCheckFailed { item } => assert!(item.is_none(), "not asked for"),
        other => panic!("expected ConditionalCheckFailed, got {other}"),
    }
    assert_eq!(err.current_item::<Post>().map(|r| r.unwrap()), None);
    let key = PostKey {
        blog_id: "b1".into(),
        post_id: "p1".into(),
    };
    assert_eq!(
        posts.get(key.clone()).consistent().await.unwrap(),
        Some(post.clone())
    );

    // A true condition writes.
    w.put(&mut changed)
        .condition(f.like_count.gt(3) & f.title.eq("title of p1"))
        .await
        .unwrap();
    assert_eq!(posts.get(key).consistent().await.unwrap(), Some(changed));
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn return_old_on_failure_carries_the_current_item() {
    // DynamoDB Local and dynoxide both implement ReturnValuesOnConditionCheckFailure.
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let w = posts.writer();
    let f = Post::fields();
    let mut post = Post::new("b1", "p1");
    post.like_count = 2;
    w.put(&mut post).await.unwrap();

    let mut attempt = post.clone();
    attempt.like_count = 100;
    let err = w
        .put(&mut attempt)
        .condition(f.like_count.ge(50))
        .return_old_on_failure()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ConditionalCheckFailed { item: Some(_) }),
        "{err:?}"
    );
    let current: Post = err.current_item().expect("an item").unwrap();
    assert_eq!(current, post);

    // The same for delete and update.
    let pk = posts.primary_key();
    let err = pk
        .delete("b1", "p1")
        .condition(f.title.eq("other"))
        .return_old_on_failure()
        .await
        .unwrap_err();
    assert_eq!(err.current_item::<Post>().unwrap().unwrap(), post);
    let err = pk
        .update("b1", "p1", Post::update().add(&f.like_count, 1))
        .condition(f.like_count.eq(0))
        .return_old_on_failure()
        .await
        .unwrap_err();
    assert_eq!(err.current_item::<Post>().unwrap().unwrap(), post);
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn put_if_absent_creates_and_replace_replaces() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let w = posts.writer();
    let mut post = Post::new("b1", "p1");
    // `replace` needs an existing item.
    assert!(is_condition_failed(w.replace(&mut post).await));
    assert_eq!(count_items(&posts).await, 0);
    w.put_if_absent(&mut post).await.unwrap();
    let mut second = post.clone();
    second.title = "second".into();
    assert!(is_condition_failed(w.put_if_absent(&mut second).await));
    let key = PostKey {
        blog_id: "b1".into(),
        post_id: "p1".into(),
    };
    assert_eq!(
        posts.get(key.clone()).consistent().await.unwrap(),
        Some(post)
    );
    w.replace(&mut second).await.unwrap();
    assert_eq!(posts.get(key).consistent().await.unwrap(), Some(second));
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn delete_by_item_and_by_key() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let w = posts.writer();
    let pk = posts.primary_key();
    let f = Post::fields();
    for id in ["p1", "p2", "p3"] {
        w.put(&mut Post::new("b1", id)).await.unwrap();
    }
    w.delete(&Post::new("b1", "p1")).await.unwrap();
    let old = pk.delete("b1", "p2").return_all_old().await.unwrap();
    assert_eq!(old, Some(Post::new("b1", "p2")));
    // Deleting a key that holds nothing succeeds, and returns nothing.
    assert_eq!(pk.delete("b1", "p2").return_all_old().await.unwrap(), None);
    // A conditional delete.
    assert!(is_condition_failed(
        pk.delete("b1", "p3").condition(f.like_count.gt(0)).await
    ));
    pk.delete("b1", "p3")
        .condition(f.like_count.eq(0))
        .await
        .unwrap();
    assert_eq!(count_items(&posts).await, 0);

    // A hash-only table.
    let users = created(User::table(&client)).await;
    let mut user = User {
        user_id: "u1".into(),
        name: "Ann".into(),
        post_count: 0,
    };
    users.writer().put(&mut user).await.unwrap();
    let old = users
        .primary_key()
        .delete("u1")
        .return_all_old()
        .await
        .unwrap();
    assert_eq!(old, Some(user));
    assert_eq!(
        users
            .get(UserKey {
                user_id: "u1".into()
            })
            .consistent()
            .await
            .unwrap(),
        None
    );
    posts.delete_table().await.unwrap();
    users.delete_table().await.unwrap();
}

#[tokio::test]
async fn an_item_over_400_kb_is_refused_before_sending_with_its_key() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let w = posts.writer();
    let mut big = Post::new("b1", "big");
    big.body = Some("x".repeat(MAX_ITEM_SIZE));
    let err = w.put(&mut big).await.unwrap_err();
    match &err {
        Error::LimitExceeded {
            limit: Limit::ItemSize,
            found,
            at,
        } => {
            assert!(at.contains("blog_id = \"b1\", post_id = \"big\""), "{at}");
            assert!(*found > MAX_ITEM_SIZE, "{found}");
            assert!(err.to_string().contains("400 KB"), "{err}");
        }
        other => panic!("expected LimitExceeded, got {other}"),
    }
    assert_eq!(count_items(&posts).await, 0);

    // The size computed here is the server's: with numbers, sets, lists and maps in the item,
    // exactly 400 KB is accepted (through the library) and one byte more is rejected by the
    // server itself (sent raw, past the library's check).
    let mut fits = Post::new("b1", "fits");
    fits.like_count = 12345;
    fits.score = -1.25;
    fits.ratings = [3, -42, 100].into();
    fits.tags = ["é".to_owned(), "tag".to_owned()].into();
    fits.matrix = vec![vec![1, -20], vec![]];
    fits.meta.insert("k".into(), "v".into());
    fits.history = vec!["h".into()];
    let overhead = dynamo_types::item_size(&fits.to_item().unwrap()) + "body".len();
    fits.body = Some("y".repeat(MAX_ITEM_SIZE - overhead));
    assert_eq!(
        dynamo_types::item_size(&fits.to_item().unwrap()),
        MAX_ITEM_SIZE
    );
    w.put(&mut fits).await.unwrap();
    assert_eq!(count_items(&posts).await, 1);
    let mut over = fits.clone();
    over.post_id = "over".into();
    over.body = Some("y".repeat(MAX_ITEM_SIZE - overhead + 1));
    let item = over.to_item().unwrap();
    assert_eq!(dynamo_types::item_size(&item), MAX_ITEM_SIZE + 1);
    let raw = client
        .sdk()
        .put_item()
        .table_name(posts.name())
        .set_item(Some(item))
        .send()
        .await;
    let err = Error::from(raw.expect_err("the server rejects 400 KB + 1 byte"));
    assert!(err.to_string().contains("size"), "{err}");
    match w.put(&mut over).await {
        Err(Error::LimitExceeded {
            limit: Limit::ItemSize,
            found,
            ..
        }) => assert_eq!(found, MAX_ITEM_SIZE + 1),
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_model_whose_fields_do_not_encode_can_still_be_deleted() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let mut post = Post::new("b1", "nan");
    posts.writer().put(&mut post).await.unwrap();
    // In memory the score became NaN, which DynamoDB cannot store: the put is refused, but the
    // delete needs only the key.
    post.score = f64::NAN;
    assert!(matches!(
        posts.writer().put(&mut post).await,
        Err(Error::Encode(_))
    ));
    posts.writer().delete(&post).await.unwrap();
    assert!(
        posts
            .primary_key()
            .get("b1", "nan")
            .await
            .unwrap()
            .is_none()
    );
    posts.delete_table().await.unwrap();
}
