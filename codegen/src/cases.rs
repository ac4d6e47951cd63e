//! Emits conformance cases: one YAML file per operation and named 2xx example, with the setup
//! steps the operation needs (a hook to work on, a delivery to read) derived from the spec's
//! own paths, in the format of `conformance/CASES.md`.

use serde_json::{Map, Value, json};

use crate::error::{SpecError, SpecErrorKind};
use crate::ir::{ExampleIr, Ir, OperationIr};
use crate::spec::Spec;

/// Target products a case can run on (the documentation-only editions are not targets).
const TARGETS: &[&str] = &["dotcom", "ghes"];

/// One generated case file: its path below `conformance/cases/generated/` and its text.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// Relative path, e.g. `orgs/get-webhook/default.yaml`.
    pub path: String,
    /// YAML text (without the generated header).
    pub text: String,
}

/// Builds every case of the spec.
pub fn emit(spec: &Spec, ir: &Ir) -> Result<Vec<CaseFile>, SpecError> {
    let mut files = Vec::new();
    for op in &ir.operations {
        for response in op
            .responses
            .iter()
            .filter(|r| (200..300).contains(&r.status))
        {
            let Some(body) = &response.body else { continue };
            for example in &body.examples {
                let products: Vec<&str> = TARGETS
                    .iter()
                    .copied()
                    .filter(|t| op.products.iter().any(|p| p == t))
                    .filter(|t| {
                        example
                            .products
                            .as_ref()
                            .is_none_or(|list| list.iter().any(|p| p == t))
                    })
                    .collect();
                if products.is_empty() {
                    continue;
                }
                let case = build_case(spec, ir, op, response.status, example, &products)?;
                let file_name = if response.status == success_status(op) {
                    format!("{}.yaml", example.name)
                } else {
                    format!("{}-{}.yaml", response.status, example.name)
                };
                let text = serde_yaml::to_string(&case).map_err(|e| {
                    spec.error(
                        &example.pointer,
                        SpecErrorKind::Invalid(format!("cannot write the case as YAML: {e}")),
                    )
                })?;
                files.push(CaseFile {
                    path: format!("{}/{}", op.id, file_name),
                    text,
                });
            }
        }
    }
    Ok(files)
}

fn success_status(op: &OperationIr) -> u16 {
    op.responses
        .iter()
        .map(|r| r.status)
        .find(|s| (200..300).contains(s))
        .unwrap_or(200)
}

/// The operation with `method` on `path`, if the spec has one.
fn find<'a>(ir: &'a Ir, method: &str, path: &str) -> Option<&'a OperationIr> {
    ir.operations
        .iter()
        .find(|op| op.method == method && op.path == path)
}

/// The collection path a `{param}` belongs to: `/orgs/{org}/hooks/{hook_id}/x` → `/orgs/{org}/hooks`.
fn collection_of<'p>(path: &'p str, param: &str) -> Option<&'p str> {
    let marker = format!("/{{{param}}}");
    path.find(&marker).map(|index| &path[..index])
}

fn setup_error(spec: &Spec, op: &OperationIr, what: &str) -> SpecError {
    spec.error(
        &op.pointer,
        SpecErrorKind::Invalid(format!(
            "cannot generate a conformance case for {}: {what}",
            op.id
        )),
    )
}

/// Replaces the URL a request sets for deliveries with the runner's marker, so that everything
/// a case creates is recognisable. Returns whether anything was replaced.
fn mark(body: &mut Value) -> bool {
    let Value::Object(map) = body else {
        return false;
    };
    let mut marked = false;
    if let Some(Value::Object(config)) = map.get_mut("config") {
        if config.contains_key("url") {
            config.insert("url".into(), json!("${marker_url}"));
            marked = true;
        }
    }
    if map.contains_key("url") && !map.contains_key("config") {
        map.insert("url".into(), json!("${marker_url}"));
        marked = true;
    }
    marked
}

fn default_request(op: &OperationIr) -> Option<&ExampleIr> {
    op.request.as_ref().and_then(|body| {
        body.examples
            .iter()
            .find(|e| e.name == "default")
            .or(body.examples.first())
    })
}

