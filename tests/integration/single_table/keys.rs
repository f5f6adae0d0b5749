//! Keys of the single-table schema: each entity's round trip and the derived attributes it
//! stores, escaping in key texts, the order of templated sort keys, the generated sort
//! conditions, and reads that never decode another entity's item.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DecodeErrorKind, Error, RangeCondition};
use futures::TryStreamExt;

use super::{
    Order, OrderLine, OrderSk, User, alice_and_orders, i64_text, ids, line, order, raw_get,
    raw_partition, raw_put, s, shop, text, user,
};

// 1. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn each_entity_round_trips_and_stores_its_derived_attributes() {
    let client = shop().await;
    let users = User::table(&client);
    let orders = Order::table(&client);
    let lines = OrderLine::table(&client);
    let table = users.name().to_owned();

    let mut alice = user("alice", "acme");
    users.writer().put(&mut alice).await.unwrap();
    let mut o1 = order("alice", "o1", 1_700_000_000);
    orders.writer().put(&mut o1).await.unwrap();
    let mut l1 = line("o1", 1);
    lines.writer().put(&mut l1).await.unwrap();

    let read = users
        .primary_key()
        .get("alice", ())
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(alice.clone()));
    let read = orders
        .primary_key()
        .get("alice", (1_700_000_000i64, "o1"))
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(o1.clone()));
    let read = lines
        .primary_key()
        .get("o1", 1u32)
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(l1.clone()));
    // Another key of the same templates: nothing.
    assert_eq!(
        users
            .primary_key()
            .get("bob", ())
            .consistent()
            .await
            .unwrap(),
        None
    );

    let raw = raw_get(&client, &table, "USER#alice", "PROFILE")
        .await
        .expect("the user is stored under its key texts");
    assert_eq!(text(&raw, "pk"), "USER#alice");
    assert_eq!(text(&raw, "sk"), "PROFILE");
    assert_eq!(text(&raw, "gsi1pk"), "ORG#acme");
    assert_eq!(text(&raw, "gsi1sk"), "USER#alice");
    assert_eq!(text(&raw, "_et"), "User");
    assert_eq!(text(&raw, "name"), "name of alice");

    let items = raw_partition(&client, &table, "USER#alice").await;
    let raw_order = items
        .iter()
        .find(|i| text(i, "_et") == "Order")
        .expect("the order is in its user's partition");
    let sk = text(raw_order, "sk");
    // ORDER#, the time zero-padded to 20 digits (shifted so that i64::MIN is all zeros), #id.
    assert_eq!(sk, "ORDER#09223372038554775808#o1");
    assert_eq!(sk, format!("ORDER#{}#o1", i64_text(1_700_000_000)));
    assert_eq!(text(raw_order, "gsi1pk"), "ORDER#o1");
    assert_eq!(text(raw_order, "gsi1sk"), "ORDER");

    let raw_line = raw_get(&client, &table, "ORDER#o1", "LINE#0000000001")
        .await
        .expect("a u32 is zero-padded to 10 digits");
    assert_eq!(text(&raw_line, "_et"), "OrderLine");
    assert_eq!(text(&raw_line, "gsi1pk"), "ORDER#o1");
    assert_eq!(text(&raw_line, "gsi1sk"), "LINE#0000000001");
}

#[tokio::test]
async fn a_string_field_with_separators_is_escaped_in_the_key_and_round_trips() {
    let client = shop().await;
    let users = User::table(&client);
    let mut odd = user("a#b%c", "x#y");
    users.writer().put(&mut odd).await.unwrap();
    // The id text "a" must not read a user whose id starts with "a#".
    assert_eq!(
        users.primary_key().get("a", ()).consistent().await.unwrap(),
        None
    );
    let read = users
        .primary_key()
        .get("a#b%c", ())
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(odd.clone()));
    let raw = raw_get(&client, users.name(), "USER#a%23b%25c", "PROFILE")
        .await
        .expect("`#` and `%` are escaped as %XX");
    assert_eq!(text(&raw, "gsi1pk"), "ORG#x%23y");
    let page = users.gsi1().query("x#y").await.unwrap();
    assert_eq!(page.items, vec![odd]);
}

