//! Property tests of the number codec against a reference written here, independently of
//! `Decimal`: a number text is parsed into sign, significant digits and the exponent of the
//! last digit, checked against DynamoDB's limits (38 significant digits, magnitudes from 1e-130
//! to below 1e126) and printed in DynamoDB's one form. `check_number`, `normal_number`,
//! `KeyIdentity` and the integer and float codecs must agree with it on generated texts: random
//! digits, signs, leading and trailing zeros, exponents in every spelling.
//!
//! Case counts are fixed and modest (the whole file runs in well under a second); raise them
//! with `PROPTEST_CASES` for a longer search. No failure files are written: a failure prints
//! its minimal input, which belongs in `regressions` below once fixed.

use aws_sdk_dynamodb::types::AttributeValue;
use proptest::prelude::*;
use proptest::test_runner::Config;

use super::number::parse_integer;

use super::{
    FromAttributeValue, IntoAttributeValue, KeyIdentity, check_number, normal_number,
    same_key_value,
};

fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(512)
    }
}

/// A number as the reference reads it: zero, or `(-1)^negative * digits * 10^exponent` with
/// `digits` free of leading and trailing zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RefNumber {
    Zero,
    Value {
        negative: bool,
        digits: String,
        exponent: i128,
    },
}

impl RefNumber {
    /// Reads `[+-]digits[.digits][(e|E)[+-]digits]` with at least one mantissa digit, the
    /// grammar DynamoDB's number texts follow. Exponents are read as i128 (the generator keeps
    /// them far below its limits).
    fn parse(text: &str) -> Option<Self> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
            Some((m, e)) => {
                let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
                if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (m, e.parse::<i128>().ok()?)
            }
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        // The value is int.frac * 10^exponent = (int ++ frac) * 10^(exponent - frac.len()).
        let joined = format!("{int}{frac}");
        let stripped = joined.trim_start_matches('0');
        if stripped.is_empty() {
            return Some(RefNumber::Zero);
        }
        let digits = stripped.trim_end_matches('0');
        let trailing = (stripped.len() - digits.len()) as i128;
        Some(RefNumber::Value {
            negative,
            digits: digits.to_owned(),
            exponent: exponent - frac.len() as i128 + trailing,
        })
    }

    /// The decimal exponent of the leading digit (`0` for 1..9, `-1` for 0.1..0.9).
    fn magnitude(&self) -> Option<i128> {
        match self {
            RefNumber::Zero => None,
            RefNumber::Value {
                digits, exponent, ..
            } => Some(exponent + digits.len() as i128 - 1),
        }
    }

    /// Whether DynamoDB stores it: zero, or at most 38 significant digits and a magnitude in
    /// [1e-130, 1e126).
    fn storable(&self) -> bool {
        match self {
            RefNumber::Zero => true,
            RefNumber::Value { digits, .. } => {
                let magnitude = self.magnitude().unwrap_or(0);
                digits.len() <= 38 && (-130..126).contains(&magnitude)
            }
        }
    }

    /// DynamoDB's text of a storable number: plain decimal, no exponent, no sign on zero, no
    /// leading zeros before the units digit, no trailing zeros after the point.
    fn canonical(&self) -> String {
        let RefNumber::Value {
            negative,
            digits,
            exponent,
        } = self
        else {
            return "0".to_owned();
        };
        let sign = if *negative { "-" } else { "" };
        let len = digits.len() as i128;
        let body = if *exponent >= 0 {
            format!("{digits}{}", "0".repeat(*exponent as usize))
        } else if len + exponent > 0 {
            let (whole, fraction) = digits.split_at((len + exponent) as usize);
            format!("{whole}.{fraction}")
        } else {
            format!("0.{}{digits}", "0".repeat((-(len + exponent)) as usize))
        };
        format!("{sign}{body}")
    }

    /// The value as an `i128`, when it is an integer that fits one.
    fn as_i128(&self) -> Option<i128> {
        match self {
            RefNumber::Zero => Some(0),
            RefNumber::Value {
                negative,
                digits,
                exponent,
            } => {
                if *exponent < 0 || *exponent > 40 {
                    return None;
                }
                let text = format!(
                    "{}{digits}{}",
                    if *negative { "-" } else { "" },
                    "0".repeat(*exponent as usize)
                );
                text.parse().ok()
            }
        }
    }
}

