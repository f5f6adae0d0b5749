//! The values of fields inside key templates such as `ORDER#{placed_at}#{id}`, as text whose
//! order is the order of the values.
//!
//! DynamoDB compares string keys by their UTF-8 bytes, so a field's text must sort as its value
//! does: integers are zero-padded to a fixed width (signed ones shifted so that `MIN` is `0`),
//! instants are UTC with a fixed number of digits, and strings escape every character that
//! sorts at or below the separator `#`. Each [`TemplateValue::read_template`] accepts only the
//! text its `write_template` writes, so a key read back and written again is the same key.

use std::fmt::Write as _;

use crate::error::{DecodeError, EncodeError};

/// A type that can be a field of a key template.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a key template",
    label = "not encodable in a key template so that text order is value order",
    note = "key templates take `String`, integers (`u8`..`u64`, `i8`..`i64`, `usize`, `isize`), `bool`, and with features `chrono` (`DateTime<Utc>`, `NaiveDate`), `time` (`OffsetDateTime`, `Date`) and `uuid` (`Uuid`); floats, `Option`, collections and maps cannot be encoded in order"
)]
pub trait TemplateValue: Sized {
    /// Appends the value's text to `out`.
    fn write_template(&self, out: &mut String) -> Result<(), EncodeError>;
    /// Reads a value from exactly its text (as `write_template` wrote it). Any other text is an
    /// error.
    fn read_template(text: &str) -> Result<Self, DecodeError>;
}

/// Splits `text` by a template and returns the text of each field, in order.
///
/// `literals` are the template's literal parts, laid out around the fields as
/// `literals[0] field0 literals[1] field1 ... field(n-1) literals[n]`: there is one field fewer
/// than literals, and a literal may be `""`. A field's text ends at the next `#` when the
/// literal after it is not empty (the derive makes every literal after a field either the final
/// `""` or one that starts with `#`); the last field, when the final literal is `""`, takes the
/// rest of the text.
///
/// It fails when the text does not match the literals (or `literals` is empty, or a literal
/// between two fields is empty, which no text can be split by).
pub fn split<'t>(text: &'t str, literals: &[&str]) -> Result<Vec<&'t str>, DecodeError> {
    let Some((first, after)) = literals.split_first() else {
        return Err(DecodeError::custom(
            "a key template has at least one literal",
        ));
    };
    let mismatch =
        || DecodeError::invalid_value(format!("a key of the template {literals:?}"), text);
    let mut rest = text.strip_prefix(first).ok_or_else(mismatch)?;
    let mut fields = Vec::with_capacity(after.len());
    for (i, literal) in after.iter().enumerate() {
        if literal.is_empty() {
            if i + 1 != after.len() {
                return Err(DecodeError::custom(
                    "a key template has two fields with no literal between them",
                ));
            }
            fields.push(rest);
            rest = "";
        } else {
            let end = rest.find('#').ok_or_else(mismatch)?;
            fields.push(&rest[..end]);
            rest = rest[end..].strip_prefix(literal).ok_or_else(mismatch)?;
        }
    }
    if rest.is_empty() {
        Ok(fields)
    } else {
        Err(mismatch())
    }
}

/// Whether a string character is written as `%XX`: it sorts at or below the separator `#`, or
/// it is the escape character `%` itself.
fn needs_escape(c: char) -> bool {
    c <= '#' || c == '%'
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Strings keep their characters, except those up to `#` (U+0000 to U+0023) and `%`, which are
/// written as `%` and two uppercase hex digits. An encoded string never holds a byte at or below
/// `#`, so the separator sorts below any of its bytes and a string sorts before the strings it
/// is a prefix of.
///
/// Order is kept between strings that hold no escaped character. An escaped character sorts as
/// its escape: `"!"` (`%21`) sorts after `"$"`, although `!` is below `$`.
impl TemplateValue for String {
    fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
        out.reserve(self.len());
        for c in self.chars() {
            if needs_escape(c) {
                let b = c as u8;
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            } else {
                out.push(c);
            }
        }
        Ok(())
    }

    fn read_template(text: &str) -> Result<Self, DecodeError> {
        let invalid = |why: &str| DecodeError::invalid_value(why, text);
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let (mut i, mut start) = (0, 0);
        while let Some(&b) = bytes.get(i) {
            if b == b'%' {
                // `start` and `i` are at ASCII bytes, so at character boundaries.
                out.push_str(&text[start..i]);
                let digit = |at: usize| bytes.get(at).copied().and_then(hex_digit);
                let (Some(hi), Some(lo)) = (digit(i + 1), digit(i + 2)) else {
                    return Err(invalid(
                        "a string whose `%` is followed by two uppercase hex digits",
                    ));
                };
                let c = char::from(hi << 4 | lo);
                if !needs_escape(c) {
                    return Err(invalid(
                        "a string that escapes only characters up to `#` and `%`",
                    ));
                }
                out.push(c);
                i += 3;
                start = i;
            } else if b <= b'#' {
                return Err(invalid("a string whose characters up to `#` are escaped"));
            } else {
                i += 1;
            }
        }
        out.push_str(&text[start..]);
        Ok(out)
    }
}