// 2. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn orders_sort_by_placed_at_with_negative_and_large_values() {
    let client = shop().await;
    let orders = Order::table(&client);
    User::table(&client)
        .writer()
        .put(&mut user("alice", "acme"))
        .await
        .unwrap();
    // Written out of order; text order of plain decimals would put -5 and 1_700_000_000
    // before 7.
    let times = [7, 1_700_000_000, -5, i64::MAX, 0, i64::MIN, -1_700_000_000];
    for (n, t) in times.iter().enumerate() {
        orders
            .writer()
            .put(&mut order("alice", &format!("o{n}"), *t))
            .await
            .unwrap();
    }
    let mut sorted = times.to_vec();
    sorted.sort();

    let page = orders
        .primary_key()
        .query("alice")
        .consistent()
        .await
        .unwrap();
    assert!(page.cursor.is_none());
    let got: Vec<i64> = page.items.iter().map(|o| o.placed_at).collect();
    assert_eq!(got, sorted, "ascending");

    let page = orders
        .primary_key()
        .query("alice")
        .descending()
        .consistent()
        .await
        .unwrap();
    let got: Vec<i64> = page.items.iter().map(|o| o.placed_at).collect();
    let mut reversed = sorted.clone();
    reversed.reverse();
    assert_eq!(got, reversed, "descending");
}

// 3. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn sort_conditions_on_templated_fields_return_exactly_the_matching_orders() {
    let client = shop().await;
    let orders = Order::table(&client);
    User::table(&client)
        .writer()
        .put(&mut user("alice", "acme"))
        .await
        .unwrap();
    // Two orders share a time (t = 10: ids a, b, c); the others differ.
    let stored = [
        order("alice", "neg", -5),
        order("alice", "zero", 0),
        order("alice", "a", 10),
        order("alice", "b", 10),
        order("alice", "c", 10),
        order("alice", "d", 20),
        order("alice", "e", 1_700_000_000),
    ];
    for o in &stored {
        orders.writer().put(&mut o.clone()).await.unwrap();
    }
    // Another user's orders in the same time range: another partition, never returned.
    orders
        .writer()
        .put(&mut order("bob", "x", 10))
        .await
        .unwrap();

    let q = |cond: RangeCondition<OrderSk>| {
        let orders = orders.clone();
        async move {
            orders
                .primary_key()
                .query("alice")
                .range(cond)
                .consistent()
                .await
                .unwrap()
                .items
        }
    };
    let cases: Vec<(&str, RangeCondition<OrderSk>, Vec<&str>)> = vec![
        (
            "all",
            OrderSk::all(),
            vec!["neg", "zero", "a", "b", "c", "d", "e"],
        ),
        (
            "between, both ends included",
            OrderSk::placed_at_between(0, 20),
            vec!["zero", "a", "b", "c", "d"],
        ),
        (
            "between across zero",
            OrderSk::placed_at_between(-5, 0),
            vec!["neg", "zero"],
        ),
        (
            "between of one value",
            OrderSk::placed_at_between(10, 10),
            vec!["a", "b", "c"],
        ),
        (
            "between, nothing",
            OrderSk::placed_at_between(11, 19),
            vec![],
        ),
        (
            "ge, included",
            OrderSk::placed_at_ge(10),
            vec!["a", "b", "c", "d", "e"],
        ),
        ("ge, negative", OrderSk::placed_at_ge(-4), {
            vec!["zero", "a", "b", "c", "d", "e"]
        }),
        (
            "le, included",
            OrderSk::placed_at_le(10),
            vec!["neg", "zero", "a", "b", "c"],
        ),
        ("le, negative", OrderSk::placed_at_le(-5), vec!["neg"]),
        (
            "with_placed_at",
            OrderSk::with_placed_at(10),
            vec!["a", "b", "c"],
        ),
        ("with_placed_at, none", OrderSk::with_placed_at(11), vec![]),
        ("with_id", OrderSk::with_id(10, "b"), vec!["b"]),
        ("with_id, other time", OrderSk::with_id(20, "b"), vec![]),
        (
            "id_between, both ends included",
            OrderSk::id_between(10, "a", "b"),
            vec!["a", "b"],
        ),
        ("id_ge", OrderSk::id_ge(10, "b"), vec!["b", "c"]),
        ("id_le", OrderSk::id_le(10, "b"), vec!["a", "b"]),
    ];
    // Every case is run before asserting, so that a failure lists all the wrong ones.
    let mut wrong = Vec::new();
    for (name, cond, want) in cases {
        let got = q(cond).await;
        if ids(&got) != want {
            wrong.push(format!("{name}: got {:?}, want {want:?}", ids(&got)));
        }
    }
    assert!(wrong.is_empty(), "wrong results:\n{}", wrong.join("\n"));
    // The user's item shares the partition: a query with no sort condition still returns
    // orders only.
    let all = orders
        .primary_key()
        .query("alice")
        .consistent()
        .await
        .unwrap();
    assert_eq!(all.items.len(), stored.len());
}

