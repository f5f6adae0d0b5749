//! Sealed cursors: XChaCha20-Poly1305 over the cursor's binary form.
//!
//! The text is URL-safe base64 of `dx1`, a random 24-byte nonce, and the ciphertext with its
//! 16-byte tag; `dx1` is authenticated with it. A random nonce of 24 bytes never repeats in
//! practice, so one key can seal any number of cursors.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::encoding::{CURSOR_MAGIC, SCAN_MAGIC, SEALED_MAGIC, strip_magic};
use super::{Cursor, CursorError, ScanCursor};
use crate::error::{Error, Result};

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// The secret key that seals and opens cursors: 32 bytes, kept on the server (load them
/// from your secret store). Anyone with the key can read and make cursors; without it, a
/// sealed cursor shows nothing and cannot be changed or made up.
#[derive(Clone)]
pub struct CursorKey {
    bytes: [u8; 32],
}

impl CursorKey {
    /// A key from its 32 bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        CursorKey { bytes }
    }

    /// A key from a slice, which must hold exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| {
            Error::Validation(format!("a cursor key is 32 bytes, not {}", bytes.len()))
        })?;
        Ok(CursorKey { bytes })
    }

    /// A new random key from the operating system's generator (for tests, or to make one
    /// to store).
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| Error::Validation(format!("the system's random generator failed: {e}")))?;
        Ok(CursorKey { bytes })
    }

    /// The key's 32 bytes, to store it.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.bytes.into())
    }
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// Encrypts `body` (a cursor's magic and binary form).
fn seal(body: &[u8], key: &CursorKey) -> Result<String> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng
        .try_fill_bytes(&mut nonce)
        .map_err(|e| Error::Validation(format!("the system's random generator failed: {e}")))?;
    let sealed = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: body,
                aad: SEALED_MAGIC,
            },
        )
        .map_err(|_| Error::Validation("the cursor could not be sealed".to_owned()))?;
    let mut out = Vec::with_capacity(SEALED_MAGIC.len() + NONCE_LEN + sealed.len());
    out.extend_from_slice(SEALED_MAGIC);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(URL_SAFE_NO_PAD.encode(out))
}

/// Decrypts a sealed cursor's text into its magic and binary form.
fn open(text: &str, key: &CursorKey) -> Result<Vec<u8>, CursorError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim().as_bytes())
        .map_err(|_| CursorError::Malformed("cursor: it is not URL-safe base64".to_owned()))?;
    let Some(rest) = bytes.strip_prefix(SEALED_MAGIC.as_slice()) else {
        return Err(CursorError::NotSealed);
    };
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(CursorError::SealBroken);
    }
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    key.cipher()
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: SEALED_MAGIC,
            },
        )
        .map_err(|_| CursorError::SealBroken)
}

impl Cursor {
    /// The cursor as sealed text: encrypted and authenticated with `key`, so that it shows
    /// neither the key values nor the table, and cannot be changed or made up. Read it
    /// back with [`Cursor::open`] and the same key. Each call gives another text.
    pub fn seal(&self, key: &CursorKey) -> Result<String> {
        seal(&self.body()?, key)
    }

    /// Reads a cursor sealed with `key`. A plain cursor's text is refused
    /// ([`CursorError::NotSealed`]), as is one sealed with another key or changed
    /// ([`CursorError::SealBroken`]). To rotate keys, try the new key, then the old.
    pub fn open(text: &str, key: &CursorKey) -> Result<Self> {
        let body = open(text, key)?;
        let body = strip_magic(&body, CURSOR_MAGIC, "cursor")?;
        Ok(Cursor::from_body(body)?)
    }
}

impl ScanCursor {
    /// The scan cursor as sealed text; see [`Cursor::seal`].
    pub fn seal(&self, key: &CursorKey) -> Result<String> {
        seal(&self.body()?, key)
    }

    /// Reads a scan cursor sealed with `key`; see [`Cursor::open`].
    pub fn open(text: &str, key: &CursorKey) -> Result<Self> {
        let body = open(text, key)?;
        let body = strip_magic(&body, SCAN_MAGIC, "scan cursor")?;
        Ok(ScanCursor::from_body(body)?)
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;
    use crate::error::Error;
    use crate::query::cursor::tests::{sample, scan_sample};

    #[test]
    fn sealed_cursors_hide_their_content_and_open_with_their_key_only() {
        let key = CursorKey::new([7; 32]);
        let cursor = sample();
        let sealed = cursor.seal(&key).unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        assert!(
            !bytes.windows(9).any(|w| w == b"dev_posts"),
            "the table name shows"
        );
        assert_ne!(
            cursor.seal(&key).unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(Cursor::open(&sealed, &key).unwrap(), cursor);

        let scan = scan_sample();
        let sealed_scan = scan.seal(&key).unwrap();
        assert_eq!(ScanCursor::open(&sealed_scan, &key).unwrap(), scan);
        // Each kind opens as its own kind only.
        assert!(matches!(
            Cursor::open(&sealed_scan, &key),
            Err(Error::Cursor(CursorError::Malformed(_)))
        ));

        let other = CursorKey::new([8; 32]);
        for (text, expected) in [
            (sealed.clone(), CursorError::Sealed),
            (cursor.to_string(), CursorError::NotSealed),
        ] {
            let err = if expected == CursorError::Sealed {
                Cursor::parse(&text).unwrap_err()
            } else {
                Cursor::open(&text, &key).unwrap_err()
            };
            assert!(matches!(&err, Error::Cursor(e) if *e == expected), "{err}");
        }
        let err = Cursor::open(&sealed, &other).unwrap_err();
        assert!(
            matches!(&err, Error::Cursor(CursorError::SealBroken)),
            "{err}"
        );
        // Any changed byte, or a cut, breaks the seal.
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        for at in [3, 10, 30, bytes.len() - 1] {
            bytes[at] ^= 1;
            let err = Cursor::open(&URL_SAFE_NO_PAD.encode(&bytes), &key).unwrap_err();
            assert!(
                matches!(&err, Error::Cursor(CursorError::SealBroken)),
                "{at}: {err}"
            );
            bytes[at] ^= 1;
        }
        for cut in [3, 20, 40, bytes.len() - 1] {
            let err = Cursor::open(&URL_SAFE_NO_PAD.encode(&bytes[..cut]), &key).unwrap_err();
            assert!(
                matches!(&err, Error::Cursor(CursorError::SealBroken)),
                "{cut}: {err}"
            );
        }
        assert!(CursorKey::from_slice(&[1; 31]).is_err());
        assert_eq!(format!("{key:?}"), "CursorKey(..)");
    }
}
