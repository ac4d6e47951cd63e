//! Hook-list pagination edges: `per_page` 1, 100 and 101, the default of 30, a page past the
//! end, and following `Link` to the last page, with the header exactly in GitHub's form.

use hookspec_mock::{FakeGitHub, HookSeed};
use pretty_assertions::assert_eq;

use crate::support::Api;

async fn fake_with_hooks(count: usize) -> (FakeGitHub, Vec<u64>) {
    let fake = FakeGitHub::start().await;
    let ids = (0..count)
        .map(|i| {
            fake.state()
                .insert_org_hook("octocat", HookSeed::new(format!("https://example.com/{i}")))
        })
        .collect();
    (fake, ids)
}

fn ids(answer: &crate::support::Answer) -> Vec<u64> {
    answer
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn per_page_1_links_next_and_last_in_githubs_form() {
    let (fake, hooks) = fake_with_hooks(3).await;
    let api = Api::new(&fake.uri());
    let first = api.get("/orgs/octocat/hooks?per_page=1").await;
    assert_eq!(ids(&first), hooks[0..1]);
    let base = format!("{}/orgs/octocat/hooks", fake.uri());
    assert_eq!(
        first.header("link").unwrap(),
        format!(
            "<{base}?per_page=1&page=2>; rel=\"next\", <{base}?per_page=1&page=3>; rel=\"last\""
        )
    );
    let middle = api.get("/orgs/octocat/hooks?per_page=1&page=2").await;
    assert_eq!(
        middle.header("link").unwrap(),
        format!(
            "<{base}?per_page=1&page=1>; rel=\"prev\", <{base}?per_page=1&page=3>; rel=\"next\", <{base}?per_page=1&page=3>; rel=\"last\", <{base}?per_page=1&page=1>; rel=\"first\""
        )
    );
}

#[tokio::test]
async fn following_link_next_reaches_the_last_page_and_sees_every_hook_once() {
    let (fake, hooks) = fake_with_hooks(7).await;
    let api = Api::new(&fake.ghes_uri());
    let mut seen = Vec::new();
    let mut answer = api.get("/orgs/octocat/hooks?per_page=3").await;
    loop {
        seen.extend(ids(&answer));
        match answer.link("next") {
            Some(next) => {
                assert!(
                    next.starts_with(&format!("{}/api/v3/orgs/octocat/hooks?", fake.uri())),
                    "{next}"
                );
                answer = api.get(&next).await;
            }
            None => break,
        }
    }
    assert_eq!(seen, hooks);
    assert_eq!(answer.link("last"), None);
    assert!(answer.link("prev").unwrap().ends_with("page=2"));
    assert!(answer.link("first").unwrap().ends_with("page=1"));
}

#[tokio::test]
async fn per_page_100_and_101_both_give_pages_of_100() {
    let (fake, hooks) = fake_with_hooks(101).await;
    let api = Api::new(&fake.uri());
    let hundred = api.get("/orgs/octocat/hooks?per_page=100").await;
    assert_eq!(ids(&hundred), hooks[0..100]);
    assert!(
        hundred
            .link("next")
            .unwrap()
            .ends_with("per_page=100&page=2")
    );
    let over = api.get("/orgs/octocat/hooks?per_page=101").await;
    assert_eq!(ids(&over), hooks[0..100]);
    assert_eq!(
        ids(&api.get("/orgs/octocat/hooks?per_page=101&page=2").await),
        hooks[100..101]
    );
}

#[tokio::test]
async fn the_default_page_holds_30_hooks() {
    let (fake, hooks) = fake_with_hooks(31).await;
    let api = Api::new(&fake.uri());
    let answer = api.get("/orgs/octocat/hooks").await;
    assert_eq!(ids(&answer), hooks[0..30]);
    let base = format!("{}/orgs/octocat/hooks", fake.uri());
    assert_eq!(
        answer.header("link").unwrap(),
        format!("<{base}?page=2>; rel=\"next\", <{base}?page=2>; rel=\"last\"")
    );
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_and_links_back() {
    let (fake, _) = fake_with_hooks(2).await;
    let api = Api::new(&fake.uri());
    let answer = api.get("/orgs/octocat/hooks?per_page=1&page=5").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, serde_json::json!([]));
    assert!(answer.link("prev").unwrap().ends_with("per_page=1&page=4"));
    assert!(answer.link("first").unwrap().ends_with("per_page=1&page=1"));
    assert_eq!(answer.link("next"), None);
}

#[tokio::test]
async fn odd_paging_values_fall_back_to_githubs_defaults() {
    let (fake, hooks) = fake_with_hooks(2).await;
    let api = Api::new(&fake.uri());
    for query in [
        "per_page=0",
        "per_page=-1",
        "per_page=abc",
        "page=0",
        "page=-3",
        "page=x",
    ] {
        let answer = api.get(&format!("/orgs/octocat/hooks?{query}")).await;
        assert_eq!(
            (answer.status, ids(&answer)),
            (200, hooks.clone()),
            "{query}"
        );
    }
}
