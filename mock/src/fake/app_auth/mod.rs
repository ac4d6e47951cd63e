//! GitHub App authentication: a client calls an app endpoint with `Authorization: Bearer <JWT>`,
//! a JSON Web Token the app signed with its private key, and GitHub checks it against the app's
//! public key. This module is that check ([`authenticate`]), the apps the fake knows
//! ([`GitHubApp`]), and key pairs for tests ([`AppKey`]), so a test can sign the JWTs its client
//! would send.
//!
//! The rules, and where each comes from:
//!
//! - The token is a JWT (three dot-separated base64url parts) signed `RS256`, and `iss` is the
//!   app's id or its client id, which GitHub uses to find the public key that verifies the
//!   signature: docs.github.com, "Generating a JSON Web Token (JWT) for a GitHub App" (the
//!   table of claims, and "Your JWT must be signed using the RS256 algorithm").
//! - `exp` is in the future, and no more than 10 minutes after `iat`: same page ("The time must
//!   be no more than 10 minutes into the future"). The fake measures the 10 minutes from `iat`,
//!   so a token living longer is refused even while its `exp` is still ahead; with the skew
//!   below, `exp` is at most 11 minutes ahead of the fake's clock.
//! - `iat` is not in the future: same page recommends setting it 60 seconds in the past "to
//!   protect against clock drift"; the fake accepts an `iat` up to [`IAT_SKEW_SECS`] ahead of its
//!   clock, so a client whose clock runs up to a minute fast still gets in.
//! - `iat` and `exp` are integers (NumericDate in RFC 7519 allows fractions; GitHub's check
//!   does not).
//! - The 401 messages are GitHub's own wordings, as recorded in public client code that matches
//!   on them ([`NOT_DECODABLE`], [`EXP_NOT_IN_FUTURE`], [`EXP_TOO_FAR`], [`IAT_INVALID`]).
//!
//! Each refusal also carries a reason in plain words for the fake's log; a reason never contains
//! the token.

mod keys;

pub use keys::{AppKey, AppKeyError, GitHubApp};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};

/// GitHub's 401 message for a token that is not a JWT, is not signed RS256, names no known app or
/// is signed by another key.
pub(crate) const NOT_DECODABLE: &str = "A JSON web token could not be decoded";
/// GitHub's 401 message for an expired JWT (or an `exp` that is not an integer).
pub(crate) const EXP_NOT_IN_FUTURE: &str = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
/// GitHub's 401 message for a JWT whose `exp` is more than 10 minutes after its `iat`.
pub(crate) const EXP_TOO_FAR: &str = "'Expiration time' claim ('exp') is too far in the future";
/// GitHub's 401 message for an `iat` that is not an integer, or is in the future.
pub(crate) const IAT_INVALID: &str = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

/// How far ahead of the fake's clock an `iat` may be: GitHub recommends clients set `iat` 60 s in
/// the past against clock drift, so the fake forgives a client clock up to 60 s fast.
pub(crate) const IAT_SKEW_SECS: i64 = 60;
/// The longest a JWT may live, `exp - iat`: GitHub's 10 minutes.
pub(crate) const MAX_LIFETIME_SECS: i64 = 600;

/// The size of generated keys: what GitHub hands out.
const KEY_BITS: usize = 2048;
/// Claim values quoted in a reason are cut to this many characters.
const QUOTE_CHARS: usize = 40;

/// Why the fake refuses an app's bearer token: GitHub's 401 `message`, and the `reason` in plain
/// words for the fake's log (never containing the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JwtRefusal {
    /// One of [`NOT_DECODABLE`], [`EXP_NOT_IN_FUTURE`], [`EXP_TOO_FAR`], [`IAT_INVALID`].
    pub message: &'static str,
    /// Why, for the log.
    pub reason: String,
}

impl JwtRefusal {
    fn new(message: &'static str, reason: impl Into<String>) -> JwtRefusal {
        JwtRefusal {
            message,
            reason: reason.into(),
        }
    }

    fn undecodable(reason: impl Into<String>) -> JwtRefusal {
        JwtRefusal::new(NOT_DECODABLE, reason)
    }
}

