//! Checks on the real `spec/openapi.yaml`: it loads, covers exactly the 34 operations, every
//! example validates (or is recorded as contradicting its schema), and product differences are
//! readable by code.

use std::collections::BTreeSet;
use std::path::Path;

use hookspec_codegen::ir::{Ir, OperationIr};

const OPERATIONS: [&str; 34] = [
    "orgs/list-webhooks",
    "orgs/create-webhook",
    "orgs/get-webhook",
    "orgs/update-webhook",
    "orgs/delete-webhook",
    "orgs/get-webhook-config-for-org",
    "orgs/update-webhook-config-for-org",
    "orgs/list-webhook-deliveries",
    "orgs/get-webhook-delivery",
    "orgs/redeliver-webhook-delivery",
    "orgs/ping-webhook",
    "enterprise-admin/list-global-webhooks",
    "enterprise-admin/create-global-webhook",
    "enterprise-admin/get-global-webhook",
    "enterprise-admin/update-global-webhook",
    "enterprise-admin/delete-global-webhook",
    "enterprise-admin/ping-global-webhook",
    "repos/list-webhooks",
    "repos/create-webhook",
    "repos/get-webhook",
    "repos/update-webhook",
    "repos/delete-webhook",
    "repos/get-webhook-config-for-repo",
    "repos/update-webhook-config-for-repo",
    "repos/list-webhook-deliveries",
    "repos/get-webhook-delivery",
    "repos/redeliver-webhook-delivery",
    "repos/ping-webhook",
    "repos/test-push-webhook",
    "apps/get-webhook-config-for-app",
    "apps/update-webhook-config-for-app",
    "apps/list-webhook-deliveries",
    "apps/get-webhook-delivery",
    "apps/redeliver-webhook-delivery",
];

fn ir() -> Ir {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let spec = hookspec_codegen::spec::load(&path).unwrap_or_else(|e| panic!("{e}"));
    hookspec_codegen::ir::build(&spec, "spec/openapi.yaml").unwrap_or_else(|e| panic!("{e}"))
}

fn op<'a>(ir: &'a Ir, id: &str) -> &'a OperationIr {
    ir.operations
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn the_spec_describes_exactly_the_thirty_four_operations() {
    let ir = ir();
    let ids: BTreeSet<&str> = ir.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, OPERATIONS.into_iter().collect::<BTreeSet<_>>());
    assert_eq!(ir.operations.len(), 34, "an operationId is used twice");
}

#[test]
fn global_hooks_exist_only_on_ghes_and_org_hooks_everywhere() {
    let ir = ir();
    for operation in &ir.operations {
        // The older api.github.com edition is of the organization-webhooks page only.
        let expected: &[&str] = if operation.id.starts_with("enterprise-admin/") {
            &["ghes"]
        } else if operation.id.starts_with("orgs/") {
            &["dotcom", "ghes", "dotcom-legacy"]
        } else {
            &["dotcom", "ghes"]
        };
        assert_eq!(operation.products, expected, "{}", operation.id);
    }
    let ghes = ir
        .products
        .iter()
        .find(|p| p.id == "ghes")
        .unwrap_or_else(|| panic!("no ghes product"));
    assert_eq!(ghes.path_prefix, "/api/v3");
    assert!(ghes.api_versions.iter().any(|v| v == "2026-03-10"));
    let dotcom = ir
        .products
        .iter()
        .find(|p| p.id == "dotcom")
        .unwrap_or_else(|| panic!("no dotcom product"));
    // GitHub released 2026-03-10 for api.github.com too (spec/README.md, "API versions").
    assert_eq!(dotcom.api_versions, ["2022-11-28", "2026-03-10"]);
    assert_eq!(dotcom.default_api_version, "2022-11-28");
}

