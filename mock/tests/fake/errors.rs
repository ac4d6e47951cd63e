//! Errors in GitHub's exact shapes: 404 for unknown routes and resources, 422
//! `validation-error`, 400 for unreadable bodies and unsupported API versions, 401 without
//! credentials; plus the headers every answer carries and what real clients send.

use hookspec_mock::table::find_operation;
use hookspec_mock::{FakeConfig, FakeGitHub, OperationId};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use crate::support::{Answer, Api, hook_body};

/// GitHub's 404: `Not Found`, pointing at the operation's page when the path names one and
/// at the REST reference otherwise.
fn assert_not_found(answer: &Answer) {
    assert_eq!(answer.status, 404, "{}", answer.text);
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    let docs = answer.body["documentation_url"]
        .as_str()
        .unwrap_or_default();
    assert!(docs.starts_with("https://docs.github.com/rest"), "{docs}");
    assert_eq!(
        answer.body,
        json!({ "message": "Not Found", "documentation_url": docs, "status": "404" })
    );
}

fn assert_validation_error(answer: &Answer, field: &str, code: &str) {
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(answer.body["message"], "Validation Failed");
    assert!(
        answer.body["documentation_url"]
            .as_str()
            .unwrap()
            .starts_with("https://docs.github.com/")
    );
    let errors = answer.body["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["resource"] == "Hook" && e["field"] == field && e["code"] == code),
        "no {field}/{code} error in {errors:?}"
    );
}

#[tokio::test]
async fn unknown_routes_organizations_hooks_and_methods_are_404_in_githubs_shape() {
    // Organizations are unknown only when the fake lists them (by default any org exists).
    let fake = FakeGitHub::start_with(FakeConfig::default().only_orgs(["octocat"])).await;
    let api = Api::new(&fake.uri());
    assert_not_found(&api.get("/nothing/here").await);
    assert_not_found(&api.get("/api/v3/nothing").await);
    assert_not_found(&api.get("/orgs/no-such-org/hooks").await);
    assert_not_found(
        &api.post("/orgs/no-such-org/hooks", hook_body("https://example.com"))
            .await,
    );
    assert_not_found(&api.get("/orgs/octocat/hooks/12345").await);
    assert_not_found(&api.get("/orgs/octocat/hooks/not-a-number").await);
    assert_not_found(&api.get("/orgs/octocat/hooks/12345/config").await);
    assert_not_found(&api.raw("PUT", "/orgs/octocat/hooks", None, &[]).await);
    assert_not_found(&api.raw("DELETE", "/orgs/octocat/hooks", None, &[]).await);
    assert_not_found(&api.get("/orgs/octocat/hooks/").await);
}

#[tokio::test]
async fn create_rejects_a_name_other_than_web() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let answer = api
        .post(
            "/orgs/octocat/hooks",
            json!({ "name": "email", "config": { "url": "https://example.com" } }),
        )
        .await;
    assert_validation_error(&answer, "name", "invalid");
    assert_eq!(
        answer.body["documentation_url"],
        "https://docs.github.com/rest/orgs/webhooks#create-an-organization-webhook"
    );
    assert!(fake.state().org_hooks("octocat").is_empty());
}

#[tokio::test]
async fn create_rejects_a_missing_config_url() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    assert_validation_error(
        &api.post(
            "/orgs/octocat/hooks",
            json!({ "name": "web", "config": {} }),
        )
        .await,
        "url",
        "missing_field",
    );
    assert_validation_error(
        &api.post("/orgs/octocat/hooks", json!({ "name": "web" }))
            .await,
        "config",
        "missing_field",
    );
    assert_validation_error(
        &api.post("/orgs/octocat/hooks", json!({})).await,
        "name",
        "missing_field",
    );
    assert_validation_error(
        &api.post(
            "/orgs/octocat/hooks",
            json!({ "name": "web", "config": { "url": "not a url" } }),
        )
        .await,
        "url",
        "invalid",
    );
}

#[tokio::test]
async fn create_rejects_a_bad_content_type() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let body =
        json!({ "name": "web", "config": { "url": "https://example.com", "content_type": "xml" } });
    assert_validation_error(
        &api.post("/orgs/octocat/hooks", body).await,
        "content_type",
        "invalid",
    );
}

