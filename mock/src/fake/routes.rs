//! The fake's view of a routed request: the table's router (`crate::table::route_below_prefix`)
//! finds the operation, and here its path parameters are decoded by what the fake does with
//! them. Nothing here names an operation: a new operation in the spec is routed without
//! touching this file.

use crate::table::{self, Operation, Product};

/// The decoded path parameters of a routed request (the spec names them `org`, `owner`,
/// `repo`, `hook_id` and `delivery_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PathParams {
    pub org: Option<String>,
    pub owner: Option<String>,
    pub repo: Option<String>,
    pub hook_id: Option<u64>,
    pub delivery_id: Option<u64>,
}

/// An operation a request was routed to, with its decoded path parameters.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub operation: &'static Operation,
    pub params: PathParams,
}

/// The operation `method` and `path` (below any prefix) address on `product`, if any, with
/// its parameters decoded; a parameter that does not decode routes nowhere.
pub(crate) fn route(method: &str, product: Product, path: &str) -> Option<Route> {
    let routed = table::route_below_prefix(method, product, path)?;
    let mut params = PathParams::default();
    for (name, segment) in routed.params() {
        match name {
            "org" => params.org = Some(decode_segment(segment)?),
            "owner" => params.owner = Some(decode_segment(segment)?),
            "repo" => params.repo = Some(decode_segment(segment)?),
            "hook_id" => params.hook_id = Some(parse_id(segment)?),
            "delivery_id" => params.delivery_id = Some(parse_id(segment)?),
            _ => {
                decode_segment(segment)?;
            }
        }
    }
    Some(Route {
        operation: routed.operation,
        params,
    })
}

/// An id path segment: ASCII digits only (no sign), fitting in a u64.
fn parse_id(segment: &str) -> Option<u64> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

/// A percent-decoded, non-empty path segment that is valid UTF-8.
fn decode_segment(segment: &str) -> Option<String> {
    if !segment.contains('%') {
        return (!segment.is_empty()).then(|| segment.to_owned());
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let text = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    (!decoded.is_empty()).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{OPERATIONS, OperationId};

    fn routed(method: &str, product: Product, path: &str) -> Option<OperationId> {
        route(method, product, path).map(|route| route.operation.operation_id)
    }

    #[test]
    fn routing_agrees_with_each_operations_own_template_matcher() {
        for op in OPERATIONS {
            for product in [Product::Dotcom, Product::Ghes] {
                if !op.available_on(product) {
                    continue;
                }
                let path = op
                    .path
                    .replace("{org}", "oct%6Fcat")
                    .replace("{owner}", "oct%6Fcat")
                    .replace("{repo}", "hello-world")
                    .replace("{hook_id}", "12")
                    .replace("{delivery_id}", "34");
                assert!(op.match_path(&path).is_some(), "{}", op.path);
                assert_eq!(
                    routed(op.method, product, &path),
                    Some(op.operation_id),
                    "{path}"
                );
                let long = format!("{path}/1/2/3/4/5/6/7/8");
                assert_eq!(routed(op.method, product, &long), None, "{long}");
            }
        }
    }

    #[test]
    fn ids_must_be_plain_digits() {
        assert_eq!(parse_id("12"), Some(12));
        assert_eq!(parse_id("+12"), None);
        assert_eq!(parse_id("1e3"), None);
        assert_eq!(parse_id("99999999999999999999999"), None);
    }

    #[test]
    fn global_hooks_exist_only_under_the_ghes_prefix() {
        assert_eq!(routed("GET", Product::Dotcom, "/admin/hooks"), None);
        assert_eq!(
            routed("GET", Product::Ghes, "/admin/hooks"),
            Some(OperationId::EnterpriseAdminListGlobalWebhooks)
        );
    }

    #[test]
    fn an_unknown_method_on_a_known_path_routes_nowhere() {
        assert_eq!(
            routed("PUT", Product::Dotcom, "/orgs/octocat/hooks/1"),
            None
        );
    }

    #[test]
    fn a_longer_path_than_any_template_routes_nowhere() {
        assert_eq!(
            routed("GET", Product::Dotcom, "/orgs/octocat/hooks/1/x"),
            None
        );
        assert_eq!(routed("GET", Product::Dotcom, "/orgs/octocat/hooks/"), None);
    }

    #[test]
    fn org_segments_are_percent_decoded() {
        let route = route(
            "GET",
            Product::Dotcom,
            "/orgs/oct%6fcat/hooks/7/deliveries/9",
        );
        assert_eq!(
            route.map(|route| route.params),
            Some(PathParams {
                org: Some("octocat".into()),
                hook_id: Some(7),
                delivery_id: Some(9),
                ..PathParams::default()
            })
        );
        assert_eq!(routed("GET", Product::Dotcom, "/orgs/%zz/hooks"), None);
    }

    #[test]
    fn the_product_comes_from_the_longest_matching_prefix() {
        assert_eq!(
            Product::of_path("/api/v3/admin/hooks"),
            Some((Product::Ghes, "/admin/hooks"))
        );
        assert_eq!(
            Product::of_path("/api/v30/x"),
            Some((Product::Dotcom, "/api/v30/x"))
        );
        assert_eq!(Product::of_path("/api/v3"), Some((Product::Ghes, "")));
    }
}
