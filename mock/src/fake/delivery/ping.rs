//! The `ping` payload: written as JSON text on the delivery thread from parts kept ready.

use std::cell::RefCell;
use std::fmt::Write;
use std::sync::{Arc, LazyLock};

use serde_json::json;

use super::super::events;
use super::super::hook_store::Ready;
use super::super::model::{Hook, HookKind};
use super::super::payload::Payload;
use super::super::render;

/// The `zen` of the fake's pings (one of GitHub's): nothing in it is escaped in JSON.
const ZEN: &str = "Keep it logically awesome.";

/// What a ping's payload is written from, on the delivery thread: the hook's JSON as the API
/// shows it (the hook store's ready answer, shared, or written here when there is none) and
/// its organization.
#[derive(Debug, Clone)]
pub(crate) struct PingSource {
    pub hook_id: u64,
    pub hook_json: HookJson,
    /// The owner of an organization or repository hook: the hook's kind, the organization's
    /// login or the repository's `owner/name`, and its id.
    pub owner: Option<(HookKind, String, u64)>,
}

/// A hook's JSON as `GET` answers it.
#[derive(Debug, Clone)]
pub(crate) enum HookJson {
    /// The hook store's ready answer: shared, not copied.
    Ready(Arc<Ready>),
    /// Written for this ping.
    Written(Vec<u8>),
}

impl HookJson {
    /// `hook` as the API shows it on `api_base` for organization `login`.
    pub(crate) fn write(hook: &Hook, api_base: &str, login: Option<&str>) -> HookJson {
        HookJson::Written(
            serde_json::to_vec(&render::hook_view(hook, api_base, login)).unwrap_or_default(),
        )
    }

    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            HookJson::Ready(ready) => &ready.body,
            HookJson::Written(bytes) => bytes,
        }
    }
}

impl PingSource {
    /// The `ping` payload GitHub sends: `zen`, `hook_id`, `hook` (as the API shows it, secret
    /// masked), and for organization hooks `organization`; then `sender`.
    ///
    /// Written straight as JSON text, in the member order GitHub uses, from parts kept ready
    /// (the hook's JSON, the sender's, the last organization's); building a
    /// `serde_json::Value` first cost more than sending it.
    pub(crate) fn payload(&self) -> Payload {
        let written = (|| -> Option<String> {
            // The hook store writes its JSON with serde_json, which writes UTF-8: checked, not
            // trusted, and the only part that is.
            let hook = std::str::from_utf8(self.hook_json.bytes()).ok()?;
            let mut text = String::with_capacity(hook.len() + 2048);
            text.push_str("{\"zen\":\"");
            text.push_str(ZEN);
            text.push_str("\",\"hook_id\":");
            write!(text, "{}", self.hook_id).ok()?;
            text.push_str(",\"hook\":");
            text.push_str(hook);
            match &self.owner {
                Some((HookKind::Repository, full_name, id)) => {
                    text.push_str(",\"repository\":");
                    text.push_str(
                        &serde_json::to_string(&events::repository(full_name, *id)).ok()?,
                    );
                }
                Some((HookKind::App, _, _)) | None => {}
                Some((_, login, id)) => {
                    text.push_str(",\"organization\":");
                    write_organization(&mut text, login, *id).ok()?;
                }
            }
            text.push_str(",\"sender\":");
            text.push_str(&SENDER);
            text.push('}');
            Some(text)
        })();
        match written {
            Some(text) => Payload::from_json_text(text),
            // The hook's JSON and these types always serialize; keep the ping sendable.
            None => Payload::from_value(json!({ "zen": ZEN, "hook_id": self.hook_id })),
        }
    }
}

thread_local! {
    /// The organization last written on this thread (the delivery thread), as JSON: the pings
    /// of one organization repeat it.
    static LAST_ORGANIZATION: RefCell<Option<(String, u64, String)>> = const { RefCell::new(None) };
}

/// Appends the organization's JSON to `out`.
fn write_organization(out: &mut String, login: &str, id: u64) -> serde_json::Result<()> {
    LAST_ORGANIZATION.with_borrow_mut(|last| {
        if let Some((last_login, last_id, json)) = last.as_ref()
            && last_login == login
            && *last_id == id
        {
            out.push_str(json);
            return Ok(());
        }
        let json = serde_json::to_string(&events::Organization::new(login, id))?;
        out.push_str(&json);
        *last = Some((login.to_owned(), id, json));
        Ok(())
    })
}

/// The sender's JSON, the same in every payload.
static SENDER: LazyLock<String> = LazyLock::new(|| events::sender().to_string());

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HookSeed;
    use crate::fake::delivery::Target;

    /// The ping built through a `serde_json::Value`, the plain way: the oracle the text
    /// writer is compared with.
    fn ping_through_a_value(hook: &Hook, api_base: &str, target: &Target<'_>) -> String {
        let hook_json = serde_json::to_value(render::hook_view(hook, api_base, target.owner))
            .unwrap_or_default();
        let mut payload = json!({ "zen": ZEN, "hook_id": hook.id, "hook": hook_json });
        if let (Some(login), Some(org_id), Some(object)) =
            (target.owner, target.owner_id, payload.as_object_mut())
        {
            let api = format!("https://api.github.com/orgs/{login}");
            object.insert(
                "organization".into(),
                json!({
                    "login": login,
                    "id": org_id,
                    "node_id": format!("O_hookspec{org_id}"),
                    "url": api,
                    "repos_url": format!("{api}/repos"),
                    "events_url": format!("{api}/events"),
                    "hooks_url": format!("{api}/hooks"),
                    "issues_url": format!("{api}/issues"),
                    "members_url": format!("{api}/members{{/member}}"),
                    "public_members_url": format!("{api}/public_members{{/member}}"),
                    "avatar_url": format!("https://avatars.githubusercontent.com/u/{org_id}?v=4"),
                    "description": null,
                }),
            );
        }
        if let Some(object) = payload.as_object_mut() {
            object.insert("sender".into(), events::sender());
        }
        payload.to_string()
    }

    #[test]
    fn the_ping_written_as_text_has_the_bytes_of_the_ping_built_as_a_value() {
        let now = time::macros::datetime!(2026-12-03 13:18:25 UTC);
        let hook = HookSeed::new("https://example.com/h\"o\u{e9}k")
            .events(["push", "issues"])
            .secret("s3cret")
            .into_hook(7, HookKind::Organization, now);
        for target in [
            Target {
                kind: HookKind::Organization,
                owner: Some("oct\"o cat"),
                owner_id: Some(42),
            },
            Target {
                kind: HookKind::Global,
                owner: None,
                owner_id: None,
            },
        ] {
            let base = "http://127.0.0.1:8080/api/v3";
            let written = PingSource {
                hook_id: hook.id,
                hook_json: HookJson::write(&hook, base, target.owner),
                owner: target
                    .owner
                    .zip(target.owner_id)
                    .map(|(name, id)| (target.kind, name.to_owned(), id)),
            }
            .payload();
            assert_eq!(written.text(), ping_through_a_value(&hook, base, &target));
            assert!(written.value().is_object());
        }
    }
}