/// The parts of a number before spelling: sign, significant digits (no leading zeros; may end
/// in zeros, or be all zeros for zero) and the exponent of their last digit.
#[derive(Debug, Clone)]
struct Parts {
    negative: bool,
    digits: String,
    exponent: i64,
}

/// How to write [`Parts`] as text: which sign for a positive number, how many zeros to pad
/// either side, where to put the decimal point, how to write the exponent.
#[derive(Debug, Clone)]
struct Spelling {
    plus: bool,
    leading_zeros: usize,
    trailing_zeros: usize,
    /// Digits after the point; the exponent makes up the difference.
    point_from_end: usize,
    exponent_style: u8,
    capital_e: bool,
    exponent_zeros: usize,
    drop_int_zero: bool,
}

fn parts() -> impl Strategy<Value = Parts> {
    let digits = prop_oneof![
        // Short and typical.
        3 => "[1-9][0-9]{0,6}",
        // Around the 38-digit limit.
        3 => "[1-9][0-9]{34,40}",
        // Anything up to 45 digits, with runs of zeros.
        3 => "[1-9](0{0,5}[0-9]){0,20}",
        // Zero.
        1 => "0{1,3}",
    ];
    let exponent = prop_oneof![
        -10i64..10,
        // Near DynamoDB's edges: 1e-130 and 1e126.
        -175i64..-120,
        100i64..140,
        -300i64..300,
    ];
    (any::<bool>(), digits, exponent).prop_map(|(negative, digits, exponent)| Parts {
        negative,
        digits,
        exponent,
    })
}

fn spelling() -> impl Strategy<Value = Spelling> {
    (
        any::<bool>(),
        0usize..3,
        0usize..3,
        0usize..50,
        0u8..4,
        any::<bool>(),
        0usize..3,
        any::<bool>(),
    )
        .prop_map(
            |(
                plus,
                leading_zeros,
                trailing_zeros,
                point_from_end,
                exponent_style,
                capital_e,
                exponent_zeros,
                drop_int_zero,
            )| Spelling {
                plus,
                leading_zeros,
                trailing_zeros,
                point_from_end,
                exponent_style,
                capital_e,
                exponent_zeros,
                drop_int_zero,
            },
        )
}

/// Writes `parts` as `spelling` says; every spelling of the same parts is the same number.
fn spell(parts: &Parts, spelling: &Spelling) -> String {
    let mut digits = format!(
        "{}{}{}",
        "0".repeat(spelling.leading_zeros),
        parts.digits,
        "0".repeat(spelling.trailing_zeros)
    );
    // Trailing zeros added to the digits lower the exponent of the last digit.
    let mut exponent = parts.exponent - spelling.trailing_zeros as i64;
    let after_point = spelling.point_from_end.min(digits.len() + 3);
    if after_point > digits.len() {
        digits = format!("{}{digits}", "0".repeat(after_point - digits.len()));
    }
    // Moving the point `after_point` digits left multiplies by 10^-after_point.
    exponent += after_point as i64;
    let (int, frac) = digits.split_at(digits.len() - after_point);
    let int = if int.is_empty() && !spelling.drop_int_zero {
        "0"
    } else {
        int
    };
    let mantissa = if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    };
    let sign = if parts.negative {
        "-"
    } else if spelling.plus {
        "+"
    } else {
        ""
    };
    // An exponent of 0 may still be written (`e0`, `E+00`).
    let exponent_text = if exponent == 0 && spelling.exponent_style == 0 {
        String::new()
    } else {
        let e = if spelling.capital_e { "E" } else { "e" };
        let esign = if exponent < 0 {
            "-"
        } else if spelling.exponent_style >= 2 {
            "+"
        } else {
            ""
        };
        format!(
            "{e}{esign}{}{}",
            "0".repeat(spelling.exponent_zeros),
            exponent.unsigned_abs()
        )
    };
    format!("{sign}{mantissa}{exponent_text}")
}

/// A number text of any spelling, and the parts it was made from.
fn number_text() -> impl Strategy<Value = String> {
    (parts(), spelling()).prop_map(|(p, s)| spell(&p, &s))
}

