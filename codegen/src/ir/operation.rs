//! One operation of the spec as an [`OperationIr`]: parameters, bodies, responses, callbacks
//! and examples (checked against their schemas in [`super::examples`]).

use serde_json::Value;

use super::products::{check_products, string_list};
use super::{ACCESS_LEVELS, BodyIr, CallbackIr, ExampleIr, OperationIr, ParameterIr, ResponseIr};
use crate::error::{SpecError, SpecErrorKind, pointer_join};
use crate::json_schema;
use crate::spec::Spec;

/// Follows a `$ref` (if the node is one) and returns the target with its pointer.
pub(crate) fn deref<'a>(
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

/// Builds the [`OperationIr`] of `method` on `path` from the operation at `pointer` (its path
/// item at `item_pointer`).
pub(super) fn operation(
    spec: &Spec,
    path: &str,
    method: &str,
    item_pointer: &str,
    pointer: &str,
    all_products: &[String],
) -> Result<OperationIr, SpecError> {
    let raw = spec.raw.pointer(pointer).cloned().unwrap_or(Value::Null);
    let id = text(&raw, "operationId");
    let products = operation_products(spec, &raw, pointer, all_products)?;
    let documentation_url = documentation_url(spec, &raw);
    let access = access(spec, &raw, pointer)?;
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
    let parameters = parameters(spec, item_pointer, pointer, &products, all_products)?;
    check_path_parameters(spec, path, pointer, &parameters)?;
    let request = request_body(spec, &raw, pointer)?;
    let responses = responses(spec, &raw, pointer)?;

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

/// The operation's `x-hookspec-products` (all products when it names none), checked against
/// the root's.
fn operation_products(
    spec: &Spec,
    raw: &Value,
    pointer: &str,
    all_products: &[String],
) -> Result<Vec<String>, SpecError> {
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
    Ok(products)
}

/// The operation's `externalDocs.url`, else the root's, else GitHub's REST documentation.
fn documentation_url(spec: &Spec, raw: &Value) -> String {
    raw.pointer("/externalDocs/url")
        .or_else(|| spec.raw.pointer("/externalDocs/url"))
        .and_then(Value::as_str)
        .unwrap_or("https://docs.github.com/rest")
        .to_string()
}

/// The operation's `x-hookspec-access` (`org-owner` when absent), one of [`ACCESS_LEVELS`].
fn access(spec: &Spec, raw: &Value, pointer: &str) -> Result<String, SpecError> {
    match raw.get("x-hookspec-access") {
        None => Ok("org-owner".to_string()),
        Some(Value::String(access)) if ACCESS_LEVELS.contains(&access.as_str()) => {
            check_auth(spec, raw, pointer, access)?;
            Ok(access.clone())
        }
        Some(other) => Err(spec.error(
            pointer_join(pointer, "x-hookspec-access"),
            SpecErrorKind::Invalid(format!(
                "x-hookspec-access {other} is not one of {ACCESS_LEVELS:?}"
            )),
        )),
    }
}

/// `x-hookspec-auth: jwt` (authenticated as the GitHub App with a JSON Web Token) goes with
/// access `app` and only with it: the table's `Access::App` then stands for both.
fn check_auth(spec: &Spec, raw: &Value, pointer: &str, access: &str) -> Result<(), SpecError> {
    let jwt = match raw.get("x-hookspec-auth") {
        None => false,
        Some(Value::String(auth)) if auth == "jwt" => true,
        Some(other) => {
            return Err(spec.error(
                pointer_join(pointer, "x-hookspec-auth"),
                SpecErrorKind::Invalid(format!("x-hookspec-auth {other} is not \"jwt\"")),
            ));
        }
    };
    if jwt != (access == "app") {
        return Err(spec.error(
            pointer_join(pointer, "x-hookspec-auth"),
            SpecErrorKind::Invalid(format!(
                "x-hookspec-auth: jwt goes with x-hookspec-access: app (here {access}, jwt {jwt})"
            )),
        ));
    }
    Ok(())
}

/// The path item's parameter nodes (each a parameter or a `$ref` to one), then the
/// operation's at `pointer`, in spec order, each with its pointer: how every reader of an
/// operation's parameters walks them.
pub(crate) fn parameter_nodes<'s>(
    spec: &'s Spec,
    item_pointer: &str,
    pointer: &str,
) -> Vec<(&'s Value, String)> {
    let mut nodes = Vec::new();
    for list_pointer in [
        pointer_join(item_pointer, "parameters"),
        pointer_join(pointer, "parameters"),
    ] {
        let Some(Value::Array(list)) = spec.raw.pointer(&list_pointer) else {
            continue;
        };
        for (index, node) in list.iter().enumerate() {
            nodes.push((node, pointer_join(&list_pointer, &index.to_string())));
        }
    }
    nodes
}

