//! Who is calling: the token in `Authorization`, and whether it may use an operation (401
//! without usable credentials; 404 where GitHub hides an endpoint from the caller).

use std::collections::BTreeMap;

use super::config::OrgRole;
use super::github_error::ApiError;
use super::http::FakeRequest;
use crate::table::{Access, OPERATIONS};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grants {
    pub org_role: OrgRole,
    pub site_admin: bool,
}

/// What the client sent in `Authorization`.
pub(crate) enum Credentials<'a> {
    Missing,
    Token(&'a str),
    Unreadable,
}

impl Credentials<'_> {
    /// `token T` or `Bearer T`, any case.
    pub(crate) fn of(request: &FakeRequest) -> Credentials<'_> {
        let Some(header) = request.header("authorization") else {
            return Credentials::Missing;
        };
        match header.trim().split_once(' ') {
            Some((scheme, token))
                if (scheme.eq_ignore_ascii_case("token")
                    || scheme.eq_ignore_ascii_case("bearer"))
                    && !token.trim().is_empty() =>
            {
                Credentials::Token(token.trim())
            }
            _ => Credentials::Unreadable,
        }
    }
}

/// Whether `credentials` may call an operation that needs `access`; `tokens` is `None` when
/// any token is an owner and a site admin.
pub(crate) fn authorize(
    tokens: Option<&BTreeMap<String, Grants>>,
    credentials: &Credentials<'_>,
    access: Access,
) -> Result<(), ApiError> {
    let grants = match credentials {
        Credentials::Missing => return Err(ApiError::RequiresAuthentication),
        Credentials::Unreadable => {
            return Err(ApiError::BadCredentials {
                reason: "the Authorization header is not `token T` or `Bearer T`".to_owned(),
            });
        }
        Credentials::Token(token) => match tokens {
            None => Grants {
                org_role: OrgRole::Owner,
                site_admin: true,
            },
            Some(tokens) => *tokens.get(*token).ok_or_else(|| ApiError::BadCredentials {
                reason: "the token is not one the fake was started with".to_owned(),
            })?,
        },
    };
    let allowed = match access {
        Access::SiteAdmin => grants.site_admin,
        Access::OrganizationOwner => grants.org_role == OrgRole::Owner,
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::not_found(match access {
            Access::SiteAdmin => "the token is not a site admin (GitHub hides the endpoint)",
            Access::OrganizationOwner => {
                "the token is not an organization owner (GitHub hides the endpoint)"
            }
        }))
    }
}

/// The scopes the caller's token holds, for `X-OAuth-Scopes`.
pub(crate) fn granted_scopes(
    tokens: Option<&BTreeMap<String, Grants>>,
    credentials: &Credentials<'_>,
) -> Vec<&'static str> {
    let grants = match credentials {
        Credentials::Token(token) => match tokens {
            None => Some(Grants {
                org_role: OrgRole::Owner,
                site_admin: true,
            }),
            Some(tokens) => tokens.get(*token).copied(),
        },
        _ => None,
    };
    let mut scopes = Vec::new();
    if let Some(grants) = grants {
        if grants.org_role == OrgRole::Owner {
            scopes.extend(
                OPERATIONS
                    .iter()
                    .filter(|op| op.access == Access::OrganizationOwner)
                    .flat_map(|op| op.oauth_scopes.iter().copied()),
            );
        }
        if grants.site_admin {
            scopes.extend(
                OPERATIONS
                    .iter()
                    .filter(|op| op.access == Access::SiteAdmin)
                    .flat_map(|op| op.oauth_scopes.iter().copied()),
            );
        }
    }
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}
