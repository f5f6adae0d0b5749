//! DynamoDB's number text: the one parser of it ([`Decimal`]), which every reader of number
//! text in the crate goes through, its limits ([`check_number`]) and the one form DynamoDB
//! keeps of it ([`normal_number`]).

/// Number text split into its parts: `-12.50e3` is negative, digits `1250`, with the decimal
/// point 2 digits in, times 10^3.
///
/// The crate's one reader of number text: the codecs, key identity and the number limits read
/// it with [`parse`](Self::parse) (the cursor reader too, through [`check_number`]); the item
/// size reads any text with [`scan`](Self::scan).
pub(crate) struct Decimal<'a> {
    negative: bool,
    int_part: &'a str,
    frac_part: &'a str,
    exponent: i64,
}

impl<'a> Decimal<'a> {
    /// Splits `text`; `None` unless it is `[+-]digits[.digits][(e|E)[+-]digits]` with at least
    /// one mantissa digit. An exponent beyond i64 is clamped: any non-zero value is out of
    /// range then.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let (mut decimal, exponent, well_formed) = Self::split(text);
        if !well_formed {
            return None;
        }
        if let Some(exponent) = exponent {
            decimal.exponent = exponent
                .parse::<i64>()
                .unwrap_or(if exponent.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                });
        }
        Some(decimal)
    }

    /// Splits any text as [`parse`](Self::parse) does, for the item size, which counts what it
    /// is given: signs before the number are passed over (it is negative when the text opens
    /// with `-`), so are characters other than digits in the mantissa, and an exponent that is
    /// no i64 (not a number, or beyond i64) counts as 0. On text `parse` takes, it reads as
    /// `parse` does, but for an exponent beyond i64 (which DynamoDB refuses anyway).
    pub(crate) fn scan(text: &'a str) -> Self {
        let (mut decimal, exponent, _) = Self::split(text);
        decimal.exponent = exponent.and_then(|e| e.parse::<i64>().ok()).unwrap_or(0);
        decimal
    }

    /// The parts of `text` with no exponent yet, the exponent's text if any, and whether the
    /// text is a decimal number.
    fn split(text: &'a str) -> (Self, Option<&'a str>, bool) {
        let negative = text.starts_with('-');
        let unsigned = text.trim_start_matches(['-', '+']);
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let well_formed = text.len() - unsigned.len() <= 1
            && int_part.len() + frac_part.len() > 0
            && digits_only(int_part)
            && digits_only(frac_part)
            && exponent.is_none_or(|e| {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                !digits.is_empty() && digits_only(digits)
            });
        let decimal = Decimal {
            negative,
            int_part,
            frac_part,
            exponent: 0,
        };
        (decimal, exponent, well_formed)
    }

    /// Whether the text is negative (`-0` is).
    pub(crate) fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether the number is zero (`-0.000e5` is).
    pub(crate) fn is_zero(&self) -> bool {
        self.significant().is_none()
    }

    /// The mantissa's digits without leading zeros, how many they are, and where the decimal
    /// point falls in them (digits before the point; negative or beyond the digits when the
    /// exponent moves it). `None` for zero. (Characters other than digits, in text
    /// [`scan`](Self::scan)ned, are not digits, but do count in placing the point: the item
    /// size has always counted so.)
    pub(crate) fn significant(
        &self,
    ) -> Option<(impl Iterator<Item = u8> + Clone + '_, usize, i64)> {
        let mantissa = self
            .int_part
            .bytes()
            .chain(self.frac_part.bytes())
            .filter(u8::is_ascii_digit);
        let leading_zeros = mantissa.clone().take_while(|&b| b == b'0').count();
        let digits = mantissa.skip(leading_zeros);
        let len = digits.clone().count();
        if len == 0 {
            return None;
        }
        // Lengths of a `str` fit in an i64; the exponent saturates.
        let point =
            (self.int_part.len() as i64 - leading_zeros as i64).saturating_add(self.exponent);
        Some((digits, len, point))
    }

    /// How many significant digits the number has (without leading or trailing zeros), and
    /// where the decimal point falls in them (as in [`significant`](Self::significant)). `None`
    /// for zero.
    pub(crate) fn significant_digits(&self) -> Option<(usize, i64)> {
        let (digits, len, point) = self.significant()?;
        let mut trailing_zeros = 0;
        for digit in digits {
            trailing_zeros = if digit == b'0' { trailing_zeros + 1 } else { 0 };
        }
        Some((len - trailing_zeros, point))
    }
}

