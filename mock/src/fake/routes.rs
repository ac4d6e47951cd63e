//! Routing by hand-written path patterns, keyed by the spec's 17 operationIds: this works
//! whether or not the generated operation table is filled in.

use crate::operation::Product;

/// The operationIds of the 17 operations the fake serves, in the spec's order.
pub const OPERATION_IDS: [&str; 17] = [
    "orgs/list-webhooks",
    "orgs/create-webhook",
    "orgs/get-webhook",
    "orgs/update-webhook",
    "orgs/delete-webhook",
    "orgs/get-webhook-config-for-org",
    "orgs/update-webhook-config-for-org",
    "orgs/list-webhook-deliveries",
    "orgs/get-webhook-delivery",
    "orgs/redeliver-webhook-delivery",
    "orgs/ping-webhook",
    "enterprise-admin/list-global-webhooks",
    "enterprise-admin/create-global-webhook",
    "enterprise-admin/get-global-webhook",
    "enterprise-admin/update-global-webhook",
    "enterprise-admin/delete-global-webhook",
    "enterprise-admin/ping-global-webhook",
];

/// The documentation page (with anchor) of each operation, in [`OPERATION_IDS`] order.
const DOCUMENTATION_URLS: [&str; 17] = [
    "https://docs.github.com/rest/orgs/webhooks#list-organization-webhooks",
    "https://docs.github.com/rest/orgs/webhooks#create-an-organization-webhook",
    "https://docs.github.com/rest/orgs/webhooks#get-an-organization-webhook",
    "https://docs.github.com/rest/orgs/webhooks#update-an-organization-webhook",
    "https://docs.github.com/rest/orgs/webhooks#delete-an-organization-webhook",
    "https://docs.github.com/rest/orgs/webhooks#get-a-webhook-configuration-for-an-organization",
    "https://docs.github.com/rest/orgs/webhooks#update-a-webhook-configuration-for-an-organization",
    "https://docs.github.com/rest/orgs/webhooks#list-deliveries-for-an-organization-webhook",
    "https://docs.github.com/rest/orgs/webhooks#get-a-webhook-delivery-for-an-organization-webhook",
    "https://docs.github.com/rest/orgs/webhooks#redeliver-a-delivery-for-an-organization-webhook",
    "https://docs.github.com/rest/orgs/webhooks#ping-an-organization-webhook",
    "https://docs.github.com/enterprise-server@3.21/rest/enterprise-admin/global-webhooks#list-global-webhooks",
    "https://docs.github.com/enterprise-server@3.21/rest/enterprise-admin/global-webhooks#create-a-global-webhook",
    "https://docs.github.com/enterprise-server@3.21/rest/enterprise-admin/global-webhooks#get-a-global-webhook",
    "https://docs.github.com/enterprise-server@3.21/rest/enterprise-admin/global-webhooks#update-a-global-webhook",
    "https://docs.github.com/enterprise-server@3.21/rest/enterprise-admin/global-webhooks#delete-a-global-webhook",
    "https://docs.github.com/enterprise-server@3.21/rest/enterprise-admin/global-webhooks#ping-a-global-webhook",
];

/// The path prefix of GHES.
pub(crate) const GHES_PREFIX: &str = "/api/v3";

/// An operation a request was routed to, with its decoded path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    ListOrgHooks {
        org: String,
    },
    CreateOrgHook {
        org: String,
    },
    GetOrgHook {
        org: String,
        hook: u64,
    },
    UpdateOrgHook {
        org: String,
        hook: u64,
    },
    DeleteOrgHook {
        org: String,
        hook: u64,
    },
    GetOrgHookConfig {
        org: String,
        hook: u64,
    },
    UpdateOrgHookConfig {
        org: String,
        hook: u64,
    },
    ListDeliveries {
        org: String,
        hook: u64,
    },
    GetDelivery {
        org: String,
        hook: u64,
        delivery: u64,
    },
    Redeliver {
        org: String,
        hook: u64,
        delivery: u64,
    },
    PingOrgHook {
        org: String,
        hook: u64,
    },
    ListGlobalHooks,
    CreateGlobalHook,
    GetGlobalHook {
        hook: u64,
    },
    UpdateGlobalHook {
        hook: u64,
    },
    DeleteGlobalHook {
        hook: u64,
    },
    PingGlobalHook {
        hook: u64,
    },
}

impl Route {
    fn index(&self) -> usize {
        match self {
            Route::ListOrgHooks { .. } => 0,
            Route::CreateOrgHook { .. } => 1,
            Route::GetOrgHook { .. } => 2,
            Route::UpdateOrgHook { .. } => 3,
            Route::DeleteOrgHook { .. } => 4,
            Route::GetOrgHookConfig { .. } => 5,
            Route::UpdateOrgHookConfig { .. } => 6,
            Route::ListDeliveries { .. } => 7,
            Route::GetDelivery { .. } => 8,
            Route::Redeliver { .. } => 9,
            Route::PingOrgHook { .. } => 10,
            Route::ListGlobalHooks => 11,
            Route::CreateGlobalHook => 12,
            Route::GetGlobalHook { .. } => 13,
            Route::UpdateGlobalHook { .. } => 14,
            Route::DeleteGlobalHook { .. } => 15,
            Route::PingGlobalHook { .. } => 16,
        }
    }

