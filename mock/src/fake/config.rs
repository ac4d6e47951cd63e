//! How a fake starts: which organizations exist, which tokens may do what, and how webhooks
//! are delivered.

use std::time::Duration;

use super::app_auth::GitHubApp;

/// What a token is in every organization of the fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrgRole {
    /// Not a member: organization webhook endpoints answer 404, as GitHub hides them.
    Outsider,
    /// A member but not an owner: organization webhook endpoints answer 404 too.
    Member,
    /// An organization owner: may use every organization webhook endpoint.
    Owner,
}

/// What a token may do in every repository of the fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RepoRole {
    /// No access: repository webhook endpoints answer 404.
    None,
    /// Read access only: repository webhook endpoints answer 404 too, as GitHub hides them
    /// from anyone who is not an admin.
    Read,
    /// Owner or admin: may use every repository webhook endpoint.
    Admin,
}

/// A token the fake accepts, and what it may do.
///
/// When [`FakeConfig::tokens`] is empty the fake accepts any token as an organization owner
/// and a site admin; once it names tokens, any other token gets 401 `Bad credentials`.
/// A token listed more than once gets the union of its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenConfig {
    /// The token as a client sends it after `token ` or `Bearer `.
    pub token: String,
    /// Its role in every organization of the fake.
    pub org_role: OrgRole,
    /// Whether it belongs to a GHES site admin (the only users who may use global webhooks).
    pub site_admin: bool,
    /// Its role in every repository of the fake.
    pub repo_role: RepoRole,
}

impl TokenConfig {
    /// A token of an organization owner who is not a site admin (an owner is an admin of
    /// the organization's repositories).
    pub fn owner(token: impl Into<String>) -> Self {
        TokenConfig {
            token: token.into(),
            org_role: OrgRole::Owner,
            site_admin: false,
            repo_role: RepoRole::Admin,
        }
    }

    /// A token of an organization member who is neither an owner nor a site admin, and can
    /// read repositories.
    pub fn member(token: impl Into<String>) -> Self {
        TokenConfig {
            token: token.into(),
            org_role: OrgRole::Member,
            site_admin: false,
            repo_role: RepoRole::Read,
        }
    }

    /// A token of a site admin who is not a member of any organization.
    pub fn site_admin(token: impl Into<String>) -> Self {
        TokenConfig {
            token: token.into(),
            org_role: OrgRole::Outsider,
            site_admin: true,
            repo_role: RepoRole::None,
        }
    }

    /// A token of a repository admin who is in no organization.
    pub fn repo_admin(token: impl Into<String>) -> Self {
        TokenConfig {
            token: token.into(),
            org_role: OrgRole::Outsider,
            site_admin: false,
            repo_role: RepoRole::Admin,
        }
    }

    /// A token that can only read repositories (hook endpoints answer it 404).
    pub fn repo_reader(token: impl Into<String>) -> Self {
        TokenConfig {
            token: token.into(),
            org_role: OrgRole::Outsider,
            site_admin: false,
            repo_role: RepoRole::Read,
        }
    }

    /// The same token, also a site admin.
    pub fn and_site_admin(mut self) -> Self {
        self.site_admin = true;
        self
    }
}

