//! The types of the generated tables: every operation ([`OPERATIONS`]) and every product
//! ([`PRODUCTS`]) of the spec, written by `cargo xtask gen` and read at run time by the fake,
//! the typed stubs and the conformance runner, so that none of them restates what the spec says.

pub use crate::generated::operations::{OPERATION_IDS, OPERATIONS, OperationId};
pub use crate::generated::products::{PRODUCTS, Product};

use std::sync::LazyLock;

/// Who GitHub lets call an operation (the spec's `x-hookspec-access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// An organization owner (`org-owner`); others get 404, as GitHub hides the endpoint.
    OrganizationOwner,
    /// A GHES site administrator (`site-admin`); others get 404.
    SiteAdmin,
}

/// One row of the product table ([`PRODUCTS`](crate::PRODUCTS)): a product (or documentation
/// edition) of the GitHub REST API, from the spec's `x-hookspec-products`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductInfo {
    /// The product this row describes.
    pub product: Product,
    /// The identifier the spec uses (`dotcom`, `ghes`, `dotcom-legacy`).
    pub id: &'static str,
    /// A human title.
    pub title: &'static str,
    /// Where its paths start below the base URL (`""` or `/api/v3`).
    pub path_prefix: &'static str,
    /// The `X-GitHub-Api-Version` values it accepts, in spec order.
    pub api_versions: &'static [&'static str],
    /// The version a request that names none gets.
    pub default_api_version: &'static str,
    /// For a documentation edition, the product that serves it.
    pub edition_of: Option<Product>,
    /// How long GitHub waits for a webhook receiver before it fails the delivery.
    pub delivery_timeout: std::time::Duration,
}

impl Product {
    /// The identifier the spec uses in `x-hookspec-products` (`dotcom`, `ghes`, `dotcom-legacy`).
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// Parses a spec identifier back into a product.
    pub fn from_id(id: &str) -> Option<Product> {
        PRODUCTS
            .iter()
            .find(|info| info.id == id)
            .map(|info| info.product)
    }

    /// Where the product's paths start below the base URL (`""` or `/api/v3`).
    pub fn path_prefix(self) -> &'static str {
        self.info().path_prefix
    }

    /// The API versions the product accepts.
    pub fn api_versions(self) -> &'static [&'static str] {
        self.info().api_versions
    }

    /// The API version a request that names none gets.
    pub fn default_api_version(self) -> &'static str {
        self.info().default_api_version
    }

    /// How long GitHub waits for a webhook receiver on this product.
    pub fn delivery_timeout(self) -> std::time::Duration {
        self.info().delivery_timeout
    }

    /// The product that serves this one: itself, or the product it is an edition of.
    pub fn served_by(self) -> Product {
        self.info().edition_of.unwrap_or(self)
    }

    /// The product a request path addresses (the served product with the longest matching
    /// prefix) and the path below that prefix.
    pub fn of_path(path: &str) -> Option<(Product, &str)> {
        PRODUCTS
            .iter()
            .filter(|info| info.edition_of.is_none())
            .filter_map(|info| {
                let rest = path.strip_prefix(info.path_prefix)?;
                (rest.is_empty() || rest.starts_with('/')).then_some((info, rest))
            })
            .max_by_key(|(info, _)| info.path_prefix.len())
            .map(|(info, rest)| (info.product, rest))
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// A `{name}` segment of the path template.
    Path,
    /// A query-string parameter.
    Query,
    /// A request header.
    Header,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Parameter {
    /// The wire name (`per_page`, `X-GitHub-Api-Version`).
    pub name: &'static str,
    /// Path, query or header.
    pub location: ParameterLocation,
    /// Whether the spec marks it required.
    pub required: bool,
    /// Its schema's `type` (`string`, `integer`), or `""` when the schema names none.
    pub schema_type: &'static str,
    /// Its schema as JSON Schema text (Draft 4, `nullable` translated).
    pub schema: &'static str,
    /// The products where it exists.
    pub products: &'static [Product],
}

/// One documented header of a response.
#[derive(Debug, Clone, Copy)]
pub struct ResponseHeader {
    /// The header name as the spec spells it (`Link`, `Location`).
    pub name: &'static str,
    /// Whether the spec marks it required.
    pub required: bool,
}

/// A named example from the spec, as JSON text.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The example's name in the spec (`default`).
    pub name: &'static str,
    /// The example's value as JSON text.
    pub json: &'static str,
    /// Set when the spec records that the documentation's example contradicts its own schema
    /// (`x-hookspec-known-invalid`): the reason.
    pub known_invalid: Option<&'static str>,
}

