//! The intermediate model: what the emitters need from the spec, resolved, checked and in
//! spec order. Built once from a [`Spec`]; everything downstream reads only this.

use serde_json::Value;

use crate::error::{SpecError, SpecErrorKind, pointer_join};
use crate::json_schema;
use crate::spec::{self, Spec};

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
    /// Who may call it (`x-hookspec-access`): `org-owner` or `site-admin`.
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
pub const ACCESS_LEVELS: &[&str] = &["org-owner", "site-admin"];

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
    let schemas = match spec.raw.pointer("/components/schemas") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, schema)| SchemaIr {
                name: name.clone(),
                schema: schema.clone(),
                pointer: pointer_join("/components/schemas", name),
            })
            .collect(),
        _ => Vec::new(),
    };
    let ir = Ir {
        spec_name: spec_name.to_string(),
        products,
        operations,
        schemas,
    };
    check_examples(spec, &ir)?;
    Ok(ir)
}

fn products(spec: &Spec) -> Result<Vec<ProductIr>, SpecError> {
    let pointer = "/x-hookspec-products";
    let Some(Value::Object(map)) = spec.raw.pointer(pointer) else {
        return Err(spec.error(
            pointer,
            SpecErrorKind::Invalid(
                "the root needs an x-hookspec-products mapping (see spec/README.md)".into(),
            ),
        ));
    };
    let mut out = Vec::new();
    for (id, product) in map {
        let here = pointer_join(pointer, id);
        let title = product
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or(id)
            .to_string();
        let api_versions = string_list(
            spec,
            product.get("api-versions"),
            &pointer_join(&here, "api-versions"),
        )?
        .unwrap_or_default();
        let default_api_version = match product.get("default-api-version") {
            None => api_versions.first().cloned().unwrap_or_default(),
            Some(Value::String(version)) if api_versions.contains(version) => version.clone(),
            Some(other) => {
                return Err(spec.error(
                    pointer_join(&here, "default-api-version"),
                    SpecErrorKind::Invalid(format!(
                        "default-api-version {other} is not one of the product's api-versions {api_versions:?}"
                    )),
                ));
            }
        };
        let path_prefix = product
            .get("path-prefix")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let edition_of = product
            .get("edition-of")
            .and_then(Value::as_str)
            .map(str::to_string);
        let delivery_timeout_seconds = match product.get("delivery-timeout-seconds") {
            None => 10,
            Some(value) => value.as_u64().filter(|s| *s > 0).ok_or_else(|| {
                spec.error(
                    pointer_join(&here, "delivery-timeout-seconds"),
                    SpecErrorKind::Invalid(format!(
                        "delivery-timeout-seconds must be a whole number of seconds above 0, not {value}"
                    )),
                )
            })?,
        };
        out.push(ProductIr {
            id: id.clone(),
            title,
            api_versions,
            default_api_version,
            path_prefix,
            edition_of,
            delivery_timeout_seconds,
        });
    }
    let known: Vec<String> = out.iter().map(|p| p.id.clone()).collect();
    for product in &out {
        if let Some(parent) = &product.edition_of {
            check_products(
                spec,
                std::slice::from_ref(parent),
                &known,
                &pointer_join(&pointer_join(pointer, &product.id), "edition-of"),
            )?;
        }
    }
    Ok(out)
}

