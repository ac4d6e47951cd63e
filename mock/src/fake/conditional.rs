//! Conditional requests as GitHub documents them: a successful read or update carries a weak
//! `ETag` and a create a strong one (as recorded exchanges show), a single hook also its
//! `Last-Modified`; a GET whose `If-None-Match` still matches, or whose `If-Modified-Since` is
//! not older than the resource, answers `304 Not Modified` with no body, and does not count
//! against the rate limit.

use crate::headers::{self, HeaderName};
use std::borrow::Cow;

use super::http::FakeRequest;
use super::reply::Reply;
use super::validators::etag;

/// Adds `ETag` to a successful answer with a body and turns a GET into a 304 when the client's
/// copy is current; true when it did (a 304 is not counted against the rate limit).
pub(crate) fn apply(request: &FakeRequest, reply: &mut Reply) -> bool {
    let Some(body) = &reply.body else {
        return false;
    };
    if !matches!(reply.status, 200 | 201) {
        return false;
    }
    // A ready answer carries the weak tag of exactly its body.
    let tag = match (reply.etag.take(), reply.status) {
        (Some(tag), 200) => tag,
        _ => etag(body, reply.status == 201),
    };
    if request.method != "GET" {
        reply.headers.push((headers::ETAG, Cow::Owned(tag)));
        return false;
    }
    let unchanged = match request.header(headers::IF_NONE_MATCH.as_str()) {
        Some(wanted) => matches_etag(wanted, &tag),
        None => request
            .header(headers::IF_MODIFIED_SINCE.as_str())
            .zip(header(reply, &headers::LAST_MODIFIED))
            .and_then(|(since, modified)| {
                Some(
                    httpdate::parse_http_date(modified).ok()?
                        <= httpdate::parse_http_date(since).ok()?,
                )
            })
            .unwrap_or(false),
    };
    reply.headers.push((headers::ETAG, Cow::Owned(tag)));
    if unchanged {
        reply.status = 304;
        reply.body = None;
    }
    unchanged
}

fn header<'a>(reply: &'a Reply, name: &HeaderName) -> Option<&'a str> {
    reply
        .headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_ref())
}

/// Whether an `If-None-Match` list names `tag` (weak comparison: `W/` is ignored; `*` matches).
fn matches_etag(wanted: &str, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let tag = bare(tag);
    wanted
        .split(',')
        .any(|candidate| candidate.trim() == "*" || bare(candidate) == tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::validators::http_date;

    #[test]
    fn weak_and_strong_forms_of_a_tag_match() {
        let tag = etag(b"[]", false);
        assert!(etag(b"[]", true).starts_with('"'));
        assert!(tag.starts_with("W/\"") && tag.ends_with('"') && tag.len() == 68);
        assert!(matches_etag(&tag, &tag));
        assert!(matches_etag(tag.trim_start_matches("W/"), &tag));
        assert!(matches_etag(&format!("\"other\", {tag}"), &tag));
        assert!(matches_etag("*", &tag));
        assert!(!matches_etag("\"other\"", &tag));
    }

    #[test]
    fn http_dates_have_the_imf_fixdate_form() {
        let at = time::macros::datetime!(2011-09-06 20:39:23 UTC);
        assert_eq!(http_date(at), "Tue, 06 Sep 2011 20:39:23 GMT");
    }
}