/// One documented response of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The spec's description of the response.
    pub description: &'static str,
    /// The body's schema as self-contained JSON Schema text (Draft 4), when a body is documented.
    pub schema: Option<&'static str>,
    /// Documented headers.
    pub headers: &'static [ResponseHeader],
    /// Named examples of the body.
    pub examples: &'static [Example],
    /// Set when the pages do not list this status and the spec adds it (`x-hookspec-added`): why.
    pub added: Option<&'static str>,
}

/// A webhook delivery an operation causes (an OpenAPI callback of the spec).
#[derive(Debug, Clone, Copy)]
pub struct Callback {
    /// The event (`ping`), sent as `X-GitHub-Event`.
    pub event: &'static str,
    /// Where it goes, as the spec's runtime expression (`{$request.body#/config/url}`).
    pub url: &'static str,
    /// The payload's schema as self-contained JSON Schema text (Draft 4).
    pub payload_schema: &'static str,
}

/// One operation of the spec.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// GitHub's operationId (`orgs/list-webhooks`).
    pub id: &'static str,
    /// The same operationId as a type, to match on.
    pub operation_id: OperationId,
    /// GitHub's documentation page for the operation, with its anchor (the spec's
    /// `externalDocs.url`); GitHub's error bodies point there.
    pub documentation_url: &'static str,
    /// Who may call it.
    pub access: Access,
    /// The OAuth scopes that let a classic token call it (`X-Accepted-OAuth-Scopes`).
    pub oauth_scopes: &'static [&'static str],
    /// The webhook deliveries it causes (the spec's `callbacks`).
    pub callbacks: &'static [Callback],
    /// The HTTP method in upper case.
    pub method: &'static str,
    /// The path template as on api.github.com (`/orgs/{org}/hooks/{hook_id}`); GHES serves it
    /// under `/api/v3`.
    pub path: &'static str,
    /// The one-line summary.
    pub summary: &'static str,
    /// The products where the operation exists.
    pub products: &'static [Product],
    /// Parameters (path, query, header).
    pub parameters: &'static [Parameter],
    /// The request body's schema as JSON Schema text, when the operation takes a body.
    pub request_schema: Option<&'static str>,
    /// Named examples of the request body.
    pub request_examples: &'static [Example],
    /// Documented responses, in ascending status order.
    pub responses: &'static [Response],
}