/// The path item's parameters, then the operation's, in spec order.
fn parameters(
    spec: &Spec,
    item_pointer: &str,
    pointer: &str,
    products: &[String],
    all_products: &[String],
) -> Result<Vec<ParameterIr>, SpecError> {
    parameter_nodes(spec, item_pointer, pointer)
        .into_iter()
        .map(|(node, here)| parameter(spec, node, &here, products, all_products))
        .collect()
}

/// One parameter (or `$ref` to one) at `here`: its schema and Draft 4 translation, and its
/// products (the operation's `products` unless it names its own).
fn parameter(
    spec: &Spec,
    node: &Value,
    here: &str,
    products: &[String],
    all_products: &[String],
) -> Result<ParameterIr, SpecError> {
    let (param, param_pointer) = deref(spec, node, here)?;
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
    .unwrap_or_else(|| products.to_vec());
    check_products(spec, &param_products, all_products, &param_pointer)?;
    Ok(ParameterIr {
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
    })
}

/// Every path parameter must appear as `{name}` in the path template.
fn check_path_parameters(
    spec: &Spec,
    path: &str,
    pointer: &str,
    parameters: &[ParameterIr],
) -> Result<(), SpecError> {
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
    Ok(())
}

/// The JSON content of the operation's `requestBody` (or `$ref` to one), if any.
fn request_body(spec: &Spec, raw: &Value, pointer: &str) -> Result<Option<BodyIr>, SpecError> {
    match raw.get("requestBody") {
        Some(node) => {
            let here = pointer_join(pointer, "requestBody");
            let (body, body_pointer) = deref(spec, node, &here)?;
            json_body(spec, body, &body_pointer)
        }
        None => Ok(None),
    }
}

/// The operation's `responses`, in ascending status order.
fn responses(spec: &Spec, raw: &Value, pointer: &str) -> Result<Vec<ResponseIr>, SpecError> {
    let mut responses = Vec::new();
    if let Some(Value::Object(map)) = raw.get("responses") {
        for (status_text, node) in map {
            let here = pointer_join(&pointer_join(pointer, "responses"), status_text);
            responses.push(response(spec, status_text, node, &here)?);
        }
    }
    responses.sort_by_key(|r| r.status);
    Ok(responses)
}

/// The response (or `$ref` to one) at `here`, keyed by `status_text`, which must be an explicit
/// status code; its `x-hookspec-added` may sit on the `$ref` or on the target.
fn response(
    spec: &Spec,
    status_text: &str,
    node: &Value,
    here: &str,
) -> Result<ResponseIr, SpecError> {
    let status: u16 = status_text
        .parse()
        .ok()
        .filter(|s| (100..600).contains(s))
        .ok_or_else(|| {
            spec.error(
                here,
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
    let (response, response_pointer) = deref(spec, node, here)?;
    let added = added_here.or_else(|| {
        response
            .get("x-hookspec-added")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    let headers = response_headers(spec, response, &response_pointer)?;
    Ok(ResponseIr {
        status,
        description: text(response, "description"),
        added,
        body: json_body(spec, response, &response_pointer)?,
        headers,
    })
}

/// A response's documented `headers` (each may be a `$ref`): name and required flag.
fn response_headers(
    spec: &Spec,
    response: &Value,
    response_pointer: &str,
) -> Result<Vec<(String, bool)>, SpecError> {
    let mut headers = Vec::new();
    if let Some(Value::Object(header_map)) = response.get("headers") {
        for (name, header_node) in header_map {
            let header_here = pointer_join(&pointer_join(response_pointer, "headers"), name);
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
    Ok(headers)
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
