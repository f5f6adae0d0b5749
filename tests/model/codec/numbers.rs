//! Numbers at DynamoDB's limits: 38 significant digits, magnitudes in [1e-130, 1e126), no NaN
//! or infinity. What DynamoDB cannot store is refused by `to_item`, naming the attribute.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DecodeErrorKind, DynamoModel, FromAttributeValue};

use super::{n, round_trip, s};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "numbers")]
struct Numbers {
    #[dynamo(hash)]
    id: String,
    big: u128,
    signed_big: i128,
    wide: i64,
    ratio: f64,
    single: f32,
    samples: Vec<f64>,
    ids: BTreeSet<u128>,
}

fn numbers() -> Numbers {
    Numbers {
        id: "n".to_owned(),
        big: 0,
        signed_big: 0,
        wide: 0,
        ratio: 0.0,
        single: 0.0,
        samples: Vec::new(),
        ids: BTreeSet::new(),
    }
}

#[test]
fn integers_of_38_digits_round_trip() {
    let nines = "9".repeat(38);
    let model = Numbers {
        big: nines.parse().unwrap(),
        signed_big: format!("-{nines}").parse().unwrap(),
        ids: [nines.parse().unwrap(), 10u128.pow(37)].into(),
        ..numbers()
    };
    let item = round_trip(&model);
    assert_eq!(item["big"], n(&nines));
    assert_eq!(item["signed_big"], n(&format!("-{nines}")));
}

/// `10^38` has 39 digits but one significant digit: DynamoDB stores it exactly.
#[test]
fn integers_with_trailing_zeros_beyond_38_digits_round_trip() {
    let model = Numbers {
        big: 3 * 10u128.pow(38),
        signed_big: -(10i128.pow(38)),
        ..numbers()
    };
    round_trip(&model);
}

#[test]
fn integers_of_39_significant_digits_are_refused_naming_the_attribute() {
    let cases: [(Numbers, &str, String); 4] = [
        (
            Numbers {
                big: u128::MAX,
                ..numbers()
            },
            "big",
            u128::MAX.to_string(),
        ),
        (
            Numbers {
                signed_big: i128::MIN,
                ..numbers()
            },
            "signed_big",
            i128::MIN.to_string(),
        ),
        (
            Numbers {
                signed_big: i128::MAX,
                ..numbers()
            },
            "signed_big",
            i128::MAX.to_string(),
        ),
        (
            Numbers {
                big: 10u128.pow(38) + 1,
                ..numbers()
            },
            "big",
            (10u128.pow(38) + 1).to_string(),
        ),
    ];
    for (model, attribute, value) in cases {
        let err = model.to_item().unwrap_err();
        assert_eq!(err.path(), attribute);
        assert_eq!(
            err.to_string(),
            format!(
                "cannot encode attribute `{attribute}`: {value} has 39 significant digits (DynamoDB keeps at most 38)"
            )
        );
        // The error reaches callers as the crate's one error type, unchanged.
        let wrapped = dynamo_types::Error::from(err.clone());
        assert!(matches!(&wrapped, dynamo_types::Error::Encode(e) if e == &err));
    }
}

#[test]
fn set_members_beyond_38_digits_are_refused() {
    let model = Numbers {
        ids: [1, u128::MAX].into(),
        ..numbers()
    };
    let err = model.to_item().unwrap_err();
    assert_eq!(err.path(), "ids[1]");
    assert!(err.to_string().contains("39 significant digits"), "{err}");
}

#[test]
fn i64_limits_round_trip() {
    for wide in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
        let item = round_trip(&Numbers { wide, ..numbers() });
        assert_eq!(item["wide"], n(&wide.to_string()));
    }
}

#[test]
fn non_finite_floats_are_refused_naming_the_attribute() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = Numbers {
            ratio: bad,
            ..numbers()
        }
        .to_item()
        .unwrap_err();
        assert_eq!(err.path(), "ratio");
        assert!(
            err.to_string().starts_with(&format!(
                "cannot encode attribute `ratio`: {bad} is not a finite number"
            )),
            "{err}"
        );
    }
    let err = Numbers {
        single: f32::NAN,
        ..numbers()
    }
    .to_item()
    .unwrap_err();
    assert_eq!(err.path(), "single");
    let err = Numbers {
        samples: vec![1.0, 2.0, f64::INFINITY],
        ..numbers()
    }
    .to_item()
    .unwrap_err();
    assert_eq!(err.path(), "samples[2]");
}

