//! Organization webhooks: list, create, get, update, delete, their configuration, and ping.

use super::delivery::Target;
use super::github_error::ApiError;
use super::model::{Hook, HookConfig, HookKind};
use super::pagination;
use super::render;
use super::reply::{Context, Reply};
use super::rules;
use super::state::State;
use super::validation::{self, ConfigInput};
use crate::headers;

pub(crate) fn list(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let org = state.org_or_404(context.org()?)?;
    Ok(pagination::hooks_page(
        context,
        &org.hooks,
        Some(&org.login),
    ))
}

pub(crate) fn create(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let login = state.org_or_404(context.org()?)?.login.clone();
    let input = validation::read_create(&context.request.body)?;
    let id = state.take_hook_id();
    let hook = input.into_hook(id, HookKind::Organization, context.now);
    rules::check(
        &hook,
        state.org_or_404(&login)?.hooks.values(),
        true,
        context.product,
    )?;
    let reply = Reply::json(
        201,
        &render::hook_view(&hook, &context.api_base, Some(&login)),
    );
    let location = render::hook_url(&hook, &context.api_base, Some(&login));
    let owner_id = state.org(&login).map(|org| org.id);
    if let Some(org) = state.org_mut(&login) {
        org.hooks.insert(id, hook.clone());
    }
    // GitHub pings every new hook.
    let target = Target {
        kind: HookKind::Organization,
        owner: Some(&login),
        owner_id,
    };
    send_ping(state, &hook, &target, context);
    Ok(reply.header(headers::LOCATION, location))
}

pub(crate) fn get(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let org = state.org_or_404(context.org()?)?;
    let id = context.hook_id()?;
    let ready = org
        .hooks
        .one(&id, &context.api_base, Some(&org.login))
        .ok_or_else(|| no_hook(id, &org.login))?;
    Ok(Reply::ready(&ready))
}

pub(crate) fn update(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    org_hook(state, context)?;
    let input = validation::read_update(&context.request.body)?;
    let (_, current) = org_hook(state, context)?;
    if let Some(events) = &input.events {
        let mut changed = current.clone();
        changed.events.clone_from(events);
        let org = state.org_or_404(context.org()?)?;
        rules::check(&changed, org.hooks.values(), false, context.product)?;
    }
    let (login, hook) = org_hook_mut(state, context)?;
    apply_update(hook, input.active, input.events, input.config, context.now);
    Ok(Reply::json(
        200,
        &render::hook_view(hook, &context.api_base, Some(&login)),
    ))
}

pub(crate) fn delete(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (login, hook) = org_hook(state, context)?;
    let (login, hook) = (login.to_owned(), hook.clone());
    let owner_id = state.org(&login).map(|org| org.id);
    let target = Target {
        kind: HookKind::Organization,
        owner: Some(&login),
        owner_id,
    };
    state.send_meta_deleted(&hook, &target, context.product);
    if let Some(org) = state.org_mut(&login) {
        org.hooks.remove(&hook.id);
    }
    state.forget_deliveries(hook.id);
    Ok(Reply::empty(204))
}

pub(crate) fn get_config(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    let (_, hook) = org_hook(state, context)?;
    Ok(Reply::json(200, &render::config_view(&hook.config)))
}

pub(crate) fn update_config(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    org_hook(state, context)?;
    let input = validation::read_config_update(&context.request.body)?;
    let (_, hook) = org_hook_mut(state, context)?;
    merge_config(&mut hook.config, input);
    hook.updated_at = context.now;
    Ok(Reply::json(200, &render::config_view(&hook.config)))
}

pub(crate) fn ping(state: &mut State, context: &Context<'_>) -> Result<Reply, ApiError> {
    // The 404s first; then the hook is read where it is.
    org_hook(state, context)?;
    let (login, id) = (context.org()?, context.hook_id()?);
    state.ping_in_place(
        |state| {
            let org = state.org(login)?;
            let target = Target {
                kind: HookKind::Organization,
                owner: Some(&org.login),
                owner_id: Some(org.id),
            };
            Some((org.hooks.get(&id)?, target))
        },
        &context.api_base,
        context.product,
    );
    Ok(Reply::empty(204))
}

/// Sends `hook` a `ping` in the background (organization and global hooks alike).
pub(crate) fn send_ping(
    state: &mut State,
    hook: &Hook,
    target: &Target<'_>,
    context: &Context<'_>,
) {
    state.ping(hook, target, &context.api_base, context.product);
}

/// The organization's login and the hook the route names (404 for either unknown).
pub(crate) fn org_hook<'a>(
    state: &'a State,
    context: &Context<'_>,
) -> Result<(&'a str, &'a Hook), ApiError> {
    let org = state.org_or_404(context.org()?)?;
    let id = context.hook_id()?;
    let hook = org.hooks.get(&id).ok_or_else(|| no_hook(id, &org.login))?;
    Ok((&org.login, hook))
}

fn org_hook_mut<'a>(
    state: &'a mut State,
    context: &Context<'_>,
) -> Result<(String, &'a mut Hook), ApiError> {
    let id = context.hook_id()?;
    let org = state.org_mut_or_404(context.org()?)?;
    let login = org.login.clone();
    let hook = org.hooks.get_mut(&id).ok_or_else(|| no_hook(id, &login))?;
    Ok((login, hook))
}

fn no_hook(id: u64, login: &str) -> ApiError {
    ApiError::not_found(format!("no hook {id} in org `{login}`"))
}

/// An organization or repository hook's update: what the request sets changes, and the secret
/// is overwritten (documented: "If you previously had a secret set, you must provide the same
/// secret or set a new secret or the secret will be removed").
pub(crate) fn apply_update(
    hook: &mut Hook,
    active: Option<bool>,
    events: Option<Vec<String>>,
    config: Option<ConfigInput>,
    now: time::OffsetDateTime,
) {
    if let Some(active) = active {
        hook.active = active;
    }
    if let Some(events) = events {
        hook.events = events;
    }
    match config {
        Some(config) => {
            let secret = config.secret.clone();
            merge_config(&mut hook.config, config);
            hook.config.secret = secret;
        }
        None => hook.config.secret = None,
    }
    hook.updated_at = now;
}

/// Sets the config fields a request sent and keeps the others (the config endpoint's rule).
pub(crate) fn merge_config(config: &mut HookConfig, input: ConfigInput) {
    if let Some(url) = input.url {
        config.url = url;
    }
    if let Some(content_type) = input.content_type {
        config.content_type = content_type;
    }
    if let Some(insecure_ssl) = input.insecure_ssl {
        config.insecure_ssl = insecure_ssl;
    }
    if let Some(secret) = input.secret {
        config.secret = Some(secret);
    }
}
