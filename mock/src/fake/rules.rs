//! GitHub's rules that no schema shows, each a 422 `Validation Failed` with GitHub's `errors[]`
//! entry (`resource: Hook`, `code: custom`, no `field`). Sources are in spec/README.md
//! ("Rules beyond the schema").
//!
//! - One URL, one hook: a second hook with the same `config.url` in the same organization is
//!   refused ("Hook already exists on this organization", quoted in public client code); among
//!   GHES global hooks the wording is a guess ("... on this enterprise"), marked as such.
//! - At most the product's `hooks_per_event` hooks per event per repository, organization or
//!   among the global hooks (20, and 250 on GHES: GitHub's docs, "Troubleshooting webhooks"
//!   and "Types of webhooks"); one entry per event over the limit, in the order the request
//!   names them.

use super::github_error::{ApiError, FieldError};
use super::model::{Hook, HookKind};
use crate::table::Product;

/// Checks a hook about to be stored (`id` is its own, skipped when counting) against the
/// others of its organization, or the global hooks.
pub(crate) fn check<'a>(
    hook: &Hook,
    others: impl Iterator<Item = &'a Hook> + Clone,
    check_url: bool,
    product: Product,
) -> Result<(), ApiError> {
    let limit = product.hooks_per_event();
    let mut errors = Vec::new();
    if check_url
        && others
            .clone()
            .any(|other| other.id != hook.id && other.config.url == hook.config.url)
    {
        let message = match hook.kind {
            HookKind::Organization => "Hook already exists on this organization",
            HookKind::Global => "Hook already exists on this enterprise",
            HookKind::Repository => "Hook already exists on this repository",
            HookKind::App => "Hook already exists on this app",
        };
        errors.push(FieldError::custom("Hook", message));
    }
    for event in &hook.events {
        let subscribed = others
            .clone()
            .filter(|other| other.id != hook.id && other.events.contains(event))
            .count();
        if subscribed >= limit {
            errors.push(FieldError::custom(
                "Hook",
                format!("The \"{event}\" event cannot have more than {limit} hooks"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation { errors })
    }
}