/// The case for `example` of `op`'s `status` response on `products`: the setup steps the
/// operation's path needs, then the operation itself.
fn build_case(
    spec: &Spec,
    ir: &Ir,
    op: &OperationIr,
    status: u16,
    example: &ExampleIr,
    products: &[&str],
) -> Result<Value, SpecError> {
    let mut steps = setup_steps(spec, ir, op)?;
    let mut notes = Vec::new();
    steps.push(main_step(spec, op, status, example, &mut notes));
    let read_only = is_read_only(ir, &steps);
    Ok(json!({
        "description": description(op, status, example, &notes),
        "products": products,
        "read_only": read_only,
        "steps": steps,
    }))
}

/// The steps before the operation: a hook to work on when its path has `{hook_id}`, and a
/// delivery to read when it also has `{delivery_id}`.
fn setup_steps(spec: &Spec, ir: &Ir, op: &OperationIr) -> Result<Vec<Value>, SpecError> {
    let mut steps = Vec::new();
    let path_params: Vec<String> = op
        .path_parameters()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    if path_params.iter().any(|p| p == "hook_id") {
        let collection = collection_of(&op.path, "hook_id")
            .ok_or_else(|| setup_error(spec, op, "no hook collection"))?;
        steps.push(create_hook_step(spec, ir, op, collection)?);
        if path_params.iter().any(|p| p == "delivery_id") {
            steps.extend(delivery_steps(spec, ir, op, collection)?);
        }
    } else if path_params.iter().any(|p| p == "delivery_id") {
        // A hook with no id of its own (a GitHub App's one hook) cannot be made or pinged
        // through the API: its deliveries are listed, and the newest taken.
        steps.push(find_delivery_step(spec, ir, op)?);
    }
    Ok(steps)
}

/// The operation that lists the deliveries `op` names one of.
fn deliveries_list<'a>(
    spec: &Spec,
    ir: &'a Ir,
    op: &OperationIr,
) -> Result<&'a OperationIr, SpecError> {
    let deliveries_path = collection_of(&op.path, "delivery_id")
        .ok_or_else(|| setup_error(spec, op, "no delivery collection"))?;
    find(ir, "GET", deliveries_path).ok_or_else(|| {
        setup_error(
            spec,
            op,
            &format!("no GET {deliveries_path} to find a delivery"),
        )
    })
}

/// The step that lists the deliveries `op` names one of and captures the newest's id.
fn find_delivery_step(spec: &Spec, ir: &Ir, op: &OperationIr) -> Result<Value, SpecError> {
    let list = deliveries_list(spec, ir, op)?;
    Ok(json!({
        "name": "find a delivery of the hook",
        "operation": list.id,
        "expect": { "status": success_status(list), "capture": { "delivery_id": "body:/0/id" } },
    }))
}

/// The step that creates the hook `op` works on, with the `POST` on the hook `collection` and
/// its request example (URL marked), capturing `hook_id`.
fn create_hook_step(
    spec: &Spec,
    ir: &Ir,
    op: &OperationIr,
    collection: &str,
) -> Result<Value, SpecError> {
    let create = find(ir, "POST", collection).ok_or_else(|| {
        setup_error(
            spec,
            op,
            &format!("no POST {collection} to create a hook with"),
        )
    })?;
    let mut body = default_request(create)
        .map(|e| e.value.clone())
        .ok_or_else(|| {
            setup_error(
                spec,
                op,
                &format!("{} has no request example to create a hook with", create.id),
            )
        })?;
    mark(&mut body);
    Ok(json!({
        "name": format!("create a hook to work on ({} example)", create.id),
        "operation": create.id,
        "body": body,
        "expect": { "status": success_status(create), "capture": { "hook_id": "body:/id" } },
    }))
}

/// The steps that give the hook of `collection` a delivery (a ping) and capture its
/// `delivery_id` from the list of deliveries.
fn delivery_steps(
    spec: &Spec,
    ir: &Ir,
    op: &OperationIr,
    collection: &str,
) -> Result<[Value; 2], SpecError> {
    let hook_path = format!("{collection}/{{hook_id}}");
    let ping = find(ir, "POST", &format!("{hook_path}/pings"))
        .ok_or_else(|| setup_error(spec, op, "no ping operation to cause a delivery"))?;
    let list = deliveries_list(spec, ir, op)?;
    Ok([
        json!({
            "name": "ping the hook so that it has a delivery",
            "operation": ping.id,
            "expect": { "status": success_status(ping) },
        }),
        // A real server records the delivery a little after the ping answers.
        json!({
            "name": "find the delivery",
            "operation": list.id,
            "retry": { "attempts": 10, "delay_ms": 500 },
            "expect": { "status": success_status(list), "capture": { "delivery_id": "body:/0/id" } },
        }),
    ])
}