/// Checks a decimal string against DynamoDB's number limits: at most 38 significant digits and
/// a magnitude in [1e-130, 1e126).
pub(crate) fn check_number(text: &str) -> Result<(), String> {
    let decimal = Decimal::parse(text).ok_or_else(|| "not a decimal number".to_owned())?;
    let Some((significant, point)) = decimal.significant_digits() else {
        return Ok(()); // zero
    };
    if significant > 38 {
        return Err(format!(
            "{significant} significant digits (DynamoDB keeps at most 38)"
        ));
    }
    // Decimal exponent of the leading significant digit.
    let magnitude = point.saturating_sub(1);
    if magnitude >= 126 {
        return Err("a magnitude of 1e126 or more (DynamoDB's limit)".to_owned());
    }
    if magnitude < -130 {
        return Err("a magnitude below 1e-130 (DynamoDB's limit)".to_owned());
    }
    Ok(())
}

/// The one text DynamoDB keeps for a number, whatever text it was sent: plain decimal, no sign
/// on zero, no leading zeros, no trailing zeros after the point, the exponent folded in
/// (`-0` and `0.000` are `0`, `007` is `7`, `1.50` is `1.5`, `1.5E+2` is `150`, `1E-3` is
/// `0.001`). Two number texts name the same key exactly when their normal forms are equal.
///
/// A number beyond DynamoDB's magnitudes (which it refuses to store) keeps its exponent
/// (`1E+200`), so that the text stays short; it still names one number. `None` for text that
/// is not a decimal number.
pub(crate) fn normal_number(text: &str) -> Option<String> {
    let decimal = Decimal::parse(text)?;
    let Some((digits, _, point)) = decimal.significant() else {
        return Some("0".to_owned());
    };
    let mut digits: Vec<u8> = digits.collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    let len = digits.len() as i64;
    let mut out = String::with_capacity(digits.len() + 8);
    if decimal.is_negative() {
        out.push('-');
    }
    let push_digits = |out: &mut String, digits: &[u8]| {
        out.extend(digits.iter().map(|&d| char::from(d)));
    };
    // DynamoDB's magnitudes: from 1e-130 (point -129) to below 1e126 (point 126).
    if !(-129..=126).contains(&point) {
        push_digits(&mut out, &digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            push_digits(&mut out, &digits[1..]);
        }
        out.push('E');
        out.push_str(&(point.saturating_sub(1)).to_string());
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        push_digits(&mut out, &digits);
    } else if point >= len {
        push_digits(&mut out, &digits);
        out.extend(std::iter::repeat_n('0', (point - len) as usize));
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        push_digits(&mut out, whole);
        out.push('.');
        push_digits(&mut out, fraction);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_limits() {
        assert!(check_number("0").is_ok());
        assert!(check_number("-12.50").is_ok());
        assert!(check_number(&"9".repeat(38)).is_ok());
        assert!(check_number(&"9".repeat(39)).is_err());
        assert!(check_number(&format!("1{}", "0".repeat(125))).is_ok());
        assert!(check_number(&format!("1{}", "0".repeat(126))).is_err());
        assert!(check_number("1e-130").is_ok());
        assert!(check_number("1e-131").is_err());
        assert!(check_number("123e9223372036854775807").is_err());
        assert!(check_number("0.0001e-9223372036854775808").is_err());
        assert!(check_number("12abc").is_err());
    }

    #[test]
    fn normal_numbers() {
        for (text, normal) in [
            ("0", "0"),
            ("-0", "0"),
            ("+0.000", "0"),
            ("0e99999999999999999999", "0"),
            ("007", "7"),
            ("-007.500", "-7.5"),
            ("1.50", "1.5"),
            ("1.5E+2", "150"),
            ("1.5e2", "150"),
            ("15E-1", "1.5"),
            ("1E-3", "0.001"),
            ("0.001", "0.001"),
            ("100", "100"),
            ("1e2", "100"),
            ("123.456e1", "1234.56"),
            (".5", "0.5"),
            ("5.", "5"),
        ] {
            assert_eq!(normal_number(text).as_deref(), Some(normal), "{text}");
        }
        // DynamoDB's extremes are written out in full.
        let tiny = normal_number("1e-130").unwrap();
        assert_eq!(tiny, format!("0.{}1", "0".repeat(129)));
        let big = normal_number("9.9e125").unwrap();
        assert_eq!(big, format!("99{}", "0".repeat(124)));
        let digits38 = "12345678901234567890123456789012345678";
        assert_eq!(
            normal_number(&format!("{digits38}e-38")).unwrap(),
            format!("0.{digits38}")
        );
        // Beyond them the exponent stays, and the text stays short.
        assert_eq!(normal_number("1e-131").as_deref(), Some("1E-131"));
        assert_eq!(normal_number("-12.5e200").as_deref(), Some("-1.25E201"));
        assert!(normal_number("1e9223372036854775807").unwrap().len() < 24);
        for garbage in ["", "-", "1e", "abc", "NaN", "1.2.3"] {
            assert_eq!(normal_number(garbage), None, "{garbage:?}");
        }
    }

    /// The readers of number text agree, through this one parser: the codecs and key identity
    /// (`parse`), the number limits (`check_number`), the item size (`scan`, which sizes any
    /// text, as DynamoDB's rule would size it were it a number) and the cursor reader (which
    /// takes a number exactly when it is within the limits). Sizes follow DynamoDB's rule: a
    /// byte per two significant digits on each side of the point, one more, and one for `-`.
    #[test]
    fn readers_of_number_text_agree() {
        use aws_sdk_dynamodb::types::AttributeValue;

        let long = "1234567890".repeat(4);
        // text, a decimal number, within DynamoDB's limits, item size
        let table = [
            ("0", true, true, 1),
            ("-0", true, true, 1),
            ("-0.000e5", true, true, 1),
            ("1.5", true, true, 3),
            ("-42", true, true, 3),
            ("+12.50e1", true, true, 3),
            ("0.005", true, true, 2),
            ("1.23E+2", true, true, 3),
            (".5", true, true, 2),
            ("5.", true, true, 2),
            ("1e400", true, false, 2),
            ("1e-131", true, false, 2),
            (long.as_str(), true, false, 21),
            // an exponent beyond i64: out of range to the limits, counted as 0 by the size
            ("1.2e-99999999999999999999", true, false, 3),
            ("", false, false, 1),
            ("-", false, false, 1),
            ("1e", false, false, 2),
            ("--1", false, false, 3),
            (" 12 ", false, false, 2),
            ("12abc", false, false, 2),
            ("1.2.3", false, false, 3),
        ];
        for (text, number, storable, size) in table {
            assert_eq!(Decimal::parse(text).is_some(), number, "{text:?} parses");
            assert_eq!(
                normal_number(text).is_some(),
                number,
                "{text:?} normal form"
            );
            assert_eq!(check_number(text).is_ok(), storable, "{text:?} limits");
            let item: super::super::Item = [(String::new(), AttributeValue::N(text.into()))].into();
            assert_eq!(crate::write::item_size(&item), size, "{text:?} size");
            let mut cursor = Vec::new();
            crate::query::keys::write_key_item(&mut cursor, &item).unwrap();
            let read = crate::query::keys::Reader::new(&cursor).key_item();
            assert_eq!(read.is_some(), storable, "{text:?} read from a cursor");
            if storable {
                // the size is the value's: its normal form has the same
                let normal = [(
                    String::new(),
                    AttributeValue::N(normal_number(text).unwrap()),
                )];
                assert_eq!(crate::write::item_size(&normal.into()), size, "{text:?}");
            }
        }
    }
}
