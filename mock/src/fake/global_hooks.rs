//! GHES global webhooks: list, create, get, update, delete, and ping.

use super::delivery::Target;
use super::github_error::ApiError;
use super::model::{HookConfig, HookKind};
use super::org_hooks::send_ping;
use super::pagination;
use super::render;
use super::reply::{Context, Reply};
use super::rules;
use super::state::State;
use super::validation;
use crate::headers;

/// Where global hooks deliver from: no organization.
const GLOBAL: Target<'static> = Target {
    kind: HookKind::Global,
    owner: None,
    owner_id: None,
};

pub(crate) fn list(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    Ok(pagination::hooks_page(context, &state.global_hooks, None))
}

pub(crate) fn create(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let input = validation::read_create(&context.request.body)?;
    let id = state.take_hook_id();
    let hook = input.into_hook(id, HookKind::Global, context.now);
    rules::check(&hook, state.global_hooks.values(), true, context.product)?;
    let reply = Reply::json(201, &render::hook_view(&hook, &context.api_base, None));
    let location = render::hook_url(&hook, &context.api_base, None);
    state.global_hooks.insert(id, hook.clone());
    // GitHub pings every new hook.
    send_ping(state, &hook, &GLOBAL, context);
    Ok(reply.header(headers::LOCATION, location))
}

pub(crate) fn get(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let id = context.hook_id()?;
    let ready = state
        .global_hooks
        .one(&id, &context.api_base, None)
        .ok_or_else(|| no_hook(id))?;
    Ok(Reply::ready(&ready))
}

pub(crate) fn update(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let id = context.hook_id()?;
    if !state.global_hooks.contains_key(&id) {
        return Err(no_hook(id));
    }
    let input = validation::read_update(&context.request.body)?;
    let hook = state.global_hooks.get_mut(&id).ok_or_else(|| no_hook(id))?;
    // Documented: parameters not provided are overwritten with their defaults, or removed
    // when they have none.
    let config = input.config.unwrap_or_default();
    let url = config.url.unwrap_or_else(|| hook.config.url.clone());
    let config = HookConfig::new(url, config.content_type, config.insecure_ssl, config.secret);
    hook.reset_to(input.active, input.events, config, context.now);
    Ok(Reply::json(
        200,
        &render::hook_view(hook, &context.api_base, None),
    ))
}

pub(crate) fn delete(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let id = context.hook_id()?;
    let hook = state
        .global_hooks
        .get(&id)
        .cloned()
        .ok_or_else(|| no_hook(id))?;
    state.send_meta_deleted(&hook, &GLOBAL, context.product);
    state.global_hooks.remove(&id);
    state.forget_deliveries(id);
    Ok(Reply::empty(204))
}

pub(crate) fn ping(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let id = context.hook_id()?;
    if !state.global_hooks.contains_key(&id) {
        return Err(no_hook(id));
    }
    state.ping_in_place(
        |state| Some((state.global_hooks.get(&id)?, GLOBAL)),
        &context.api_base,
        context.product,
    );
    Ok(Reply::empty(204))
}

fn no_hook(id: u64) -> ApiError {
    ApiError::not_found(format!("no global hook {id}"))
}