#[test]
fn floats_beyond_dynamodb_magnitudes_are_refused() {
    let too_small = [1e-300, 1e-131, f64::MIN_POSITIVE, 5e-324, -1e-200];
    for value in too_small {
        let err = Numbers {
            ratio: value,
            ..numbers()
        }
        .to_item()
        .unwrap_err();
        assert_eq!(err.path(), "ratio");
        assert!(err.to_string().contains("below 1e-130"), "{value:e}: {err}");
    }
    let too_large = [1e200, 1e126, f64::MAX, -1e130];
    for value in too_large {
        let err = Numbers {
            ratio: value,
            ..numbers()
        }
        .to_item()
        .unwrap_err();
        assert_eq!(err.path(), "ratio");
        assert!(
            err.to_string().contains("1e126 or more"),
            "{value:e}: {err}"
        );
    }
}

#[test]
fn floats_at_dynamodb_magnitudes_round_trip_exactly() {
    let values = [
        1e-130,
        -1e-130,
        1.0000000000000002e-130,
        9.99999999999999e125,
        -9.99999999999999e125,
        1e125,
        0.0,
        -0.0,
        0.1 + 0.2,
        1.0 / 3.0,
        std::f64::consts::PI,
        std::f64::consts::E,
        f64::EPSILON,
        9007199254740993.0, // 2^53 + 1 rounds to 2^53
        123456789.12345679,
        -2.2250738585072014e-100,
        4.940_656_458_412_466e-125,
    ];
    for value in values {
        let model = Numbers {
            ratio: value,
            samples: vec![value, -value],
            ..numbers()
        };
        let item = model.to_item().unwrap();
        let back = Numbers::from_item(item).unwrap();
        assert_eq!(back.ratio.to_bits(), value.to_bits(), "{value:e}");
        assert_eq!(back.samples[1].to_bits(), (-value).to_bits(), "{value:e}");
    }
    // 0.1 + 0.2 needs all 17 digits to come back exactly.
    let item = round_trip(&Numbers {
        ratio: 0.1 + 0.2,
        ..numbers()
    });
    assert_eq!(item["ratio"], n("0.30000000000000004"));
}

#[test]
fn f32_round_trips_exactly_at_its_limits() {
    for value in [
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        1e-45, // the smallest subnormal f32 is still within DynamoDB's range
        0.1,
        16777217.0,
        -0.0,
    ] {
        let model = Numbers {
            single: value,
            ..numbers()
        };
        let back = Numbers::from_item(model.to_item().unwrap()).unwrap();
        assert_eq!(back.single.to_bits(), value.to_bits(), "{value:e}");
    }
    let item = round_trip(&Numbers {
        single: 0.1,
        ..numbers()
    });
    assert_eq!(
        item["single"],
        n("0.1"),
        "the shortest text that reads back as the f32"
    );
}

#[test]
fn integral_forms_decode_as_integers() {
    let cases: [(&str, i64); 11] = [
        ("12", 12),
        ("+12", 12),
        ("12.000", 12),
        ("1.2E+1", 12),
        ("1.2e1", 12),
        ("-3e2", -300),
        ("0.00012e5", 12),
        ("000012", 12),
        ("-0", 0),
        ("0e999", 0),
        ("-9223372036854775808", i64::MIN),
    ];
    for (text, want) in cases {
        assert_eq!(i64::from_attribute_value(n(text)), Ok(want), "{text}");
    }
    assert_eq!(u8::from_attribute_value(n("2.55e2")), Ok(255));
    assert_eq!(
        u128::from_attribute_value(n("9.9999999999999999999999999999999999999E+37")),
        Ok(99_999_999_999_999_999_999_999_999_999_999_999_999)
    );
    assert_eq!(i128::from_attribute_value(n("1E+38")), Ok(10i128.pow(38)));
}

