//! Who is calling: the token in `Authorization`, and whether it may use an operation (401
//! without usable credentials; 404 where GitHub hides an endpoint from the caller).

use crate::headers;
use std::collections::BTreeMap;

use super::config::{OrgRole, RepoRole};
use super::github_error::ApiError;
use super::http::FakeRequest;
use crate::table::{Access, OPERATIONS};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grants {
    pub org_role: OrgRole,
    pub site_admin: bool,
    pub repo_role: RepoRole,
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
        let Some(header) = request.header(headers::AUTHORIZATION.as_str()) else {
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

/// What `credentials` may do; `tokens` is `None` when any token is an owner and a site admin.
fn grants(
    tokens: Option<&BTreeMap<String, Grants>>,
    credentials: &Credentials<'_>,
) -> Result<Grants, ApiError> {
    match credentials {
        Credentials::Missing => Err(ApiError::RequiresAuthentication),
        Credentials::Unreadable => Err(ApiError::BadCredentials {
            reason: "the Authorization header is not `token T` or `Bearer T`".to_owned(),
        }),
        Credentials::Token(token) => match tokens {
            None => Ok(Grants {
                org_role: OrgRole::Owner,
                site_admin: true,
                repo_role: RepoRole::Admin,
            }),
            Some(tokens) => tokens
                .get(*token)
                .copied()
                .ok_or_else(|| ApiError::BadCredentials {
                    reason: "the token is not one the fake was started with".to_owned(),
                }),
        },
    }
}

impl Grants {
    /// Whether these grants reach operations that need `access`.
    fn allow(self, access: Access) -> bool {
        match access {
            Access::SiteAdmin => self.site_admin,
            Access::OrganizationOwner => self.org_role == OrgRole::Owner,
            Access::RepositoryAdmin => self.repo_role == RepoRole::Admin,
            // A GitHub App authenticates with its JWT, never with a token.
            Access::App => false,
        }
    }
}

/// Whether `credentials` may call an operation that needs `access`.
pub(crate) fn authorize(
    tokens: Option<&BTreeMap<String, Grants>>,
    credentials: &Credentials<'_>,
    access: Access,
) -> Result<(), ApiError> {
    if grants(tokens, credentials)?.allow(access) {
        Ok(())
    } else {
        Err(ApiError::not_found(match access {
            Access::SiteAdmin => "the token is not a site admin (GitHub hides the endpoint)",
            Access::OrganizationOwner => {
                "the token is not an organization owner (GitHub hides the endpoint)"
            }
            Access::RepositoryAdmin => {
                "the token is not an admin of the repository (GitHub hides the endpoint)"
            }
            Access::App => "a token is not a GitHub App's JWT",
        }))
    }
}

/// The scopes the caller's token holds, for `X-OAuth-Scopes`: those of every operation it may
/// call (from the spec).
pub(crate) fn granted_scopes(
    tokens: Option<&BTreeMap<String, Grants>>,
    credentials: &Credentials<'_>,
) -> Vec<&'static str> {
    let Ok(grants) = grants(tokens, credentials) else {
        return Vec::new();
    };
    let mut scopes: Vec<&'static str> = OPERATIONS
        .iter()
        .filter(|op| grants.allow(op.access))
        .flat_map(|op| op.oauth_scopes.iter().copied())
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}
