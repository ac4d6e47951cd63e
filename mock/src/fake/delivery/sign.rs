//! What a delivery's bytes are and how they are signed: the body for the hook's content type
//! (`json`, or `form` as `payload=<url-encoded JSON>`), and GitHub's HMAC signatures over those
//! exact bytes (`X-Hub-Signature-256: sha256=<hex>`, `X-Hub-Signature: sha1=<hex>`).

use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};

use crate::fake::payload::Payload;

/// A member the fake adds to every payload when signature traps are on: JSON whose bytes change
/// when a receiver parses and re-serializes it (`\u` escapes, an escaped slash, non-ASCII text,
/// a raw line separator), so that only a receiver verifying the raw bytes accepts it.
pub(crate) const TRAP_MEMBER: &str =
    "\"hookspec_trap\":\"caf\\u00e9 \\/ na\\u00efve \u{2028} \\u2028 \u{00fc}ber <\\/script>\"";

/// The body GitHub POSTs for the payload's JSON text, as a form (`payload=<url-encoded JSON>`)
/// when `form`, else as JSON, and its media type; with `trap`, [`TRAP_MEMBER`] is written into
/// the JSON object first, and the JSON text so changed is the third part.
pub(crate) fn wire_body(
    form: bool,
    payload: &Payload,
    trap: bool,
) -> (Bytes, &'static str, Option<Payload>) {
    let json = payload.text();
    let trapped = (trap && json.starts_with('{') && json.ends_with('}')).then(|| {
        let separator = if json == "{}" { "" } else { "," };
        let mut text = json.to_owned();
        text.insert_str(text.len() - 1, &format!("{separator}{TRAP_MEMBER}"));
        Payload::from_json_text(text)
    });
    let sent = trapped.as_ref().unwrap_or(payload);
    if form {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", sent.text())
            .finish();
        (body.into(), "application/x-www-form-urlencoded", trapped)
    } else {
        // JSON goes as the payload's own bytes, not a copy.
        (sent.bytes(), "application/json", trapped)
    }
}

/// `sha256=<hex HMAC-SHA256 of body keyed by secret>`, as GitHub sends in `X-Hub-Signature-256`.
///
/// ```
/// // The test vector of GitHub's "Validating webhook deliveries".
/// assert_eq!(
///     hookspec_mock::signature_256("It's a Secret to Everybody", b"Hello, World!"),
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
/// );
/// ```
pub fn signature_256(secret: &str, body: &[u8]) -> String {
    sign::<Hmac<sha2::Sha256>>("sha256=", secret, body)
}

/// `sha1=<hex HMAC-SHA1 of body keyed by secret>`, as GitHub still sends in `X-Hub-Signature`
/// for receivers that predate SHA-256.
pub fn signature_1(secret: &str, body: &[u8]) -> String {
    sign::<Hmac<sha1::Sha1>>("sha1=", secret, body)
}

/// Whether `signature` (an `X-Hub-Signature-256` value) is the signature of `body` under
/// `secret`, compared in constant time, as a receiver should check it.
///
/// ```
/// let body = br#"{"zen":"Keep it logically awesome."}"#;
/// let signature = hookspec_mock::signature_256("s3cret", body);
/// assert!(hookspec_mock::verify_signature_256("s3cret", body, &signature));
/// assert!(!hookspec_mock::verify_signature_256("wrong", body, &signature));
/// ```
pub fn verify_signature_256(secret: &str, body: &[u8], signature: &str) -> bool {
    verify::<Hmac<sha2::Sha256>>("sha256=", secret, body, signature)
}

/// Whether `signature` (an `X-Hub-Signature` value) is the SHA-1 signature of `body`.
pub fn verify_signature_1(secret: &str, body: &[u8], signature: &str) -> bool {
    verify::<Hmac<sha1::Sha1>>("sha1=", secret, body, signature)
}

/// Both headers' HMACs of `body` under `secret`, SHA-1 (`X-Hub-Signature`) and SHA-256
/// (`X-Hub-Signature-256`), handed to `then` as bytes, for [`write_hex`] to write where the
/// delivery's headers are written (no text of their own).
///
/// The two HMACs keyed by the last secret are kept on the calling thread and copied for each
/// body. The delivery thread signs delivery after delivery of the same hooks, and keying an
/// HMAC hashes one block for its inner key and one for its outer key: about a twentieth of
/// signing a 2 KB ping, saved on all but the first of a run of one hook's deliveries.
pub(crate) fn with_hmacs<R>(secret: &str, body: &[u8], then: impl FnOnce(&[u8], &[u8]) -> R) -> R {
    type Keyed = (String, Hmac<sha1::Sha1>, Hmac<sha2::Sha256>);
    thread_local! {
        static KEYED: std::cell::RefCell<Option<Keyed>> = const { std::cell::RefCell::new(None) };
    }
    let keyed = KEYED.with_borrow_mut(|keyed| {
        let fresh = match keyed.take() {
            Some(kept) if kept.0 == secret => Some(kept),
            _ => Hmac::new_from_slice(secret.as_bytes())
                .ok()
                .zip(Hmac::new_from_slice(secret.as_bytes()).ok())
                .map(|(one, two)| (secret.to_owned(), one, two)),
        };
        *keyed = fresh;
        keyed
            .as_ref()
            .map(|(_, one, two)| (one.clone(), two.clone()))
    });
    match keyed {
        Some((one, two)) => then(
            &one.chain_update(body).finalize().into_bytes(),
            &two.chain_update(body).finalize().into_bytes(),
        ),
        // HMAC takes keys of any length; this cannot happen.
        None => then(&[], &[]),
    }
}

