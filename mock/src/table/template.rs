//! Path templates and routing: the one reader of the `{name}` syntax ([`parse_template`]),
//! every operation's segments parsed once, and the one router from a method and a path to an
//! operation and its raw path parameters ([`route`]).

use std::sync::LazyLock;

use super::{OPERATIONS, Operation, Product};

/// One segment of a path template (`/orgs/{org}/hooks/{hook_id}` has four).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Text the path must carry as it stands (`hooks`).
    Literal(&'static str),
    /// A `{name}` parameter; an `integer` one takes ASCII digits only.
    Parameter {
        /// The parameter's name (`hook_id`).
        name: &'static str,
        /// Whether the parameter's schema type is `integer`.
        integer: bool,
    },
}

impl Segment {
    /// Whether one segment of a request path fits this part of the template: a literal as it
    /// stands, a parameter when not empty (and ASCII digits for an integer).
    pub fn fits(&self, segment: &str) -> bool {
        match self {
            Segment::Literal(literal) => *literal == segment,
            Segment::Parameter { integer, .. } => {
                !segment.is_empty() && (!integer || segment.bytes().all(|b| b.is_ascii_digit()))
            }
        }
    }
}

/// Splits a path template into its segments: the one reader of the `{name}` syntax, for the
/// table, the typed stubs and everything that fills or matches a path. A segment that is
/// `{` name `}` as a whole is a parameter (integer when `integer(name)` says so); anything else
/// is literal.
pub fn parse_template(
    template: &'static str,
    mut integer: impl FnMut(&str) -> bool,
) -> impl Iterator<Item = Segment> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(
            move |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) if !name.is_empty() && !name.contains(['{', '}']) => {
                    Segment::Parameter {
                        name,
                        integer: integer(name),
                    }
                }
                _ => Segment::Literal(part),
            },
        )
}

/// Every operation's template, parsed once, in the order of [`OPERATIONS`] (the order of
/// [`OperationId`]'s variants): routing reads them on every request.
pub(super) static TEMPLATES: LazyLock<Vec<Vec<Segment>>> = LazyLock::new(|| {
    OPERATIONS
        .iter()
        .map(|op| {
            parse_template(op.path, |name| {
                op.parameters
                    .iter()
                    .any(|p| p.name == name && p.schema_type == "integer")
            })
            .collect()
        })
        .collect()
});

/// The most segments a routed path has; longer paths route nowhere without being split
/// further.
const MAX_SEGMENTS: usize = 8;

/// A request path routed to an operation: the operation, the product whose paths it is, and
/// its path parameters' raw (still percent-encoded) segments.
#[derive(Debug, Clone, Copy)]
pub struct Routed<'p> {
    /// The operation the method and path address.
    pub operation: &'static Operation,
    /// The product the path was read as.
    pub product: Product,
    segments: [&'p str; MAX_SEGMENTS],
}

impl<'p> Routed<'p> {
    /// The raw segment of path parameter `name`.
    pub fn param(&self, name: &str) -> Option<&'p str> {
        self.params()
            .find(|(param, _)| *param == name)
            .map(|(_, segment)| segment)
    }

    /// Each path parameter with its raw segment, in path order.
    pub fn params(&self) -> impl Iterator<Item = (&'static str, &'p str)> + '_ {
        self.operation
            .segments()
            .iter()
            .zip(self.segments)
            .filter_map(|(part, segment)| match part {
                Segment::Parameter { name, .. } => Some((*name, segment)),
                Segment::Literal(_) => None,
            })
    }
}

/// The one router: the operation `method` and `path` address. With `product`, the path is
/// read as that product's (its prefix stripped when present); otherwise the path's prefix
/// picks the product ([`Product::of_path`]).
pub fn route<'p>(method: &str, path: &'p str, product: Option<Product>) -> Option<Routed<'p>> {
    let (product, below) = match product {
        Some(product) => (
            product,
            path.strip_prefix(product.path_prefix()).unwrap_or(path),
        ),
        None => Product::of_path(path)?,
    };
    route_below_prefix(method, product, below)
}

/// [`route`] for a path already below `product`'s prefix.
pub fn route_below_prefix<'p>(method: &str, product: Product, path: &'p str) -> Option<Routed<'p>> {
    let rest = path.strip_prefix('/')?;
    let mut segments = [""; MAX_SEGMENTS];
    let mut count = 0;
    for segment in rest.split('/') {
        *segments.get_mut(count)? = segment;
        count += 1;
    }
    OPERATIONS
        .iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method) && op.available_on(product))
        .find(|op| {
            let template = op.segments();
            template.len() == count
                && template
                    .iter()
                    .zip(&segments[..count])
                    .all(|(part, segment)| part.fits(segment))
        })
        .map(|operation| Routed {
            operation,
            product,
            segments,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::OperationId;

    #[test]
    fn a_template_splits_into_literals_and_whole_segment_parameters() {
        let segments: Vec<Segment> =
            parse_template("/orgs/{org}/hooks/{hook_id}/x{y}", |name| name == "hook_id").collect();
        assert_eq!(
            segments,
            [
                Segment::Literal("orgs"),
                Segment::Parameter {
                    name: "org",
                    integer: false
                },
                Segment::Literal("hooks"),
                Segment::Parameter {
                    name: "hook_id",
                    integer: true
                },
                Segment::Literal("x{y}"),
            ]
        );
    }

    #[test]
    fn filling_a_path_names_the_first_parameter_without_a_value() {
        let get = OperationId::OrgsGetWebhook.operation();
        let filled = get.fill_path(|name| match name {
            "org" => Ok("acme".to_owned()),
            "hook_id" => Ok("7".to_owned()),
            other => Err(other),
        });
        assert_eq!(
            filled,
            Ok(vec![
                "orgs".into(),
                "acme".into(),
                "hooks".into(),
                "7".into()
            ])
        );
        assert_eq!(get.fill_path(Err::<String, _>), Err("org"));
        assert_eq!(
            get.path_parameter_names().collect::<Vec<_>>(),
            ["org", "hook_id"]
        );
    }

    #[test]
    fn an_item_operation_is_one_parameter_below_its_collection() {
        let create = OperationId::OrgsCreateWebhook.operation();
        let delete = OperationId::OrgsDeleteWebhook.operation();
        let ping = OperationId::OrgsPingWebhook.operation();
        assert!(delete.is_item_of(create));
        assert!(!ping.is_item_of(create));
        assert!(!create.is_item_of(create));
    }

    #[test]
    fn the_router_reads_the_product_from_the_prefix_unless_told() {
        let routed = route("get", "/api/v3/orgs/acme/hooks/12", None);
        assert_eq!(
            routed.map(|r| (r.operation.operation_id, r.product, r.param("hook_id"))),
            Some((OperationId::OrgsGetWebhook, Product::Ghes, Some("12")))
        );
        let told = route("GET", "/orgs/acme/hooks", Some(Product::Ghes));
        assert_eq!(told.map(|r| r.product), Some(Product::Ghes));
        assert!(route("GET", "/orgs/acme/hooks/x", None).is_none());
        assert!(route("GET", "/user", None).is_none());
        let params: Vec<_> = route("GET", "/orgs/a%2Fb/hooks/1/deliveries/2", None)
            .map(|r| r.params().collect())
            .unwrap_or_default();
        assert_eq!(
            params,
            [("org", "a%2Fb"), ("hook_id", "1"), ("delivery_id", "2")]
        );
    }
}
