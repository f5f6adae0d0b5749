//! The typed condition operators, each checked against a stored item on the server.

use dynamo_types::{AttributeType, Condition, DynamoModel, Error};

use super::models::{Post, created};
use crate::common;

#[tokio::test]
async fn every_operator_evaluates_on_the_server() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let mut post = Post::new("b1", "p1");
    post.title = "hello world".into();
    post.like_count = 7;
    post.score = 2.5;
    post.tags = ["rust".to_owned(), "db".to_owned()].into();
    post.ratings = [3, 5].into();
    post.history = vec!["created".into(), "edited".into()];
    post.meta.insert("owner".into(), "ann".into());
    post.meta.insert("first".into(), "created".into());
    post.matrix = vec![vec![1, 2], vec![3]];
    posts.writer().put(&mut post).await.unwrap();

    let pk = posts.primary_key();
    let f = Post::fields();
    // A condition holds when a no-op update guarded by it succeeds.
    let holds = |condition: Condition<Post>| {
        let pk = pk.clone();
        let f = Post::fields();
        async move {
            match pk
                .update("b1", "p1", Post::update().set(&f.title, "hello world"))
                .condition(condition.clone())
                .await
            {
                Ok(()) => true,
                Err(Error::ConditionalCheckFailed { .. }) => false,
                Err(e) => panic!("{condition:?}: {e}"),
            }
        }
    };

    let cases: Vec<(Condition<Post>, bool)> = vec![
        (f.like_count.eq(7), true),
        (f.like_count.eq(8), false),
        (f.like_count.ne(8), true),
        (f.like_count.lt(8), true),
        (f.like_count.lt(7), false),
        (f.like_count.le(7), true),
        (f.like_count.gt(6), true),
        (f.like_count.gt(7), false),
        (f.like_count.ge(7), true),
        (f.score.between(2.0, 3.0), true),
        (f.score.between(2.6, 3.0), false),
        (f.title.is_in(["a", "hello world"]), true),
        (f.title.is_in(["a", "b"]), false),
        (f.body.not_exists(), true),
        (f.body.exists(), false),
        (f.title.exists(), true),
        (f.title.begins_with("hello"), true),
        (f.title.begins_with("world"), false),
        (f.title.contains("o w"), true),
        (f.title.contains("xyz"), false),
        (f.tags.contains_element("rust"), true),
        (f.tags.contains_element("go"), false),
        (f.ratings.contains_element(5), true),
        (f.history.contains_element("edited"), true),
        (f.title.size().eq(11), true),
        (f.tags.size().eq(2), true),
        (f.history.size().gt(2), false),
        (f.title.is_type(AttributeType::String), true),
        (f.like_count.is_type(AttributeType::String), false),
        (f.tags.is_type(AttributeType::StringSet), true),
        // Nested map and list paths.
        (f.meta.key("owner").eq("ann"), true),
        (f.meta.key("owner").eq("bob"), false),
        (f.meta.key("missing").not_exists(), true),
        (f.history.at(0).eq("created"), true),
        (f.history.at(1).eq("created"), false),
        (f.matrix.at(1).at(0).eq(3), true),
        (f.matrix.at(0).size().eq(2), true),
        // and / or / not, and their operators.
        (f.like_count.eq(7).and(f.title.begins_with("hello")), true),
        (f.like_count.eq(7).and(f.title.begins_with("x")), false),
        (f.like_count.eq(1).or(f.title.begins_with("hello")), true),
        (f.like_count.eq(7).not(), false),
        (!f.body.exists(), true),
        (
            (f.like_count.eq(1) | f.like_count.eq(7)) & !f.tags.contains_element("go"),
            true,
        ),
        (!(f.like_count.eq(1) | f.like_count.eq(7)), false),
        (
            Condition::any([f.like_count.eq(1), f.like_count.eq(2)]).unwrap(),
            false,
        ),
        (
            Condition::all([f.like_count.ge(1), f.like_count.le(9)]).unwrap(),
            true,
        ),
        (f.meta.key("first").eq_path(&f.history.at(0)), true),
        (f.meta.key("owner").eq_path(&f.history.at(0)), false),
    ];
    for (condition, expected) in cases {
        let text = format!("{condition:?}");
        assert_eq!(holds(condition).await, expected, "{text}");
    }
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn invalid_conditions_are_refused_before_sending() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let f = Post::fields();
    let w = posts.writer();
    let mut post = Post::new("b1", "p1");
    let err = w
        .put(&mut post)
        .condition(f.title.is_in(Vec::<String>::new()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    let err = w
        .put(&mut post)
        .condition(f.score.eq(f64::NAN))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err}");
    posts.delete_table().await.unwrap();
}