/// The id of the app among `apps` that `bearer` (the token after `Bearer `) authenticates at unix
/// time `now`, by GitHub's rules (see the module doc).
///
/// The token's header and claims are read unverified only to find the app `iss` names, so a
/// token signed by another key is told apart from one naming an unknown app; jsonwebtoken then
/// verifies the signature with that app's key, and `iat` and `exp` are checked here, each with
/// its own refusal. `iat` may be up to [`IAT_SKEW_SECS`] (60 s) ahead of `now`: GitHub recommends
/// clients backdate `iat` by 60 s against clock drift, and the fake forgives that much drift the
/// other way.
pub(crate) fn authenticate(apps: &[GitHubApp], bearer: &str, now: i64) -> Result<u64, JwtRefusal> {
    let token = bearer.trim();
    if let Some(kind) = non_jwt_kind(token) {
        return Err(JwtRefusal::undecodable(format!(
            "a token that is not a JWT on an app endpoint ({kind})"
        )));
    }
    let parts = token.split('.').count();
    if parts != 3 {
        return Err(JwtRefusal::undecodable(format!(
            "the token has {parts} dot-separated parts; a JWT has three"
        )));
    }
    let header = jsonwebtoken::decode_header(token).map_err(|e| {
        JwtRefusal::undecodable(format!(
            "the JWT's header is unreadable: {}",
            describe_jwt_error(e.kind())
        ))
    })?;
    if header.alg != Algorithm::RS256 {
        return Err(JwtRefusal::undecodable(format!(
            "the JWT is signed {:?}; GitHub accepts only RS256",
            header.alg
        )));
    }
    let claims = jsonwebtoken::dangerous::insecure_decode_claims::<Value>(token).map_err(|e| {
        JwtRefusal::undecodable(format!(
            "the JWT's claims are unreadable: {}",
            describe_jwt_error(e.kind())
        ))
    })?;
    let Value::Object(claims) = claims else {
        return Err(JwtRefusal::undecodable(format!(
            "the JWT's claims are {}, not a JSON object",
            describe_value(&claims)
        )));
    };
    let app = app_named_by(apps, claims.get("iss"))?;
    verify_signature(app, token)?;
    check_times(&claims, now)?;
    Ok(app.id)
}

/// What a bearer token that cannot be a JWT probably is.
fn non_jwt_kind(token: &str) -> Option<&'static str> {
    const PREFIXES: [(&str, &str); 6] = [
        (
            "ghp_",
            "a personal access token (classic), by its ghp_ prefix",
        ),
        (
            "github_pat_",
            "a fine-grained personal access token, by its github_pat_ prefix",
        ),
        ("gho_", "an OAuth access token, by its gho_ prefix"),
        ("ghu_", "a user access token, by its ghu_ prefix"),
        ("ghs_", "an installation access token, by its ghs_ prefix"),
        ("ghr_", "a refresh token, by its ghr_ prefix"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| token.starts_with(prefix))
        .map(|(_, kind)| *kind)
        .or_else(|| (!token.contains('.')).then_some("a personal access token?"))
}

/// The app `iss` names, by its id (a number or a string of digits) or its client id.
fn app_named_by<'a>(
    apps: &'a [GitHubApp],
    iss: Option<&Value>,
) -> Result<&'a GitHubApp, JwtRefusal> {
    let (by_id, shown) = match iss {
        None => {
            return Err(JwtRefusal::undecodable(
                "the JWT has no iss claim; GitHub finds the app by it (its id or client id)",
            ));
        }
        Some(Value::Number(n)) => (Some(n.as_u64()), format!("iss {}", quote(&n.to_string()))),
        Some(Value::String(s)) => (
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse::<u64>().ok()),
            format!("iss {:?}", quote(s)),
        ),
        Some(other) => {
            return Err(JwtRefusal::undecodable(format!(
                "iss is {}, not an app id or client id",
                describe_value(other)
            )));
        }
    };
    let found = match (by_id, iss) {
        (Some(id), _) => id.and_then(|id| apps.iter().find(|app| app.id == id)),
        (None, Some(Value::String(s))) => apps.iter().find(|app| app.client_id == *s),
        (None, _) => None,
    };
    found.ok_or_else(|| {
        let known: Vec<String> = apps
            .iter()
            .map(|app| match by_id {
                Some(_) => app.id.to_string(),
                None => app.client_id.clone(),
            })
            .collect();
        let known = if known.is_empty() {
            "the fake knows no apps".to_owned()
        } else {
            format!("known: {}", known.join(", "))
        };
        JwtRefusal::undecodable(format!("{shown} names no app the fake knows ({known})"))
    })
}

