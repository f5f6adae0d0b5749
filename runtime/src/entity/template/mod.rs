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
///
/// An implementation for a type of yours must keep three rules, which the key texts, their
/// splitting and the sort conditions rely on: the text never holds a byte at or below `#`
/// (0x23), so that `#` separates fields and sorts below any of them; text order (by UTF-8
/// bytes, as DynamoDB compares) is value order; and `read_template` accepts exactly the texts
/// `write_template` writes, so that a key read back is written back as the same key.
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
mod tests;
