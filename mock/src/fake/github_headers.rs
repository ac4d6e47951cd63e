//! The headers GitHub sends on every answer of these endpoints besides the body's: the media
//! type it served (`X-GitHub-Media-Type`, from the `Accept` the client sent), caching
//! (`Cache-Control`, `Vary`) and the OAuth scopes the operation accepts and the token has.

use crate::headers;
use std::borrow::Cow;

use super::auth::Credentials;
use super::http::Header;
use crate::table::Operation;

/// `X-GitHub-Media-Type` for an `Accept` header: `github.v3; format=json`, with the media
/// type's parameter when it names one (`application/vnd.github.v3.full+json` →
/// `github.v3; param=full; format=json`).
pub(crate) fn media_type(accept: Option<&str>) -> Cow<'static, str> {
    let param = accept
        .into_iter()
        .flat_map(|a| a.split(','))
        .find_map(|item| {
            let media = item.split(';').next()?.trim();
            let rest = media.strip_prefix("application/vnd.github")?;
            let (name, _format) = rest.split_once('+').unwrap_or((rest, "json"));
            let mut parts = name.split('.').filter(|p| !p.is_empty());
            let first = parts.next();
            let param = match first {
                Some(version)
                    if version.starts_with('v')
                        && version[1..].chars().all(|c| c.is_ascii_digit()) =>
                {
                    parts.next()
                }
                other => other,
            };
            Some(param.map(str::to_owned))
        });
    match param.flatten() {
        Some(param) => Cow::Owned(format!("github.v3; param={param}; format=json")),
        None => Cow::Borrowed("github.v3; format=json"),
    }
}

/// The caching headers GitHub sends, as recorded exchanges show them: a 200 or 201 is
/// `Cache-Control: private, max-age=60, s-maxage=60` (public for anonymous reads) and varies on
/// the credentials; every answer varies on the encoding and media type.
pub(crate) fn cache(headers: &mut Vec<Header>, status: u16, credentials: &Credentials<'_>) {
    if matches!(status, 200 | 201) {
        let value = if matches!(credentials, Credentials::Token(_)) {
            "private, max-age=60, s-maxage=60"
        } else {
            "public, max-age=60, s-maxage=60"
        };
        headers.push((headers::CACHE_CONTROL, Cow::Borrowed(value)));
        headers.push((
            headers::VARY,
            Cow::Borrowed("Accept, Authorization, Cookie, X-GitHub-OTP"),
        ));
    }
    headers.push((
        headers::VARY,
        Cow::Borrowed("Accept-Encoding, Accept, X-Requested-With"),
    ));
}

/// `X-Accepted-OAuth-Scopes` (what the operation accepts, from the spec) and, for classic
/// tokens (`ghp_`, `gho_`), `X-OAuth-Scopes`: the scopes the fake's token holds (`granted`,
/// asked only for such tokens).
pub(crate) fn scopes(
    headers: &mut Vec<Header>,
    operation: &Operation,
    credentials: &Credentials<'_>,
    granted: impl FnOnce() -> Vec<&'static str>,
) {
    headers.push((
        headers::X_ACCEPTED_OAUTH_SCOPES,
        joined(operation.oauth_scopes),
    ));
    if let Credentials::Token(token) = credentials
        && (token.starts_with("ghp_") || token.starts_with("gho_"))
    {
        headers.push((headers::X_OAUTH_SCOPES, joined(&granted())));
    }
}

/// Scopes as GitHub lists them (`a, b`), without a copy when there is at most one.
fn joined(scopes: &[&'static str]) -> Cow<'static, str> {
    match scopes {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_media_type_reflects_the_accept_parameter() {
        for (accept, expected) in [
            (None, "github.v3; format=json"),
            (Some("application/json"), "github.v3; format=json"),
            (
                Some("application/vnd.github+json"),
                "github.v3; format=json",
            ),
            (
                Some("application/vnd.github.v3+json"),
                "github.v3; format=json",
            ),
            (
                Some("application/vnd.github.v3.full+json"),
                "github.v3; param=full; format=json",
            ),
            (
                Some("application/vnd.github.raw+json"),
                "github.v3; param=raw; format=json",
            ),
            (
                Some("text/html, application/vnd.github.v3.text+json"),
                "github.v3; param=text; format=json",
            ),
        ] {
            assert_eq!(media_type(accept), expected, "{accept:?}");
        }
    }
}
