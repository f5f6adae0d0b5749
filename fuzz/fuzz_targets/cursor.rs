//! Cursor parsing: `Cursor` and `ScanCursor` from text, and sealed cursors opened with a key.
//!
//! The first byte picks the form; the rest is either the text itself, or a binary form that
//! the target wraps as the library does (magic, body, checksum, base64; or sealed with a fixed
//! key), so that the fuzzer reaches the body's parser past the checksum and the seal.
//!
//! Properties: parsing never panics; a cursor that parses holds a key of one or more string,
//! number or binary values, writes back to text that parses to the same cursor (and writes
//! that same text again), and seals and opens to the same cursor; plain text never opens as
//! sealed, and sealed text never parses as plain.

#![no_main]

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use dynamo_types::{Cursor, CursorKey, ScanCursor};
use libfuzzer_sys::fuzz_target;

/// The library's magics (runtime/src/query/cursor/encoding.rs).
const CURSOR_MAGIC: &[u8] = b"dt2";
const SCAN_MAGIC: &[u8] = b"ds2";
const SEALED_MAGIC: &[u8] = b"dx1";
const KEY: [u8; 32] = [7; 32];

/// The library's checksum: 64-bit FNV-1a.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn checked(magic: &[u8], body: &[u8]) -> String {
    let mut bytes = [magic, body].concat();
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum.to_be_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

fn sealed(magic: &[u8], body: &[u8]) -> String {
    let nonce = [3u8; 24];
    let cipher = XChaCha20Poly1305::new_from_slice(&KEY).unwrap();
    let msg = [magic, body].concat();
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &msg,
                aad: SEALED_MAGIC,
            },
        )
        .unwrap();
    URL_SAFE_NO_PAD.encode([SEALED_MAGIC, &nonce, &ciphertext].concat())
}

fn check_key(key: &dynamo_types::Item) {
    assert!(!key.is_empty());
    for value in key.values() {
        assert!(
            matches!(
                value,
                AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)
            ),
            "{value:?}"
        );
    }
}

fn check_cursor(cursor: &Cursor, key: &CursorKey) {
    check_key(cursor.exclusive_start_key());
    let text = cursor.to_string();
    let again = Cursor::parse(&text).expect("a cursor's text parses");
    assert_eq!(&again, cursor);
    assert_eq!(again.to_string(), text);
    let seal = cursor.seal(key).expect("a cursor seals");
    assert_eq!(
        &Cursor::open(&seal, key).expect("a sealed cursor opens"),
        cursor
    );
    assert!(Cursor::parse(&seal).is_err());
    assert!(Cursor::open(&text, key).is_err());
    assert!(ScanCursor::parse(&text).is_err());
}

fn check_scan(cursor: &ScanCursor, key: &CursorKey) {
    assert!(cursor.total_segments() > 0);
    assert!(cursor.finished_segments() <= cursor.total_segments());
    let text = cursor.to_string();
    let again = ScanCursor::parse(&text).expect("a scan cursor's text parses");
    assert_eq!(&again, cursor);
    assert_eq!(again.to_string(), text);
    let seal = cursor.seal(key).expect("a scan cursor seals");
    assert_eq!(
        &ScanCursor::open(&seal, key).expect("a sealed scan cursor opens"),
        cursor
    );
    assert!(ScanCursor::parse(&seal).is_err());
    assert!(ScanCursor::open(&text, key).is_err());
    assert!(Cursor::parse(&text).is_err());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let key = CursorKey::new(KEY);
    let text = match mode % 6 {
        0 | 1 => String::from_utf8_lossy(rest).into_owned(),
        2 => checked(CURSOR_MAGIC, rest),
        3 => checked(SCAN_MAGIC, rest),
        4 => sealed(CURSOR_MAGIC, rest),
        _ => sealed(SCAN_MAGIC, rest),
    };
    if let Ok(cursor) = Cursor::parse(&text) {
        check_cursor(&cursor, &key);
    }
    if let Ok(cursor) = ScanCursor::parse(&text) {
        check_scan(&cursor, &key);
    }
    if let Ok(cursor) = Cursor::open(&text, &key) {
        check_cursor(&cursor, &key);
    }
    if let Ok(cursor) = ScanCursor::open(&text, &key) {
        check_scan(&cursor, &key);
    }
});
