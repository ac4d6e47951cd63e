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

use std::fmt;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

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

/// Why a key or an app could not be made, or a JWT could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppKeyError {
    /// The RSA key pair could not be generated (the OS RNG failed).
    #[error("could not generate a {KEY_BITS}-bit RSA key pair: {0}")]
    Generate(String),
    /// The generated key could not be written as PEM.
    #[error("could not encode the generated key as PEM: {0}")]
    Encode(String),
    /// An app's public key is not a usable RSA public key.
    #[error("the public key of app {app_id} is not usable: {problem}")]
    PublicKey {
        /// The app being declared.
        app_id: u64,
        /// What is wrong with the PEM.
        problem: String,
    },
    /// An app's client id is empty or could be mistaken for an app id.
    #[error("the client id of app {app_id} is not usable: {problem}")]
    ClientId {
        /// The app being declared.
        app_id: u64,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A JWT could not be signed.
    #[error("could not sign the JWT: {0}")]
    Sign(String),
}

/// An RSA 2048 key pair for a GitHub App in tests: the private key signs the JWTs a client sends
/// ([`AppKey::jwt_now`]), the public key declares the app to the fake ([`GitHubApp::new`]).
///
/// Its `Debug` never shows the private key.
#[derive(Clone)]
pub struct AppKey {
    private_key_pem: String,
    public_key_pem: String,
    encoding_key: EncodingKey,
}

/// The claims of an app's JWT.
#[derive(Serialize)]
struct AppClaims<'a> {
    iat: i64,
    exp: i64,
    iss: &'a str,
}

impl AppKey {
    /// A new random key pair, from the OS RNG.
    ///
    /// # Errors
    ///
    /// [`AppKeyError::Generate`] if the OS RNG fails, [`AppKeyError::Encode`] if the key cannot be
    /// written as PEM.
    pub fn generate() -> Result<AppKey, AppKeyError> {
        let private = rsa::PrivateKey::new(&mut getrandom::SysRng, KEY_BITS)
            .map_err(|e| AppKeyError::Generate(e.to_string()))?;
        AppKey::from_private(&private)
    }

    /// The key pair of a private key given as PEM: PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`,
    /// what GitHub hands out) or PKCS#8 (`-----BEGIN PRIVATE KEY-----`).
    ///
    /// # Errors
    ///
    /// [`AppKeyError::Encode`] if the text is not an RSA private key in either form (the error
    /// never quotes the key).
    pub fn from_private_key_pem(pem: &str) -> Result<AppKey, AppKeyError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let private = rsa::PrivateKey::from_pkcs1_pem(pem)
            .or_else(|_| rsa::PrivateKey::from_pkcs8_pem(pem))
            .map_err(|_| {
                AppKeyError::Encode("not an RSA private key in PEM (PKCS#1 or PKCS#8)".to_owned())
            })?;
        AppKey::from_private(&private)
    }

    /// The key pair of `private`, written as GitHub hands keys out, with its signing key.
    fn from_private(private: &rsa::PrivateKey) -> Result<AppKey, AppKeyError> {
        let private_key_pem = private
            .to_pkcs1_pem(LineEnding::LF)
            .map_err(|e| AppKeyError::Encode(format!("private key: {e}")))?
            .as_str()
            .to_owned();
        let public_key_pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| AppKeyError::Encode(format!("public key: {e}")))?;
        let encoding_key = EncodingKey::from_rsa_pem(private_key_pem.as_bytes())
            .map_err(|e| AppKeyError::Encode(format!("private key for signing: {e}")))?;
        Ok(AppKey {
            private_key_pem,
            public_key_pem,
            encoding_key,
        })
    }

    /// The private key as PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`), the form GitHub hands
    /// out.
    pub fn private_key_pem(&self) -> &str {
        &self.private_key_pem
    }

    /// The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), for [`GitHubApp::new`].
    pub fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    /// An `RS256` JWT with exactly these claims, for tests that need a bad `iat` or `exp`.
    ///
    /// # Errors
    ///
    /// [`AppKeyError::Sign`] if signing fails.
    pub fn jwt(&self, iss: &str, iat: i64, exp: i64) -> Result<String, AppKeyError> {
        self.sign(&AppClaims { iat, exp, iss })
    }

    /// The JWT GitHub's docs recommend for app `app_id`: issued 60 s ago (against clock drift),
    /// expiring in 9 minutes (10 minutes after `iat`, GitHub's longest), `iss` the app id.
    ///
    /// # Errors
    ///
    /// [`AppKeyError::Sign`] if signing fails.
    pub fn jwt_now(&self, app_id: u64) -> Result<String, AppKeyError> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.jwt(&app_id.to_string(), now - IAT_SKEW_SECS, now + 9 * 60)
    }

    /// Any claims, signed `RS256` with this key.
    pub(crate) fn sign(&self, claims: &impl Serialize) -> Result<String, AppKeyError> {
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &self.encoding_key)
            .map_err(|e| AppKeyError::Sign(e.to_string()))
    }
}

