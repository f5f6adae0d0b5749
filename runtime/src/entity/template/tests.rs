//! Order, round trips and canonical text of the template encodings.
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