/// The starting configuration of a fake: organizations, tokens and bookkeeping.
///
/// ```
/// use hookspec_mock::{FakeConfig, TokenConfig};
///
/// let config = FakeConfig::default()
///     .with_org("acme")
///     .with_token(TokenConfig::owner("owner-token"))
///     .with_token(TokenConfig::member("member-token"));
/// assert_eq!(config.orgs, ["octocat", "acme"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeConfig {
    /// Organizations that exist from the start (default: `octocat`).
    pub orgs: Vec<String>,
    /// Whether any organization a client names exists (created on first use), as a newcomer
    /// expects (default: true). False: only [`orgs`](Self::orgs) exist and others answer 404,
    /// as on GitHub.
    pub any_org: bool,
    /// GitHub Apps the fake knows (each with its one webhook, configured through
    /// `PATCH /app/hook/config`); their JWTs are checked against their public keys.
    pub apps: Vec<GitHubApp>,
    /// Repositories that exist, as `owner/name` (default: none listed).
    pub repos: Vec<String>,
    /// Whether any repository a client names exists (default: true). False: only
    /// [`repos`](Self::repos) exist and others answer 404, as on GitHub.
    pub any_repo: bool,
    /// Tokens and their roles; empty (the default) means any token is an organization owner
    /// and a site admin.
    pub tokens: Vec<TokenConfig>,
    /// Whether to keep every answered request for
    /// [`FakeState::requests`](crate::FakeState::requests) and the journal of
    /// `GET /_hookspec/requests` (default: true).
    pub record_requests: bool,
    /// How many requests the journal keeps, the oldest dropped first (default: 10 000), so
    /// that memory stays flat under load.
    pub max_recorded_requests: usize,
    /// How many bytes the journal's entries may hold together, bodies and headers counted
    /// (default: 32 MiB); past that the oldest go first (the newest is kept whole). With
    /// [`max_recorded_requests`](Self::max_recorded_requests) this keeps a client that sends
    /// large bodies from growing the fake's memory.
    pub max_recorded_request_bytes: usize,
    /// The `X-RateLimit-Limit` reported to authenticated requests (default: 5000). The fake
    /// never runs out on its own: use [`Fault::rate_limit`](crate::Fault::rate_limit) for that.
    pub rate_limit: u32,
    /// Whether webhooks may be delivered to hosts other than loopback addresses (default:
    /// false: a delivery to any other host is recorded as failed, saying why).
    pub allow_external_deliveries: bool,
    /// How long a receiver may take before its delivery fails as timed out; `None` (the
    /// default) uses the product's, as GitHub's documentation gives it (10 s on api.github.com,
    /// 30 s on GHES; the spec's product table). Tests set a short one.
    pub delivery_timeout: Option<Duration>,
    /// Whether each delivery is logged on standard output, one line each (default: false; the
    /// binary turns it on).
    pub log_deliveries: bool,
    /// How many delivery records each hook keeps, oldest dropped first (default: 1000). GitHub
    /// keeps deliveries for a limited time; this keeps memory flat under sustained pinging.
    pub max_deliveries_per_hook: usize,
    /// How many payload bytes the delivery records may hold in all (default: 32 MiB); past
    /// that the hook holding the most loses its oldest records first (each hook keeps its
    /// newest). With [`max_pending_bytes`](Self::max_pending_bytes) this bounds what
    /// deliveries of any size keep in memory.
    pub max_stored_delivery_bytes: usize,
    /// How many deliveries may be on their way at once (default: 10 000); past that a new one is
    /// recorded as failed at once, saying so, so that a receiver that cannot keep up under a
    /// flood of events never makes the fake's memory grow without bound.
    pub max_pending_deliveries: usize,
    /// How many payload bytes may be on their way at once (default: 32 MiB, which with the
    /// stored records' bound keeps the fake's memory under 100 MB); past that a new delivery is recorded as failed at
    /// once, saying so, as past [`max_pending_deliveries`](Self::max_pending_deliveries), so
    /// that large payloads to a receiver that cannot keep up stay bounded too. A delivery's
    /// bytes are its payload's text, released when it is recorded.
    pub max_pending_bytes: usize,
    /// Signature traps (default: false): every JSON payload also carries a `hookspec_trap`
    /// member written with `\u` escapes, escaped slashes, non-ASCII text and a line separator,
    /// whose bytes change if a receiver parses and re-serializes the JSON before checking the
    /// signature. A receiver that verifies the raw bytes, as GitHub's docs require, accepts it.
    pub signature_traps: bool,
    /// Hosts besides loopback names and addresses whose requests the fake's own `/_hookspec/`
    /// endpoints answer (default: none), by name (`mock`) or as `Host` spells it with its port
    /// (`mock:8080`). Others get 403, so that a web page cannot reach them by pointing its own
    /// name at the fake (DNS rebinding).
    pub allowed_control_hosts: Vec<String>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            orgs: vec!["octocat".to_owned()],
            any_org: true,
            apps: Vec::new(),
            repos: Vec::new(),
            any_repo: true,
            tokens: Vec::new(),
            record_requests: true,
            max_recorded_requests: FakeConfig::DEFAULT_MAX_RECORDED_REQUESTS,
            max_recorded_request_bytes: FakeConfig::DEFAULT_MAX_RECORDED_REQUEST_BYTES,
            rate_limit: 5000,
            allow_external_deliveries: false,
            delivery_timeout: None,
            log_deliveries: false,
            max_deliveries_per_hook: 1000,
            max_pending_deliveries: 10_000,
            max_pending_bytes: 32 * 1024 * 1024,
            max_stored_delivery_bytes: 32 * 1024 * 1024,
            signature_traps: false,
            allowed_control_hosts: Vec::new(),
        }
    }
}

impl FakeConfig {
    /// The journal's default bound ([`max_recorded_requests`](Self::max_recorded_requests)).
    pub const DEFAULT_MAX_RECORDED_REQUESTS: usize = 10_000;

    /// The journal's default bound in bytes
    /// ([`max_recorded_request_bytes`](Self::max_recorded_request_bytes)).
    pub const DEFAULT_MAX_RECORDED_REQUEST_BYTES: usize = 32 * 1024 * 1024;

    /// The configuration with one more organization.
    pub fn with_org(mut self, login: impl Into<String>) -> Self {
        self.orgs.push(login.into());
        self
    }

    /// The configuration where only `repos` (each `owner/name`) exist; any other answers 404,
    /// as on GitHub.
    pub fn only_repos<I, S>(mut self, repos: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.repos = repos.into_iter().map(Into::into).collect();
        self.any_repo = false;
        self
    }

    /// The configuration with one more GitHub App (see [`GitHubApp::generated`] for one whose
    /// private key a test holds).
    pub fn with_app(mut self, app: GitHubApp) -> Self {
        self.apps.push(app);
        self
    }

    /// The configuration where only `orgs` exist (any other answers 404, as on GitHub).
    pub fn only_orgs<I, S>(mut self, orgs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.orgs = orgs.into_iter().map(Into::into).collect();
        self.any_org = false;
        self
    }

    /// The configuration with every delivery timing out after `timeout`.
    pub fn with_delivery_timeout(mut self, timeout: Duration) -> Self {
        self.delivery_timeout = Some(timeout);
        self
    }

    /// The configuration with deliveries allowed to any host, not only loopback addresses.
    pub fn allowing_external_deliveries(mut self) -> Self {
        self.allow_external_deliveries = true;
        self
    }

    /// The configuration with one more token.
    pub fn with_token(mut self, token: TokenConfig) -> Self {
        self.tokens.push(token);
        self
    }
}
