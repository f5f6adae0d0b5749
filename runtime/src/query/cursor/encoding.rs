//! A cursor's text form: its binary form, opened by a magic naming its kind and version and
//! closed by a checksum, as URL-safe base64; and the checks that refuse any other text.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::CursorError;

/// The first bytes of a cursor's binary form. Version 1 (`dt1`, `ds1`) had no table.
pub(super) const CURSOR_MAGIC: &[u8; 3] = b"dt2";
pub(super) const SCAN_MAGIC: &[u8; 3] = b"ds2";
pub(super) const OLD_MAGICS: [&[u8; 3]; 2] = [b"dt1", b"ds1"];
/// The first bytes of a sealed cursor (either kind; the kind is inside).
pub(super) const SEALED_MAGIC: &[u8; 3] = b"dx1";

/// 64-bit FNV-1a: enough to catch an edited or truncated cursor.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// `body` (magic first) with its checksum, as URL-safe base64.
pub(super) fn encode_checked(mut body: Vec<u8>) -> String {
    let sum = checksum(&body);
    body.extend_from_slice(&sum.to_be_bytes());
    URL_SAFE_NO_PAD.encode(body)
}

pub(super) fn decode_checked(
    text: &str,
    magic: &[u8; 3],
    what: &str,
) -> Result<Vec<u8>, CursorError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim().as_bytes())
        .map_err(|_| malformed(what, "it is not URL-safe base64"))?;
    if bytes.starts_with(SEALED_MAGIC) {
        return Err(CursorError::Sealed);
    }
    if bytes.len() < magic.len() + 8 {
        return Err(malformed(what, "it is too short"));
    }
    let (content, sum) = bytes.split_at(bytes.len() - 8);
    let mut sum_bytes = [0u8; 8];
    sum_bytes.copy_from_slice(sum);
    if checksum(content) != u64::from_be_bytes(sum_bytes) {
        return Err(malformed(
            what,
            "its checksum does not match (it was changed or cut short)",
        ));
    }
    strip_magic(content, magic, what).map(<[u8]>::to_vec)
}

/// The binary form after `magic`, or why it is not one of `what`.
pub(super) fn strip_magic<'a>(
    content: &'a [u8],
    magic: &[u8; 3],
    what: &str,
) -> Result<&'a [u8], CursorError> {
    match content.strip_prefix(magic.as_slice()) {
        Some(body) => Ok(body),
        None if OLD_MAGICS.iter().any(|old| content.starts_with(*old)) => Err(malformed(
            what,
            "it was made by an earlier version of dynamo-types, whose cursors did not name their table; start the read again",
        )),
        None => Err(malformed(
            what,
            "it is not a cursor of this kind (a query cursor given for a parallel scan, or the reverse?)",
        )),
    }
}

pub(super) fn malformed(what: &str, why: &str) -> CursorError {
    CursorError::Malformed(format!("{what}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::query::cursor::tests::{sample, scan_sample};
    use crate::query::cursor::{Cursor, ScanCursor};

    #[test]
    fn round_trips_as_text() {
        let cursor = sample();
        let text = cursor.to_string();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(Cursor::parse(&text).unwrap(), cursor);
        let scan = scan_sample();
        assert_eq!(ScanCursor::parse(&scan.to_string()).unwrap(), scan);
    }

    #[test]
    fn rejects_tampering_and_garbage() {
        let text = sample().to_string();
        let mut chars: Vec<char> = text.chars().collect();
        chars[6] = if chars[6] == 'A' { 'B' } else { 'A' };
        let edited: String = chars.into_iter().collect();
        for bad in [
            edited.as_str(),
            &text[..text.len() - 2],
            "",
            "not a cursor!",
            "AAAAAAAAAAAAAAAAAAAA",
        ] {
            let err = Cursor::parse(bad).unwrap_err();
            assert!(
                matches!(&err, Error::Cursor(CursorError::Malformed(_)))
                    && err.to_string().starts_with("invalid cursor: "),
                "{bad}: {err}"
            );
        }
        assert!(ScanCursor::parse(&text).is_err());
        // A cursor of the version without a table is refused with a reason.
        let mut old = b"dt1".to_vec();
        old.extend_from_slice(&sample().body().unwrap()[3..]);
        let err = Cursor::parse(&encode_checked(old)).unwrap_err();
        assert!(err.to_string().contains("earlier version"), "{err}");
    }
}