/// The step that calls `op` itself: its request body (the example's namesake, else the
/// default) and what to expect of the `status` response; adds to `notes` what it leaves out.
fn main_step(
    spec: &Spec,
    op: &OperationIr,
    status: u16,
    example: &ExampleIr,
    notes: &mut Vec<&'static str>,
) -> Value {
    let mut main = Map::new();
    main.insert(
        "name".into(),
        json!(format!("{} {} ({})", op.method, op.path, example.name)),
    );
    main.insert("operation".into(), json!(op.id));
    if let Some(body) = request_body(op, example, notes) {
        main.insert("body".into(), body);
    }
    main.insert(
        "expect".into(),
        Value::Object(expectation(spec, op, status, example, notes)),
    );
    Value::Object(main)
}

/// The request body for `example`: the request example of the same name, else the default
/// one, with its delivery URL marked (noted in `notes`).
fn request_body(
    op: &OperationIr,
    example: &ExampleIr,
    notes: &mut Vec<&'static str>,
) -> Option<Value> {
    let request = op.request.as_ref()?;
    let chosen = request
        .examples
        .iter()
        .find(|e| e.name == example.name)
        .or_else(|| default_request(op))?;
    let mut body = chosen.value.clone();
    if mark(&mut body) {
        notes.push("the request's delivery URL is replaced by the runner's marker URL");
    }
    Some(body)
}

/// The `expect` of the main step: the `status`, and the example as a partial body with its
/// not-compared pointers ignored, unless only the schema can be checked (said in `notes`).
fn expectation(
    spec: &Spec,
    op: &OperationIr,
    status: u16,
    example: &ExampleIr,
    notes: &mut Vec<&'static str>,
) -> Map<String, Value> {
    let mut expect = Map::new();
    expect.insert("status".into(), json!(status));
    let response_schema = op
        .response(status)
        .and_then(|r| r.body.as_ref())
        .map(|b| &b.schema);
    match (&example.known_invalid, &example.value, response_schema) {
        (Some(_), _, _) => notes
            .push("the documented example contradicts its schema, so only the schema is checked"),
        (None, Value::Array(_), _) => notes.push(
            "a list holds whatever the server has, so only the schema is checked, not the example",
        ),
        (None, value, Some(schema)) => {
            let mut ignore = Vec::new();
            not_compared(spec, schema, value, "", &mut ignore);
            expect.insert("body".into(), value.clone());
            expect.insert("partial".into(), json!(true));
            if !ignore.is_empty() {
                expect.insert("ignore".into(), json!(ignore));
            }
        }
        (None, _, None) => {}
    }
    expect
}

/// Whether every step calls a `GET` operation.
fn is_read_only(ir: &Ir, steps: &[Value]) -> bool {
    steps.iter().all(|step| {
        step.get("operation")
            .and_then(Value::as_str)
            .and_then(|id| ir.operations.iter().find(|o| o.id == id))
            .is_some_and(|o| o.method == "GET")
    })
}

/// The case's description: which example of which operation it checks, then the `notes`.
fn description(op: &OperationIr, status: u16, example: &ExampleIr, notes: &[&str]) -> String {
    let mut description = format!(
        "The spec's {:?} example of {} ({} {}, status {status}).",
        example.name, op.id, op.method, op.path
    );
    for note in notes {
        description.push_str(&format!(" Note: {note}."));
    }
    description
}

/// JSON pointers of `value` whose schema says `x-hookspec-compare: false` (the server assigns
/// them, or the runner sets them to its marker).
fn not_compared(spec: &Spec, schema: &Value, value: &Value, pointer: &str, out: &mut Vec<String>) {
    let resolved = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.resolve_ref(reference).unwrap_or(schema),
        None => schema,
    };
    if schema.get("x-hookspec-compare") == Some(&Value::Bool(false))
        || resolved.get("x-hookspec-compare") == Some(&Value::Bool(false))
    {
        out.push(pointer.to_string());
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if let Some(property) = resolved.get("properties").and_then(|p| p.get(key)) {
                    let escaped = crate::error::escape_pointer_segment(key);
                    not_compared(spec, property, item, &format!("{pointer}/{escaped}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = resolved.get("items") {
                for (index, item) in items.iter().enumerate() {
                    not_compared(spec, item_schema, item, &format!("{pointer}/{index}"), out);
                }
            }
        }
        _ => {}
    }
}