/// Large integers with few significant digits: `m * 10^k`.
fn round_u128() -> impl Strategy<Value = u128> {
    (any::<u64>(), 0u32..39).prop_map(|(m, k)| u128::from(m).saturating_mul(10u128.pow(k)))
}

/// An integer's encoding is its text when DynamoDB stores that, an error otherwise.
fn check_integer(
    text: &str,
    encoded: Result<Option<AttributeValue>, crate::EncodeError>,
) -> Result<(), TestCaseError> {
    let storable = RefNumber::parse(text).unwrap().storable();
    match encoded {
        Ok(Some(AttributeValue::N(written))) => {
            prop_assert!(storable, "{} was accepted", text);
            prop_assert_eq!(written, text);
        }
        Ok(other) => prop_assert!(false, "{}: {:?}", text, other),
        Err(_) => prop_assert!(!storable, "{} was refused", text),
    }
    Ok(())
}

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.to_owned())
}

proptest! {
    #![proptest_config(config())]

    /// The reference reads every generated spelling as the number it was made from.
    #[test]
    fn the_reference_reads_every_spelling(p in parts(), a in spelling(), b in spelling()) {
        let (x, y) = (spell(&p, &a), spell(&p, &b));
        let (rx, ry) = (RefNumber::parse(&x), RefNumber::parse(&y));
        prop_assert!(rx.is_some(), "{x}");
        prop_assert_eq!(rx, ry, "{} and {}", x, y);
    }

    /// `check_number` accepts exactly what DynamoDB stores.
    #[test]
    fn check_number_accepts_exactly_storable_numbers(text in number_text()) {
        let reference = RefNumber::parse(&text).unwrap();
        prop_assert_eq!(
            check_number(&text).is_ok(),
            reference.storable(),
            "{} is {:?}, magnitude {:?}", text, reference, reference.magnitude()
        );
    }

    /// `normal_number` is DynamoDB's text of a storable number, whatever its spelling; the
    /// normal form is its own normal form.
    #[test]
    fn normal_number_is_dynamodbs_text(text in number_text()) {
        let reference = RefNumber::parse(&text).unwrap();
        let normal = normal_number(&text);
        prop_assert!(normal.is_some(), "{}", text);
        let normal = normal.unwrap();
        if reference.storable() {
            prop_assert_eq!(&normal, &reference.canonical(), "{}", text);
        }
        // Out of range it keeps an exponent, but still names the same number.
        prop_assert_eq!(RefNumber::parse(&normal), Some(reference), "{} -> {}", text, normal);
        let again = normal_number(&normal);
        prop_assert_eq!(again.as_deref(), Some(normal.as_str()));
    }

    /// Two number keys are one key exactly when they are the same number: for two spellings of
    /// one number, and for two numbers that differ in one digit, sign or exponent.
    #[test]
    fn key_identity_is_equality_of_value(
        p in parts(),
        a in spelling(),
        b in spelling(),
        change in 0u8..5,
        at in any::<prop::sample::Index>(),
    ) {
        let mut q = p.clone();
        match change {
            0 | 1 => {} // the same number
            2 => q.negative = !q.negative,
            3 => q.exponent += 1,
            _ => {
                let i = at.index(q.digits.len());
                let digit = q.digits.as_bytes()[i];
                let other = if digit == b'9' { b'0' } else { digit + 1 };
                q.digits.replace_range(i..=i, &char::from(other).to_string());
            }
        }
        let (x, y) = (spell(&p, &a), spell(&q, &b));
        let same = RefNumber::parse(&x) == RefNumber::parse(&y);
        prop_assert_eq!(same_key_value(&n(&x), &n(&y)), same, "{} and {}", x, y);
        prop_assert_eq!(
            KeyIdentity::of_value(&n(&x)) == KeyIdentity::of_value(&n(&y)),
            same,
            "{} and {}", x, y
        );
        // A number is never the key of a string with its text.
        prop_assert!(!same_key_value(&n(&x), &AttributeValue::S(x.clone())));
    }

    /// An integer is read from any spelling of its value, and refused when the value is not an
    /// integer or does not fit.
    #[test]
    fn integers_read_from_any_spelling(text in number_text()) {
        let reference = RefNumber::parse(&text).unwrap();
        let expected = reference.as_i128();
        prop_assert_eq!(parse_integer::<i128>(&text), expected, "{}", text);
        prop_assert_eq!(
            parse_integer::<i64>(&text),
            expected.and_then(|v| i64::try_from(v).ok()),
            "{}", text
        );
        prop_assert_eq!(
            parse_integer::<u8>(&text),
            expected.and_then(|v| u8::try_from(v).ok()),
            "{}", text
        );
        let decoded = i128::from_attribute_value(n(&text)).ok();
        prop_assert_eq!(decoded, expected, "{}", text);
    }

    /// Integers of every width: stored as their plain text when it has at most 38 significant
    /// digits, refused before sending otherwise (only 128-bit values can have more).
    #[test]
    fn integers_encode_as_dynamodb_stores_them(
        wide in prop_oneof![any::<u128>(), round_u128()],
        signed in prop_oneof![any::<i128>(), round_u128().prop_map(|v| -(v.min(i128::MAX as u128) as i128))],
        w in any::<i64>(),
        x in any::<u32>(),
        y in any::<i8>(),
    ) {
        check_integer(&wide.to_string(), wide.to_attribute_value())?;
        check_integer(&signed.to_string(), signed.to_attribute_value())?;
        check_integer(&w.to_string(), w.to_attribute_value())?;
        check_integer(&x.to_string(), x.to_attribute_value())?;
        check_integer(&y.to_string(), y.to_attribute_value())?;
    }

    /// Floats: every finite `f64` is written as its shortest text, which is stored exactly
    /// when the reference says DynamoDB stores it (a float never has more than 17 significant
    /// digits, so only its magnitude can be refused), and reads back as the same `f64`.
    #[test]
    fn floats_encode_when_storable_and_read_back(bits in any::<u64>(), small in any::<f32>()) {
        let v = f64::from_bits(bits);
        match v.to_attribute_value() {
            Ok(Some(AttributeValue::N(text))) => {
                prop_assert!(v.is_finite());
                prop_assert!(RefNumber::parse(&text).unwrap().storable(), "{:e} as {}", v, text);
                let back = f64::from_attribute_value(n(&text)).unwrap();
                prop_assert_eq!(back.to_bits(), v.to_bits(), "{}", text);
            }
            Ok(other) => prop_assert!(false, "{:e}: {:?}", v, other),
            Err(_) => prop_assert!(
                !v.is_finite() || !RefNumber::parse(&v.to_string()).unwrap().storable(),
                "{:e} was refused", v
            ),
        }
        // Every finite f32 is within DynamoDB's range.
        match small.to_attribute_value() {
            Ok(Some(AttributeValue::N(text))) => {
                let back = f32::from_attribute_value(n(&text)).unwrap();
                prop_assert_eq!(back.to_bits(), small.to_bits(), "{}", text);
            }
            other => prop_assert!(!small.is_finite(), "{:e}: {:?}", small, other),
        }
    }

    /// A float read from a storable number's text is the nearest float to it (what
    /// `str::parse` gives), or refused when that is not finite or rounds a non-zero to zero.
    #[test]
    fn floats_read_any_spelling(text in number_text()) {
        let reference = RefNumber::parse(&text).unwrap();
        let nearest: f64 = text.parse().unwrap();
        let flushed = nearest == 0.0 && reference != RefNumber::Zero;
        match f64::from_attribute_value(n(&text)) {
            Ok(v) => {
                prop_assert!(v.is_finite() && !flushed, "{} read as {}", text, v);
                prop_assert_eq!(v.to_bits(), nearest.to_bits());
            }
            Err(_) => prop_assert!(!nearest.is_finite() || flushed, "{} refused", text),
        }
    }
}

/// Inputs that properties above once failed on, or that sit where they are easy to get wrong.
mod regressions {
    use super::*;

    #[test]
    fn spellings_at_the_edges() {
        for text in [
            "+.5",
            "5.",
            "-0.0e-0",
            "00.00E+00",
            "1E-130",
            "-9.9999999999999999999999999999999999999E+125",
            "100000000000000000000000000000000000000000000000e-10",
        ] {
            let reference = RefNumber::parse(text).unwrap();
            assert!(reference.storable(), "{text}");
            assert_eq!(
                normal_number(text).unwrap(),
                reference.canonical(),
                "{text}"
            );
        }
    }
}