// 4. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn a_read_never_decodes_another_entitys_item() {
    let client = shop().await;
    let (_, stored) = alice_and_orders(&client).await;
    let orders = Order::table(&client);
    let table = orders.name().to_owned();

    // An item under Order's key texts, with every field an Order has, but written by (or
    // for) the entity `User`.
    let sk = format!("ORDER#{}#o9", i64_text(5));
    raw_put(
        &client,
        &table,
        HashMap::from([
            ("pk".to_owned(), s("USER#alice")),
            ("sk".to_owned(), s(&sk)),
            ("_et".to_owned(), s("User")),
            ("user_id".to_owned(), s("alice")),
            ("id".to_owned(), s("o9")),
            ("placed_at".to_owned(), AttributeValue::N("5".into())),
            ("total_cents".to_owned(), AttributeValue::N("1".into())),
            ("org".to_owned(), s("acme")),
            ("name".to_owned(), s("not an order")),
        ]),
    )
    .await;
    let err = orders
        .primary_key()
        .get("alice", (5i64, "o9"))
        .consistent()
        .await
        .expect_err("an item of `User` is not an `Order`");
    match &err {
        Error::Undecodable { source, .. } => {
            assert_eq!(source.path(), "_et");
            assert!(
                matches!(source.kind(), DecodeErrorKind::InvalidValue { expected, found }
                    if expected.contains("`Order`") && found.contains("`User`")),
                "{source:?}"
            );
        }
        other => panic!("expected Error::Undecodable, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("Order") && message.contains("User"),
        "{message}"
    );

    // The same fields without any entity attribute: an error too.
    let sk2 = format!("ORDER#{}#o8", i64_text(6));
    raw_put(
        &client,
        &table,
        HashMap::from([
            ("pk".to_owned(), s("USER#alice")),
            ("sk".to_owned(), s(&sk2)),
            ("user_id".to_owned(), s("alice")),
            ("id".to_owned(), s("o8")),
            ("placed_at".to_owned(), AttributeValue::N("6".into())),
            ("total_cents".to_owned(), AttributeValue::N("1".into())),
        ]),
    )
    .await;
    let err = orders
        .primary_key()
        .get("alice", (6i64, "o8"))
        .consistent()
        .await
        .expect_err("an item without `_et` is not an `Order`");
    assert!(
        matches!(&err, Error::Undecodable { source, .. } if source.path() == "_et"),
        "{err:?}"
    );

    // A query of the partition skips the user, both foreign items and returns the orders.
    let page = orders
        .primary_key()
        .query("alice")
        .consistent()
        .await
        .unwrap();
    assert_eq!(page.items, stored);
    let streamed: Vec<Order> = orders
        .primary_key()
        .query("alice")
        .page_size(1)
        .consistent()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, stored);
    let raw = raw_partition(&client, &table, "USER#alice").await;
    assert_eq!(
        raw.len(),
        stored.len() + 3,
        "user, orders, two foreign items"
    );

    // A scan of orders is filtered the same way.
    let scanned: Vec<Order> = orders
        .primary_key()
        .scan()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: BTreeSet<&str> = scanned.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(got, BTreeSet::from(["o1", "o2", "o3"]));

    // The user read through its own entity, unaffected.
    assert!(
        User::table(&client)
            .primary_key()
            .get("alice", ())
            .consistent()
            .await
            .unwrap()
            .is_some()
    );
}