/// Reads the digits of an unsigned integer of exactly `width` digits.
fn read_padded<T: std::str::FromStr>(
    text: &str,
    width: usize,
    name: &str,
) -> Result<T, DecodeError> {
    let invalid =
        || DecodeError::invalid_value(format!("{width} decimal digits that fit {name}"), text);
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    text.parse().map_err(|_| invalid())
}

macro_rules! unsigned {
    ($($t:ty => $width:literal),* $(,)?) => {$(
        #[doc = concat!("Decimal, zero-padded to ", stringify!($width), " digits.")]
        impl TemplateValue for $t {
            fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
                write!(out, "{:0w$}", self, w = $width)
                    .map_err(|_| EncodeError::new("writing an integer failed"))
            }

            fn read_template(text: &str) -> Result<Self, DecodeError> {
                read_padded(text, $width, stringify!($t))
            }
        }
    )*};
}

unsigned!(u8 => 3, u16 => 5, u32 => 10, u64 => 20, usize => 20);

macro_rules! signed {
    ($($t:ty => $u:ty),* $(,)?) => {$(
        #[doc = concat!("As the `", stringify!($u), "` `v - ", stringify!($t), "::MIN`, so that `MIN` is all zeros.")]
        impl TemplateValue for $t {
            fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
                ((*self as $u) ^ (<$t>::MIN as $u)).write_template(out)
            }

            fn read_template(text: &str) -> Result<Self, DecodeError> {
                <$u>::read_template(text).map(|u| (u ^ (<$t>::MIN as $u)) as $t)
            }
        }
    )*};
}

signed!(i8 => u8, i16 => u16, i32 => u32, i64 => u64, isize => usize);

/// `0` for `false`, `1` for `true`.
impl TemplateValue for bool {
    fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
        out.push(if *self { '1' } else { '0' });
        Ok(())
    }

    fn read_template(text: &str) -> Result<Self, DecodeError> {
        match text {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(DecodeError::invalid_value("`0` or `1`", text)),
        }
    }
}

/// The text of dates, `YYYY-MM-DD`, and of instants, `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
#[cfg(any(feature = "chrono", feature = "time"))]
mod calendar {
    use super::*;

    pub(super) const DATE: &str = "a date `YYYY-MM-DD`";
    pub(super) const INSTANT: &str = "an instant in UTC `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`";

    /// Writes a date (`p` is month and day) or an instant (month, day, hour, minute, second,
    /// nanosecond), in years 0000 to 9999.
    pub(super) fn write(out: &mut String, year: i32, p: &[u32]) -> Result<(), EncodeError> {
        if !(0..=9999).contains(&year) {
            return Err(EncodeError::new(format!(
                "the year {year} is outside 0000..=9999, which a key template writes in four digits"
            )));
        }
        match *p {
            [mo, d] => write!(out, "{year:04}-{mo:02}-{d:02}"),
            [mo, d, h, mi, s, n] => {
                write!(
                    out,
                    "{year:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{n:09}Z"
                )
            }
            _ => Err(std::fmt::Error),
        }
        .map_err(|_| EncodeError::new("writing a date failed"))
    }

