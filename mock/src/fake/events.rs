//! The payloads of the events the fake sends on its own besides `ping`: the `push` a test
//! push sends, the `meta` a deleted hook gets, and the objects they share (a repository, the
//! sender). Each is valid against GitHub's published webhook schema for it (the spec's
//! `webhook-push` and `webhook-meta-deleted`, from `@octokit/openapi-webhooks`; a test
//! validates them), with ids and URLs that are the fake's own.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::delivery::Target;
use super::model::{Hook, HookKind};
use super::render::{Timestamp, timestamp};

/// The user every payload names as `sender` (and a test push as `pusher`).
pub(crate) const SENDER_LOGIN: &str = "hookspec";

/// Where the URLs in payload objects point: GitHub's own (a test push, a ping and `meta`, as
/// GitHub sends them) or the fake's base URL (events emitted with a payload the fake makes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Urls {
    /// The REST API's base (`https://api.github.com`).
    pub api: String,
    /// The web pages' base (`https://github.com`).
    pub html: String,
    /// The avatars' base.
    pub avatars: String,
}

impl Urls {
    /// GitHub's.
    pub(crate) fn github() -> Urls {
        Urls {
            api: "https://api.github.com".to_owned(),
            html: "https://github.com".to_owned(),
            avatars: "https://avatars.githubusercontent.com".to_owned(),
        }
    }

    /// All on the fake's `base` URL (`http://127.0.0.1:PORT`).
    pub(crate) fn on(base: &str) -> Urls {
        let base = base.trim_end_matches('/');
        Urls {
            api: base.to_owned(),
            html: base.to_owned(),
            avatars: format!("{base}/avatars"),
        }
    }
}

/// A repository as webhook payloads show it (GitHub's `repository` of `push`), for
/// `owner/name` with id `id`, on GitHub's URLs, its owner a user with the repository's id.
pub(crate) fn repository(full_name: &str, id: u64) -> Value {
    repository_on(&Urls::github(), full_name, id, id)
}

/// A repository for `owner/name` with id `id` on `urls`, its owner's id `owner_id`.
pub(crate) fn repository_on(urls: &Urls, full_name: &str, id: u64, owner_id: u64) -> Value {
    let (owner, name) = full_name.split_once('/').unwrap_or((full_name, full_name));
    let api = format!("{}/repos/{full_name}", urls.api);
    let html = format!("{}/{full_name}", urls.html);
    let at = "2011-01-26T19:01:12Z";
    json!({
        "id": id,
        "node_id": format!("R_hookspec{id}"),
        "name": name,
        "full_name": full_name,
        "private": false,
        "owner": user_on(urls, owner, owner_id),
        "html_url": html,
        "description": null,
        "fork": false,
        "url": api,
        "forks_url": format!("{api}/forks"),
        "keys_url": format!("{api}/keys{{/key_id}}"),
        "collaborators_url": format!("{api}/collaborators{{/collaborator}}"),
        "teams_url": format!("{api}/teams"),
        "hooks_url": format!("{api}/hooks"),
        "issue_events_url": format!("{api}/issues/events{{/number}}"),
        "events_url": format!("{api}/events"),
        "assignees_url": format!("{api}/assignees{{/user}}"),
        "branches_url": format!("{api}/branches{{/branch}}"),
        "tags_url": format!("{api}/tags"),
        "blobs_url": format!("{api}/git/blobs{{/sha}}"),
        "git_tags_url": format!("{api}/git/tags{{/sha}}"),
        "git_refs_url": format!("{api}/git/refs{{/sha}}"),
        "trees_url": format!("{api}/git/trees{{/sha}}"),
        "statuses_url": format!("{api}/statuses/{{sha}}"),
        "languages_url": format!("{api}/languages"),
        "stargazers_url": format!("{api}/stargazers"),
        "contributors_url": format!("{api}/contributors"),
        "subscribers_url": format!("{api}/subscribers"),
        "subscription_url": format!("{api}/subscription"),
        "commits_url": format!("{api}/commits{{/sha}}"),
        "git_commits_url": format!("{api}/git/commits{{/sha}}"),
        "comments_url": format!("{api}/comments{{/number}}"),
        "issue_comment_url": format!("{api}/issues/comments{{/number}}"),
        "contents_url": format!("{api}/contents/{{+path}}"),
        "compare_url": format!("{api}/compare/{{base}}...{{head}}"),
        "merges_url": format!("{api}/merges"),
        "archive_url": format!("{api}/{{archive_format}}{{/ref}}"),
        "downloads_url": format!("{api}/downloads"),
        "issues_url": format!("{api}/issues{{/number}}"),
        "pulls_url": format!("{api}/pulls{{/number}}"),
        "milestones_url": format!("{api}/milestones{{/number}}"),
        "notifications_url": format!("{api}/notifications{{?since,all,participating}}"),
        "labels_url": format!("{api}/labels{{/name}}"),
        "releases_url": format!("{api}/releases{{/id}}"),
        "deployments_url": format!("{api}/deployments"),
        "created_at": at,
        "updated_at": at,
        "pushed_at": at,
        "git_url": format!("git://{}/{full_name}.git", host_of(&urls.html)),
        "ssh_url": format!("git@{}:{full_name}.git", host_of(&urls.html)),
        "clone_url": format!("{html}.git"),
        "svn_url": html,
        "homepage": null,
        "size": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "language": null,
        "has_issues": true,
        "has_projects": true,
        "has_downloads": true,
        "has_wiki": true,
        "has_pages": false,
        "has_discussions": false,
        "forks_count": 0,
        "mirror_url": null,
        "archived": false,
        "disabled": false,
        "open_issues_count": 0,
        "license": null,
        "allow_forking": true,
        "is_template": false,
        "topics": [],
        "visibility": "public",
        "forks": 0,
        "open_issues": 0,
        "watchers": 0,
        "default_branch": "main",
    })
}

