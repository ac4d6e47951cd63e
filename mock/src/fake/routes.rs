//! The fake's view of a routed request: the table's router (`crate::table::route_below_prefix`)
//! finds the operation, and here its path parameters are decoded by what the fake does with
//! them. Nothing here names an operation: a new operation in the spec is routed without
//! touching this file.

use crate::table::{self, Operation, Product};

/// The decoded path parameters of a routed request (the spec names them `org`, `owner`,
/// `repo`, `hook_id` and `delivery_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PathParams {
    pub org: Option<String>,
    pub owner: Option<String>,
    pub repo: Option<String>,
    pub hook_id: Option<u64>,
    pub delivery_id: Option<u64>,
}

impl PathParams {
    /// `owner/name` when the path names a repository.
    pub(crate) fn full_repo_name(&self) -> Option<String> {
        match (&self.owner, &self.repo) {
            (Some(owner), Some(repo)) => Some(format!("{owner}/{repo}")),
            _ => None,
        }
    }
}

/// An operation a request was routed to, with its decoded path parameters.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub operation: &'static Operation,
    pub params: PathParams,
}

/// The operation `method` and `path` (below any prefix) address on `product`, if any, with
/// its parameters decoded; a parameter that does not decode routes nowhere.
pub(crate) fn route(method: &str, product: Product, path: &str) -> Option<Route> {
    let routed = table::route_below_prefix(method, product, path)?;
    let mut params = PathParams::default();
    for (name, segment) in routed.params() {
        match name {
            "org" => params.org = Some(decode_segment(segment)?),
            "owner" => params.owner = Some(decode_segment(segment)?),
            "repo" => params.repo = Some(decode_segment(segment)?),
            "hook_id" => params.hook_id = Some(parse_id(segment)?),
            "delivery_id" => params.delivery_id = Some(parse_id(segment)?),
            _ => {
                decode_segment(segment)?;
            }
        }
    }
    Some(Route {
        operation: routed.operation,
        params,
    })
}

/// Why the route's organization, owner or repository name is one GitHub could not have
/// issued, if it is: such a name answers 404 (GitHub has no such account or repository), and
/// the fake must not create it on first use, or its answers would carry URLs that 404 when
/// followed (`a%2Fb` decodes to `a/b`). `None` when every name follows GitHub's rules.
pub(crate) fn invalid_name(params: &PathParams) -> Option<String> {
    let logins = [("organization", &params.org), ("owner", &params.owner)];
    for (what, login) in logins {
        if let Some(login) = login
            && let Some(rule) = login_rule_broken(login, what == "owner")
        {
            return Some(format!("{what} `{login}` is not a GitHub login: {rule}"));
        }
    }
    if let Some(repo) = &params.repo
        && let Some(rule) = repo_rule_broken(repo)
    {
        return Some(format!(
            "repository `{repo}` is not a GitHub repository name: {rule}"
        ));
    }
    None
}

/// The longest login GitHub issues.
const MAX_LOGIN: usize = 39;
/// The longest repository name GitHub accepts.
const MAX_REPO_NAME: usize = 100;

/// The rule of GitHub's sign-up form a login breaks ("Username may only contain alphanumeric
/// characters or single hyphens, and cannot begin or end with a hyphen", at most 39
/// characters). An owner may also be an Enterprise Managed User, whose login GitHub suffixes
/// with `_` and the enterprise's short code: that one underscore is allowed in owners.
fn login_rule_broken(login: &str, owner: bool) -> Option<&'static str> {
    let (name, short_code) = match owner.then(|| login.rsplit_once('_')).flatten() {
        Some((name, code)) => (name, Some(code)),
        None => (login, None),
    };
    // A login is read on every request: bytes first, characters only for a long one.
    if login.len() > MAX_LOGIN && login.chars().count() > MAX_LOGIN {
        return Some("a login has at most 39 characters");
    }
    let short_code_ok = short_code
        .is_none_or(|code| !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric()));
    if single_hyphenated(name) && short_code_ok {
        None
    } else {
        Some(
            "a login may only contain alphanumeric characters or single hyphens, and cannot begin or end with a hyphen",
        )
    }
}

/// Whether `name` is runs of ASCII letters and digits joined by single hyphens.
fn single_hyphenated(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && !bytes.windows(2).any(|pair| pair == b"--")
}

