//! Typed expressions: attribute paths, conditions and filters.
//!
//! The derive generates a `{Model}Fields` struct of typed [`Path`]s (`Post::fields().likes`);
//! comparisons take values of the field's type, so a condition cannot compare a number field
//! with a string. Rendering puts every attribute name behind a `#n` placeholder and every value
//! behind a `:v` placeholder: nothing from user data is ever spliced into expression text, and
//! fields named after DynamoDB reserved words (`name`, `status`, `size`, ...) just work.

mod condition;
mod path;
mod placeholders;
mod update;

pub use condition::Condition;
use path::display;
pub use path::{AttributeType, Container, KeyPath, MapLike, Path, Segment, Size, Updatable};
pub(crate) use placeholders::check_expression;
pub use placeholders::{MAX_EXPRESSION_LENGTH, Names, Placeholders, Values};
pub use update::{AddValue, ListValue, NumberValue, SetValue, Update};

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;
    use crate::error::Error;

    struct M;

    #[test]
    fn renders_with_placeholders_only() {
        let status: Path<M, String> = Path::attribute("status");
        let size: Path<M, u64> = Path::attribute("size");
        let cond = status
            .eq("open")
            .and(size.gt(3u64))
            .or(!status.not_exists());
        let mut p = Placeholders::default();
        let text = p.condition(&cond).unwrap();
        assert_eq!(
            text,
            "(#n0 = :v0 AND #n1 > :v1) OR (NOT attribute_not_exists(#n0))"
        );
        let (names, values) = p.into_parts();
        assert_eq!(names.unwrap()["#n0"], "status");
        assert_eq!(values.unwrap()[":v1"], AttributeValue::N("3".into()));
    }

    #[test]
    fn nested_paths() {
        let meta: Path<M, HashMap<String, Vec<String>>> = Path::attribute("meta");
        let path = meta.key("owners").at(2);
        assert_eq!(path.display(), "meta.owners[2]");
        let mut p = Placeholders::default();
        assert_eq!(p.path(path.segments()), "#n0.#n1[2]");
    }

    #[test]
    fn invalid_values_surface_when_rendered() {
        let score: Path<M, f64> = Path::attribute("score");
        let mut p = Placeholders::default();
        assert!(matches!(
            p.condition(&score.eq(f64::NAN)),
            Err(Error::Encode(_))
        ));
        assert!(matches!(
            p.condition(&score.is_in(Vec::<f64>::new())),
            Err(Error::Validation(_))
        ));
    }
}
