//! What the crate asks of the spec's operation table (`hookspec_mock::table::OPERATIONS`) beyond what
//! `hookspec_mock` answers itself: the product ids, the `{name}`s of a path template, which operation a method
//! and path address, whether a query parameter is documented, and which POST creates what a
//! DELETE removes. Kept in one place, importing nothing from this crate, because these belong
//! with the table and are to move there.

use hookspec_mock::Product;
use hookspec_mock::table::{OPERATIONS, Operation, PRODUCTS, Parameter, ParameterLocation};

/// The product ids of the spec's product table, for messages (`dotcom, ghes or dotcom-legacy`).
pub(crate) fn known_products() -> String {
    let ids: Vec<&str> = PRODUCTS.iter().map(|info| info.id).collect();
    match ids.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
/// The `{name}`s of a path template, in order (an unclosed `{` ends the list).
pub(crate) fn path_template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    names
}

/// One piece of a path template's segment: literal text, or a `{name}` to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TemplatePart<'a> {
    /// Text copied as it is.
    Text(&'a str),
    /// A `{name}` segment (or part of one).
    Name(&'a str),
}

/// The pieces of each segment of a path template, or `None` when a `{` is never closed.
pub(crate) fn path_template_segments(path: &str) -> Option<Vec<Vec<TemplatePart<'_>>>> {
    let mut segments = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Vec::new();
        let mut rest = segment;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(TemplatePart::Text(&rest[..open]));
            }
            let close = rest[open..].find('}')?;
            parts.push(TemplatePart::Name(&rest[open + 1..open + close]));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Text(rest));
        }
        segments.push(parts);
    }
    Some(segments)
}

/// An operation a request path addresses, and the product.
#[derive(Debug, Clone)]
pub(crate) struct Matched {
    /// The operation.
    pub operation: &'static Operation,
    /// The product whose prefix the path carries (or the one the caller named).
    pub product: Product,
}

/// The operation `method` and `path` (the full path, product prefix included) address. With
/// `product`, paths are read as that product's; otherwise the prefix decides.
pub(crate) fn operation_at(method: &str, path: &str, product: Option<Product>) -> Option<Matched> {
    let (product, rest) = match product {
        Some(product) => {
            let rest = path.strip_prefix(product.path_prefix()).unwrap_or(path);
            (product, rest)
        }
        None => Product::of_path(path)?,
    };
    OPERATIONS
        .iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method) && op.available_on(product))
        .find(|op| op.match_path(rest).is_some())
        .map(|operation| Matched { operation, product })
}

/// The query parameter `name` of `operation` as documented for `product`, if it is. A
/// parameter's product list is where it exists, as the table says: one whose list is empty is
/// documented nowhere.
pub(crate) fn query_parameter(
    operation: &Operation,
    name: &str,
    product: Product,
) -> Option<&'static Parameter> {
    operation.parameters.iter().find(|p| {
        p.location == ParameterLocation::Query && p.name == name && p.products.contains(&product)
    })
}

/// The DELETE operation one path segment below `create` (`/orgs/{org}/hooks` →
/// `/orgs/{org}/hooks/{hook_id}`), which makes `create` a create.
pub(crate) fn delete_below(
    operations: &'static [Operation],
    create: &Operation,
) -> Option<&'static Operation> {
    if create.method != "POST" {
        return None;
    }
    let prefix = format!("{}/", create.path.trim_end_matches('/'));
    operations.iter().find(|op| {
        op.method == "DELETE"
            && op.path.strip_prefix(&prefix).is_some_and(|rest| {
                rest.starts_with('{') && rest.ends_with('}') && !rest.contains('/')
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_found_by_method_path_and_prefix() {
        let found = operation_at("GET", "/api/v3/orgs/acme/hooks/12", None);
        let Some(found) = found else {
            panic!("no match")
        };
        assert_eq!(found.operation.id, "orgs/get-webhook");
        assert_eq!(found.product, Product::Ghes);
        assert!(operation_at("GET", "/orgs/acme/hooks/x", None).is_none());
        assert!(operation_at("GET", "/user", None).is_none());
    }

    #[test]
    fn a_path_template_splits_into_text_and_names() {
        assert_eq!(
            path_template_names("/orgs/{org}/hooks/{hook_id}"),
            ["org", "hook_id"]
        );
        assert_eq!(
            path_template_segments("/a/{b}.json"),
            Some(vec![
                vec![TemplatePart::Text("a")],
                vec![TemplatePart::Name("b"), TemplatePart::Text(".json")]
            ])
        );
        assert_eq!(path_template_segments("/a/{b"), None);
    }

    #[test]
    fn the_create_of_org_hooks_has_its_delete_one_segment_below() {
        let create = hookspec_mock::table::find_operation("orgs/create-webhook");
        let delete = create.and_then(|create| delete_below(OPERATIONS, create));
        assert_eq!(delete.map(|op| op.id), Some("orgs/delete-webhook"));
        let list = hookspec_mock::table::find_operation("orgs/list-webhooks");
        assert!(
            list.and_then(|list| delete_below(OPERATIONS, list))
                .is_none()
        );
    }
}
