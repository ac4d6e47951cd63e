//! Pagination as GitHub does it: `page`/`per_page` for hook lists, `cursor`/`per_page` for
//! deliveries, and the `Link` header (`<URL>; rel="next", <URL>; rel="last"`) pointing at the
//! neighbouring pages with the client's other query parameters kept.

use super::hook_store::HookMap;
use super::reply::{Context, Reply};
use crate::headers;

/// GitHub's default page size.
pub(crate) const DEFAULT_PER_PAGE: usize = 30;
/// GitHub's largest page size; larger requests get this many.
pub(crate) const MAX_PER_PAGE: usize = 100;

/// The query string's pairs, decoded, in order.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The last value of query parameter `name`.
pub(crate) fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// `per_page`: default 30, at most 100; zero, negative or unreadable values give the default.
pub(crate) fn per_page(pairs: &[(String, String)]) -> usize {
    match query_value(pairs, "per_page").and_then(|value| value.trim().parse::<i64>().ok()) {
        Some(value) if value >= 1 => {
            usize::try_from(value).map_or(MAX_PER_PAGE, |value| value.min(MAX_PER_PAGE))
        }
        _ => DEFAULT_PER_PAGE,
    }
}

/// `page`: default 1; zero, negative or unreadable values give 1.
pub(crate) fn page(pairs: &[(String, String)]) -> usize {
    match query_value(pairs, "page").and_then(|value| value.trim().parse::<i64>().ok()) {
        Some(value) if value >= 1 => usize::try_from(value).unwrap_or(usize::MAX),
        _ => 1,
    }
}

/// `url` (scheme, host and path) with the client's query pairs, `name` replaced by `value`.
pub(crate) fn url_with(url: &str, pairs: &[(String, String)], name: &str, value: &str) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, existing) in pairs {
        if key != name {
            serializer.append_pair(key, existing);
        }
    }
    serializer.append_pair(name, value);
    format!("{url}?{}", serializer.finish())
}

/// The `Link` header for page `page` of `total` items at `per_page` a page, or `None` when
/// everything fits on one page. GitHub's order: prev, next, last, first.
pub(crate) fn page_links(
    url: &str,
    pairs: &[(String, String)],
    page: usize,
    per_page: usize,
    total: usize,
) -> Option<String> {
    let last = total.div_ceil(per_page.max(1)).max(1);
    if last == 1 && page == 1 {
        return None;
    }
    let link = |target: usize, rel: &str| {
        format!(
            "<{}>; rel=\"{rel}\"",
            url_with(url, pairs, "page", &target.to_string())
        )
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(link(page - 1, "prev"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
    }
    Some(links.join(", "))
}

/// A delivery cursor: the page starts at the newest delivery whose id is at most this.
pub(crate) fn parse_cursor(text: &str) -> Option<u64> {
    let digits = text.strip_prefix("v1_")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The cursor that starts a page at delivery `id`.
pub(crate) fn cursor_for(id: u64) -> String {
    format!("v1_{id}")
}

/// One page of a hook list (oldest first) with its `Link` header, built from the hooks' ready
/// JSON; `org` is the organization's login (`None` for global hooks).
pub(crate) fn hooks_page(context: &Context<'_>, hooks: &HookMap, org: Option<&str>) -> Reply {
    let pairs = query_pairs(context.request.query.as_deref());
    let per_page = per_page(&pairs);
    let page = page(&pairs);
    let start = (page - 1).saturating_mul(per_page);
    let mut reply = Reply::ready(&hooks.page(&context.api_base, org, start, per_page));
    let total = hooks.len();
    if let Some(link) = page_links(&context.request_url(), &pairs, page, per_page, total) {
        reply = reply.header(headers::LINK, link);
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        query_pairs(Some(query))
    }

    #[test]
    fn per_page_defaults_to_30_and_caps_at_100() {
        assert_eq!(per_page(&pairs("")), 30);
        assert_eq!(per_page(&pairs("per_page=101")), 100);
        assert_eq!(per_page(&pairs("per_page=0")), 30);
        assert_eq!(per_page(&pairs("per_page=abc")), 30);
        assert_eq!(per_page(&pairs("per_page=99999999999999999999")), 30);
    }

    #[test]
    fn a_middle_page_links_to_all_four_neighbours_in_githubs_order() {
        let link = page_links(
            "http://h/orgs/o/hooks",
            &pairs("per_page=1&page=2"),
            2,
            1,
            3,
        );
        assert_eq!(
            link.as_deref(),
            Some(
                "<http://h/orgs/o/hooks?per_page=1&page=1>; rel=\"prev\", <http://h/orgs/o/hooks?per_page=1&page=3>; rel=\"next\", <http://h/orgs/o/hooks?per_page=1&page=3>; rel=\"last\", <http://h/orgs/o/hooks?per_page=1&page=1>; rel=\"first\""
            )
        );
    }

    #[test]
    fn a_single_page_has_no_link() {
        assert_eq!(page_links("http://h/x", &[], 1, 30, 3), None);
        assert_eq!(page_links("http://h/x", &[], 1, 30, 0), None);
    }

    #[test]
    fn cursors_round_trip() {
        assert_eq!(parse_cursor(&cursor_for(42)), Some(42));
        assert_eq!(parse_cursor("v1_"), None);
        assert_eq!(parse_cursor("42"), None);
    }
}
