//! The ready answers ([`super::hook_store`], [`super::wire`]) are byte for byte what the plain
//! serializer writes: lists, single hooks, configs and deliveries, on several base URLs, before
//! and after changes, with ETags that are the SHA-256 of the exact body.

use super::handler::Fake;
use super::http::FakeRequest;
use super::model::{DeliverySeed, Hook, HookSeed};
use super::render;
use super::validators;

/// The login organization hooks are shown under (the fake starts with `octocat`; logins are
/// case-insensitive, so seeding `OctoCat` keeps it).
const LOGIN: &str = "octocat";

/// Base URLs a client may use, odd ones included (JSON-escaped characters, a path prefix).
const BASES: [&str; 4] = [
    "http://127.0.0.1:8080",
    "http://localhost",
    "https://ghes.example.test",
    "http://we\"ird\\host:1",
];

/// A GET answered 200 whose ETag is the SHA-256 of its body; the body as text.
fn get(fake: &Fake, base: &str, path: &str) -> String {
    let response =
        fake.handle(&FakeRequest::new("GET", base, path).with_header("authorization", "token t"));
    assert_eq!(response.status, 200, "{path}: {:?}", response.json());
    assert_eq!(
        response.header("etag"),
        Some(validators::etag(&response.body, false).as_str()),
        "{path}: the ETag is the SHA-256 of the body"
    );
    String::from_utf8(response.body).unwrap_or_default()
}

fn plain_list(hooks: &[Hook], api_base: &str, login: Option<&str>) -> String {
    let views: Vec<_> = hooks
        .iter()
        .map(|hook| render::hook_view(hook, api_base, login))
        .collect();
    serde_json::to_string(&views).unwrap_or_default()
}

fn plain_hook(hook: &Hook, api_base: &str, login: Option<&str>) -> String {
    serde_json::to_string(&render::hook_view(hook, api_base, login)).unwrap_or_default()
}

/// A fake with organization and global hooks whose fields need escaping, including bytes that
/// look like the keys the wire form splits at.
fn seeded() -> Fake {
    let fake = Fake::default();
    let state = fake.state();
    state.add_org("OctoCat");
    for i in 0..25 {
        let mut seed = HookSeed::new(format!(
            "https://example.com/{i}?q=\",\"url\":\"/x\\\"ping_url\":\"é\u{2028}"
        ))
        .events([format!("ev\"{i}"), "push".to_owned()]);
        if i % 2 == 0 {
            seed = seed.secret("s3cret").content_type("json");
        }
        state.insert_org_hook("OctoCat", seed);
        state.insert_global_hook(HookSeed::new(format!("https://g.example.com/{i}")));
    }
    fake
}

#[test]
fn hook_lists_are_byte_for_byte_the_plain_serializers_on_every_base_url() {
    let fake = seeded();
    let state = fake.state();
    for base in BASES {
        for query in [
            "",
            "?per_page=7&page=3",
            "?per_page=100",
            "?page=9",
            "?per_page=1&page=25",
        ] {
            let hooks = state.org_hooks("octocat");
            let (per_page, page) = match query {
                "?per_page=7&page=3" => (7, 3),
                "?per_page=100" => (100, 1),
                "?page=9" => (30, 9),
                "?per_page=1&page=25" => (1, 25),
                _ => (30, 1),
            };
            let window: Vec<Hook> = hooks
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .cloned()
                .collect();
            // Twice: the second answer comes from what the first left ready.
            for _ in 0..2 {
                let org = get(&fake, base, &format!("/orgs/octocat/hooks{query}"));
                assert_eq!(org, plain_list(&window, base, Some(LOGIN)), "{base}{query}");
            }
            let globals: Vec<Hook> = state
                .global_hooks()
                .into_iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .collect();
            let ghes = format!("{base}/api/v3");
            let global = get(&fake, base, &format!("/api/v3/admin/hooks{query}"));
            assert_eq!(global, plain_list(&globals, &ghes, None), "{base}{query}");
        }
    }
}