    /// The year, and month, day, hour, minute, second, nanosecond (zeros for a date) of `text`
    /// when each is in its place; whether they make a date is the caller's to check.
    pub(super) fn read(text: &str, with_time: bool) -> Result<(i32, [u32; 6]), DecodeError> {
        let (pattern, expected) = if with_time {
            ("dddd-dd-ddTdd:dd:dd.dddddddddZ", INSTANT)
        } else {
            ("dddd-dd-dd", DATE)
        };
        let fits = text.len() == pattern.len()
            && (text.bytes().zip(pattern.bytes())).all(|(b, p)| {
                if p == b'd' {
                    b.is_ascii_digit()
                } else {
                    b == p
                }
            });
        if !fits {
            return Err(DecodeError::invalid_value(expected, text));
        }
        // Past the pattern every part is digits; a failure here (none can) is an invalid date.
        let n = |at: usize, len: usize| {
            (text.get(at..at + len)).map_or(u32::MAX, |d| d.parse().unwrap_or(u32::MAX))
        };
        let year = i32::try_from(n(0, 4)).unwrap_or(i32::MAX);
        let time = if with_time {
            [n(11, 2), n(14, 2), n(17, 2), n(20, 9)]
        } else {
            [0; 4]
        };
        Ok((year, [n(5, 2), n(8, 2), time[0], time[1], time[2], time[3]]))
    }
}

#[cfg(feature = "chrono")]
mod chrono_values {
    use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

    use super::calendar::{self, DATE, INSTANT};
    use super::*;

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, years 0000 to 9999. A leap second is second `60`.
    impl TemplateValue for DateTime<Utc> {
        fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
            let (mut second, mut nano) = (self.second(), self.nanosecond());
            if nano >= 1_000_000_000 {
                (second, nano) = (60, nano - 1_000_000_000);
            }
            let (mo, d, h, mi) = (self.month(), self.day(), self.hour(), self.minute());
            calendar::write(out, self.year(), &[mo, d, h, mi, second, nano])
        }

        fn read_template(text: &str) -> Result<Self, DecodeError> {
            let (y, [mo, d, h, mi, s, nano]) = calendar::read(text, true)?;
            // chrono holds a leap second as second 59 with a nanosecond over a second.
            let (s, nano) = if s == 60 {
                (59, nano + 1_000_000_000)
            } else {
                (s, nano)
            };
            let date = NaiveDate::from_ymd_opt(y, mo, d);
            let time = NaiveTime::from_hms_nano_opt(h, mi, s, nano);
            match (date, time) {
                (Some(date), Some(time)) => Ok(NaiveDateTime::new(date, time).and_utc()),
                _ => Err(DecodeError::invalid_value(INSTANT, text)),
            }
        }
    }

    /// `YYYY-MM-DD`, years 0000 to 9999.
    impl TemplateValue for NaiveDate {
        fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
            calendar::write(out, self.year(), &[self.month(), self.day()])
        }

        fn read_template(text: &str) -> Result<Self, DecodeError> {
            let (y, [m, d, ..]) = calendar::read(text, false)?;
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DecodeError::invalid_value(DATE, text))
        }
    }
}

#[cfg(feature = "time")]
mod time_values {
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    use super::calendar::{self, DATE, INSTANT};
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<Date> {
        let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
        Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
    }

    /// In UTC, `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, years 0000 to 9999.
    impl TemplateValue for OffsetDateTime {
        fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
            let v = self.checked_to_offset(UtcOffset::UTC).ok_or_else(|| {
                EncodeError::new("the instant in UTC is outside the years time supports")
            })?;
            let [mo, d, h, mi, s] = [
                u8::from(v.month()),
                v.day(),
                v.hour(),
                v.minute(),
                v.second(),
            ]
            .map(u32::from);
            calendar::write(out, v.year(), &[mo, d, h, mi, s, v.nanosecond()])
        }

        fn read_template(text: &str) -> Result<Self, DecodeError> {
            let (y, [mo, d, h, mi, s, nano]) = calendar::read(text, true)?;
            let time = match [h, mi, s].map(u8::try_from) {
                [Ok(h), Ok(mi), Ok(s)] => Time::from_hms_nano(h, mi, s, nano).ok(),
                _ => None,
            };
            match (date(y, mo, d), time) {
                (Some(date), Some(time)) => Ok(PrimitiveDateTime::new(date, time).assume_utc()),
                _ => Err(DecodeError::invalid_value(INSTANT, text)),
            }
        }
    }

    /// `YYYY-MM-DD`, years 0000 to 9999.
    impl TemplateValue for Date {
        fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
            let [m, d] = [u8::from(self.month()), self.day()].map(u32::from);
            calendar::write(out, self.year(), &[m, d])
        }

        fn read_template(text: &str) -> Result<Self, DecodeError> {
            let (y, [m, d, ..]) = calendar::read(text, false)?;
            date(y, m, d).ok_or_else(|| DecodeError::invalid_value(DATE, text))
        }
    }
}

