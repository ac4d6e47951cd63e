//! The intermediate model: what the emitters need from the spec, resolved, checked and in
//! spec order. Built once from a [`Spec`]; everything downstream reads only this.

use serde_json::Value;

mod examples;
pub(crate) mod operation;
mod products;

use crate::error::{SpecError, pointer_join};
use crate::spec::{self, Spec};

use examples::check_examples;
use operation::operation;
use products::products;

/// The whole model.
#[derive(Debug, Clone)]
pub struct Ir {
    /// The spec file as it should be named in generated headers (`spec/openapi.yaml`).
    pub spec_name: String,
    /// Products from the root `x-hookspec-products`, in spec order.
    pub products: Vec<ProductIr>,
    /// Operations in spec order (paths, then methods in a fixed order).
    pub operations: Vec<OperationIr>,
    /// Component schemas in spec order: name, OpenAPI schema, pointer.
    pub schemas: Vec<SchemaIr>,
}

/// One product or documentation edition.
#[derive(Debug, Clone)]
pub struct ProductIr {
    /// `dotcom`, `ghes`, `dotcom-legacy`.
    pub id: String,
    /// A human title.
    pub title: String,
    /// Supported `X-GitHub-Api-Version` values.
    pub api_versions: Vec<String>,
    /// The version a request that names none gets (`default-api-version`; defaults to the
    /// first of `api_versions`).
    pub default_api_version: String,
    /// `""` or `/api/v3`.
    pub path_prefix: String,
    /// For a documentation edition, the product that serves it (`edition-of`).
    pub edition_of: Option<String>,
    /// How long GitHub waits for a webhook receiver before it fails the delivery
    /// (`delivery-timeout-seconds`, default 10).
    pub delivery_timeout_seconds: u64,
    /// How many hooks of one owner may subscribe to one event (`hooks-per-event`, default 20).
    pub hooks_per_event: u64,
    /// For GitHub Enterprise Server, the version its deliveries name in
    /// `X-GitHub-Enterprise-Version` (`enterprise-version`).
    pub enterprise_version: Option<String>,
}

/// A component schema.
#[derive(Debug, Clone)]
pub struct SchemaIr {
    /// The component name (`org-hook`).
    pub name: String,
    /// The OpenAPI schema as written.
    pub schema: Value,
    /// `/components/schemas/<name>`.
    pub pointer: String,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct OperationIr {
    /// The operationId.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Product ids where it exists.
    pub products: Vec<String>,
    /// GitHub's documentation page for it, with anchor (`externalDocs.url`, else the root's).
    pub documentation_url: String,
    /// Who may call it (`x-hookspec-access`): `org-owner`, `site-admin`, `repo-admin` or `app`.
    pub access: String,
    /// The OAuth scopes that let a classic token call it (`x-hookspec-oauth-scopes`).
    pub oauth_scopes: Vec<String>,
    /// The webhook deliveries it causes (`callbacks`), in spec order.
    pub callbacks: Vec<CallbackIr>,
    /// `page`, `cursor`, or none.
    pub pagination: Option<String>,
    /// Parameters, path-level first, in spec order.
    pub parameters: Vec<ParameterIr>,
    /// The JSON request body.
    pub request: Option<BodyIr>,
    /// Responses in ascending status order.
    pub responses: Vec<ResponseIr>,
    /// `/paths/<path>/<method>`.
    pub pointer: String,
}

/// A webhook delivery an operation causes: an OpenAPI callback whose name is the event.
#[derive(Debug, Clone)]
pub struct CallbackIr {
    /// The event (`ping`): the callback's name.
    pub event: String,
    /// Where it goes (the callback's runtime expression).
    pub url: String,
    /// The payload's JSON body.
    pub body: BodyIr,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct ParameterIr {
    /// Wire name.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// Required flag.
    pub required: bool,
    /// Description.
    pub description: String,
    /// The OpenAPI schema.
    pub schema: Value,
    /// Its Draft 4 translation.
    pub json_schema: Value,
    /// Products where it exists (defaults to the operation's).
    pub products: Vec<String>,
    /// Why it was added, when the pages do not list it.
    pub added: Option<String>,
}

/// A JSON body: schema and named examples.
#[derive(Debug, Clone)]
pub struct BodyIr {
    /// The OpenAPI schema as written.
    pub schema: Value,
    /// Where the schema sits.
    pub schema_pointer: String,
    /// Its self-contained Draft 4 translation.
    pub json_schema: Value,
    /// Named examples in spec order.
    pub examples: Vec<ExampleIr>,
}

/// A named example.
#[derive(Debug, Clone)]
pub struct ExampleIr {
    /// Its name.
    pub name: String,
    /// Its value (`null` kept).
    pub value: Value,
    /// `x-hookspec-known-invalid`, when the documentation's example contradicts its schema.
    pub known_invalid: Option<String>,
    /// `x-hookspec-products` on the example, when it applies to some products only.
    pub products: Option<Vec<String>>,
    /// Where it sits.
    pub pointer: String,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct ResponseIr {
    /// Status code.
    pub status: u16,
    /// Description.
    pub description: String,
    /// `x-hookspec-added`.
    pub added: Option<String>,
    /// The JSON body, when documented.
    pub body: Option<BodyIr>,
    /// Documented headers: name and required flag.
    pub headers: Vec<(String, bool)>,
}

impl OperationIr {
    /// The response for `status`.
    pub fn response(&self, status: u16) -> Option<&ResponseIr> {
        self.responses.iter().find(|r| r.status == status)
    }

    /// The path parameters, in template order.
    pub fn path_parameters(&self) -> Vec<&ParameterIr> {
        let mut params: Vec<&ParameterIr> = self
            .parameters
            .iter()
            .filter(|p| p.location == "path")
            .collect();
        params.sort_by_key(|p| {
            self.path
                .find(&format!("{{{}}}", p.name))
                .unwrap_or(usize::MAX)
        });
        params
    }
}

/// The values `x-hookspec-access` may take: who GitHub lets call an operation.
pub const ACCESS_LEVELS: &[&str] = &["org-owner", "site-admin", "repo-admin", "app"];

/// Builds the model from a loaded spec; `spec_name` is how generated headers name the spec.
pub fn build(spec: &Spec, spec_name: &str) -> Result<Ir, SpecError> {
    let products = products(spec)?;
    let all_products: Vec<String> = products.iter().map(|p| p.id.clone()).collect();
    let mut operations = Vec::new();
    for (path, item) in spec.openapi.paths.paths.iter() {
        let item_pointer = pointer_join("/paths", path);
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, _) in spec::methods(item) {
            let pointer = pointer_join(&item_pointer, method);
            operations.push(operation(
                spec,
                path,
                method,
                &item_pointer,
                &pointer,
                &all_products,
            )?);
        }
    }
    let schemas = component_schemas(spec);
    let ir = Ir {
        spec_name: spec_name.to_string(),
        products,
        operations,
        schemas,
    };
    check_examples(spec, &ir)?;
    Ok(ir)
}

/// The spec's `components/schemas`, each with its JSON pointer.
pub(crate) fn component_schemas(spec: &Spec) -> Vec<SchemaIr> {
    match spec.raw.pointer("/components/schemas") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, schema)| SchemaIr {
                name: name.clone(),
                schema: schema.clone(),
                pointer: pointer_join("/components/schemas", name),
            })
            .collect(),
        _ => Vec::new(),
    }
}