impl fmt::Debug for AppKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppKey")
            .field("public_key_sha256", &short_digest(&self.public_key_pem))
            .field("private_key", &"[redacted]")
            .finish()
    }
}

/// A GitHub App the fake knows: its id, its client id and its public key, parsed when declared.
#[derive(Clone)]
pub struct GitHubApp {
    /// The app id (a JWT's `iss` may name it, as a number or a string).
    pub id: u64,
    /// The client id, e.g. `Iv1.0123456789abcdef` (a JWT's `iss` may name it instead of the id).
    pub client_id: String,
    public_key_pem: String,
    decoding_key: DecodingKey,
}

impl GitHubApp {
    /// Declares app `id` with its client id and its RSA public key as PEM, SPKI
    /// (`-----BEGIN PUBLIC KEY-----`) or PKCS#1 (`-----BEGIN RSA PUBLIC KEY-----`).
    ///
    /// # Errors
    ///
    /// [`AppKeyError::PublicKey`] naming what is wrong with the PEM (not PEM, a private key, not
    /// RSA, …); [`AppKeyError::ClientId`] if the client id is empty or all digits (it would read
    /// as an app id in `iss`).
    pub fn new(
        id: u64,
        client_id: impl Into<String>,
        public_key_pem: impl Into<String>,
    ) -> Result<GitHubApp, AppKeyError> {
        let client_id = client_id.into();
        let public_key_pem = public_key_pem.into();
        if client_id.is_empty() {
            return Err(AppKeyError::ClientId {
                app_id: id,
                problem: "it is empty",
            });
        }
        if client_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppKeyError::ClientId {
                app_id: id,
                problem: "it is all digits, so an `iss` naming it would read as an app id",
            });
        }
        let public =
            parse_public_key(&public_key_pem).map_err(|problem| AppKeyError::PublicKey {
                app_id: id,
                problem,
            })?;
        let der = public.to_pkcs1_der().map_err(|e| AppKeyError::PublicKey {
            app_id: id,
            problem: format!("it cannot be re-encoded as PKCS#1 ({e})"),
        })?;
        Ok(GitHubApp {
            id,
            client_id,
            public_key_pem,
            decoding_key: DecodingKey::from_rsa_der(der.as_bytes()),
        })
    }

    /// App `id` with a freshly generated key pair and the client id `Iv1.` + 16 hex characters
    /// derived from the id (the same id always gets the same client id).
    ///
    /// # Errors
    ///
    /// As [`AppKey::generate`].
    pub fn generated(id: u64) -> Result<(GitHubApp, AppKey), AppKeyError> {
        let key = AppKey::generate()?;
        let app = GitHubApp::new(id, GitHubApp::default_client_id(id), key.public_key_pem())?;
        Ok((app, key))
    }

    /// The client id the fake gives app `id` when none is declared: `Iv1.` and 16 hex digits
    /// derived from the id, in the form GitHub's client ids have.
    pub fn default_client_id(id: u64) -> String {
        format!("Iv1.{}", short_digest(&format!("hookspec-mock app {id}")))
    }

    /// The public key as it was declared.
    pub fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }
}

impl PartialEq for GitHubApp {
    fn eq(&self, other: &GitHubApp) -> bool {
        self.id == other.id
            && self.client_id == other.client_id
            && self.public_key_pem == other.public_key_pem
    }
}

impl Eq for GitHubApp {}

impl fmt::Debug for GitHubApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubApp")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("public_key_sha256", &short_digest(&self.public_key_pem))
            .finish()
    }
}

/// The first 16 hex characters of the SHA-256 of `text`.
fn short_digest(text: &str) -> String {
    let mut hex = hex::encode(Sha256::digest(text.as_bytes()));
    hex.truncate(16);
    hex
}

