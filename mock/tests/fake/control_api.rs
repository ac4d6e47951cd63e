//! The control API under `/_hookspec/` over the hyper server (as the binary serves it): its own
//! OpenAPI document, reset (all or one owner), the state document, the request journal,
//! faults, and waiting for deliveries; each refusal with the field at fault.

use std::future::Future;
use std::time::Duration;

use hookspec_mock::table::CONTROL_OPERATIONS;
use hookspec_mock::{Fake, FakeConfig, Receiver, ReceiverAnswer, RequestLog, serve};
use serde_json::{Value, json};

use crate::support::Api;

/// A fake served by hyper on loopback, stopped on drop.
pub(crate) struct Served {
    pub(crate) api: Api,
    pub(crate) fake: Fake,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub(crate) async fn serve_fake(config: FakeConfig) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let fake = Fake::new(config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(
        listener,
        fake.clone(),
        RequestLog::Quiet,
        async move {
            let _ = stopped.await;
        },
    ));
    Served {
        api: Api::new(&format!("http://{address}")),
        fake,
        _stop: stop,
    }
}

async fn put(api: &Api, path: &str, body: &str) -> crate::support::Answer {
    api.raw(
        "PUT",
        path,
        Some(body.as_bytes().to_vec()),
        &[("content-type", "application/json")],
    )
    .await
}

#[tokio::test]
async fn the_control_api_serves_its_own_openapi_document_with_every_route() {
    let served = serve_fake(FakeConfig::default()).await;
    let document = served.api.get("/_hookspec/openapi.json").await;
    assert_eq!(document.status, 200);
    assert_eq!(document.body["openapi"], "3.0.3");
    for operation in CONTROL_OPERATIONS {
        let item = &document.body["paths"][operation.path][operation.method.to_lowercase()];
        assert_eq!(item["operationId"], operation.id, "{}", operation.path);
    }
}

#[tokio::test]
async fn an_unknown_control_path_is_404_and_a_wrong_method_405_with_allow() {
    let served = serve_fake(FakeConfig::default()).await;
    let missing = served.api.get("/_hookspec/nothing").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body["message"]
            .as_str()
            .unwrap()
            .contains("openapi.json")
    );
    // A path segment that is not percent-encoded UTF-8 names nothing, as on the API's own
    // paths.
    for segment in ["a%ZZ", "%FF", "a%2"] {
        let path = format!("/_hookspec/orgs/{segment}/events/push");
        let bad = served.api.raw("POST", &path, None, &[]).await;
        assert_eq!(bad.status, 404, "{path}");
        let message = bad.body["message"].as_str().unwrap();
        assert!(message.contains("is not a path segment"), "{message}");
    }
    let wrong = served.api.raw("PATCH", "/_hookspec/state", None, &[]).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.header("allow").as_deref(), Some("GET, PUT"));
    assert!(
        wrong.body["documentation_url"]
            .as_str()
            .unwrap()
            .ends_with("/_hookspec/openapi.json")
    );
}

#[tokio::test]
async fn a_foreign_host_gets_403_on_every_new_endpoint() {
    let served = serve_fake(FakeConfig::default()).await;
    for path in [
        "/_hookspec/state",
        "/_hookspec/requests",
        "/_hookspec/deliveries",
    ] {
        let refused = served
            .api
            .raw("GET", path, None, &[("host", "evil.example")])
            .await;
        assert_eq!(refused.status, 403, "{path}");
    }
}