/// Differential check against a straightforward reference: any integral value, written in
/// any of the decimal forms DynamoDB accepts, decodes to that value.
#[test]
fn random_integral_forms_decode_to_the_same_value() {
    let mut rng = fastrand::Rng::with_seed(0x00C0_DEC0);
    for _ in 0..20_000 {
        let value = match rng.u8(0..4) {
            0 => rng.i64(..),
            1 => rng.i64(-1000..1000),
            2 => i64::MAX - rng.i64(0..3),
            _ => i64::MIN + rng.i64(0..3),
        };
        let digits = value.unsigned_abs().to_string();
        let sign = if value < 0 { "-" } else { "" };
        // Move the decimal point `shift` places left and compensate with the exponent.
        let shift = rng.usize(0..=digits.len() + 3);
        let padded = format!("{}{digits}", "0".repeat(shift.saturating_sub(digits.len())));
        let (int_part, frac_part) = padded.split_at(padded.len() - shift);
        let zeros = "0".repeat(rng.usize(0..3));
        let e = if rng.bool() { 'e' } else { 'E' };
        let plus = if rng.bool() { "+" } else { "" };
        let text = format!("{sign}{int_part}.{frac_part}{zeros}{e}{plus}{shift}");
        assert_eq!(i64::from_attribute_value(n(&text)), Ok(value), "{text}");
        let as_i128 = i128::from_attribute_value(n(&text));
        assert_eq!(as_i128, Ok(i128::from(value)), "{text}");
        if value >= 0 {
            assert_eq!(
                u64::from_attribute_value(n(&text)),
                Ok(value as u64),
                "{text}"
            );
        } else {
            assert!(u64::from_attribute_value(n(&text)).is_err(), "{text}");
        }
    }
}

#[test]
fn non_integral_numbers_do_not_decode_as_integers() {
    for text in [
        "1.5", "0.1", "-0.0001", "12.0001", "1.23e1", "5e-1", "1e-999",
    ] {
        let err = i64::from_attribute_value(n(text)).unwrap_err();
        assert_eq!(
            err.kind(),
            &DecodeErrorKind::InvalidValue {
                expected: "an integer that fits i64".to_owned(),
                found: format!("{text:?}"),
            }
        );
    }
}

#[test]
fn a_number_keeps_its_type_in_an_item_that_holds_every_number() {
    // The same N text decodes into every integer type that can hold it.
    let item: HashMap<String, AttributeValue> = HashMap::from([
        ("id".to_owned(), s("n")),
        ("big".to_owned(), n("255")),
        ("signed_big".to_owned(), n("-255")),
        ("wide".to_owned(), n("255")),
        ("ratio".to_owned(), n("255")),
        ("single".to_owned(), n("255")),
        ("samples".to_owned(), AttributeValue::L(vec![n("255")])),
        ("ids".to_owned(), AttributeValue::Ns(vec!["255".to_owned()])),
    ]);
    let model = Numbers::from_item(item).unwrap();
    assert_eq!(
        (
            model.big,
            model.signed_big,
            model.wide,
            model.ratio,
            model.single
        ),
        (255, -255, 255, 255.0, 255.0)
    );
}

#[test]
fn a_number_too_small_for_f32_is_refused_not_read_as_zero() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use dynamo_types::{DecodeErrorKind, FromAttributeValue};

    let err = f32::from_attribute_value(AttributeValue::N("1e-50".into())).unwrap_err();
    assert!(
        matches!(err.kind(), DecodeErrorKind::InvalidValue { .. }),
        "{err}"
    );
    // The same number fits an f64, and real zeros still read as zero.
    assert_eq!(
        f64::from_attribute_value(AttributeValue::N("1e-50".into())).unwrap(),
        1e-50
    );
    assert_eq!(
        f32::from_attribute_value(AttributeValue::N("0.000".into())).unwrap(),
        0.0
    );
    assert_eq!(
        f32::from_attribute_value(AttributeValue::N("-0".into())).unwrap(),
        0.0
    );
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Reading {
    value: f64,
    history: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "readings")]
struct Sensor {
    #[dynamo(hash)]
    id: String,
    #[dynamo(serde)]
    reading: Reading,
}

/// Found by the property tests (props.rs): a `#[dynamo(serde)]` field wrote serde_dynamo's
/// text of any float, `N("NaN")`, `N("inf")` and 1e300 written out, which DynamoDB refuses.
/// Its numbers now keep the limits of the crate's own codec, naming the path.
#[test]
fn numbers_in_serde_fields_keep_dynamodbs_limits() {
    for (value, history, path) in [
        (f64::NAN, vec![], "reading.value"),
        (f64::NEG_INFINITY, vec![], "reading.value"),
        (1e300, vec![], "reading.value"),
        (1.5, vec![0.0, 1e-200], "reading.history[1]"),
    ] {
        let model = Sensor {
            id: "s".to_owned(),
            reading: Reading { value, history },
        };
        let err = model.to_item().unwrap_err();
        assert_eq!(err.path(), path, "{err}");
        assert!(err.to_string().contains("DynamoDB"), "{err}");
    }
    round_trip(&Sensor {
        id: "s".to_owned(),
        reading: Reading {
            value: -1.25e125,
            history: vec![1e-130, 0.0, -0.0],
        },
    });
}