/// The rule a repository name breaks: GitHub keeps only ASCII letters, digits, `.`, `-` and
/// `_`, at most 100 characters, and never `.` or `..`.
fn repo_rule_broken(name: &str) -> Option<&'static str> {
    if name == "." || name == ".." {
        Some("a repository name cannot be `.` or `..`")
    } else if name.len() > MAX_REPO_NAME && name.chars().count() > MAX_REPO_NAME {
        Some("a repository name has at most 100 characters")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        Some("a repository name may only contain ASCII letters, digits, `.`, `-` and `_`")
    } else {
        None
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
pub(crate) fn decode_segment(segment: &str) -> Option<String> {
    if !segment.contains('%') {
        return (!segment.is_empty()).then(|| segment.to_owned());
    }
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
    use crate::table::{OPERATIONS, OperationId};

    fn routed(method: &str, product: Product, path: &str) -> Option<OperationId> {
        route(method, product, path).map(|route| route.operation.operation_id)
    }

    #[test]
    fn routing_agrees_with_each_operations_own_template_matcher() {
        for op in OPERATIONS {
            for product in [Product::Dotcom, Product::Ghes] {
                if !op.available_on(product) {
                    continue;
                }
                let path = op
                    .path
                    .replace("{org}", "oct%6Fcat")
                    .replace("{owner}", "oct%6Fcat")
                    .replace("{repo}", "hello-world")
                    .replace("{hook_id}", "12")
                    .replace("{delivery_id}", "34");
                assert!(op.match_path(&path).is_some(), "{}", op.path);
                assert_eq!(
                    routed(op.method, product, &path),
                    Some(op.operation_id),
                    "{path}"
                );
                let long = format!("{path}/1/2/3/4/5/6/7/8");
                assert_eq!(routed(op.method, product, &long), None, "{long}");
            }
        }
    }

    fn names(org: Option<&str>, owner: Option<&str>, repo: Option<&str>) -> PathParams {
        PathParams {
            org: org.map(str::to_owned),
            owner: owner.map(str::to_owned),
            repo: repo.map(str::to_owned),
            ..PathParams::default()
        }
    }

    #[test]
    fn logins_follow_githubs_sign_up_rules() {
        for good in ["octocat", "a", "Oct-o-Cat", "1-2", &"a".repeat(39)] {
            assert_eq!(invalid_name(&names(Some(good), None, None)), None, "{good}");
            assert_eq!(invalid_name(&names(None, Some(good), None)), None, "{good}");
        }
        for bad in [
            "a/b",
            "-a",
            "a-",
            "a--b",
            "a b",
            "a\nforged",
            "oct_cat",
            "café",
            "a.b",
        ] {
            let reason = invalid_name(&names(Some(bad), None, None)).unwrap_or_default();
            assert!(reason.contains("single hyphens"), "{bad}: {reason}");
        }
        let long = invalid_name(&names(Some(&"a".repeat(40)), None, None)).unwrap_or_default();
        assert!(long.contains("at most 39"), "{long}");
    }

    #[test]
    fn an_owner_may_carry_an_enterprise_managed_users_short_code() {
        assert_eq!(invalid_name(&names(None, Some("mona_acme"), None)), None);
        assert!(invalid_name(&names(None, Some("mona_"), None)).is_some());
        assert!(invalid_name(&names(None, Some("mona_a_b"), None)).is_some());
        assert!(invalid_name(&names(Some("mona_acme"), None, None)).is_some());
    }

    #[test]
    fn repository_names_follow_githubs_rules() {
        for good in ["hello-world", "a.b_c", ".github", "...", &"r".repeat(100)] {
            assert_eq!(
                invalid_name(&names(None, Some("o"), Some(good))),
                None,
                "{good}"
            );
        }
        for (bad, rule) in [
            (".", "`.` or `..`"),
            ("..", "`.` or `..`"),
            ("a/b", "may only contain"),
            ("a b", "may only contain"),
            (&*"r".repeat(101), "at most 100"),
        ] {
            let reason = invalid_name(&names(None, Some("o"), Some(bad))).unwrap_or_default();
            assert!(reason.contains(rule), "{bad}: {reason}");
        }
    }

    #[test]
    fn ids_must_be_plain_digits() {
        assert_eq!(parse_id("12"), Some(12));
        assert_eq!(parse_id("+12"), None);
        assert_eq!(parse_id("1e3"), None);
        assert_eq!(parse_id("99999999999999999999999"), None);
    }

    #[test]
    fn global_hooks_exist_only_under_the_ghes_prefix() {
        assert_eq!(routed("GET", Product::Dotcom, "/admin/hooks"), None);
        assert_eq!(
            routed("GET", Product::Ghes, "/admin/hooks"),
            Some(OperationId::EnterpriseAdminListGlobalWebhooks)
        );
    }

    #[test]
    fn an_unknown_method_on_a_known_path_routes_nowhere() {
        assert_eq!(
            routed("PUT", Product::Dotcom, "/orgs/octocat/hooks/1"),
            None
        );
    }

    #[test]
    fn a_longer_path_than_any_template_routes_nowhere() {
        assert_eq!(
            routed("GET", Product::Dotcom, "/orgs/octocat/hooks/1/x"),
            None
        );
        assert_eq!(routed("GET", Product::Dotcom, "/orgs/octocat/hooks/"), None);
    }

    #[test]
    fn org_segments_are_percent_decoded() {
        let route = route(
            "GET",
            Product::Dotcom,
            "/orgs/oct%6fcat/hooks/7/deliveries/9",
        );
        assert_eq!(
            route.map(|route| route.params),
            Some(PathParams {
                org: Some("octocat".into()),
                hook_id: Some(7),
                delivery_id: Some(9),
                ..PathParams::default()
            })
        );
        assert_eq!(routed("GET", Product::Dotcom, "/orgs/%zz/hooks"), None);
    }

    #[test]
    fn the_product_comes_from_the_longest_matching_prefix() {
        assert_eq!(
            Product::of_path("/api/v3/admin/hooks"),
            Some((Product::Ghes, "/admin/hooks"))
        );
        assert_eq!(
            Product::of_path("/api/v30/x"),
            Some((Product::Dotcom, "/api/v30/x"))
        );
        assert_eq!(Product::of_path("/api/v3"), Some((Product::Ghes, "")));
    }
}
