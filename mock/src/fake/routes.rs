//! Routing from the operation table: a request's product comes from its path prefix (the
//! product table), its operation from the method and path templates of the operations that
//! product serves, and its path parameters are decoded by their schema type. Nothing here names
//! an operation: a new operation in the spec is routed without touching this file.

use std::sync::LazyLock;

use crate::table::{OPERATIONS, Operation, Product};

/// The decoded path parameters of a routed request (the spec names them `org`, `hook_id` and
/// `delivery_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PathParams {
    pub org: Option<String>,
    pub hook_id: Option<u64>,
    pub delivery_id: Option<u64>,
}

/// An operation a request was routed to, with its decoded path parameters.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub operation: &'static Operation,
    pub params: PathParams,
}

/// One segment of an operation's path template.
#[derive(Debug)]
enum Segment {
    Literal(&'static str),
    Parameter { name: &'static str, integer: bool },
}

/// Every operation's template, split once, in the order of `OPERATIONS` (#11: splitting the
/// templates and collecting parameters into a `Vec` on every request was a third of routing).
static TEMPLATES: LazyLock<Vec<Vec<Segment>>> = LazyLock::new(|| {
    OPERATIONS
        .iter()
        .map(|op| {
            op.path
                .trim_start_matches('/')
                .split('/')
                .map(
                    |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                        None => Segment::Literal(part),
                        Some(name) => Segment::Parameter {
                            name: op
                                .parameters
                                .iter()
                                .find(|p| p.name == name)
                                .map_or(name, |p| p.name),
                            integer: op
                                .parameters
                                .iter()
                                .any(|p| p.name == name && p.schema_type == "integer"),
                        },
                    },
                )
                .collect()
        })
        .collect()
});

/// The most segments a routed path has (the longest template has six).
const MAX_SEGMENTS: usize = 8;

/// The operation `method` and `path` (below any prefix) address on `product`, if any.
pub(crate) fn route(method: &str, product: Product, path: &str) -> Option<Route> {
    let rest = path.strip_prefix('/')?;
    let mut segments = [""; MAX_SEGMENTS];
    let mut count = 0;
    for segment in rest.split('/') {
        *segments.get_mut(count)? = segment;
        count += 1;
    }
    let segments = &segments[..count];
    OPERATIONS
        .iter()
        .zip(TEMPLATES.iter())
        .filter(|(op, template)| {
            template.len() == count && op.method == method && op.available_on(product)
        })
        .find_map(|(op, template)| match_template(op, template, segments))
}

/// Matches the path's segments against the operation's template and decodes its parameters.
fn match_template(
    operation: &'static Operation,
    template: &[Segment],
    segments: &[&str],
) -> Option<Route> {
    let fits = template
        .iter()
        .zip(segments)
        .all(|(part, segment)| match part {
            Segment::Literal(literal) => literal == segment,
            Segment::Parameter { integer, .. } => {
                !segment.is_empty() && (!integer || segment.bytes().all(|b| b.is_ascii_digit()))
            }
        });
    if !fits {
        return None;
    }
    let mut params = PathParams::default();
    for (part, segment) in template.iter().zip(segments) {
        if let Segment::Parameter { name, .. } = part {
            match *name {
                "org" => params.org = Some(decode_segment(segment)?),
                "hook_id" => params.hook_id = Some(parse_id(segment)?),
                "delivery_id" => params.delivery_id = Some(parse_id(segment)?),
                _ => {
                    decode_segment(segment)?;
                }
            }
        }
    }
    Some(Route { operation, params })
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
    use crate::table::OperationId;

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
