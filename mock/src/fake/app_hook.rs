//! A GitHub App's one webhook: its configuration, read and written by the app itself with its
//! JSON Web Token (the deliveries are `deliveries.rs`'s, as for every hook). The hook is made
//! with the app and cannot be created or deleted through the API.

use super::github_error::ApiError;
use super::model::Hook;
use super::org_hooks::merge_config;
use super::render;
use super::reply::{Context, Reply};
use super::state::State;
use super::validation;

pub(crate) fn get_config(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let hook = app_hook_mut(state, context)?;
    Ok(Reply::json(200, &render::config_view(&hook.config)))
}

pub(crate) fn update_config(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let input = validation::read_config_update(&context.request.body)?;
    let hook = app_hook_mut(state, context)?;
    merge_config(&mut hook.config, input);
    hook.updated_at = context.now;
    Ok(Reply::json(200, &render::config_view(&hook.config)))
}

/// The hook of the app the JWT authenticated.
fn app_hook_mut<'a>(state: &'a mut State, context: &Context<'_>) -> Result<&'a mut Hook, ApiError> {
    let app = context
        .app
        .ok_or_else(|| ApiError::not_found("no GitHub App authenticated the request"))?;
    let entry = state
        .apps
        .get_mut(&app)
        .ok_or_else(|| ApiError::not_found(format!("no app {app}")))?;
    let id = entry.hook_id;
    entry
        .hooks
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("app {app} has no hook")))
}