/// The host (and port) of a base URL, for `git://` and ssh URLs.
fn host_of(base: &str) -> &str {
    base.split_once("://").map_or(base, |(_, rest)| rest)
}

/// A user (or organization) as a repository's `owner`, on `urls`.
pub(crate) fn user_on(urls: &Urls, login: &str, id: u64) -> Value {
    let api = format!("{}/users/{login}", urls.api);
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_hookspec{id}"),
        "avatar_url": format!("{}/u/{id}?v=4", urls.avatars),
        "gravatar_id": "",
        "url": api,
        "html_url": format!("{}/{login}", urls.html),
        "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"),
        "type": "User",
        "user_view_type": "public",
        "site_admin": false,
    })
}

/// The `push` a test push sends: the latest commit of the default branch pushed again
/// (`before` and `after` the same commit, nothing created, deleted or forced), as GitHub's test
/// push does: "This will trigger the hook with the latest push to the current repository".
pub(crate) fn push(full_name: &str, repo_id: u64, now: OffsetDateTime) -> Value {
    let sha = format!("{:040x}", repo_id.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let html = format!("https://github.com/{full_name}");
    let person = json!({
        "name": SENDER_LOGIN,
        "email": "hookspec@users.noreply.github.com",
        "username": SENDER_LOGIN,
    });
    let commit = json!({
        "id": sha,
        "tree_id": sha,
        "distinct": true,
        "message": "hookspec: the latest commit, pushed again by a test push",
        "timestamp": timestamp(now),
        "url": format!("{html}/commit/{sha}"),
        "author": person,
        "committer": person,
        "added": [],
        "removed": [],
        "modified": [],
    });
    json!({
        "ref": "refs/heads/main",
        "before": sha,
        "after": sha,
        "repository": repository(full_name, repo_id),
        "pusher": { "name": SENDER_LOGIN, "email": "hookspec@users.noreply.github.com" },
        "sender": sender(),
        "created": false,
        "deleted": false,
        "forced": false,
        "base_ref": null,
        "compare": format!("{html}/compare/{sha}...{sha}"),
        "commits": [commit],
        "head_commit": commit,
    })
}

/// The `sender` of every payload the fake writes.
pub(crate) fn sender() -> Value {
    sender_on(&Urls::github())
}

/// The `sender` on `urls`.
pub(crate) fn sender_on(urls: &Urls) -> Value {
    user_on(urls, SENDER_LOGIN, 1)
}

/// An organization as webhook payloads show it (`organization-simple`), on `urls`.
pub(crate) fn organization_on(urls: &Urls, login: &str, id: u64) -> Value {
    serde_json::to_value(Organization::on(urls, login, id)).unwrap_or_default()
}

/// The `meta` payload with action `deleted` for `hook`, about to be deleted from `target`:
/// the hook as GitHub's `meta` schema shows it (its secret left out), and the repository or
/// organization it belonged to.
pub(crate) fn meta_deleted(hook: &Hook, target: &Target<'_>) -> Value {
    let mut payload = json!({
        "action": "deleted",
        "hook_id": hook.id,
        "hook": {
            "type": hook.kind.type_name(),
            "id": hook.id,
            "name": hook.name,
            "active": hook.active,
            "events": hook.events,
            "config": {
                "content_type": hook.config.content_type,
                "insecure_ssl": hook.config.insecure_ssl,
                "url": hook.config.url,
            },
            "updated_at": Timestamp(hook.updated_at),
            "created_at": Timestamp(hook.created_at),
        },
    });
    if let (Some(object), Some(owner), Some(id)) =
        (payload.as_object_mut(), target.owner, target.owner_id)
    {
        match target.kind {
            HookKind::Repository => {
                object.insert("repository".into(), repository(owner, id));
            }
            HookKind::Organization => {
                object.insert(
                    "organization".into(),
                    organization_on(&Urls::github(), owner, id),
                );
            }
            HookKind::Global | HookKind::App => {}
        }
    }
    if let Some(object) = payload.as_object_mut() {
        object.insert("sender".into(), sender());
    }
    payload
}

/// An organization as webhook payloads show it (`organization-simple`), in GitHub's order.
#[derive(serde::Serialize)]
pub(crate) struct Organization<'a> {
    login: &'a str,
    id: u64,
    node_id: String,
    url: String,
    repos_url: String,
    events_url: String,
    hooks_url: String,
    issues_url: String,
    members_url: String,
    public_members_url: String,
    avatar_url: String,
    description: Option<&'a str>,
}

impl<'a> Organization<'a> {
    pub(crate) fn new(login: &'a str, id: u64) -> Organization<'a> {
        Organization::on(&Urls::github(), login, id)
    }

    /// Organization `login` with id `id`, its URLs on `urls`.
    pub(crate) fn on(urls: &Urls, login: &'a str, id: u64) -> Organization<'a> {
        let api = format!("{}/orgs/{login}", urls.api);
        Organization {
            login,
            id,
            node_id: format!("O_hookspec{id}"),
            repos_url: format!("{api}/repos"),
            events_url: format!("{api}/events"),
            hooks_url: format!("{api}/hooks"),
            issues_url: format!("{api}/issues"),
            members_url: format!("{api}/members{{/member}}"),
            public_members_url: format!("{api}/public_members{{/member}}"),
            avatar_url: format!("{}/u/{id}?v=4", urls.avatars),
            description: None,
            url: api,
        }
    }
}
