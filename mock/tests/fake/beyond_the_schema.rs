//! GitHub's behaviour that no schema shows: the duplicate-URL and 20-hooks-per-event rules,
//! conditional requests (ETag, Last-Modified, 304 without spending the rate limit), and the
//! headers GitHub sends on these endpoints.

use hookspec_mock::table::find_operation;
use hookspec_mock::{FakeGitHub, HookSeed};
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::support::{Answer, Api};

fn custom_messages(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.body["message"], "Validation Failed");
    answer.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(
                (e["resource"].as_str(), e["code"].as_str()),
                (Some("Hook"), Some("custom"))
            );
            assert!(e.get("field").is_none(), "{e}");
            e["message"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_second_org_hook_with_the_same_url_is_refused() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let body = json!({ "name": "web", "config": { "url": "http://127.0.0.1:9/same" } });
    assert_eq!(
        api.post("/orgs/octocat/hooks", body.clone()).await.status,
        201
    );
    let again = api.post("/orgs/octocat/hooks", body.clone()).await;
    assert_eq!(
        custom_messages(&again),
        ["Hook already exists on this organization"]
    );
    assert_eq!(
        again.body["documentation_url"],
        find_operation("orgs/create-webhook")
            .unwrap()
            .documentation_url
    );
    // Another organization may use the same URL.
    assert_eq!(api.post("/orgs/other/hooks", body).await.status, 201);
}

#[tokio::test]
async fn a_second_global_hook_with_the_same_url_is_refused() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.ghes_uri());
    let body = json!({ "name": "web", "config": { "url": "http://127.0.0.1:9/same" } });
    assert_eq!(api.post("/admin/hooks", body.clone()).await.status, 201);
    let again = api.post("/admin/hooks", body).await;
    assert_eq!(
        custom_messages(&again),
        ["Hook already exists on this enterprise"]
    );
}

#[tokio::test]
async fn an_event_takes_at_most_20_hooks_per_org_and_each_event_over_says_so() {
    let fake = FakeGitHub::start().await;
    for i in 0..20 {
        fake.state().insert_org_hook(
            "octocat",
            HookSeed::new(format!("http://127.0.0.1:9/{i}")).events(["push", "issues"]),
        );
    }
    let api = Api::new(&fake.uri());
    let over = api
        .post(
            "/orgs/octocat/hooks",
            json!({ "name": "web", "events": ["pull_request", "push", "issues"], "config": { "url": "http://127.0.0.1:9/21" } }),
        )
        .await;
    assert_eq!(
        custom_messages(&over),
        [
            "The \"push\" event cannot have more than 20 hooks",
            "The \"issues\" event cannot have more than 20 hooks"
        ]
    );
    assert_eq!(
        fake.state().org_hooks("octocat").len(),
        20,
        "nothing was stored"
    );
    let other_event = api
        .post(
            "/orgs/octocat/hooks",
            json!({ "name": "web", "events": ["pull_request"], "config": { "url": "http://127.0.0.1:9/21" } }),
        )
        .await;
    assert_eq!(other_event.status, 201);
    let id = other_event.body["id"].as_u64().unwrap();
    let update = api
        .patch(
            &format!("/orgs/octocat/hooks/{id}"),
            json!({ "events": ["push"] }),
        )
        .await;
    assert_eq!(
        custom_messages(&update),
        ["The \"push\" event cannot have more than 20 hooks"]
    );
    // The limit is per organization.
    let elsewhere = api
        .post(
            "/orgs/other/hooks",
            json!({ "name": "web", "config": { "url": "http://127.0.0.1:9/x" } }),
        )
        .await;
    assert_eq!(elsewhere.status, 201);
}