/// Lowercase and hyphenated: `67e55044-10b1-426f-9247-bb680e5fe0c8`.
#[cfg(feature = "uuid")]
impl TemplateValue for uuid::Uuid {
    fn write_template(&self, out: &mut String) -> Result<(), EncodeError> {
        let mut buf = uuid::Uuid::encode_buffer();
        out.push_str(self.hyphenated().encode_lower(&mut buf));
        Ok(())
    }

    fn read_template(text: &str) -> Result<Self, DecodeError> {
        let invalid = || DecodeError::invalid_value("a lowercase hyphenated UUID", text);
        let canonical = text.len() == 36
            && text.bytes().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => matches!(b, b'0'..=b'9' | b'a'..=b'f'),
            });
        if !canonical {
            return Err(invalid());
        }
        uuid::Uuid::parse_str(text).map_err(|_| invalid())
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use proptest::prelude::*;

    use super::*;

    fn enc<T: TemplateValue>(v: &T) -> String {
        let mut out = String::new();
        v.write_template(&mut out).expect("encodable");
        out
    }

    /// Text order is value order, and the text reads back as the value and nothing else.
    fn check_order<T: TemplateValue + Ord + Debug>(a: T, b: T) -> Result<(), TestCaseError> {
        let (ta, tb) = (enc(&a), enc(&b));
        prop_assert_eq!(a.cmp(&b), ta.as_bytes().cmp(tb.as_bytes()), "{} {}", ta, tb);
        prop_assert_eq!(T::read_template(&ta).ok(), Some(a));
        prop_assert_eq!(T::read_template(&tb).ok(), Some(b));
        Ok(())
    }

    /// Whatever `read_template` accepts, `write_template` writes back unchanged.
    fn check_canonical<T: TemplateValue + Debug>(text: &str) -> Result<(), TestCaseError> {
        if let Ok(v) = T::read_template(text) {
            prop_assert_eq!(enc(&v), text, "{:?}", v);
        }
        Ok(())
    }

    fn check_all_canonical(text: &str) -> Result<(), TestCaseError> {
        check_canonical::<String>(text)?;
        check_canonical::<u8>(text)?;
        check_canonical::<u64>(text)?;
        check_canonical::<i32>(text)?;
        check_canonical::<isize>(text)?;
        check_canonical::<bool>(text)?;
        #[cfg(feature = "chrono")]
        {
            check_canonical::<chrono::DateTime<chrono::Utc>>(text)?;
            check_canonical::<chrono::NaiveDate>(text)?;
        }
        #[cfg(feature = "time")]
        {
            check_canonical::<time::OffsetDateTime>(text)?;
            check_canonical::<time::Date>(text)?;
        }
        #[cfg(feature = "uuid")]
        check_canonical::<uuid::Uuid>(text)?;
        Ok(())
    }

    fn plain() -> impl Strategy<Value = String> {
        any::<String>().prop_map(|s| s.chars().filter(|&c| !needs_escape(c)).collect())
    }

    macro_rules! order_tests {
        ($($name:ident: $t:ty),*) => {
            proptest! {
                $(#[test]
                fn $name(a: $t, b: $t) { check_order(a, b)?; })*
            }
        };
    }

    order_tests!(u8_order: u8, u16_order: u16, u32_order: u32, u64_order: u64, usize_order: usize);
    order_tests!(i8_order: i8, i16_order: i16, i32_order: i32, i64_order: i64, isize_order: isize);
    order_tests!(bool_order: bool);

    proptest! {
        #[test]
        fn strings_round_trip(s: String) {
            let text = enc(&s);
            prop_assert!(text.bytes().all(|b| b > b'#'), "{:?}", text);
            prop_assert_eq!(String::read_template(&text), Ok(s));
        }

        #[test]
        fn unescaped_strings_keep_order(a in plain(), b in plain()) {
            check_order(a, b)?;
        }

        #[test]
        fn prefix_with_separator_sorts_first(a: String, rest in any::<String>().prop_filter("non-empty", |r| !r.is_empty())) {
            let long = format!("{a}{rest}");
            let (ta, tl) = (enc(&a), enc(&long));
            prop_assert!(format!("{ta}#") < tl, "{:?} {:?}", ta, tl);
            prop_assert!(format!("{ta}#x") < format!("{tl}#x"), "{:?} {:?}", ta, tl);
        }

        #[test]
        fn read_accepts_only_canonical_text(text: String) {
            check_all_canonical(&text)?;
        }

        #[test]
        fn read_accepts_only_canonical_near_misses(
            text in "[0-9A-Fa-f%#+ -]{0,22}|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z)?",
        ) {
            check_all_canonical(&text)?;
        }

        #[test]
        fn split_never_panics(text: String, literals: Vec<String>) {
            let literals: Vec<&str> = literals.iter().map(String::as_str).collect();
            if let Ok(fields) = split(&text, &literals) {
                prop_assert_eq!(fields.len() + 1, literals.len());
            }
        }

        #[test]
        fn split_finds_written_fields(a: String, b: u32, c: String) {
            let key = format!("A#{}#B#{}#{}", enc(&a), enc(&b), enc(&c));
            let fields = split(&key, &["A#", "#B#", "#", ""]).expect("a key of the template");
            prop_assert_eq!(String::read_template(fields[0]), Ok(a));
            prop_assert_eq!(u32::read_template(fields[1]), Ok(b));
            prop_assert_eq!(String::read_template(fields[2]), Ok(c));
        }
    }

    #[test]
    fn integers_have_fixed_width() {
        assert_eq!(enc(&7u8), "007");
        assert_eq!(enc(&7u16), "00007");
        assert_eq!(enc(&7u32), "0000000007");
        assert_eq!(enc(&u64::MAX), "18446744073709551615");
        assert_eq!(enc(&7usize), "00000000000000000007");
        assert_eq!(enc(&i8::MIN), "000");
        assert_eq!(enc(&-1i8), "127");
        assert_eq!(enc(&0i8), "128");
        assert_eq!(enc(&i64::MIN), "00000000000000000000");
        assert_eq!(enc(&false), "0");
        assert_eq!(enc(&true), "1");
    }

    #[test]
    fn strings_escape_low_characters_and_percent() {
        assert_eq!(enc(&"a#b%c d/é".to_owned()), "a%23b%25c%20d/é");
        assert_eq!(enc(&"\0\n!\"$".to_owned()), "%00%0A%21%22$");
    }

    #[test]
    fn non_canonical_integers_are_rejected() {
        for text in ["7", "0007", "", "+07", "-07", " 07", "07a", "256", "٣٣٣"] {
            assert!(u8::read_template(text).is_err(), "{text:?}");
        }
        assert!(u64::read_template("18446744073709551616").is_err());
        assert!(u64::read_template("99999999999999999999").is_err());
        assert!(i8::read_template("256").is_err());
        assert!(bool::read_template("true").is_err());
        assert!(bool::read_template("01").is_err());
    }

    #[test]
    fn non_canonical_strings_are_rejected() {
        for text in [
            "%2f", "%41", "a#b", "a b", "%", "%2", "%G0", "%2é", "\n", "%7F", "%25%",
        ] {
            assert!(String::read_template(text).is_err(), "{text:?}");
        }
        assert_eq!(
            String::read_template("%2F%25").ok(),
            None,
            "'/' needs no escape"
        );
        assert_eq!(
            String::read_template("%23%25é").ok().as_deref(),
            Some("#%é")
        );
    }

    #[test]
    fn split_by_templates_of_zero_to_three_fields() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("META", &["META"], &[]),
            ("", &[""], &[]),
            ("USER#42", &["USER#", ""], &["42"]),
            ("42", &["", ""], &["42"]),
            ("USER#", &["USER#", ""], &[""]),
            ("USER#a%23b#X", &["USER#", "#X"], &["a%23b"]),
            ("ORDER#2024#7", &["ORDER#", "#", ""], &["2024", "7"]),
            ("T#1#2#END", &["T#", "#", "#END"], &["1", "2"]),
            ("a#b#c", &["", "#", "#", ""], &["a", "b", "c"]),
            ("P#a#Q#b#R#c", &["P#", "#Q#", "#R#", ""], &["a", "b", "c"]),
            ("P##Q##R#", &["P#", "#Q#", "#R#", ""], &["", "", ""]),
        ];
        for (text, literals, fields) in cases {
            assert_eq!(split(text, literals).as_deref(), Ok(*fields), "{text:?}");
        }
    }

    #[test]
    fn split_rejects_mismatching_text() {
        let cases: &[(&str, &[&str])] = &[
            ("META", &["META2"]),
            ("META2", &["META"]),
            ("USER#1", &["ORDER#", ""]),
            ("ORDER#1", &["ORDER#", "#", ""]),
            ("ORDER#1#2#3", &["ORDER#", "#X", ""]),
            ("T#1#2", &["T#", "#", "#END"]),
            ("T#1#2#ENDX", &["T#", "#", "#END"]),
            ("a#b", &["", "", ""]),
            ("", &[]),
            ("é", &["e", ""]),
        ];
        for (text, literals) in cases {
            assert!(split(text, literals).is_err(), "{text:?} {literals:?}");
        }
    }

    #[cfg(feature = "chrono")]
    mod chrono_tests {
        use chrono::{DateTime, NaiveDate, TimeZone, Utc};

        use super::*;

        const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
        const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

        proptest! {
            #[test]
            fn chrono_instants_order(a in MIN..=MAX, an in 0..1_000_000_000u32, b in MIN..=MAX, bn in 0..1_000_000_000u32) {
                let at = |s, n| DateTime::from_timestamp(s, n).expect("in range");
                check_order(at(a, an), at(b, bn))?;
            }

            #[test]
            fn chrono_dates_order(a in 0..3_652_425i32, b in 0..3_652_425i32) {
                let day = |n| NaiveDate::from_num_days_from_ce_opt(n + 1).expect("in range");
                check_order(day(a), day(b))?;
            }
        }

        #[test]
        fn chrono_text() {
            let t = Utc.with_ymd_and_hms(2024, 3, 9, 7, 5, 1).unwrap();
            assert_eq!(enc(&t), "2024-03-09T07:05:01.000000000Z");
            let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
                .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
                .unwrap()
                .and_utc();
            assert_eq!(enc(&leap), "2016-12-31T23:59:60.500000000Z");
            check_order(leap, t).unwrap();
            let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
            assert!(far.write_template(&mut String::new()).is_err());
            for text in [
                "2024-03-09T07:05:01Z",
                "2024-03-09T07:05:01.000000000+00:00",
                "2024-02-30T00:00:00.000000000Z",
            ] {
                assert!(DateTime::<Utc>::read_template(text).is_err(), "{text}");
            }
            assert_eq!(
                enc(&NaiveDate::from_ymd_opt(7, 1, 2).unwrap()),
                "0007-01-02"
            );
            assert!(NaiveDate::read_template("2024-3-09").is_err());
        }
    }

    #[cfg(feature = "time")]
    mod time_tests {
        use time::{Date, OffsetDateTime, UtcOffset};

        use super::*;

        const MIN: i128 = -62_167_219_200 * 1_000_000_000;
        const MAX: i128 = 253_402_300_800 * 1_000_000_000 - 1;

        proptest! {
            #[test]
            fn time_instants_order(a in MIN..=MAX, b in MIN..=MAX) {
                let at = |n| OffsetDateTime::from_unix_timestamp_nanos(n).expect("in range");
                check_order(at(a), at(b))?;
            }

            #[test]
            fn time_dates_order(a in 1_721_060..=5_373_484i32, b in 1_721_060..=5_373_484i32) {
                let day = |n| Date::from_julian_day(n).expect("in range");
                check_order(day(a), day(b))?;
            }
        }

        #[test]
        fn time_text_is_utc() {
            let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
            let east = at.to_offset(UtcOffset::from_hms(2, 0, 0).unwrap());
            assert_eq!(enc(&east), "2023-11-14T22:13:20.000000000Z");
            assert_eq!(OffsetDateTime::read_template(&enc(&east)), Ok(at));
            assert!(OffsetDateTime::read_template("2023-11-14T22:13:60.000000000Z").is_err());
            let early = Date::from_calendar_date(-1, time::Month::January, 1).unwrap();
            assert!(early.write_template(&mut String::new()).is_err());
            assert_eq!(
                enc(&Date::from_calendar_date(0, time::Month::May, 9).unwrap()),
                "0000-05-09"
            );
        }
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuids_are_lowercase_hyphenated() {
        let text = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let id = uuid::Uuid::read_template(text).unwrap();
        assert_eq!(enc(&id), text);
        for bad in [
            "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
        ] {
            assert!(uuid::Uuid::read_template(bad).is_err(), "{bad}");
        }
        let ids = [uuid::Uuid::nil(), id, uuid::Uuid::max()];
        ids.windows(2)
            .for_each(|w| check_order(w[0], w[1]).unwrap());
    }
}
