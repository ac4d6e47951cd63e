//! The JWT rules, one refusal at a time, on keys generated for the tests.
use super::*;
use jsonwebtoken::{EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{DecodePublicKey, LineEnding};
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
