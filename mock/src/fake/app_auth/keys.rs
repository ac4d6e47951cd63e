//! The keys of GitHub Apps: a test's generated key pair ([`AppKey`]) and an app the fake knows
//! by its public key ([`GitHubApp`]).

use std::fmt;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{IAT_SKEW_SECS, KEY_BITS};

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
    pub(super) decoding_key: DecodingKey,
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