#[tokio::test]
async fn reset_goes_back_to_the_start_state_dropping_hooks_requests_and_faults() {
    let served = serve_fake(FakeConfig::default().with_org("acme")).await;
    let api = &served.api;
    let start = api.get("/_hookspec/state").await.text;
    let first = api.create_hook("acme", "http://127.0.0.1:9/a").await;
    let added = api
        .post(
            "/_hookspec/faults",
            json!({"operation": "orgs/list-webhooks", "status": 502}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(api.get("/orgs/acme/hooks").await.status, 502);

    let reset = api.post_empty("/_hookspec/reset").await;
    assert_eq!(reset.status, 204, "{}", reset.text);
    assert_eq!(api.get("/_hookspec/state").await.text, start);
    assert_eq!(api.get("/_hookspec/requests").await.body, json!([]));
    assert_eq!(api.get("/_hookspec/faults").await.body, json!([]));
    assert_eq!(api.get("/orgs/acme/hooks").await.body, json!([]));
    // The counters went back too: the next hook gets the first one's id again.
    assert_eq!(api.create_hook("acme", "http://127.0.0.1:9/b").await, first);
}

#[tokio::test]
async fn reset_rebuilds_the_configured_start_byte_for_byte_apps_and_their_hooks_included() {
    let (app, _key) = hookspec_mock::GitHubApp::generated(7).unwrap();
    let config = FakeConfig::default().with_org("acme").with_app(app);
    let served = serve_fake(config).await;
    let api = &served.api;
    let start = api.get("/_hookspec/state").await.text;
    assert!(start.contains("\"created_at\""), "{start}");
    api.create_hook("acme", "http://127.0.0.1:9/a").await;
    assert_ne!(api.get("/_hookspec/state").await.text, start);

    let reset = api.post_empty("/_hookspec/reset").await;
    assert_eq!(reset.status, 204, "{}", reset.text);
    // The app's hook keeps the time it was made at start, not the time of the reset.
    assert_eq!(api.get("/_hookspec/state").await.text, start);
}

#[tokio::test]
async fn resetting_one_org_keeps_the_other_orgs_and_unknown_owners_are_404() {
    let served = serve_fake(FakeConfig::default().only_orgs(["acme", "other"])).await;
    let api = &served.api;
    let kept = api.create_hook("other", "http://127.0.0.1:9/o").await;
    api.create_hook("acme", "http://127.0.0.1:9/a").await;
    let reset = api.post_empty("/_hookspec/reset?org=acme").await;
    assert_eq!(reset.status, 204, "{}", reset.text);
    assert_eq!(api.get("/orgs/acme/hooks").await.body, json!([]));
    let others = api.get("/orgs/other/hooks").await.body;
    assert_eq!(others[0]["id"], kept);
    // A new hook does not reuse an id the other org holds.
    assert!(api.create_hook("acme", "http://127.0.0.1:9/a").await > kept);

    for (query, named) in [
        ("org=nobody", "nobody"),
        ("repo=no/body", "no/body"),
        ("app=77", "77"),
    ] {
        let missing = api.post_empty(&format!("/_hookspec/reset?{query}")).await;
        assert_eq!(missing.status, 404, "{query}");
        assert!(
            missing.body["message"].as_str().unwrap().contains(named),
            "{}",
            missing.text
        );
    }
    let both = api.post_empty("/_hookspec/reset?org=acme&repo=a/b").await;
    assert_eq!(both.status, 400);
    let typo = api.post_empty("/_hookspec/reset?orgs=acme").await;
    assert_eq!(typo.status, 400);
    assert!(typo.body["message"].as_str().unwrap().contains("\"orgs\""));
}

#[tokio::test]
async fn resetting_one_repository_restores_its_start_hooks_and_keeps_the_others() {
    let served = serve_fake(FakeConfig::default().only_repos(["acme/widgets", "acme/gears"])).await;
    let api = &served.api;
    let seeded = json!({"repos": [
        {"full_name": "acme/widgets", "hooks": [{"config": {"url": "http://127.0.0.1:9/w"}}]},
        {"full_name": "acme/gears", "hooks": []}
    ]});
    let put_answer = put(api, "/_hookspec/state", &seeded.to_string()).await;
    assert_eq!(put_answer.status, 204, "{}", put_answer.text);
    served.fake.state().keep_as_start_state();
    let start = api.get("/repos/acme/widgets/hooks").await.text;
    let body = json!({"config": {"url": "http://127.0.0.1:9/x"}});
    assert_eq!(api.delete("/repos/acme/widgets/hooks/1").await.status, 204);
    assert_eq!(
        api.post("/repos/acme/widgets/hooks", body.clone())
            .await
            .status,
        201
    );
    assert_eq!(api.post("/repos/acme/gears/hooks", body).await.status, 201);
    let reset = api.post_empty("/_hookspec/reset?repo=acme/widgets").await;
    assert_eq!(reset.status, 204, "{}", reset.text);
    assert_eq!(api.get("/repos/acme/widgets/hooks").await.text, start);
    let gears = api.get("/repos/acme/gears/hooks").await.body;
    assert_eq!(gears.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_delivery_on_its_way_during_a_reset_is_not_recorded_after_it() {
    let served = serve_fake(FakeConfig::default()).await;
    let receiver = Receiver::start().await.unwrap();
    receiver.answer(ReceiverAnswer::Hold(200));
    let api = &served.api;
    let hook = api.create_hook("octocat", &receiver.url()).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let state = served.fake.state();
    // Polled once before the reset, the wait is on the deliveries sent until then.
    let mut sent_before = std::pin::pin!(state.wait_for_deliveries(Duration::from_secs(10)));
    std::future::poll_fn(|cx| {
        let _ = sent_before.as_mut().poll(cx);
        std::task::Poll::Ready(())
    })
    .await;
    assert_eq!(api.post_empty("/_hookspec/reset").await.status, 204);
    // The same id again, for a new hook the old ping must not land on.
    assert_eq!(
        api.create_hook("octocat", "http://127.0.0.1:9/x").await,
        hook
    );
    receiver.release();
    sent_before.await.unwrap();
    state
        .wait_for_deliveries(Duration::from_secs(10))
        .await
        .unwrap();
    let records = state.deliveries(hook);
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(
        records.iter().all(|d| d.url == "http://127.0.0.1:9/x"),
        "{records:?}"
    );
}

#[tokio::test]
async fn put_state_takes_a_minimal_document_with_githubs_defaults() {
    let served = serve_fake(FakeConfig::default()).await;
    let api = &served.api;
    let minimal = json!({
        "orgs": [{"login": "acme", "hooks": [{"config": {"url": "http://127.0.0.1:9/h"}}]}],
        "repos": [{"full_name": "acme/widgets", "hooks": [{"events": ["issues"], "config": {"url": "http://127.0.0.1:9/r", "content_type": "json", "secret": "s3cret"}}]}],
        "global_hooks": [{"config": {"url": "http://127.0.0.1:9/g"}}]
    });
    let put_answer = put(api, "/_hookspec/state", &minimal.to_string()).await;
    assert_eq!(put_answer.status, 204, "{}", put_answer.text);
    let org_hook = api.get("/orgs/acme/hooks/1").await.body;
    assert_eq!(org_hook["name"], "web");
    assert_eq!(org_hook["active"], true);
    assert_eq!(org_hook["events"], json!(["push"]));
    assert_eq!(org_hook["config"]["content_type"], "form");
    assert_eq!(org_hook["config"]["insecure_ssl"], "0");
    let repo_hook = api.get("/repos/acme/widgets/hooks/2").await.body;
    assert_eq!(repo_hook["config"]["secret"], "********");
    let global = api.get("/api/v3/admin/hooks/3").await.body;
    assert_eq!(global["events"], json!(["user", "organization"]));
    let state = api.get("/_hookspec/state").await.body;
    assert_eq!(state["counters"]["next_hook_id"], 4);
    assert_eq!(state["repos"][0]["hooks"][0]["config"]["secret"], "s3cret");
}

#[tokio::test]
async fn put_state_names_the_field_at_fault_and_changes_nothing() {
    let served = serve_fake(FakeConfig::default()).await;
    let api = &served.api;
    let before = api.get("/_hookspec/state").await.text;
    let cases = [
        (
            r#"{"orgs":[{"login":"a","hooks":[{"config":{"url":"u"}},{"config":{}}]}]}"#,
            422,
            "state: orgs[0].hooks[1].config.url: missing field",
        ),
        (
            r#"{"orgs":[{"login":"a","hook":[]}]}"#,
            422,
            "unknown field `hook`",
        ),
        (
            r#"{"orgs":[{"login":"a","hooks":[{"config":{"url":"u","content_type":"xml"}}]}]}"#,
            422,
            "orgs[0].hooks[0].config.content_type: must be \"json\" or \"form\"",
        ),
        (
            r#"{"deliveries":[{"hook_id":9,"event":"push"}]}"#,
            422,
            "deliveries[0].hook_id: no hook in the document has id 9",
        ),
        (
            r#"{"orgs":[{"login":"a","hooks":[{"id":2,"config":{"url":"u"}}]}],"counters":{"next_hook_id":2}}"#,
            422,
            "counters.next_hook_id: 2 is not above",
        ),
        // Not JSON: where the text broke; JSON that does not fit: the field, no place.
        (
            r#"{"orgs": [}"#,
            400,
            "state: orgs[0]: expected value (line 1, column 11)",
        ),
        (
            r#"{"orgs": 5}"#,
            422,
            "state: orgs: invalid type: integer `5`, expected a sequence",
        ),
    ];
    for (body, status, message) in cases {
        let refused = put(api, "/_hookspec/state", body).await;
        assert_eq!(refused.status, status, "{body}: {}", refused.text);
        let text = refused.body["message"].as_str().unwrap();
        assert!(text.contains(message), "{body}: {text}");
    }
    assert_eq!(api.get("/_hookspec/state").await.text, before);
}

#[tokio::test]
async fn the_journal_lists_requests_in_order_with_reasons_and_filters() {
    let served = serve_fake(FakeConfig::default().only_orgs(["acme", "other"])).await;
    let api = &served.api;
    api.create_hook("acme", "http://127.0.0.1:9/a").await;
    api.get("/orgs/other/hooks").await;
    api.get("/orgs/nobody/hooks").await;
    api.get("/repos/acme/widgets/hooks").await;
    api.get("/user").await;

    let all = api.get("/_hookspec/requests").await.body;
    let paths: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/orgs/acme/hooks",
            "/orgs/other/hooks",
            "/orgs/nobody/hooks",
            "/repos/acme/widgets/hooks",
            "/user"
        ]
    );
    let created = &all[0];
    assert_eq!(created["operation"], "orgs/create-webhook");
    assert_eq!(created["method"], "POST");
    assert_eq!(created["status"], 201);
    assert_eq!(created["org"], "acme");
    assert_eq!(created["body"]["config"]["url"], "http://127.0.0.1:9/a");
    assert_eq!(created["headers"]["authorization"], "Bearer ********");
    assert_eq!(all[4]["operation"], Value::Null);

    let refused = api.get("/_hookspec/requests?status=404").await.body;
    assert_eq!(refused.as_array().unwrap().len(), 2);
    assert!(
        refused[0]["reason"].as_str().unwrap().contains("nobody"),
        "{refused}"
    );
    let listed = api
        .get("/_hookspec/requests?operation=orgs/list-webhooks&org=other")
        .await
        .body;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // A filter given twice reads as its last value, as the API's own parameters do.
    let twice = api
        .get("/_hookspec/requests?status=201&status=404")
        .await
        .body;
    assert_eq!(twice, refused);
    let repo = api.get("/_hookspec/requests?repo=acme/widgets").await.body;
    assert_eq!(repo[0]["repo"], "acme/widgets");

    let unknown = api
        .get("/_hookspec/requests?operation=orgs/list-hooks")
        .await;
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.body["message"]
            .as_str()
            .unwrap()
            .contains("orgs/list-webhooks")
    );
    assert_eq!(api.get("/_hookspec/requests?status=abc").await.status, 400);
    assert_eq!(api.delete("/_hookspec/requests").await.status, 204);
    assert_eq!(api.get("/_hookspec/requests").await.body, json!([]));
}

#[tokio::test]
async fn the_journal_keeps_its_newest_entries_within_its_byte_bound() {
    const BOUND: usize = 6000;
    let served = serve_fake(FakeConfig {
        max_recorded_request_bytes: BOUND,
        ..FakeConfig::default()
    })
    .await;
    let api = &served.api;
    // Bodies of 1 500 bytes: with their headers (about 1 700 bytes an entry) the bound holds
    // three of them, not four.
    for letter in ["a", "b", "c", "d", "e"] {
        let pad = letter.repeat(1500);
        api.post("/orgs/acme/hooks", json!({ "pad": pad })).await;
    }
    let kept = api.get("/_hookspec/requests").await.body;
    let firsts: Vec<String> = kept
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let pad = entry["body"]["pad"].as_str().unwrap_or_default();
            format!("{}x{}", &pad[..pad.len().min(1)], pad.len())
        })
        .collect();
    assert_eq!(firsts, ["cx1500", "dx1500", "ex1500"]);
}