#[tokio::test]
async fn create_rejects_events_that_are_not_strings() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let body =
        json!({ "name": "web", "config": { "url": "https://example.com" }, "events": ["push", 7] });
    assert_validation_error(
        &api.post("/orgs/octocat/hooks", body).await,
        "events",
        "invalid",
    );
    let body =
        json!({ "name": "web", "config": { "url": "https://example.com" }, "events": "push" });
    assert_validation_error(
        &api.post("/orgs/octocat/hooks", body).await,
        "events",
        "invalid",
    );
}

#[tokio::test]
async fn update_validates_what_it_is_sent() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let id = api.create_hook("octocat", "https://example.com/hook").await;
    let path = format!("/orgs/octocat/hooks/{id}");
    assert_validation_error(
        &api.patch(&path, json!({ "active": "yes" })).await,
        "active",
        "invalid",
    );
    assert_validation_error(
        &api.patch(&path, json!({ "config": { "content_type": "json" } }))
            .await,
        "url",
        "missing_field",
    );
    assert_validation_error(
        &api.patch(&format!("{path}/config"), json!({ "content_type": "yaml" }))
            .await,
        "content_type",
        "invalid",
    );
    // A hook that does not exist is 404 before its body is looked at.
    assert_not_found(
        &api.patch("/orgs/octocat/hooks/999999", json!({ "active": "yes" }))
            .await,
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_400_problems_parsing_json() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let answer = api
        .raw(
            "POST",
            "/orgs/octocat/hooks",
            Some(b"name=web".to_vec()),
            &[],
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        json!({ "message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/rest", "status": "400" })
    );
    let array = api
        .raw("POST", "/orgs/octocat/hooks", Some(b"[]".to_vec()), &[])
        .await;
    assert_eq!(array.status, 400);
    assert_eq!(array.body["message"], "Body should be a JSON object");
}

#[tokio::test]
async fn a_request_without_authorization_is_401() {
    let fake = FakeGitHub::start().await;
    let anonymous = Api::new(&fake.uri()).token(None);
    let answer = anonymous.get("/orgs/octocat/hooks").await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.body,
        json!({ "message": "Requires authentication", "documentation_url": "https://docs.github.com/rest", "status": "401" })
    );
    assert_eq!(answer.header("x-ratelimit-limit").as_deref(), Some("60"));
    let garbled = anonymous
        .raw(
            "GET",
            "/orgs/octocat/hooks",
            None,
            &[("authorization", "Basic")],
        )
        .await;
    assert_eq!(garbled.status, 401);
}

#[tokio::test]
async fn an_api_version_the_product_does_not_support_is_400() {
    let fake = FakeGitHub::start().await;
    let root = Api::new(&fake.uri());
    let ghes = Api::new(&fake.ghes_uri());
    let with = |version: &'static str| [("x-github-api-version", version)];

    let ok = root
        .raw("GET", "/orgs/octocat/hooks", None, &with("2022-11-28"))
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("x-github-api-version-selected").as_deref(),
        Some("2022-11-28")
    );

    // api.github.com accepts 2026-03-10 too, as GitHub does since that version's release.
    let newer_on_dotcom = root
        .raw("GET", "/orgs/octocat/hooks", None, &with("2026-03-10"))
        .await;
    assert_eq!(newer_on_dotcom.status, 200);
    assert_eq!(
        newer_on_dotcom
            .header("x-github-api-version-selected")
            .as_deref(),
        Some("2026-03-10")
    );
    let unknown_on_dotcom = root
        .raw("GET", "/orgs/octocat/hooks", None, &with("2025-01-01"))
        .await;
    assert_eq!(unknown_on_dotcom.status, 400);
    assert!(
        unknown_on_dotcom.body["message"]
            .as_str()
            .unwrap()
            .contains("\"2025-01-01\", is not a supported version. The following versions are currently supported: \"2026-03-10\" (most recent), \"2022-11-28\".")
    );

    let newer_on_ghes = ghes
        .raw("GET", "/orgs/octocat/hooks", None, &with("2026-03-10"))
        .await;
    assert_eq!(newer_on_ghes.status, 200);
    assert_eq!(
        newer_on_ghes
            .header("x-github-api-version-selected")
            .as_deref(),
        Some("2026-03-10")
    );

    assert_eq!(
        ghes.raw("GET", "/orgs/octocat/hooks", None, &with("2021-01-01"))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn every_answer_carries_githubs_usual_headers() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    for answer in [
        api.get("/orgs/octocat/hooks").await,
        api.get("/nowhere").await,
    ] {
        assert!(answer.header("x-github-request-id").is_some());
        assert_eq!(
            answer.header("x-github-media-type").as_deref(),
            Some("github.v3; format=json")
        );
        assert_eq!(
            answer.header("x-github-api-version-selected").as_deref(),
            Some("2022-11-28")
        );
        for name in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "x-ratelimit-used",
        ] {
            assert!(
                answer.header(name).unwrap().parse::<u64>().is_ok(),
                "{name}"
            );
        }
        assert_eq!(
            answer.header("x-ratelimit-resource").as_deref(),
            Some("core")
        );
    }
    let first = api.get("/orgs/octocat/hooks").await;
    let second = api.get("/orgs/octocat/hooks").await;
    let used = |a: &Answer| {
        a.header("x-ratelimit-used")
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(used(&second), used(&first) + 1);
    assert_ne!(
        first.header("x-github-request-id"),
        second.header("x-github-request-id")
    );
}

