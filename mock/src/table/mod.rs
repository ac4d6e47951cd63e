//! The types of the generated tables: every operation ([`OPERATIONS`]) and every product
//! ([`PRODUCTS`]) of the spec, written by `cargo xtask gen` and read at run time by the fake,
//! the typed stubs and the conformance runner, so that none of them restates what the spec says.

pub use crate::generated::operations::{OPERATION_IDS, OPERATIONS, OperationId};
pub use crate::generated::products::{PRODUCTS, Product};

mod control;
mod template;
mod webhooks;

pub use control::{
    CONTROL_OPERATIONS, ControlOperation, ControlOperationId, ControlRoute, route_control,
};
use template::TEMPLATES;
pub use template::{Routed, Segment, parse_template, route, route_below_prefix};
pub use webhooks::{
    Receivers, WEBHOOK_EVENTS, WebhookAction, WebhookEvent, webhook_event, webhook_schemas_json,
};

/// Who GitHub lets call an operation (the spec's `x-hookspec-access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// An organization owner (`org-owner`); others get 404, as GitHub hides the endpoint.
    OrganizationOwner,
    /// A GHES site administrator (`site-admin`); others get 404.
    SiteAdmin,
    /// A repository owner or admin (`repo-admin`); a token that can only read the repository
    /// gets 404, as GitHub hides the endpoint.
    RepositoryAdmin,
    /// The GitHub App itself (`app`), authenticated with a JSON Web Token signed by its private
    /// key (`x-hookspec-auth: jwt`), never a user's token.
    App,
}

/// One row of the product table ([`PRODUCTS`]): a product (or documentation
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
    /// How many hooks of one repository, organization (or the global hooks) may subscribe to
    /// one event.
    pub hooks_per_event: usize,
    /// For GitHub Enterprise Server, the version its deliveries name in
    /// `X-GitHub-Enterprise-Version`; `None` elsewhere.
    pub enterprise_version: Option<&'static str>,
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

    /// How many hooks of one owner may subscribe to one event on this product.
    pub fn hooks_per_event(self) -> usize {
        self.info().hooks_per_event
    }

    /// The GitHub Enterprise Server version deliveries name, on GHES.
    pub fn enterprise_version(self) -> Option<&'static str> {
        self.info().enterprise_version
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