#[tokio::test]
async fn a_fault_with_times_fires_that_often_and_clearing_removes_it() {
    let served = serve_fake(FakeConfig::default()).await;
    let api = &served.api;
    let added = api
        .post(
            "/_hookspec/faults",
            json!({"operation": "orgs/list-webhooks", "status": 503, "times": 2}),
        )
        .await;
    assert_eq!(added.status, 201);
    assert_eq!(
        added.body,
        json!({"operation": "orgs/list-webhooks", "kind": "status", "status": 503, "times": 2})
    );
    let statuses = [
        api.get("/orgs/octocat/hooks").await.status,
        api.get("/orgs/octocat/hooks").await.status,
        api.get("/orgs/octocat/hooks").await.status,
    ];
    assert_eq!(statuses, [503, 503, 200]);

    let limited = api
        .post("/_hookspec/faults", json!({"operation": "orgs/get-webhook", "rate_limit": true, "status": 429, "retry_after_s": 5}))
        .await;
    assert_eq!(limited.body["kind"], "rate_limit", "{}", limited.text);
    let answer = api.get("/orgs/octocat/hooks/1").await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.header("retry-after").as_deref(), Some("5"));
    assert_eq!(api.delete("/_hookspec/faults").await.status, 204);
    assert_eq!(api.get("/_hookspec/faults").await.body, json!([]));
}