impl Operation {
    /// The documented response for `status`, if any.
    pub fn response(&self, status: u16) -> Option<&'static Response> {
        self.responses.iter().find(|r| r.status == status)
    }

    /// Whether the operation exists on `product`.
    pub fn available_on(&self, product: Product) -> bool {
        self.products.contains(&product)
    }

    /// The operation's path template split into its segments, parsed once for every
    /// operation of the table (and once per path for a row built elsewhere).
    pub fn segments(&self) -> &'static [Segment] {
        let index = self.operation_id as usize;
        match (TEMPLATES.get(index), OPERATIONS.get(index)) {
            (Some(segments), Some(row)) if std::ptr::eq(row, self) || row.path == self.path => {
                segments
            }
            _ => self.segments_of_a_foreign_row(),
        }
    }

    /// The segments of a row that is not the table's own (a test's hand-made table): parsed on
    /// first use and kept, one small allocation per distinct path.
    #[cold]
    fn segments_of_a_foreign_row(&self) -> &'static [Segment] {
        static PARSED: std::sync::Mutex<Vec<(&'static str, &'static [Segment])>> =
            std::sync::Mutex::new(Vec::new());
        let mut parsed = PARSED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, segments)) = parsed.iter().find(|(path, _)| *path == self.path) {
            return segments;
        }
        let segments: &'static [Segment] = Vec::leak(
            parse_template(self.path, |name| {
                self.parameters
                    .iter()
                    .any(|p| p.name == name && p.schema_type == "integer")
            })
            .collect(),
        );
        parsed.push((self.path, segments));
        segments
    }

    /// The names of the path's `{name}` parameters, in order.
    pub fn path_parameter_names(&self) -> impl Iterator<Item = &'static str> {
        self.segments().iter().filter_map(|segment| match segment {
            Segment::Literal(_) => None,
            Segment::Parameter { name, .. } => Some(*name),
        })
    }

    /// The path parameters when `path` (below any product prefix, query left off) fits this
    /// operation's template: each `{name}` with its raw, still percent-encoded segment. A
    /// parameter's segment is never empty, and an integer parameter's is ASCII digits.
    pub fn match_path<'p>(&self, path: &'p str) -> Option<Vec<(&'static str, &'p str)>> {
        let template = self.segments();
        let mut params = Vec::new();
        let mut segments = path.trim_start_matches('/').split('/');
        for part in template {
            let segment = segments.next()?;
            if !part.fits(segment) {
                return None;
            }
            if let Segment::Parameter { name, .. } = part {
                params.push((*name, segment));
            }
        }
        segments.next().is_none().then_some(params)
    }

    /// The path's segments below any product prefix, each `{name}` replaced by `value(name)`;
    /// the first error `value` returns stops it.
    pub fn fill_path<E>(
        &self,
        mut value: impl FnMut(&'static str) -> Result<String, E>,
    ) -> Result<Vec<String>, E> {
        self.segments()
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => Ok((*text).to_owned()),
                Segment::Parameter { name, .. } => value(name),
            })
            .collect()
    }

    /// Whether this operation's path is `parent`'s with one more `{parameter}` segment
    /// (`/orgs/{org}/hooks/{hook_id}` below `/orgs/{org}/hooks`): an item of that collection.
    pub fn is_item_of(&self, parent: &Operation) -> bool {
        match self.segments().split_last() {
            Some((Segment::Parameter { .. }, rest)) => rest == parent.segments(),
            _ => false,
        }
    }

    /// The parameter `name` at `location` when the spec documents it on `product`: the one
    /// rule for "is this parameter documented". A parameter exists on the products it lists
    /// (the generator fills in the operation's when the spec names none), so an empty list
    /// means no product.
    pub fn parameter(
        &self,
        location: ParameterLocation,
        name: &str,
        product: Product,
    ) -> Option<&'static Parameter> {
        self.parameters
            .iter()
            .find(|p| p.location == location && p.name == name && p.products.contains(&product))
    }

    /// Whether the operation changes server state (anything but GET).
    pub fn mutates(&self) -> bool {
        self.method != "GET"
    }
}

/// Text that names no operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown operation `{0}` (expected an operationId of the spec, such as `orgs/list-webhooks`)"
)]
pub struct UnknownOperation(pub String);

impl std::str::FromStr for OperationId {
    type Err = UnknownOperation;

    /// The operation the spec's operationId names (`orgs/list-webhooks`).
    fn from_str(id: &str) -> Result<Self, Self::Err> {
        find_operation(id)
            .map(|op| op.operation_id)
            .ok_or_else(|| UnknownOperation(id.to_owned()))
    }
}

impl std::fmt::Display for OperationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The operation with the spec operationId `id`, from the generated table.
pub fn find_operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}

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
static TEMPLATES: LazyLock<Vec<Vec<Segment>>> = LazyLock::new(|| {
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
