//! Authentication and roles: the accepted `Authorization` forms, configured tokens, members
//! who get 404 on organization hooks, and site admins as the only users of global hooks.

use hookspec_mock::{FakeConfig, FakeGitHub, TokenConfig};
use pretty_assertions::assert_eq;

use crate::support::{Api, hook_body};

async fn fake_with_roles() -> FakeGitHub {
    let config = FakeConfig::default()
        .with_token(TokenConfig::owner("owner"))
        .with_token(TokenConfig::member("member"))
        .with_token(TokenConfig::site_admin("admin"))
        .with_token(TokenConfig::owner("both").and_site_admin());
    FakeGitHub::start_with(config).await
}

#[tokio::test]
async fn token_bearer_and_lowercase_bearer_are_all_accepted() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri()).token(None);
    for header in ["token abc", "Bearer abc", "bearer abc", "TOKEN abc"] {
        let answer = api
            .raw(
                "GET",
                "/orgs/octocat/hooks",
                None,
                &[("authorization", header)],
            )
            .await;
        assert_eq!(answer.status, 200, "{header}");
    }
}

#[tokio::test]
async fn by_default_any_token_is_an_owner_and_a_site_admin() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri()).token(Some("whatever"));
    assert_eq!(api.get("/orgs/octocat/hooks").await.status, 200);
    assert_eq!(
        Api::new(&fake.ghes_uri())
            .token(Some("whatever"))
            .get("/admin/hooks")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn an_unknown_token_gets_401_bad_credentials_once_tokens_are_configured() {
    let fake = fake_with_roles().await;
    let answer = Api::new(&fake.uri())
        .token(Some("stranger"))
        .get("/orgs/octocat/hooks")
        .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.body["message"], "Bad credentials");
}

#[tokio::test]
async fn members_get_404_on_organization_hooks_as_github_hides_them() {
    let fake = fake_with_roles().await;
    let owner = Api::new(&fake.uri()).token(Some("owner"));
    let id = owner
        .create_hook("octocat", "https://example.com/hook")
        .await;
    for token in ["member", "admin"] {
        let api = Api::new(&fake.uri()).token(Some(token));
        assert_eq!(api.get("/orgs/octocat/hooks").await.status, 404, "{token}");
        assert_eq!(
            api.get(&format!("/orgs/octocat/hooks/{id}")).await.status,
            404,
            "{token}"
        );
        assert_eq!(
            api.post("/orgs/octocat/hooks", hook_body("https://example.com/x"))
                .await
                .status,
            404,
            "{token}"
        );
        assert_eq!(
            api.delete(&format!("/orgs/octocat/hooks/{id}"))
                .await
                .status,
            404,
            "{token}"
        );
    }
    assert_eq!(fake.state().org_hooks("octocat").len(), 1);
}

#[tokio::test]
async fn only_site_admins_may_use_global_hooks() {
    let fake = fake_with_roles().await;
    for (token, status) in [
        ("owner", 404),
        ("member", 404),
        ("admin", 200),
        ("both", 200),
    ] {
        let api = Api::new(&fake.ghes_uri()).token(Some(token));
        assert_eq!(api.get("/admin/hooks").await.status, status, "{token}");
    }
    let both = Api::new(&fake.uri()).token(Some("both"));
    assert_eq!(both.get("/orgs/octocat/hooks").await.status, 200);
}