    /// The spec's operationId.
    pub(crate) fn operation_id(&self) -> &'static str {
        OPERATION_IDS[self.index()]
    }

    /// The operation's documentation page, for `documentation_url` in 422 bodies.
    pub(crate) fn documentation_url(&self) -> &'static str {
        DOCUMENTATION_URLS[self.index()]
    }

    /// Whether the route is one of the six global-webhook operations.
    pub(crate) fn is_global(&self) -> bool {
        self.index() >= 11
    }
}

/// Splits a request path into the product it addresses and the path below the prefix.
pub(crate) fn split_product(path: &str) -> (Product, &str) {
    match path.strip_prefix(GHES_PREFIX) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (Product::Ghes, rest),
        _ => (Product::Dotcom, path),
    }
}

/// The operation `method` and `path` (below any prefix) address on `product`, if any.
pub(crate) fn route(method: &str, product: Product, path: &str) -> Option<Route> {
    let rest = path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["orgs", org, "hooks"] => {
            let org = decode_segment(org)?;
            match method {
                "GET" => Some(Route::ListOrgHooks { org }),
                "POST" => Some(Route::CreateOrgHook { org }),
                _ => None,
            }
        }
        ["orgs", org, "hooks", hook] => {
            let (org, hook) = (decode_segment(org)?, parse_id(hook)?);
            match method {
                "GET" => Some(Route::GetOrgHook { org, hook }),
                "PATCH" => Some(Route::UpdateOrgHook { org, hook }),
                "DELETE" => Some(Route::DeleteOrgHook { org, hook }),
                _ => None,
            }
        }
        ["orgs", org, "hooks", hook, "config"] => {
            let (org, hook) = (decode_segment(org)?, parse_id(hook)?);
            match method {
                "GET" => Some(Route::GetOrgHookConfig { org, hook }),
                "PATCH" => Some(Route::UpdateOrgHookConfig { org, hook }),
                _ => None,
            }
        }
        ["orgs", org, "hooks", hook, "deliveries"] if method == "GET" => {
            Some(Route::ListDeliveries {
                org: decode_segment(org)?,
                hook: parse_id(hook)?,
            })
        }
        ["orgs", org, "hooks", hook, "deliveries", delivery] if method == "GET" => {
            Some(Route::GetDelivery {
                org: decode_segment(org)?,
                hook: parse_id(hook)?,
                delivery: parse_id(delivery)?,
            })
        }
        [
            "orgs",
            org,
            "hooks",
            hook,
            "deliveries",
            delivery,
            "attempts",
        ] if method == "POST" => Some(Route::Redeliver {
            org: decode_segment(org)?,
            hook: parse_id(hook)?,
            delivery: parse_id(delivery)?,
        }),
        ["orgs", org, "hooks", hook, "pings"] if method == "POST" => Some(Route::PingOrgHook {
            org: decode_segment(org)?,
            hook: parse_id(hook)?,
        }),
        ["admin", "hooks"] if product == Product::Ghes => match method {
            "GET" => Some(Route::ListGlobalHooks),
            "POST" => Some(Route::CreateGlobalHook),
            _ => None,
        },
        ["admin", "hooks", hook] if product == Product::Ghes => {
            let hook = parse_id(hook)?;
            match method {
                "GET" => Some(Route::GetGlobalHook { hook }),
                "PATCH" => Some(Route::UpdateGlobalHook { hook }),
                "DELETE" => Some(Route::DeleteGlobalHook { hook }),
                _ => None,
            }
        }
        ["admin", "hooks", hook, "pings"] if product == Product::Ghes && method == "POST" => {
            Some(Route::PingGlobalHook {
                hook: parse_id(hook)?,
            })
        }
        _ => None,
    }
}

/// An id path segment: ASCII digits only (no sign), fitting in a u64.
fn parse_id(segment: &str) -> Option<u64> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

/// A percent-decoded, non-empty path segment that is valid UTF-8.
fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let text = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    (!decoded.is_empty()).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_plain_digits() {
        assert_eq!(parse_id("12"), Some(12));
        assert_eq!(parse_id("+12"), None);
        assert_eq!(parse_id("1e3"), None);
        assert_eq!(parse_id("99999999999999999999999"), None);
    }

    #[test]
    fn global_hooks_exist_only_under_the_ghes_prefix() {
        assert_eq!(route("GET", Product::Dotcom, "/admin/hooks"), None);
        assert_eq!(
            route("GET", Product::Ghes, "/admin/hooks"),
            Some(Route::ListGlobalHooks)
        );
    }

    #[test]
    fn an_unknown_method_on_a_known_path_routes_nowhere() {
        assert_eq!(route("PUT", Product::Dotcom, "/orgs/octocat/hooks/1"), None);
    }

    #[test]
    fn org_segments_are_percent_decoded() {
        assert_eq!(
            route("GET", Product::Dotcom, "/orgs/oct%6fcat/hooks"),
            Some(Route::ListOrgHooks {
                org: "octocat".into()
            })
        );
        assert_eq!(route("GET", Product::Dotcom, "/orgs/%zz/hooks"), None);
    }
}