/// `prefix` and the hex HMAC of `body` keyed by `secret`: the one signer of both headers.
fn sign<M: Mac + KeyInit>(prefix: &str, secret: &str, body: &[u8]) -> String {
    match <M as KeyInit>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => {
            let mut signature = String::with_capacity(prefix.len() + 64);
            write_hex(
                &mut signature,
                prefix,
                &mac.chain_update(body).finalize().into_bytes(),
            );
            signature
        }
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => String::new(),
    }
}

/// Appends `prefix` and `digest` in lower-case hex to `out`, as the signature headers write
/// them.
pub(crate) fn write_hex(out: &mut String, prefix: &str, digest: &[u8]) {
    out.reserve(prefix.len() + 2 * digest.len());
    out.push_str(prefix);
    // By hand: `hex::encode` goes through a `char` iterator into a second `String`.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in digest {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

/// Whether `signature` is `prefix` and the HMAC of `body` under `secret`, compared in
/// constant time: the one verifier of both headers.
fn verify<M: Mac + KeyInit>(prefix: &str, secret: &str, body: &[u8], signature: &str) -> bool {
    let Some(expected) = signature
        .trim()
        .strip_prefix(prefix)
        .and_then(|digest| hex::decode(digest).ok())
    else {
        return false;
    };
    match <M as KeyInit>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            mac.verify_slice(&expected).is_ok()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_signature_matches_githubs_documented_example() {
        // From GitHub's "Validating webhook deliveries" page.
        assert_eq!(
            signature_256("It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[test]
    fn sha1_signatures_match_an_independent_hmac() {
        // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature_1("Jefe", b"what do ya want for nothing?"),
            "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        assert!(verify_signature_1(
            "Jefe",
            b"what do ya want for nothing?",
            "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        ));
    }

    /// Both signatures as [`with_hmacs`] and [`write_hex`] write them.
    fn signatures(secret: &str, body: &[u8]) -> (String, String) {
        with_hmacs(secret, body, |sha1, sha256| {
            let (mut one, mut two) = (String::new(), String::new());
            write_hex(&mut one, "sha1=", sha1);
            write_hex(&mut two, "sha256=", sha256);
            (one, two)
        })
    }

    #[test]
    fn both_signatures_at_once_are_the_ones_written_apart_whatever_secret_came_before() {
        // The keyed HMACs kept for one secret are never used for another.
        for (secret, body) in [
            ("s3cret", &b"one"[..]),
            ("s3cret", b"two"),
            ("other", b"two"),
            ("", b""),
        ] {
            assert_eq!(
                signatures(secret, body),
                (signature_1(secret, body), signature_256(secret, body)),
                "{secret:?}"
            );
        }
        assert_eq!(
            signatures("It's a Secret to Everybody", b"Hello, World!").1,
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[test]
    fn a_form_body_is_the_url_encoded_json_under_payload() {
        let payload = Payload::from_json_text(r#"{"a":"b c"}"#);
        let (body, media, trapped) = wire_body(true, &payload, false);
        assert_eq!(media, "application/x-www-form-urlencoded");
        assert_eq!(body, &b"payload=%7B%22a%22%3A%22b+c%22%7D"[..]);
        assert_eq!(trapped, None);
    }

    #[test]
    fn a_trapped_body_is_json_whose_bytes_change_when_re_serialized() {
        let (body, _, trapped) = wire_body(false, &Payload::from_json_text(r#"{"a":1}"#), true);
        assert_eq!(
            trapped.as_ref().map(|t| t.text().as_bytes()),
            Some(&body[..])
        );
        let parsed: Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(parsed["a"], 1);
        assert!(
            parsed["hookspec_trap"]
                .as_str()
                .is_some_and(|t| t.contains("café /"))
        );
        assert_ne!(serde_json::to_vec(&parsed).unwrap_or_default(), body);
        let (empty, _, _) = wire_body(false, &Payload::from_json_text("{}"), true);
        assert!(serde_json::from_slice::<Value>(&empty).is_ok());
    }

    #[test]
    fn malformed_signatures_never_verify() {
        for bad in ["", "sha256=", "sha256=zz", "sha1=00", "md5=00"] {
            assert!(!verify_signature_256("s", b"x", bad), "{bad}");
        }
    }
}