/// An RSA public key from PEM, or what is wrong with it.
fn parse_public_key(pem: &str) -> Result<rsa::PublicKey, String> {
    let label = pem
        .trim_start()
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.split_once("-----"))
        .map(|(label, _)| label);
    match label {
        Some("PUBLIC KEY") => rsa::PublicKey::from_public_key_pem(pem)
            .map_err(|e| format!("it is a PUBLIC KEY PEM but not an RSA public key ({e})")),
        Some("RSA PUBLIC KEY") => rsa::PublicKey::from_pkcs1_pem(pem)
            .map_err(|e| format!("its RSA PUBLIC KEY PEM does not parse ({e})")),
        Some(label @ ("RSA PRIVATE KEY" | "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY")) => {
            Err(format!(
                "it is a private key ({label}); declare the app with its public key \
             (AppKey::public_key_pem, or `openssl rsa -pubout`)"
            ))
        }
        Some(label) => Err(format!(
            "it is a PEM {label:?} block, not a PUBLIC KEY or RSA PUBLIC KEY"
        )),
        None => Err("it is not PEM (no -----BEGIN ...----- line)".to_owned()),
    }
}

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
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::LazyLock;

    const APP_ID: u64 = 7;
    const NOW: i64 = 1_700_000_000;

    /// App 7 and its key, generated once for all tests.
    static APP: LazyLock<(GitHubApp, AppKey)> =
        LazyLock::new(|| GitHubApp::generated(APP_ID).expect("app 7 and its key"));
    /// A key of no app.
    static OTHER_KEY: LazyLock<AppKey> = LazyLock::new(|| AppKey::generate().expect("another key"));

    fn app() -> &'static GitHubApp {
        &APP.0
    }

    fn key() -> &'static AppKey {
        &APP.1
    }

    /// `token`'s refusal, checking that its reason does not leak the token.
    fn refused(token: &str) -> JwtRefusal {
        let refusal = authenticate(std::slice::from_ref(app()), token, NOW)
            .expect_err("the token should be refused");
        assert!(
            !refusal.reason.contains(token),
            "the reason quotes the token: {}",
            refusal.reason
        );
        refusal
    }

    fn assert_reason_says(refusal: &JwtRefusal, words: &str) {
        assert!(
            refusal.reason.contains(words),
            "{words:?} not in the reason {:?}",
            refusal.reason
        );
    }

    #[test]
    fn a_correct_jwt_names_its_app_by_id() {
        let token = key().jwt("7", NOW - 60, NOW + 540).unwrap();
        assert_eq!(
            authenticate(std::slice::from_ref(app()), &token, NOW),
            Ok(APP_ID)
        );
    }

    #[test]
    fn a_correct_jwt_names_its_app_by_a_numeric_iss() {
        let token = key()
            .sign(&json!({ "iss": 7, "iat": NOW - 60, "exp": NOW + 540 }))
            .unwrap();
        assert_eq!(
            authenticate(std::slice::from_ref(app()), &token, NOW),
            Ok(APP_ID)
        );
    }

    #[test]
    fn a_correct_jwt_names_its_app_by_client_id() {
        assert!(app().client_id.starts_with("Iv1.") && app().client_id.len() == 20);
        let token = key().jwt(&app().client_id, NOW - 60, NOW + 540).unwrap();
        assert_eq!(
            authenticate(std::slice::from_ref(app()), &token, NOW),
            Ok(APP_ID)
        );
    }

    #[test]
    fn the_jwt_githubs_docs_recommend_passes_on_the_real_clock() {
        let token = key().jwt_now(APP_ID).unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        assert_eq!(
            authenticate(std::slice::from_ref(app()), &token, now),
            Ok(APP_ID)
        );
    }

    #[test]
    fn an_expired_jwt_is_refused_saying_how_long_ago() {
        let token = key().jwt("7", NOW - 642, NOW - 42).unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, EXP_NOT_IN_FUTURE);
        assert_reason_says(&refusal, "the JWT expired 42 s ago");
    }

    #[test]
    fn a_jwt_issued_beyond_the_skew_in_the_future_is_refused() {
        let token = key().jwt("7", NOW + 61, NOW + 600).unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, IAT_INVALID);
        assert_reason_says(&refusal, "iat is 61 s ahead of the fake's clock");
    }

    #[test]
    fn a_jwt_issued_within_the_skew_in_the_future_passes() {
        let token = key().jwt("7", NOW + 60, NOW + 600).unwrap();
        assert_eq!(
            authenticate(std::slice::from_ref(app()), &token, NOW),
            Ok(APP_ID)
        );
    }

    #[test]
    fn a_jwt_living_more_than_ten_minutes_is_refused_though_exp_is_ahead() {
        let token = key().jwt("7", NOW - 60, NOW + 541).unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, EXP_TOO_FAR);
        assert_reason_says(&refusal, "exp is 601 s after iat");
    }

    #[test]
    fn a_jwt_signed_by_another_key_is_refused() {
        let token = OTHER_KEY.jwt("7", NOW - 60, NOW + 540).unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, NOT_DECODABLE);
        assert_reason_says(&refusal, "signed by another key than app 7's");
    }

    #[test]
    fn a_jwt_naming_an_unknown_app_is_refused_listing_the_known_ones() {
        let token = key().jwt("99", NOW - 60, NOW + 540).unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, NOT_DECODABLE);
        assert_reason_says(
            &refusal,
            "iss \"99\" names no app the fake knows (known: 7)",
        );

        let token = key()
            .jwt("Iv1.ffffffffffffffff", NOW - 60, NOW + 540)
            .unwrap();
        let refusal = refused(&token);
        assert_reason_says(&refusal, &format!("(known: {})", app().client_id));
    }

    #[test]
    fn a_personal_access_token_is_refused_as_not_a_jwt() {
        let refusal = refused("ghp_16C7e42F292c6912E7710c838347Ae178B4a");
        assert_eq!(refusal.message, NOT_DECODABLE);
        assert_reason_says(&refusal, "a token that is not a JWT on an app endpoint");
        assert_reason_says(&refusal, "personal access token");
    }

    #[test]
    fn a_token_without_dots_is_refused_as_probably_a_personal_access_token() {
        let refusal = refused("0123456789abcdef0123456789abcdef01234567");
        assert_eq!(refusal.message, NOT_DECODABLE);
        assert_reason_says(
            &refusal,
            "a token that is not a JWT on an app endpoint (a personal access token?)",
        );
    }

    #[test]
    fn garbage_with_dots_is_refused_as_undecodable() {
        let refusal = refused("not.a.jwt");
        assert_eq!(refusal.message, NOT_DECODABLE);
        assert_reason_says(&refusal, "the JWT's header is unreadable");

        let refusal = refused("a.b.c.d");
        assert_eq!(refusal.message, NOT_DECODABLE);
        assert_reason_says(&refusal, "4 dot-separated parts");
    }

    #[test]
    fn a_jwt_signed_hs256_is_refused() {
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &json!({ "iss": "7", "iat": NOW - 60, "exp": NOW + 540 }),
            &EncodingKey::from_secret(b"secret").unwrap(),
        )
        .unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, NOT_DECODABLE);
        assert_reason_says(&refusal, "signed HS256; GitHub accepts only RS256");
    }

    #[test]
    fn a_non_integer_iat_is_refused() {
        let token = key()
            .sign(&json!({ "iss": "7", "iat": 1_699_999_940.5, "exp": NOW + 540 }))
            .unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, IAT_INVALID);
        assert_reason_says(&refusal, "iat is the number 1699999940.5, not an integer");

        let token = key()
            .sign(&json!({ "iss": "7", "iat": "1699999940", "exp": NOW + 540 }))
            .unwrap();
        assert_reason_says(&refused(&token), "iat is the string \"1699999940\"");
    }

    #[test]
    fn a_non_integer_exp_is_refused() {
        let token = key()
            .sign(&json!({ "iss": "7", "iat": NOW - 60, "exp": 1_700_000_540.5 }))
            .unwrap();
        let refusal = refused(&token);
        assert_eq!(refusal.message, EXP_NOT_IN_FUTURE);
        assert_reason_says(&refusal, "exp is the number 1700000540.5, not an integer");
    }

    #[test]
    fn a_generated_key_is_pkcs1_pem_and_its_debug_hides_it() {
        let private = key().private_key_pem();
        assert!(private.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        assert!(
            key()
                .public_key_pem()
                .starts_with("-----BEGIN PUBLIC KEY-----\n")
        );
        let debug = format!("{:?} {:?}", key(), app());
        assert!(!debug.contains("PRIVATE"), "{debug}");
        let body = private.lines().nth(1).unwrap();
        assert!(!debug.contains(body), "{debug}");
    }

    #[test]
    fn an_app_declared_with_a_bad_key_is_refused_naming_the_problem() {
        let err = GitHubApp::new(7, "Iv1.a", key().private_key_pem()).unwrap_err();
        assert!(
            err.to_string()
                .contains("it is a private key (RSA PRIVATE KEY)"),
            "{err}"
        );

        let err = GitHubApp::new(7, "Iv1.a", "hello").unwrap_err();
        assert!(err.to_string().contains("not PEM"), "{err}");

        let err = GitHubApp::new(
            7,
            "Iv1.a",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the public key of app 7 is not usable"),
            "{err}"
        );

        let err = GitHubApp::new(7, "123", key().public_key_pem()).unwrap_err();
        assert!(err.to_string().contains("all digits"), "{err}");
    }

    #[test]
    fn an_app_declared_with_a_pkcs1_public_key_verifies_jwts() {
        let pkcs1 = rsa::PublicKey::from_public_key_pem(key().public_key_pem())
            .unwrap()
            .to_pkcs1_pem(LineEnding::LF)
            .unwrap();
        let declared = GitHubApp::new(8, "Iv1.b", pkcs1).unwrap();
        let token = key().jwt("8", NOW - 60, NOW + 540).unwrap();
        assert_eq!(authenticate(&[declared], &token, NOW), Ok(8));
    }
}
