//! Every answer the fake gives, in a scenario that walks every operation on both products
//! through success and error paths, has a status the spec documents for that operation and a
//! body that validates against the spec's schema for it (`hookspec_mock::table::OPERATIONS`, JSON
//! Schema Draft 4, formats checked). Faults and unsupported API versions are left out: they
//! are GitHub behaviour the spec does not describe.

use std::collections::BTreeMap;

use hookspec_mock::Product;
use hookspec_mock::table::Operation;
use hookspec_mock::table::{OPERATION_IDS, OPERATIONS};
use hookspec_mock::{DeliverySeed, HookSeed};
use hookspec_mock::{Fake, FakeRequest, FakeResponse};
use serde_json::{Value, json};

const BASE: &str = "http://127.0.0.1:4010";

fn fail_loudly_if_the_table_is_empty() {
    assert!(
        !OPERATIONS.is_empty(),
        "operation table is empty: crate::OPERATIONS has no operations, so no response can be checked \
         against the spec; regenerate it with `cargo xtask gen`"
    );
}

/// The operation a request addresses according to the spec's own path templates.
fn spec_operation(method: &str, path: &str) -> Option<(&'static Operation, Product)> {
    let (product, below) = match path.strip_prefix("/api/v3") {
        Some(rest) if rest.starts_with('/') => (Product::Ghes, rest),
        _ => (Product::Dotcom, path),
    };
    let segments: Vec<&str> = below.split('/').collect();
    OPERATIONS
        .iter()
        .find(|op| {
            let template: Vec<&str> = op.path.split('/').collect();
            op.method == method
                && template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
        })
        .map(|op| (op, product))
}