#[tokio::test]
async fn a_conditional_get_answers_304_until_the_hook_changes_and_spends_no_rate_limit() {
    let fake = FakeGitHub::start().await;
    let id = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new("http://127.0.0.1:9/hook"));
    let api = Api::new(&fake.uri());
    let path = format!("/orgs/octocat/hooks/{id}");

    let first = api.get(&path).await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").unwrap();
    assert!(etag.starts_with("W/\"") && etag.len() == 68, "{etag}");
    let used = |a: &Answer| {
        a.header("x-ratelimit-used")
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    let remaining = |a: &Answer| {
        a.header("x-ratelimit-remaining")
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };

    let cached = api
        .raw("GET", &path, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(cached.status, 304);
    assert_eq!(cached.text, "");
    assert_eq!(cached.header("etag").as_deref(), Some(etag.as_str()));
    assert_eq!(used(&cached), used(&first), "a 304 does not count");
    assert_eq!(remaining(&cached), remaining(&first));

    let changed = api.patch(&path, json!({ "events": ["issues"] })).await;
    assert_eq!(changed.status, 200);
    assert!(
        changed
            .header("etag")
            .is_some_and(|tag| tag.starts_with("W/\""))
    );

    let fresh = api
        .raw("GET", &path, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(fresh.status, 200);
    assert_ne!(fresh.header("etag").as_deref(), Some(etag.as_str()));
    assert_eq!(fresh.body["events"], json!(["issues"]));
    assert_eq!(
        used(&fresh),
        used(&first) + 2,
        "the update and this read count"
    );

    let list = api.get("/orgs/octocat/hooks").await;
    let list_tag = list.header("etag").unwrap();
    let list_again = api
        .raw(
            "GET",
            "/orgs/octocat/hooks",
            None,
            &[("If-None-Match", &list_tag)],
        )
        .await;
    assert_eq!(list_again.status, 304);
}

#[tokio::test]
async fn a_single_hook_has_last_modified_and_honours_if_modified_since() {
    let fake = FakeGitHub::start().await;
    let id = fake
        .state()
        .insert_org_hook("octocat", HookSeed::new("http://127.0.0.1:9/hook"));
    let api = Api::new(&fake.uri());
    let path = format!("/orgs/octocat/hooks/{id}");
    let first = api.get(&path).await;
    let modified = first.header("last-modified").unwrap();
    assert!(modified.ends_with(" GMT"), "{modified}");
    let since = api
        .raw("GET", &path, None, &[("If-Modified-Since", &modified)])
        .await;
    assert_eq!(since.status, 304);
    let older = api
        .raw(
            "GET",
            &path,
            None,
            &[("If-Modified-Since", "Tue, 06 Sep 2011 20:39:23 GMT")],
        )
        .await;
    assert_eq!(older.status, 200);
    assert!(
        api.get("/orgs/octocat/hooks")
            .await
            .header("last-modified")
            .is_none()
    );
}

#[tokio::test]
async fn the_answers_carry_githubs_caching_scope_and_media_type_headers() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let list = api.get("/orgs/octocat/hooks").await;
    assert_eq!(
        list.header("cache-control").as_deref(),
        Some("private, max-age=60, s-maxage=60")
    );
    let vary: Vec<String> = list
        .headers
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        vary,
        [
            "Accept, Authorization, Cookie, X-GitHub-OTP",
            "Accept-Encoding, Accept, X-Requested-With"
        ]
    );
    assert_eq!(
        list.header("x-accepted-oauth-scopes").as_deref(),
        Some("admin:org_hook")
    );
    assert!(
        list.header("x-oauth-scopes").is_none(),
        "not a classic token"
    );
    let missing = api.get("/orgs/octocat/hooks/999").await;
    assert_eq!(
        missing.header("x-accepted-oauth-scopes").as_deref(),
        Some("admin:org_hook")
    );
    assert!(missing.header("cache-control").is_none());

    let classic = api
        .token(Some("ghp_classic"))
        .get("/orgs/octocat/hooks")
        .await;
    // Any token of the default fake may call every operation a token may call, so it holds
    // their scopes (the App operations take a JWT and name none).
    assert_eq!(
        classic.header("x-oauth-scopes").as_deref(),
        Some("admin:org_hook, admin:repo_hook, read:repo_hook, repo, site_admin, write:repo_hook")
    );
    let global = Api::new(&fake.ghes_uri()).get("/admin/hooks").await;
    assert_eq!(
        global.header("x-accepted-oauth-scopes").as_deref(),
        Some("site_admin")
    );

    let full = api
        .raw(
            "GET",
            "/orgs/octocat/hooks",
            None,
            &[("Accept", "application/vnd.github.v3.full+json")],
        )
        .await;
    assert_eq!(
        full.header("x-github-media-type").as_deref(),
        Some("github.v3; param=full; format=json")
    );
}