#[test]
fn single_hooks_configs_and_deliveries_are_byte_for_byte_the_plain_serializers() {
    let fake = seeded();
    let state = fake.state();
    let hook = state.org_hooks("octocat")[3].clone();
    let global = state.global_hooks()[4].clone();
    let delivery = state
        .insert_delivery(hook.id, DeliverySeed::new("push").action("opened"))
        .unwrap_or_default();
    let recorded = state.deliveries(hook.id)[0].clone();
    for base in BASES {
        for _ in 0..2 {
            let one = get(&fake, base, &format!("/orgs/octocat/hooks/{}", hook.id));
            assert_eq!(one, plain_hook(&hook, base, Some(LOGIN)));
            let ghes = format!("{base}/api/v3");
            let one = get(
                &fake,
                base,
                &format!("/api/v3/orgs/octocat/hooks/{}", hook.id),
            );
            assert_eq!(one, plain_hook(&hook, &ghes, Some(LOGIN)));
            let one = get(&fake, base, &format!("/api/v3/admin/hooks/{}", global.id));
            assert_eq!(one, plain_hook(&global, &ghes, None));
        }
        let config = get(
            &fake,
            base,
            &format!("/orgs/octocat/hooks/{}/config", hook.id),
        );
        let plain = serde_json::to_string(&render::config_view(&hook.config)).unwrap_or_default();
        assert_eq!(config, plain);
        let list = get(
            &fake,
            base,
            &format!("/orgs/octocat/hooks/{}/deliveries", hook.id),
        );
        let plain = serde_json::to_string(&[render::delivery_summary_json(&recorded)]);
        assert_eq!(list, plain.unwrap_or_default());
        let one = get(
            &fake,
            base,
            &format!("/orgs/octocat/hooks/{}/deliveries/{delivery}", hook.id),
        );
        let plain = serde_json::to_string(&render::delivery_json(&recorded));
        assert_eq!(one, plain.unwrap_or_default());
    }
}

#[test]
fn a_change_is_seen_by_the_next_read_of_the_hook_and_of_every_page() {
    let fake = seeded();
    let state = fake.state();
    let base = BASES[0];
    let id = state.org_hooks("octocat")[0].id;
    get(&fake, base, "/orgs/octocat/hooks");
    get(&fake, base, &format!("/orgs/octocat/hooks/{id}"));
    for (method, path, body) in [
        (
            "PATCH",
            format!("/orgs/octocat/hooks/{id}"),
            r#"{"events":["issues"],"active":false}"#,
        ),
        (
            "PATCH",
            format!("/orgs/octocat/hooks/{id}/config"),
            r#"{"url":"https://changed.example.com"}"#,
        ),
        ("DELETE", format!("/orgs/octocat/hooks/{}", id + 2), ""),
        (
            "POST",
            "/orgs/octocat/hooks".to_owned(),
            r#"{"name":"web","events":["release"],"config":{"url":"http://127.0.0.1:9/new"}}"#,
        ),
    ] {
        let response = fake.handle(
            &FakeRequest::new(method, base, &path)
                .with_header("authorization", "token t")
                .with_body(body),
        );
        assert!(
            response.status < 300,
            "{method} {path}: {}",
            response.status
        );
        let hooks = state.org_hooks("octocat");
        let first_page: Vec<Hook> = hooks.iter().take(30).cloned().collect();
        let list = get(&fake, base, "/orgs/octocat/hooks");
        assert_eq!(
            list,
            plain_list(&first_page, base, Some(LOGIN)),
            "after {method} {path}"
        );
        let one = get(&fake, base, &format!("/orgs/octocat/hooks/{id}"));
        assert_eq!(
            one,
            plain_hook(&hooks[0], base, Some(LOGIN)),
            "after {method} {path}"
        );
    }
}
