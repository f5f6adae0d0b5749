//! DynamoDB's number text: the one parser of it ([`Decimal`]), its limits
//! ([`check_number`]) and the one form DynamoDB keeps of it ([`normal_number`]).

/// A decimal number as text, split into its parts: `-12.50e3` is negative, digits `1250`,
/// with the decimal point 2 digits in, times 10^3.
pub(super) struct Decimal<'a> {
    pub(super) negative: bool,
    int_part: &'a str,
    frac_part: &'a str,
    exponent: i64,
}

impl<'a> Decimal<'a> {
    /// Splits `text`; `None` unless it is `[+-]digits[.digits][(e|E)[+-]digits]` with at least
    /// one mantissa digit.
    pub(super) fn parse(text: &'a str) -> Option<Self> {
        let (negative, unsigned) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => {
                let exp = &unsigned[at + 1..];
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                // An exponent beyond i64 is clamped: any non-zero value is out of range then.
                let exponent = exp.parse::<i64>().unwrap_or(if exp.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                });
                (&unsigned[..at], exponent)
            }
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.len() + frac_part.len() == 0
            || !digits_only(int_part)
            || !digits_only(frac_part)
        {
            return None;
        }
        Some(Decimal {
            negative,
            int_part,
            frac_part,
            exponent,
        })
    }

    /// The mantissa's digits without leading zeros, and where the decimal point falls in them
    /// (digits before the point; negative or beyond the digits when the exponent moves it).
    /// `None` for zero.
    pub(super) fn significant(&self) -> Option<(impl Iterator<Item = u8> + '_, usize, i64)> {
        let leading_zeros = self
            .int_part
            .bytes()
            .chain(self.frac_part.bytes())
            .take_while(|&b| b == b'0')
            .count();
        let total = self.int_part.len() + self.frac_part.len();
        if leading_zeros == total {
            return None;
        }
        let digits = self
            .int_part
            .bytes()
            .chain(self.frac_part.bytes())
            .skip(leading_zeros);
        // Lengths of a `str` fit in an i64; the exponent saturates.
        let point =
            (self.int_part.len() as i64 - leading_zeros as i64).saturating_add(self.exponent);
        Some((digits, total - leading_zeros, point))
    }
}

/// Checks a decimal string against DynamoDB's number limits: at most 38 significant digits and
/// a magnitude in [1e-130, 1e126).
pub(crate) fn check_number(text: &str) -> Result<(), String> {
    let decimal = Decimal::parse(text).ok_or_else(|| "not a decimal number".to_owned())?;
    let Some((digits, len, point)) = decimal.significant() else {
        return Ok(()); // zero
    };
    let mut trailing_zeros = 0;
    for digit in digits {
        trailing_zeros = if digit == b'0' { trailing_zeros + 1 } else { 0 };
    }
    let significant = len - trailing_zeros;
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
    if decimal.negative {
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
}