#[tokio::test]
async fn a_bad_fault_is_refused_naming_the_field() {
    let served = serve_fake(FakeConfig::default()).await;
    let api = &served.api;
    let cases = [
        (
            json!({"operation": "orgs/list-webhooks", "status": 700}),
            422,
            "faults: \"status\" must be between 100 and 599, got 700",
        ),
        (
            json!({"operation": "orgs/nope", "status": 500}),
            422,
            "orgs/list-webhooks",
        ),
        (
            json!({"operation": "orgs/list-webhooks"}),
            422,
            "give one of",
        ),
        (
            json!({"operation": "orgs/list-webhooks", "status": 500, "times": 0}),
            422,
            "\"times\" must be 1 or more",
        ),
        (
            json!({"operation": "orgs/list-webhooks", "delay_ms": 70000}),
            422,
            "\"delay_ms\"",
        ),
        (
            json!({"operation": "orgs/list-webhooks", "rate_limit": true, "status": 500}),
            422,
            "403 or 429",
        ),
        (json!({"status": 500}), 422, "operation: missing field"),
        (
            json!({"operation": "orgs/list-webhooks", "statuss": 500}),
            422,
            "unknown field `statuss`",
        ),
    ];
    for (body, status, message) in cases {
        let refused = api.post("/_hookspec/faults", body.clone()).await;
        assert_eq!(refused.status, status, "{body}: {}", refused.text);
        let text = refused.body["message"].as_str().unwrap();
        assert!(text.contains(message), "{body}: {text}");
    }
    let malformed = api
        .raw("POST", "/_hookspec/faults", Some(b"{".to_vec()), &[])
        .await;
    assert_eq!(malformed.status, 400);
}