fn string_list(
    spec: &Spec,
    value: Option<&Value>,
    pointer: &str,
) -> Result<Option<Vec<String>>, SpecError> {
    let Some(value) = value else { return Ok(None) };
    let Value::Array(items) = value else {
        return Err(spec.error(
            pointer,
            SpecErrorKind::Invalid("expected a list of strings".into()),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_str().map(str::to_string).ok_or_else(|| {
                spec.error(
                    pointer_join(pointer, &index.to_string()),
                    SpecErrorKind::Invalid("expected a string".into()),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn check_products(
    spec: &Spec,
    list: &[String],
    known: &[String],
    pointer: &str,
) -> Result<(), SpecError> {
    for id in list {
        if !known.contains(id) {
            return Err(spec.error(
                pointer,
                SpecErrorKind::Invalid(format!(
                    "unknown product {id:?}; the root x-hookspec-products names {known:?}"
                )),
            ));
        }
    }
    Ok(())
}

/// Follows a `$ref` (if the node is one) and returns the target with its pointer.
fn deref<'a>(
    spec: &'a Spec,
    node: &'a Value,
    pointer: &str,
) -> Result<(&'a Value, String), SpecError> {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = spec.resolve_ref(reference).ok_or_else(|| {
                spec.error(
                    pointer_join(pointer, "$ref"),
                    SpecErrorKind::UnresolvedRef(reference.into()),
                )
            })?;
            Ok((target, reference.trim_start_matches('#').to_string()))
        }
        None => Ok((node, pointer.to_string())),
    }
}

fn text(node: &Value, key: &str) -> String {
    node.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn operation(
    spec: &Spec,
    path: &str,
    method: &str,
    item_pointer: &str,
    pointer: &str,
    all_products: &[String],
) -> Result<OperationIr, SpecError> {
    let raw = spec.raw.pointer(pointer).cloned().unwrap_or(Value::Null);
    let id = text(&raw, "operationId");
    let products = string_list(
        spec,
        raw.get("x-hookspec-products"),
        &pointer_join(pointer, "x-hookspec-products"),
    )?
    .unwrap_or_else(|| all_products.to_vec());
    check_products(
        spec,
        &products,
        all_products,
        &pointer_join(pointer, "x-hookspec-products"),
    )?;
    let documentation_url = raw
        .pointer("/externalDocs/url")
        .or_else(|| spec.raw.pointer("/externalDocs/url"))
        .and_then(Value::as_str)
        .unwrap_or("https://docs.github.com/rest")
        .to_string();
    let access = match raw.get("x-hookspec-access") {
        None => "org-owner".to_string(),
        Some(Value::String(access)) if ACCESS_LEVELS.contains(&access.as_str()) => access.clone(),
        Some(other) => {
            return Err(spec.error(
                pointer_join(pointer, "x-hookspec-access"),
                SpecErrorKind::Invalid(format!(
                    "x-hookspec-access {other} is not one of {ACCESS_LEVELS:?}"
                )),
            ));
        }
    };
    let oauth_scopes = string_list(
        spec,
        raw.get("x-hookspec-oauth-scopes"),
        &pointer_join(pointer, "x-hookspec-oauth-scopes"),
    )?
    .unwrap_or_default();
    let callbacks = callbacks(spec, &raw, pointer)?;
    let pagination = raw
        .get("x-hookspec-pagination")
        .and_then(Value::as_str)
        .map(str::to_string);

    let mut parameters = Vec::new();
    for list_pointer in [
        pointer_join(item_pointer, "parameters"),
        pointer_join(pointer, "parameters"),
    ] {
        let Some(Value::Array(list)) = spec.raw.pointer(&list_pointer) else {
            continue;
        };
        for (index, node) in list.iter().enumerate() {
            let here = pointer_join(&list_pointer, &index.to_string());
            let (param, param_pointer) = deref(spec, node, &here)?;
            let schema = param
                .get("schema")
                .cloned()
                .unwrap_or(Value::Object(Default::default()));
            let schema_pointer = pointer_join(&param_pointer, "schema");
            let json_schema = json_schema::document(spec, &schema, &schema_pointer)?;
            let param_products = string_list(
                spec,
                param.get("x-hookspec-products"),
                &pointer_join(&param_pointer, "x-hookspec-products"),
            )?
            .unwrap_or_else(|| products.clone());
            check_products(spec, &param_products, all_products, &param_pointer)?;
            parameters.push(ParameterIr {
                name: text(param, "name"),
                location: text(param, "in"),
                required: param
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                description: text(param, "description"),
                schema,
                json_schema,
                products: param_products,
                added: param
                    .get("x-hookspec-added")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
    }
    for param in parameters.iter().filter(|p| p.location == "path") {
        if !path.contains(&format!("{{{}}}", param.name)) {
            return Err(spec.error(
                pointer,
                SpecErrorKind::Invalid(format!(
                    "path parameter {:?} is not in the path {path:?}",
                    param.name
                )),
            ));
        }
    }

    let request = match raw.get("requestBody") {
        Some(node) => {
            let here = pointer_join(pointer, "requestBody");
            let (body, body_pointer) = deref(spec, node, &here)?;
            json_body(spec, body, &body_pointer)?
        }
        None => None,
    };

    let mut responses = Vec::new();
    if let Some(Value::Object(map)) = raw.get("responses") {
        for (status_text, node) in map {
            let here = pointer_join(&pointer_join(pointer, "responses"), status_text);
            let status: u16 = status_text
                .parse()
                .ok()
                .filter(|s| (100..600).contains(s))
                .ok_or_else(|| {
                    spec.error(
                        &here,
                        SpecErrorKind::Unsupported {
                            construct: format!("response key {status_text:?}"),
                            why: "responses must be keyed by explicit status codes".into(),
                        },
                    )
                })?;
            let added_here = node
                .get("x-hookspec-added")
                .and_then(Value::as_str)
                .map(str::to_string);
            let (response, response_pointer) = deref(spec, node, &here)?;
            let added = added_here.or_else(|| {
                response
                    .get("x-hookspec-added")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
            let mut headers = Vec::new();
            if let Some(Value::Object(header_map)) = response.get("headers") {
                for (name, header_node) in header_map {
                    let header_here =
                        pointer_join(&pointer_join(&response_pointer, "headers"), name);
                    let (header, _) = deref(spec, header_node, &header_here)?;
                    headers.push((
                        name.clone(),
                        header
                            .get("required")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    ));
                }
            }
            responses.push(ResponseIr {
                status,
                description: text(response, "description"),
                added,
                body: json_body(spec, response, &response_pointer)?,
                headers,
            });
        }
    }
    responses.sort_by_key(|r| r.status);

    Ok(OperationIr {
        id,
        method: method.to_uppercase(),
        path: path.to_string(),
        summary: text(&raw, "summary"),
        description: text(&raw, "description"),
        products,
        documentation_url,
        access,
        oauth_scopes,
        callbacks,
        pagination,
        parameters,
        request,
        responses,
        pointer: pointer.to_string(),
    })
}

/// An operation's callbacks: each `name: { expression: { post: { requestBody } } }` is a
/// delivery of event `name` with that body.
fn callbacks(spec: &Spec, raw: &Value, pointer: &str) -> Result<Vec<CallbackIr>, SpecError> {
    let Some(Value::Object(map)) = raw.get("callbacks") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (event, node) in map {
        let here = pointer_join(&pointer_join(pointer, "callbacks"), event);
        let (callback, callback_pointer) = deref(spec, node, &here)?;
        let Some(Value::Object(expressions)) = Some(callback) else {
            continue;
        };
        for (url, item) in expressions {
            let post_pointer = pointer_join(&pointer_join(&callback_pointer, url), "post");
            let body = item
                .pointer("/post/requestBody")
                .map(|node| deref(spec, node, &pointer_join(&post_pointer, "requestBody")))
                .transpose()?
                .map(|(body, body_pointer)| json_body(spec, body, &body_pointer))
                .transpose()?
                .flatten()
                .ok_or_else(|| {
                    spec.error(
                        &post_pointer,
                        SpecErrorKind::Invalid(
                            "a callback needs a post with a JSON requestBody (the delivery's payload)".into(),
                        ),
                    )
                })?;
            out.push(CallbackIr {
                event: event.clone(),
                url: url.clone(),
                body,
            });
        }
    }
    Ok(out)
}

/// The `application/json` content of a request body or response, if any.
fn json_body(spec: &Spec, holder: &Value, pointer: &str) -> Result<Option<BodyIr>, SpecError> {
    let Some(Value::Object(content)) = holder.get("content") else {
        return Ok(None);
    };
    let Some((media_type, media)) = content
        .iter()
        .find(|(k, _)| k.starts_with("application/json"))
    else {
        return Ok(None);
    };
    let media_pointer = pointer_join(&pointer_join(pointer, "content"), media_type);
    let Some(schema) = media.get("schema") else {
        return Err(spec.error(
            media_pointer,
            SpecErrorKind::Invalid("a JSON body needs a schema".into()),
        ));
    };
    let schema_pointer = pointer_join(&media_pointer, "schema");
    let json_schema = json_schema::document(spec, schema, &schema_pointer)?;
    if media.get("example").is_some() {
        return Err(spec.error(
            pointer_join(&media_pointer, "example"),
            SpecErrorKind::Unsupported {
                construct: "example".into(),
                why: "use named `examples` so cases can name them".into(),
            },
        ));
    }
    let mut examples = Vec::new();
    if let Some(Value::Object(map)) = media.get("examples") {
        for (name, node) in map {
            let here = pointer_join(&pointer_join(&media_pointer, "examples"), name);
            let (example, example_pointer) = deref(spec, node, &here)?;
            let Some(value) = example.get("value") else {
                return Err(spec.error(
                    example_pointer,
                    SpecErrorKind::Unsupported {
                        construct: "externalValue".into(),
                        why: "examples need an inline `value`".into(),
                    },
                ));
            };
            examples.push(ExampleIr {
                name: name.clone(),
                value: value.clone(),
                known_invalid: example
                    .get("x-hookspec-known-invalid")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                products: string_list(
                    spec,
                    example.get("x-hookspec-products"),
                    &pointer_join(&example_pointer, "x-hookspec-products"),
                )?,
                pointer: pointer_join(&example_pointer, "value"),
            });
        }
    }
    Ok(Some(BodyIr {
        schema: schema.clone(),
        schema_pointer,
        json_schema,
        examples,
    }))
}

/// Every example must validate against its schema, except those marked known-invalid, which must not.
fn check_examples(spec: &Spec, ir: &Ir) -> Result<(), SpecError> {
    for operation in &ir.operations {
        let bodies = operation
            .request
            .iter()
            .chain(operation.responses.iter().filter_map(|r| r.body.as_ref()));
        for body in bodies {
            let validator = json_schema::validator(&body.json_schema).map_err(|message| {
                spec.error(
                    &body.schema_pointer,
                    SpecErrorKind::Invalid(format!("the schema does not compile: {message}")),
                )
            })?;
            for example in &body.examples {
                let first_error = validator.iter_errors(&example.value).next();
                match (first_error, &example.known_invalid) {
                    (Some(error), None) => {
                        return Err(spec.error(
                            &example.pointer,
                            SpecErrorKind::InvalidExample {
                                operation: operation.id.clone(),
                                example: example.name.clone(),
                                instance_path: error.instance_path().to_string(),
                                message: error.to_string(),
                            },
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(spec.error(
                            &example.pointer,
                            SpecErrorKind::KnownInvalidPasses {
                                operation: operation.id.clone(),
                                example: example.name.clone(),
                            },
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}
