//! Hand-written conversions of the three models, as a careful user writes them with the SDK's
//! `AttributeValue` alone: a match on each value's variant, numbers parsed with `str::parse`,
//! strings moved out of the item with `remove`, an error for a missing or mistyped attribute,
//! no panics on data. No checks beyond that: no number limits, no nesting depth.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::Item;

use super::{Large, Line, Medium, Small};

/// What went wrong reading an item: the attribute's name, and how.
#[derive(Debug)]
#[allow(dead_code)] // read through `Debug` only
pub(crate) enum HandError {
    Missing(&'static str),
    WrongType(&'static str),
    BadNumber(&'static str),
}

type Result<T> = std::result::Result<T, HandError>;

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn n(number: impl ToString) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

fn string(value: AttributeValue, name: &'static str) -> Result<String> {
    match value {
        AttributeValue::S(text) => Ok(text),
        _ => Err(HandError::WrongType(name)),
    }
}

fn number<T: FromStr>(value: AttributeValue, name: &'static str) -> Result<T> {
    match value {
        AttributeValue::N(text) => text.parse().map_err(|_| HandError::BadNumber(name)),
        _ => Err(HandError::WrongType(name)),
    }
}

fn boolean(value: AttributeValue, name: &'static str) -> Result<bool> {
    match value {
        AttributeValue::Bool(b) => Ok(b),
        _ => Err(HandError::WrongType(name)),
    }
}

fn list(value: AttributeValue, name: &'static str) -> Result<Vec<AttributeValue>> {
    match value {
        AttributeValue::L(list) => Ok(list),
        _ => Err(HandError::WrongType(name)),
    }
}

fn map(value: AttributeValue, name: &'static str) -> Result<HashMap<String, AttributeValue>> {
    match value {
        AttributeValue::M(map) => Ok(map),
        _ => Err(HandError::WrongType(name)),
    }
}

fn required(item: &mut Item, name: &'static str) -> Result<AttributeValue> {
    item.remove(name).ok_or(HandError::Missing(name))
}

pub(crate) fn small_to_item(m: &Small) -> Item {
    let mut item = HashMap::with_capacity(4);
    item.insert("user_id".to_owned(), s(&m.user_id));
    item.insert("seq".to_owned(), n(m.seq));
    item.insert("score".to_owned(), n(m.score));
    item.insert("active".to_owned(), AttributeValue::Bool(m.active));
    item
}

pub(crate) fn small_from_item(mut item: Item) -> Result<Small> {
    Ok(Small {
        user_id: string(required(&mut item, "user_id")?, "user_id")?,
        seq: number(required(&mut item, "seq")?, "seq")?,
        score: number(required(&mut item, "score")?, "score")?,
        active: boolean(required(&mut item, "active")?, "active")?,
    })
}

pub(crate) fn medium_to_item(m: &Medium) -> Item {
    let mut item = HashMap::with_capacity(15);
    item.insert("tenant_id".to_owned(), s(&m.tenant_id));
    item.insert("product_id".to_owned(), s(&m.product_id));
    item.insert("title".to_owned(), s(&m.title));
    item.insert("status".to_owned(), s(&m.status));
    item.insert("price_cents".to_owned(), n(m.price_cents));
    item.insert("quantity".to_owned(), n(m.quantity));
    item.insert("rating".to_owned(), n(m.rating));
    if let Some(description) = &m.description {
        item.insert("description".to_owned(), s(description));
    }
    if let Some(at) = m.discontinued_at {
        item.insert("discontinued_at".to_owned(), n(at));
    }
    // DynamoDB has no empty set: leave the attribute out
    if !m.tags.is_empty() {
        let tags = m.tags.iter().cloned().collect();
        item.insert("tags".to_owned(), AttributeValue::Ss(tags));
    }
    if !m.sizes.is_empty() {
        let sizes = m.sizes.iter().map(u32::to_string).collect();
        item.insert("sizes".to_owned(), AttributeValue::Ns(sizes));
    }
    let urls = m.image_urls.iter().map(|u| s(u)).collect();
    item.insert("image_urls".to_owned(), AttributeValue::L(urls));
    let prices = m.price_history.iter().map(|&p| n(p)).collect();
    item.insert("price_history".to_owned(), AttributeValue::L(prices));
    let attributes = m.attributes.iter().map(|(k, v)| (k.clone(), s(v)));
    item.insert(
        "attributes".to_owned(),
        AttributeValue::M(attributes.collect()),
    );
    let stock = m.stock.iter().map(|(k, &v)| (k.clone(), n(v)));
    item.insert("stock".to_owned(), AttributeValue::M(stock.collect()));
    item
}

pub(crate) fn medium_from_item(mut item: Item) -> Result<Medium> {
    Ok(Medium {
        tenant_id: string(required(&mut item, "tenant_id")?, "tenant_id")?,
        product_id: string(required(&mut item, "product_id")?, "product_id")?,
        title: string(required(&mut item, "title")?, "title")?,
        status: string(required(&mut item, "status")?, "status")?,
        price_cents: number(required(&mut item, "price_cents")?, "price_cents")?,
        quantity: number(required(&mut item, "quantity")?, "quantity")?,
        rating: number(required(&mut item, "rating")?, "rating")?,
        description: item
            .remove("description")
            .map(|v| string(v, "description"))
            .transpose()?,
        discontinued_at: item
            .remove("discontinued_at")
            .map(|v| number(v, "discontinued_at"))
            .transpose()?,
        tags: match item.remove("tags") {
            None => Default::default(),
            Some(AttributeValue::Ss(tags)) => tags.into_iter().collect(),
            Some(_) => return Err(HandError::WrongType("tags")),
        },
        sizes: match item.remove("sizes") {
            None => Default::default(),
            Some(AttributeValue::Ns(sizes)) => sizes
                .iter()
                .map(|n| n.parse().map_err(|_| HandError::BadNumber("sizes")))
                .collect::<Result<_>>()?,
            Some(_) => return Err(HandError::WrongType("sizes")),
        },
        image_urls: list(required(&mut item, "image_urls")?, "image_urls")?
            .into_iter()
            .map(|v| string(v, "image_urls"))
            .collect::<Result<_>>()?,
        price_history: list(required(&mut item, "price_history")?, "price_history")?
            .into_iter()
            .map(|v| number(v, "price_history"))
            .collect::<Result<_>>()?,
        attributes: map(required(&mut item, "attributes")?, "attributes")?
            .into_iter()
            .map(|(k, v)| Ok((k, string(v, "attributes")?)))
            .collect::<Result<_>>()?,
        stock: map(required(&mut item, "stock")?, "stock")?
            .into_iter()
            .map(|(k, v)| Ok((k, number(v, "stock")?)))
            .collect::<Result<_>>()?,
    })
}

fn line_to_value(line: &Line) -> AttributeValue {
    let mut map = HashMap::with_capacity(5);
    map.insert("sku".to_owned(), s(&line.sku));
    map.insert("quantity".to_owned(), n(line.quantity));
    map.insert("unit_price_cents".to_owned(), n(line.unit_price_cents));
    map.insert("gift_wrap".to_owned(), AttributeValue::Bool(line.gift_wrap));
    let options = line.options.iter().map(|(k, v)| (k.clone(), s(v)));
    map.insert("options".to_owned(), AttributeValue::M(options.collect()));
    AttributeValue::M(map)
}

fn line_from_value(value: AttributeValue) -> Result<Line> {
    let mut line = map(value, "lines")?;
    Ok(Line {
        sku: string(required(&mut line, "sku")?, "sku")?,
        quantity: number(required(&mut line, "quantity")?, "quantity")?,
        unit_price_cents: number(required(&mut line, "unit_price_cents")?, "unit_price_cents")?,
        gift_wrap: boolean(required(&mut line, "gift_wrap")?, "gift_wrap")?,
        options: map(required(&mut line, "options")?, "options")?
            .into_iter()
            .map(|(k, v)| Ok((k, string(v, "options")?)))
            .collect::<Result<BTreeMap<_, _>>>()?,
    })
}

pub(crate) fn large_to_item(m: &Large) -> Item {
    let mut item = HashMap::with_capacity(5);
    item.insert("order_id".to_owned(), s(&m.order_id));
    item.insert("customer_id".to_owned(), s(&m.customer_id));
    item.insert("placed_at".to_owned(), n(m.placed_at));
    item.insert("total_cents".to_owned(), n(m.total_cents));
    let lines = m.lines.iter().map(line_to_value).collect();
    item.insert("lines".to_owned(), AttributeValue::L(lines));
    item
}

pub(crate) fn large_from_item(mut item: Item) -> Result<Large> {
    Ok(Large {
        order_id: string(required(&mut item, "order_id")?, "order_id")?,
        customer_id: string(required(&mut item, "customer_id")?, "customer_id")?,
        placed_at: number(required(&mut item, "placed_at")?, "placed_at")?,
        total_cents: number(required(&mut item, "total_cents")?, "total_cents")?,
        lines: list(required(&mut item, "lines")?, "lines")?
            .into_iter()
            .map(line_from_value)
            .collect::<Result<_>>()?,
    })
}