/// jsonwebtoken's verdict on the signature, with `app`'s key and only `RS256` allowed; its own
/// time checks are off (see [`check_times`]).
fn verify_signature(app: &GitHubApp, token: &str) -> Result<(), JwtRefusal> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<serde::de::IgnoredAny>(token, &app.decoding_key, &validation)
        .map(|_| ())
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => JwtRefusal::undecodable(format!(
                "the JWT is signed by another key than app {}'s",
                app.id
            )),
            other => JwtRefusal::undecodable(format!(
                "the JWT does not verify with app {}'s key: {}",
                app.id,
                describe_jwt_error(other)
            )),
        })
}

/// `iat` and `exp`: integers, `exp` in the future and at most 10 minutes after `iat`, `iat` not
/// more than [`IAT_SKEW_SECS`] ahead of `now`.
fn check_times(claims: &Map<String, Value>, now: i64) -> Result<(), JwtRefusal> {
    let iat = integer_claim(claims, "iat").map_err(|found| {
        JwtRefusal::new(
            IAT_INVALID,
            format!("iat is {found}, not an integer number of seconds"),
        )
    })?;
    let exp = integer_claim(claims, "exp").map_err(|found| {
        JwtRefusal::new(
            EXP_NOT_IN_FUTURE,
            format!("exp is {found}, not an integer number of seconds"),
        )
    })?;
    if exp <= now {
        return Err(JwtRefusal::new(
            EXP_NOT_IN_FUTURE,
            format!("the JWT expired {} s ago", now.saturating_sub(exp)),
        ));
    }
    let lifetime = exp.saturating_sub(iat);
    if lifetime > MAX_LIFETIME_SECS {
        return Err(JwtRefusal::new(
            EXP_TOO_FAR,
            format!(
                "exp is {lifetime} s after iat; GitHub allows at most {MAX_LIFETIME_SECS} s (10 minutes)"
            ),
        ));
    }
    let ahead = iat.saturating_sub(now);
    if ahead > IAT_SKEW_SECS {
        return Err(JwtRefusal::new(
            IAT_INVALID,
            format!(
                "iat is {ahead} s ahead of the fake's clock; the fake allows {IAT_SKEW_SECS} s of clock drift"
            ),
        ));
    }
    Ok(())
}

/// Claim `name` as an integer, or a description of what is there instead.
fn integer_claim(claims: &Map<String, Value>, name: &str) -> Result<i64, String> {
    match claims.get(name) {
        None => Err("missing".to_owned()),
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| format!("the number {}", quote(&n.to_string()))),
        Some(other) => Err(describe_value(other)),
    }
}

/// A JSON value in a few words (a string's or number's text cut to [`QUOTE_CHARS`]).
fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {}", quote(&n.to_string())),
        Value::String(s) => format!("the string {:?}", quote(s)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// `text`, cut to [`QUOTE_CHARS`] characters with `…` when longer.
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A jsonwebtoken error kind in words, never quoting the token.
fn describe_jwt_error(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidToken => "not three dot-separated parts",
        ErrorKind::Base64(_) => "not base64url",
        ErrorKind::Utf8(_) => "not UTF-8",
        ErrorKind::Json(_) => "not JSON of the expected shape (an unknown alg such as \"none\"?)",
        ErrorKind::InvalidSignature => "the signature does not match",
        ErrorKind::InvalidAlgorithm => "the algorithm does not match the key",
        ErrorKind::InvalidRsaKey(_) => "the app's key is not a valid RSA key",
        _ => "refused by jsonwebtoken",
    }
}

#[cfg(test)]
// A test that cannot unwrap should fail right there, loudly.
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