/// The sort conditions on a string field are exact for strings that test the encoding: empty,
/// ones that hold the escaped `#`, `!` and `%`, `$` (the character after `#`), DEL, the last
/// code point, and prefixes of one another. For a field in the middle of a template
/// (`W#{name}#{n}`) and one at its end (`T#{name}`), every `between` of two of them, every
/// `ge`, `le` and `with`, read from the server, returns exactly the items whose field's text
/// (as written in the key, which DynamoDB orders by its UTF-8 bytes) is in the range.
#[tokio::test]
async fn string_sort_conditions_are_exact_for_every_pair_of_tricky_values() {
    use dynamo_types::entity::TemplateValue;

    #[derive(Debug, Clone, PartialEq, dynamo_types::DynamoModel)]
    #[dynamo(entity(table = super::Shop, name = "Word"))]
    #[dynamo(key(hash = "WORDS", range = "W#{name}#{n}"))]
    struct Word {
        name: String,
        n: u32,
    }
    #[derive(Debug, Clone, PartialEq, dynamo_types::DynamoModel)]
    #[dynamo(entity(table = super::Shop, name = "Tail"))]
    #[dynamo(key(hash = "TAILS", range = "T#{name}"))]
    struct Tail {
        name: String,
    }

    let names = [
        "",
        "a",
        "a$",
        "a$b",
        "a%",
        "a!",
        "a#",
        "ab",
        "a\u{7f}",
        "b",
        "$",
        "a\u{10FFFF}",
    ];
    let text = |name: &str| {
        let mut out = String::new();
        name.to_owned().write_template(&mut out).unwrap();
        out
    };
    let client = shop().await;
    let words = Word::table(&client);
    let tails = Tail::table(&client);
    for name in names {
        for n in [1, 2] {
            let mut w = Word {
                name: name.into(),
                n,
            };
            words.writer().put(&mut w).await.unwrap();
        }
        let mut t = Tail { name: name.into() };
        tails.writer().put(&mut t).await.unwrap();
    }

    // The names each read returned, against the names whose text the range holds.
    let mut checked = 0;
    let mut wrong = Vec::new();
    let mut check = |what: String, got: BTreeSet<String>, want: &dyn Fn(&str) -> bool| {
        let want: BTreeSet<String> = names
            .iter()
            .filter(|n| want(n))
            .map(|n| n.to_string())
            .collect();
        checked += 1;
        if got != want {
            wrong.push(format!("{what}: got {got:?}, want {want:?}"));
        }
    };
    let word_names = |page: Vec<Word>| -> BTreeSet<String> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for w in page {
            *counts.entry(w.name).or_default() += 1;
        }
        // each name is stored with n = 1 and n = 2: a range on the name takes both or none
        assert!(counts.values().all(|c| *c == 2), "{counts:?}");
        counts.into_keys().collect()
    };
    let tail_names = |page: Vec<Tail>| page.into_iter().map(|t| t.name).collect::<BTreeSet<_>>();
    for lo in names {
        for hi in names {
            let (l, h) = (text(lo), text(hi));
            let inside = |n: &str| l.as_str() <= text(n).as_str() && text(n).as_str() <= h.as_str();
            // bounds whose key texts are the wrong way round are refused before sending (the
            // server would refuse them too); such a range holds no name
            let items = |result: Result<BTreeSet<String>, Error>| match result {
                Err(Error::Validation(m)) if l > h && m.contains("above the high bound") => {
                    BTreeSet::new()
                }
                other => other.unwrap(),
            };
            let page = words
                .primary_key()
                .query(())
                .range(WordSk::name_between(lo, hi))
                .await
                .map(|p| word_names(p.items));
            check(format!("W between {lo:?} {hi:?}"), items(page), &inside);
            let page = tails
                .primary_key()
                .query(())
                .range(TailSk::name_between(lo, hi))
                .await
                .map(|p| tail_names(p.items));
            check(format!("T between {lo:?} {hi:?}"), items(page), &inside);
        }
        let l = text(lo);
        let page = words
            .primary_key()
            .query(())
            .range(WordSk::name_ge(lo))
            .await
            .unwrap();
        check(format!("W ge {lo:?}"), word_names(page.items), &|n| {
            text(n) >= l
        });
        let page = words
            .primary_key()
            .query(())
            .range(WordSk::name_le(lo))
            .await
            .unwrap();
        check(format!("W le {lo:?}"), word_names(page.items), &|n| {
            text(n) <= l
        });
        let page = words
            .primary_key()
            .query(())
            .range(WordSk::with_name(lo))
            .await
            .unwrap();
        check(format!("W with {lo:?}"), word_names(page.items), &|n| {
            n == lo
        });
        let page = tails
            .primary_key()
            .query(())
            .range(TailSk::name_ge(lo))
            .await
            .unwrap();
        check(format!("T ge {lo:?}"), tail_names(page.items), &|n| {
            text(n) >= l
        });
        let page = tails
            .primary_key()
            .query(())
            .range(TailSk::name_le(lo))
            .await
            .unwrap();
        check(format!("T le {lo:?}"), tail_names(page.items), &|n| {
            text(n) <= l
        });
        let page = tails
            .primary_key()
            .query(())
            .range(TailSk::with_name(lo))
            .await
            .unwrap();
        check(format!("T with {lo:?}"), tail_names(page.items), &|n| {
            n == lo
        });
    }
    assert_eq!(checked, 2 * names.len() * names.len() + 6 * names.len());
    assert!(
        wrong.is_empty(),
        "{} of {checked} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