#[test]
fn the_delivery_filters_say_where_they_exist() {
    let ir = ir();
    let list = op(&ir, "orgs/list-webhook-deliveries");
    let param = |name: &str| {
        list.parameters
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    assert_eq!(param("redelivery").products, ["dotcom-legacy"]);
    assert!(param("status").products.iter().any(|p| p == "ghes"));
    assert!(
        !param("status")
            .products
            .iter()
            .any(|p| p == "dotcom-legacy")
    );
    assert_eq!(param("cursor").location, "query");
    assert!(
        list.parameters.iter().all(|p| p.name != "page"),
        "deliveries page by cursor only"
    );
}

#[test]
fn list_parameters_have_githubs_defaults_and_bounds() {
    let ir = ir();
    let list = op(&ir, "orgs/list-webhooks");
    let per_page = list
        .parameters
        .iter()
        .find(|p| p.name == "per_page")
        .unwrap_or_else(|| panic!("no per_page"));
    assert_eq!(per_page.schema["default"], 30);
    assert_eq!(per_page.schema["maximum"], 100);
    let page = list
        .parameters
        .iter()
        .find(|p| p.name == "page")
        .unwrap_or_else(|| panic!("no page"));
    assert_eq!(page.schema["default"], 1);
    let link = list
        .response(200)
        .map(|r| r.headers.iter().any(|(name, _)| name == "Link"));
    assert_eq!(link, Some(true), "list responses document the Link header");
    let create = op(&ir, "orgs/create-webhook");
    let location = create
        .response(201)
        .map(|r| r.headers.iter().any(|(name, _)| name == "Location"));
    assert_eq!(location, Some(true), "create documents the Location header");
}

#[test]
fn every_status_of_every_operation_has_a_description_and_errors_have_githubs_bodies() {
    let ir = ir();
    for operation in &ir.operations {
        assert!(!operation.responses.is_empty(), "{}", operation.id);
        for response in &operation.responses {
            assert!(
                !response.description.is_empty(),
                "{} {}",
                operation.id,
                response.status
            );
            if response.status >= 400 {
                let body = response
                    .body
                    .as_ref()
                    .unwrap_or_else(|| panic!("{} {} has no body", operation.id, response.status));
                let reference = body
                    .schema
                    .get("$ref")
                    .and_then(|r| r.as_str())
                    .unwrap_or_default();
                assert!(
                    reference.ends_with("/basic-error") || reference.ends_with("/validation-error"),
                    "{} {} answers {reference:?}",
                    operation.id,
                    response.status
                );
            }
        }
    }
}

#[test]
fn the_examples_that_contradict_their_schema_are_the_202_redeliver_nulls() {
    // The redeliver examples are `null` while their schema is `type: object` (the org page's,
    // and GitHub's description's for repository and App hooks); the spec keeps each example as
    // documented and records the contradiction. ir::build has already checked
    // that every other example validates and that this one does not.
    let ir = ir();
    let mut known_invalid = Vec::new();
    for operation in &ir.operations {
        for response in &operation.responses {
            for example in response.body.iter().flat_map(|b| &b.examples) {
                if example.known_invalid.is_some() {
                    known_invalid.push((
                        operation.id.as_str(),
                        response.status,
                        example.value.clone(),
                    ));
                }
            }
        }
    }
    assert_eq!(
        known_invalid,
        [
            "orgs/redeliver-webhook-delivery",
            "repos/redeliver-webhook-delivery",
            "apps/redeliver-webhook-delivery",
        ]
        .map(|id| (id, 202, serde_json::Value::Null))
    );
}

#[test]
fn global_hook_insecure_ssl_is_a_string_while_org_hooks_take_a_string_or_number() {
    let ir = ir();
    let global = op(&ir, "enterprise-admin/create-global-webhook");
    let global_schema = &global
        .request
        .as_ref()
        .unwrap_or_else(|| panic!("no body"))
        .json_schema;
    let org = op(&ir, "orgs/create-webhook");
    let org_schema = &org
        .request
        .as_ref()
        .unwrap_or_else(|| panic!("no body"))
        .json_schema;
    let global_ok =
        hookspec_codegen::json_schema::validator(global_schema).unwrap_or_else(|e| panic!("{e}"));
    let org_ok =
        hookspec_codegen::json_schema::validator(org_schema).unwrap_or_else(|e| panic!("{e}"));
    let with_number = serde_json::json!({"name": "web", "config": {"url": "https://example.com", "insecure_ssl": 1}});
    assert!(org_ok.is_valid(&with_number));
    assert!(!global_ok.is_valid(&with_number));
}

#[test]
fn create_requires_name_web_and_a_config_url() {
    let ir = ir();
    let org = op(&ir, "orgs/create-webhook");
    let schema = &org
        .request
        .as_ref()
        .unwrap_or_else(|| panic!("no body"))
        .json_schema;
    let validator =
        hookspec_codegen::json_schema::validator(schema).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        validator.is_valid(
            &serde_json::json!({"name": "web", "config": {"url": "https://example.com"}})
        )
    );
    assert!(
        !validator.is_valid(
            &serde_json::json!({"name": "webby", "config": {"url": "https://example.com"}})
        )
    );
    assert!(!validator.is_valid(&serde_json::json!({"name": "web", "config": {}})));
    assert!(!validator.is_valid(&serde_json::json!({"name": "web"})));
}

fn example<'a>(ir: &'a Ir, id: &str, status: Option<u16>, name: &str) -> &'a serde_json::Value {
    let operation = op(ir, id);
    let body = match status {
        Some(status) => operation.response(status).and_then(|r| r.body.as_ref()),
        None => operation.request.as_ref(),
    };
    body.and_then(|b| b.examples.iter().find(|e| e.name == name))
        .map(|e| &e.value)
        .unwrap_or_else(|| panic!("{id} {status:?} has no example {name:?}"))
}

#[test]
fn the_update_example_keeps_its_repository_deliveries_url_as_documented() {
    // Contradiction 2 of spec/README.md: the org-hook update example's deliveries_url is a
    // repository hook's, while url and ping_url are org hook 1's. Kept as printed.
    let ir = ir();
    let updated = example(&ir, "orgs/update-webhook", Some(200), "default");
    assert_eq!(
        updated["url"],
        "https://api.github.com/orgs/octocat/hooks/1"
    );
    assert_eq!(
        updated["deliveries_url"],
        "https://api.github.com/repos/octocat/Hello-World/hooks/12345678/deliveries"
    );
}

#[test]
fn the_config_update_examples_disagree_on_the_url_scheme_as_documented() {
    // Contradiction 4 of spec/README.md: the request sends http://, the response shows https://.
    let ir = ir();
    let sent = example(&ir, "orgs/update-webhook-config-for-org", None, "default");
    let answered = example(
        &ir,
        "orgs/update-webhook-config-for-org",
        Some(200),
        "default",
    );
    assert_eq!(sent["url"], "http://example.com/webhook");
    assert_eq!(answered["url"], "https://example.com/webhook");
}