struct Checker {
    fake: Fake,
    validators: BTreeMap<(&'static str, u16), jsonschema::Validator>,
    failures: Vec<String>,
    checked: BTreeMap<(&'static str, u16), usize>,
}

impl Checker {
    fn new() -> Self {
        Checker {
            fake: Fake::default(),
            validators: BTreeMap::new(),
            failures: Vec::new(),
            checked: BTreeMap::new(),
        }
    }

    fn call(&mut self, method: &str, path: &str, body: Option<Value>) -> FakeResponse {
        self.call_as(method, path, body, Some("token t"))
    }

    fn call_raw(&mut self, method: &str, path: &str, body: &[u8]) -> FakeResponse {
        let request = FakeRequest::new(method, BASE, path)
            .with_header("Authorization", "token t")
            .with_body(body.to_vec());
        self.check(&request)
    }

    fn call_as(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
        authorization: Option<&str>,
    ) -> FakeResponse {
        let mut request = FakeRequest::new(method, BASE, path)
            .with_header("Accept", "application/vnd.github+json");
        if let Some(authorization) = authorization {
            request = request.with_header("Authorization", authorization);
        }
        if let Some(body) = body {
            request = request.with_body(body.to_string());
        }
        self.check(&request)
    }

    fn check(&mut self, request: &FakeRequest) -> FakeResponse {
        let response = self.fake.handle(request);
        let what = format!("{} {} -> {}", request.method, request.path, response.status);
        let Some((operation, product)) = spec_operation(&request.method, &request.path) else {
            self.failures.push(format!(
                "{what}: no operation in the spec has this method and path"
            ));
            return response;
        };
        if !operation.available_on(product) {
            if response.status != 404 {
                self.failures.push(format!(
                    "{what}: {} does not exist on {product:?}, yet the fake answered",
                    operation.id
                ));
            }
            return response;
        }
        *self
            .checked
            .entry((operation.id, response.status))
            .or_default() += 1;
        let Some(documented) = operation.response(response.status) else {
            self.failures.push(format!(
                "{what}: status not documented for {}",
                operation.id
            ));
            return response;
        };
        match documented.schema {
            None => {
                if !response.body.is_empty() {
                    self.failures
                        .push(format!("{what}: a body where the spec documents none"));
                }
            }
            Some(schema) => {
                let key = (operation.id, response.status);
                let validator = self.validators.entry(key).or_insert_with(|| {
                    let schema: Value =
                        serde_json::from_str(schema).expect("schemas in the table are JSON");
                    jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft4)
                        .should_validate_formats(true)
                        .build(&schema)
                        .expect("schemas in the table compile")
                });
                match serde_json::from_slice::<Value>(&response.body) {
                    Err(error) => self
                        .failures
                        .push(format!("{what}: body is not JSON ({error})")),
                    Ok(body) => {
                        let errors: Vec<String> = validator
                            .iter_errors(&body)
                            .map(|e| format!("{} at {}", e, e.instance_path()))
                            .collect();
                        if !errors.is_empty() {
                            self.failures.push(format!(
                                "{what} ({}): {}\n    body: {body}",
                                operation.id,
                                errors.join("; ")
                            ));
                        }
                    }
                }
            }
        }
        response
    }
}

fn id_of(response: &FakeResponse) -> u64 {
    response
        .json()
        .and_then(|body| body["id"].as_u64())
        .unwrap_or(0)
}

/// Every organization or repository hook operation under `hooks` (a collection path), through
/// success and error paths.
fn walk_hooks(checker: &mut Checker, hooks: &str) {
    let hooks = hooks.to_owned();
    let full = json!({
        "name": "web", "active": true, "events": ["push", "pull_request"],
        "config": { "url": "http://example.com/webhook", "content_type": "json", "secret": "s", "insecure_ssl": 0 }
    });
    let id = id_of(&checker.call("POST", &hooks, Some(full)));
    let minimal = id_of(&checker.call(
        "POST",
        &hooks,
        Some(json!({ "name": "web", "config": { "url": "https://example.com" } })),
    ));
    let hook = format!("{hooks}/{id}");
    let missing_hook = format!("{hooks}/999999");
    checker.call("GET", &hooks, None);
    checker.call("GET", &format!("{hooks}?per_page=1&page=2"), None);
    checker.call("GET", &format!("{hooks}?page=9"), None);
    checker.call("GET", &hook, None);
    checker.call(
        "PATCH",
        &hook,
        Some(json!({ "active": true, "events": ["pull_request"] })),
    );
    checker.call(
        "PATCH",
        &hook,
        Some(json!({ "config": { "url": "https://example.com/new", "secret": "n" } })),
    );
    checker.call("GET", &format!("{hook}/config"), None);
    checker.call(
        "PATCH",
        &format!("{hook}/config"),
        Some(json!({ "content_type": "json", "insecure_ssl": "0", "secret": "********" })),
    );
    checker.call("PATCH", &format!("{hook}/config"), None);
    checker.call("POST", &format!("{hook}/pings"), None);
    let seeded = checker.fake.state().insert_delivery(
        id,
        DeliverySeed::new("issues")
            .action("opened")
            .status_code(500)
            .repository_id(456),
    );
    let delivery = seeded.unwrap_or(0);
    checker.call("GET", &format!("{hook}/deliveries"), None);
    checker.call(
        "GET",
        &format!("{hook}/deliveries?per_page=1&status=failure"),
        None,
    );
    checker.call("GET", &format!("{hook}/deliveries/{delivery}"), None);
    checker.call(
        "POST",
        &format!("{hook}/deliveries/{delivery}/attempts"),
        None,
    );
    checker.call("GET", &format!("{hook}/deliveries?redelivery=true"), None);

    // Errors.
    checker.call(
        "POST",
        &hooks,
        Some(json!({ "name": "email", "config": {} })),
    );
    checker.call("POST", &hooks, Some(json!({ "name": "web", "config": { "url": "https://e.com", "content_type": "x" }, "events": [1] })));
    checker.call_raw("POST", &hooks, b"{not json");
    checker.call_raw("PATCH", &hook, b"[]");
    checker.call_raw("PATCH", &format!("{hook}/config"), b"nope");
    checker.call("PATCH", &hook, Some(json!({ "active": "yes" })));
    checker.call("GET", &format!("{hook}/deliveries?status=maybe"), None);
    checker.call("GET", &format!("{hook}/deliveries?cursor=bad"), None);
    checker.call("GET", &hooks.replace("octocat", "no-such-org"), None);
    if hooks.contains("/repos/") {
        checker.call("POST", &format!("{hook}/tests"), None);
        checker.call(
            "PATCH",
            &hook,
            Some(json!({ "add_events": ["issues"], "remove_events": ["push"] })),
        );
        checker.call("PATCH", &hook, Some(json!({ "add_events": "issues" })));
        checker.call("POST", &format!("{missing_hook}/tests"), None);
        checker.call_as("POST", &format!("{hook}/tests"), None, None);
    }
    let missing = missing_hook;
    for (method, path) in [
        ("GET", missing.clone()),
        ("PATCH", missing.clone()),
        ("DELETE", missing.clone()),
        ("GET", format!("{missing}/config")),
        ("PATCH", format!("{missing}/config")),
        ("GET", format!("{missing}/deliveries")),
        ("GET", format!("{missing}/deliveries/1")),
        ("POST", format!("{missing}/deliveries/1/attempts")),
        ("POST", format!("{missing}/pings")),
        ("GET", format!("{hook}/deliveries/999999")),
        ("POST", format!("{hook}/deliveries/999999/attempts")),
    ] {
        checker.call(
            method,
            &path,
            Some(json!({ "config": { "url": "https://example.com" } })),
        );
    }
    for (method, path) in [
        ("GET", hooks.clone()),
        ("POST", hooks.clone()),
        ("GET", hook.clone()),
        ("PATCH", hook.clone()),
        ("DELETE", hook.clone()),
        ("GET", format!("{hook}/config")),
        ("PATCH", format!("{hook}/config")),
        ("GET", format!("{hook}/deliveries")),
        ("GET", format!("{hook}/deliveries/{delivery}")),
        ("POST", format!("{hook}/deliveries/{delivery}/attempts")),
        ("POST", format!("{hook}/pings")),
    ] {
        checker.call_as(method, &path, None, None);
    }
    checker.call("DELETE", &hook, None);
    checker.call("DELETE", &format!("{hooks}/{minimal}"), None);
}

fn walk_global_hooks(checker: &mut Checker) {
    let hooks = "/api/v3/admin/hooks";
    let body = json!({ "name": "web", "events": ["organization", "user"], "config": { "url": "https://example.com/webhook", "content_type": "json", "secret": "secret" } });
    let id = id_of(&checker.call("POST", hooks, Some(body)));
    checker
        .fake
        .state()
        .insert_global_hook(HookSeed::new("https://example.com/seeded").secret("s"));
    let hook = format!("{hooks}/{id}");
    checker.call("GET", hooks, None);
    checker.call("GET", &format!("{hooks}?per_page=1"), None);
    checker.call("GET", &hook, None);
    checker.call("PATCH", &hook, Some(json!({ "events": ["organization"], "config": { "url": "https://example.com/webhook" } })));
    checker.call(
        "PATCH",
        &hook,
        Some(json!({ "config": { "url": "https://example.com/webhook", "secret": "again" } })),
    );
    checker.call("PATCH", &hook, None);
    checker.call("POST", &format!("{hook}/pings"), None);
    checker.call(
        "POST",
        hooks,
        Some(json!({ "name": "web", "config": { "content_type": "yaml" } })),
    );
    checker.call_raw("POST", hooks, b"{");
    checker.call("PATCH", &hook, Some(json!({ "events": "user" })));
    for (method, path) in [
        ("GET", format!("{hooks}/999999")),
        ("PATCH", format!("{hooks}/999999")),
        ("DELETE", format!("{hooks}/999999")),
        ("POST", format!("{hooks}/999999/pings")),
    ] {
        checker.call(method, &path, None);
    }
    for (method, path) in [
        ("GET", hooks.to_owned()),
        ("POST", hooks.to_owned()),
        ("GET", hook.clone()),
        ("PATCH", hook.clone()),
        ("DELETE", hook.clone()),
        ("POST", format!("{hook}/pings")),
    ] {
        checker.call_as(method, &path, None, None);
    }
    checker.call("DELETE", &hook, None);
}

/// The GitHub App's webhook, authenticated by a JWT of a generated app, on both products.
fn walk_app_hook(checker: &mut Checker) {
    let key = match checker
        .fake
        .state()
        .generate_app(3, HookSeed::new("http://127.0.0.1:9/app").secret("s"))
    {
        Ok(key) => key,
        Err(error) => panic!("cannot make an app key: {error}"),
    };
    let jwt = match key.jwt_now(3) {
        Ok(jwt) => format!("Bearer {jwt}"),
        Err(error) => panic!("cannot sign a JWT: {error}"),
    };
    let hook_id = checker.fake.state().app_hook(3).map_or(0, |hook| hook.id);
    let delivery = checker
        .fake
        .state()
        .insert_delivery(hook_id, DeliverySeed::new("installation").action("created"))
        .unwrap_or(0);
    for prefix in ["", "/api/v3"] {
        let base = format!("{prefix}/app/hook");
        let auth = Some(jwt.as_str());
        checker.call_as("GET", &format!("{base}/config"), None, auth);
        checker.call_as(
            "PATCH",
            &format!("{base}/config"),
            Some(json!({ "url": "http://127.0.0.1:9/app2", "content_type": "json" })),
            auth,
        );
        checker.call_as("GET", &format!("{base}/deliveries"), None, auth);
        checker.call_as(
            "GET",
            &format!("{base}/deliveries?status=maybe"),
            None,
            auth,
        );
        checker.call_as("GET", &format!("{base}/deliveries/{delivery}"), None, auth);
        checker.call_as("GET", &format!("{base}/deliveries/999999"), None, auth);
        checker.call_as(
            "POST",
            &format!("{base}/deliveries/{delivery}/attempts"),
            None,
            auth,
        );
        checker.call_as(
            "POST",
            &format!("{base}/deliveries/999999/attempts"),
            None,
            auth,
        );
        for path in ["config", "deliveries", "deliveries/1"] {
            checker.call_as("GET", &format!("{base}/{path}"), None, None);
            checker.call_as("GET", &format!("{base}/{path}"), None, Some("token t"));
        }
        checker.call_as("PATCH", &format!("{base}/config"), Some(json!({})), None);
        checker.call_as("POST", &format!("{base}/deliveries/1/attempts"), None, None);
    }
}

#[test]
fn every_answer_validates_against_the_spec_schema_for_its_status() {
    fail_loudly_if_the_table_is_empty();
    let mut checker = Checker::new();
    for prefix in ["", "/api/v3"] {
        walk_hooks(&mut checker, &format!("{prefix}/orgs/octocat/hooks"));
        walk_hooks(
            &mut checker,
            &format!("{prefix}/repos/octocat/hello-world/hooks"),
        );
    }
    walk_global_hooks(&mut checker);
    walk_app_hook(&mut checker);

    let answered: Vec<&str> = checker.checked.keys().map(|(id, _)| *id).collect();
    for id in OPERATION_IDS {
        if !answered.contains(&id) {
            checker
                .failures
                .push(format!("{id}: the scenario never reached it"));
        }
    }
    eprintln!("checked (operation, status) pairs: {:?}", checker.checked);
    assert!(
        checker.failures.is_empty(),
        "{} answers disagree with the spec:\n  {}\nchecked: {:?}",
        checker.failures.len(),
        checker.failures.join("\n  "),
        checker.checked
    );
}

#[test]
fn the_hand_written_routes_agree_with_the_operation_table() {
    fail_loudly_if_the_table_is_empty();
    let table: Vec<&str> = OPERATIONS.iter().map(|op| op.id).collect();
    let mut mine = OPERATION_IDS.to_vec();
    mine.sort_unstable();
    let mut theirs = table.clone();
    theirs.sort_unstable();
    assert_eq!(
        mine, theirs,
        "the fake's operations are the spec's operations"
    );

    for op in OPERATIONS {
        let fake = Fake::default();
        let product_prefix = if op.available_on(Product::Dotcom) {
            ""
        } else {
            "/api/v3"
        };
        let path = op
            .path
            .split('/')
            .map(|segment| match segment {
                "{org}" => "octocat",
                s if s.starts_with('{') => "1",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let request = FakeRequest::new(op.method, BASE, &format!("{product_prefix}{path}"))
            .with_header("Authorization", "token t");
        let response = fake.handle(&request);
        assert_eq!(
            fake.state().requests(op.operation_id).len(),
            1,
            "{} {} routed elsewhere (answered {})",
            op.method,
            path,
            response.status
        );
    }
}