#[tokio::test]
async fn requests_are_accepted_as_real_clients_send_them() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let id = api.create_hook("octocat", "https://example.com/hook").await;
    for accept in [
        "application/vnd.github+json",
        "application/json",
        "*/*",
        "text/html",
    ] {
        let answer = api
            .raw(
                "GET",
                &format!("/orgs/octocat/hooks/{id}"),
                None,
                &[("accept", accept)],
            )
            .await;
        assert_eq!(answer.status, 200, "{accept}");
    }
    // A JSON body without a Content-Type is still read as JSON.
    let answer = api
        .raw(
            "PATCH",
            &format!("/orgs/octocat/hooks/{id}"),
            Some(br#"{"active":false}"#.to_vec()),
            &[],
        )
        .await;
    assert_eq!(
        (answer.status, &answer.body["active"]),
        (200, &Value::Bool(false))
    );
}

#[tokio::test]
async fn a_404_on_an_operation_points_at_its_documentation_and_says_why() {
    let fake = FakeGitHub::start_with(FakeConfig::default().only_orgs(["octocat"])).await;
    let api = Api::new(&fake.uri());
    let unknown_org = api.get("/orgs/acme/hooks").await;
    assert_eq!(unknown_org.status, 404);
    let list = find_operation("orgs/list-webhooks").unwrap();
    assert_eq!(
        unknown_org.body["documentation_url"],
        list.documentation_url
    );
    let unrouted = api.get("/nowhere").await;
    assert_eq!(
        unrouted.body["documentation_url"],
        "https://docs.github.com/rest"
    );
    let recorded = fake.state().requests(OperationId::OrgsListWebhooks);
    assert_eq!(
        recorded[0].reason.as_deref(),
        Some("unknown org `acme` (known: octocat)")
    );
}

#[tokio::test]
async fn any_organization_exists_unless_the_fake_lists_them() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    assert_eq!(api.get("/orgs/acme/hooks").await.status, 200);
    let created = api
        .post("/orgs/Some-Org/hooks", hook_body("http://127.0.0.1:9/hook"))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(fake.state().orgs().contains(&"Some-Org".to_owned()));
}

#[tokio::test]
async fn every_4xx_is_recorded_with_its_reason_in_plain_words() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    api.post(
        "/orgs/octocat/hooks",
        json!({ "name": "web", "config": {} }),
    )
    .await;
    let create = fake.state().requests(OperationId::OrgsCreateWebhook);
    assert_eq!(create[0].status, 422);
    assert_eq!(
        create[0].reason.as_deref(),
        Some("validation failed: `url` missing")
    );
    let ghes = api.raw(
        "GET",
        "/orgs/octocat/hooks",
        None,
        &[("X-GitHub-Api-Version", "2021-01-01")],
    );
    assert_eq!(ghes.await.status, 400);
    let list = fake.state().requests(OperationId::OrgsListWebhooks);
    assert!(
        list[0]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("`2021-01-01` is not supported on dotcom")),
        "{:?}",
        list[0].reason
    );
    let no_token = api.token(None).get("/orgs/octocat/hooks").await;
    assert_eq!(no_token.status, 401);
    assert_eq!(
        fake.state().requests(OperationId::OrgsListWebhooks)[1]
            .reason
            .as_deref(),
        Some("no Authorization header")
    );
}
