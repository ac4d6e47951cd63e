//! Repository webhooks: list, create, get, update (with `add_events` and `remove_events`),
//! delete, their configuration, ping, and the test push.

use super::delivery::Target;
use super::events;
use super::github_error::ApiError;
use super::model::{Hook, HookKind};
use super::org_hooks::{apply_update, merge_config, send_ping};
use super::pagination;
use super::render;
use super::reply::{Context, Reply};
use super::rules;
use super::state::State;
use super::validation;
use crate::headers;

pub(crate) fn list(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let repo = state.repo_or_404(&context.repo()?)?;
    Ok(pagination::hooks_page(
        context,
        &repo.hooks,
        Some(&repo.full_name),
    ))
}

pub(crate) fn create(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let full_name = state.repo_or_404(&context.repo()?)?.full_name.clone();
    let input = validation::read_repo_create(&context.request.body)?;
    let id = state.take_hook_id();
    let hook = input.into_hook(id, HookKind::Repository, context.now);
    rules::check(
        &hook,
        state.repo_or_404(&full_name)?.hooks.values(),
        true,
        context.product,
    )?;
    let reply = Reply::json(
        201,
        &render::hook_view(&hook, &context.api_base, Some(&full_name)),
    );
    let location = render::hook_url(&hook, &context.api_base, Some(&full_name));
    let repo_id = match state.repo_mut(&full_name) {
        Some(repo) => {
            repo.hooks.insert(id, hook.clone());
            Some(repo.id)
        }
        None => None,
    };
    // GitHub pings every new hook.
    let target = Target {
        kind: HookKind::Repository,
        owner: Some(&full_name),
        owner_id: repo_id,
    };
    send_ping(state, &hook, &target, context);
    Ok(reply.header(headers::LOCATION, location))
}

pub(crate) fn get(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let repo = state.repo_or_404(&context.repo()?)?;
    let id = context.hook_id()?;
    let ready = repo
        .hooks
        .one(&id, &context.api_base, Some(&repo.full_name))
        .ok_or_else(|| no_hook(id, &repo.full_name))?;
    Ok(Reply::ready(&ready))
}

pub(crate) fn update(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (_, current) = repo_hook(state, context)?;
    let current = current.clone();
    let update = validation::read_repo_update(&context.request.body)?;
    // `events` replaces the list; `add_events` and `remove_events` then edit it.
    let mut events = update
        .hook
        .events
        .clone()
        .unwrap_or_else(|| current.events.clone());
    for event in update.add_events.iter().flatten() {
        if !events.contains(event) {
            events.push(event.clone());
        }
    }
    if let Some(remove) = &update.remove_events {
        events.retain(|event| !remove.contains(event));
    }
    if events != current.events {
        let mut changed = current.clone();
        changed.events.clone_from(&events);
        let repo = state.repo_or_404(&context.repo()?)?;
        rules::check(&changed, repo.hooks.values(), false, context.product)?;
    }
    let (full_name, hook) = repo_hook_mut(state, context)?;
    apply_update(
        hook,
        update.hook.active,
        Some(events),
        update.hook.config,
        context.now,
    );
    Ok(Reply::json(
        200,
        &render::hook_view(hook, &context.api_base, Some(&full_name)),
    ))
}

pub(crate) fn delete(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (full_name, hook) = repo_hook(state, context)?;
    let (full_name, hook) = (full_name.to_owned(), hook.clone());
    let repo_id = state.repo(&full_name).map(|repo| repo.id);
    let target = Target {
        kind: HookKind::Repository,
        owner: Some(&full_name),
        owner_id: repo_id,
    };
    state.send_meta_deleted(&hook, &target, context.product);
    if let Some(repo) = state.repo_mut(&full_name) {
        repo.hooks.remove(&hook.id);
    }
    state.forget_deliveries(hook.id);
    Ok(Reply::empty(204))
}

pub(crate) fn get_config(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (_, hook) = repo_hook(state, context)?;
    Ok(Reply::json(200, &render::config_view(&hook.config)))
}

pub(crate) fn update_config(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    repo_hook(state, context)?;
    let input = validation::read_config_update(&context.request.body)?;
    let (_, hook) = repo_hook_mut(state, context)?;
    merge_config(&mut hook.config, input);
    hook.updated_at = context.now;
    Ok(Reply::json(200, &render::config_view(&hook.config)))
}

pub(crate) fn ping(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    // The 404s first; then the hook is read where it is.
    repo_hook(state, context)?;
    let (full_name, id) = (context.repo()?, context.hook_id()?);
    state.ping_in_place(
        |state| {
            let repo = state.repo(&full_name)?;
            let target = Target {
                kind: HookKind::Repository,
                owner: Some(&repo.full_name),
                owner_id: Some(repo.id),
            };
            Some((repo.hooks.get(&id)?, target))
        },
        &context.api_base,
        context.product,
    );
    Ok(Reply::empty(204))
}

/// `POST …/tests`: GitHub sends the hook a `push` of the repository's latest commit when the
/// hook is subscribed to `push`, and nothing otherwise; either way it answers 204.
pub(crate) fn test_push(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (full_name, found) = repo_hook(state, context)?;
    let (full_name, found) = (full_name.to_owned(), found.clone());
    if found.kind.receives(&found.events, "push") {
        let repo_id = state.repo(&full_name).map_or(0, |repo| repo.id);
        let target = Target {
            kind: HookKind::Repository,
            owner: Some(&full_name),
            owner_id: Some(repo_id),
        };
        let payload = events::push(&full_name, repo_id, context.now);
        state.deliver(
            &found,
            &target,
            "push",
            super::payload::Payload::from_value(payload),
            None,
            context.product,
        );
    }
    Ok(Reply::empty(204))
}

/// The repository's `owner/name` and the hook the route names (404 for either unknown).
pub(crate) fn repo_hook<'a>(
    state: &'a State,
    context: &Context<'_>,
) -> Result<(&'a str, &'a Hook), ApiError> {
    let repo = state.repo_or_404(&context.repo()?)?;
    let id = context.hook_id()?;
    let hook = repo
        .hooks
        .get(&id)
        .ok_or_else(|| no_hook(id, &repo.full_name))?;
    Ok((&repo.full_name, hook))
}

fn repo_hook_mut<'a>(
    state: &'a mut State,
    context: &Context<'_>,
) -> Result<(String, &'a mut Hook), ApiError> {
    let id = context.hook_id()?;
    let repo = state.repo_mut_or_404(&context.repo()?)?;
    let full_name = repo.full_name.clone();
    let hook = repo
        .hooks
        .get_mut(&id)
        .ok_or_else(|| no_hook(id, &full_name))?;
    Ok((full_name, hook))
}

fn no_hook(id: u64, full_name: &str) -> ApiError {
    ApiError::not_found(format!("no hook {id} in repository `{full_name}`"))
}
