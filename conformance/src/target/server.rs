//! A target: the server a run checks (base URL, token, organisation, product, timeout).

use std::time::Duration;

use hookspec_mock::Product;

use url::Url;

use crate::error::TargetError;

/// The organisation the embedded fake provides.
pub const DEFAULT_ORG: &str = "octocat";

/// The repository (`owner/name`) the embedded fake provides.
pub const DEFAULT_REPO: &str = "octocat/hello-world";

/// How long a request may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The GitHub App a run authenticates as on the App webhook endpoints: its id and private key
/// (a fresh JWT is signed for each request; neither the key nor a JWT is ever written out).
#[derive(Clone)]
pub struct TargetApp {
    /// The app id, the JWT's `iss`.
    pub id: u64,
    /// The key pair whose private half signs the JWTs.
    pub key: hookspec_mock::AppKey,
    /// Whether the app is the run's own (the embedded fake's), so that cases may change its
    /// webhook configuration; a real app's configuration is left alone.
    pub disposable: bool,
}

impl std::fmt::Debug for TargetApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetApp")
            .field("id", &self.id)
            .field("disposable", &self.disposable)
            .finish_non_exhaustive()
    }
}

/// The server a run checks.
#[derive(Clone)]
pub struct Target {
    /// The base URL that operation paths are appended to: `https://api.github.com` or
    /// `https://HOSTNAME/api/v3`. Kept without a trailing slash.
    pub base_url: Url,
    /// The token sent as `Authorization: Bearer`, if any.
    pub token: Option<String>,
    /// The organisation `{org}` stands for.
    pub org: String,
    /// The repository (`owner/name`) `{owner}` and `{repo}` stand for; without one, cases on
    /// repository webhooks are skipped.
    pub repo: Option<String>,
    /// The GitHub App the App webhook cases authenticate as; without one they are skipped.
    pub app: Option<TargetApp>,
    /// The product the server is (decides which cases apply).
    pub product: Product,
    /// The longest a request, connect to last byte, may take.
    pub timeout: Duration,
    /// Headers sent with every request (`--header`), replacing the runner's own of the same
    /// name; a step's own headers still win. Never written to any report.
    pub headers: Vec<(String, String)>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url.as_str())
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("org", &self.org)
            .field("repo", &self.repo)
            .field("app", &self.app)
            .field("product", &self.product.id())
            .field("timeout", &self.timeout)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Target {
    /// A target at `base_url` for `product`, with no token, the default organisation and timeout.
    pub fn new(base_url: &str, product: Product) -> Result<Self, TargetError> {
        Ok(Target {
            base_url: parse_base_url(base_url)?,
            token: None,
            org: DEFAULT_ORG.to_string(),
            repo: None,
            app: None,
            product,
            timeout: DEFAULT_TIMEOUT,
            headers: Vec::new(),
        })
    }

    /// Adds a header sent with every request (one of the same name given earlier is replaced).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sets the organisation.
    pub fn with_org(mut self, org: impl Into<String>) -> Self {
        self.org = org.into();
        self
    }

    /// Sets the repository (`owner/name`), refusing anything else.
    pub fn with_repo(mut self, repo: impl Into<String>) -> Result<Self, TargetError> {
        let repo = repo.into();
        match repo.split_once('/') {
            Some((owner, name)) if !owner.is_empty() && !name.is_empty() && !name.contains('/') => {
                self.repo = Some(repo);
                Ok(self)
            }
            _ => Err(TargetError::BadRepo(repo)),
        }
    }

    /// Sets the GitHub App the App webhook cases authenticate as.
    pub fn with_app(mut self, app: TargetApp) -> Self {
        self.app = Some(app);
        self
    }

    /// Sets the timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The base URL as text without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// Whether `url` lies on this target: same scheme, host and port, and a path under the base.
    pub fn owns_url(&self, url: &Url) -> bool {
        let base = &self.base_url;
        let base_path = base.path().trim_end_matches('/');
        url.scheme() == base.scheme()
            && url.host_str().map(str::to_ascii_lowercase)
                == base.host_str().map(str::to_ascii_lowercase)
            && url.port_or_known_default() == base.port_or_known_default()
            && (url.path() == base_path || url.path().starts_with(&format!("{base_path}/")))
    }
}

/// Parses a base URL: http or https, no query or fragment; a trailing slash is dropped.
pub fn parse_base_url(text: &str) -> Result<Url, TargetError> {
    let error = |message: &str| TargetError::Url {
        url: text.to_string(),
        message: message.to_string(),
    };
    let url = Url::parse(text.trim()).map_err(|e| error(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(error("the scheme must be http or https"));
    }
    if url.host_str().is_none() {
        return Err(error("no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(error("a base URL takes no query or fragment"));
    }
    let trimmed = url.as_str().trim_end_matches('/').to_string();
    Url::parse(&trimmed).map_err(|e| error(&e.to_string()))
}

/// Parses `NAME:VALUE` (as `--header` takes it): a valid HTTP header name, then a value that
/// is valid in a header, surrounding spaces trimmed.
pub fn parse_header(text: &str) -> Result<(String, String), TargetError> {
    let error = |message: &str| TargetError::Header {
        name: text
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string(),
        message: message.to_string(),
    };
    let Some((name, value)) = text.split_once(':') else {
        return Err(error("expected NAME:VALUE"));
    };
    let (name, value) = (name.trim(), value.trim());
    hyper::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| error("not a valid header name"))?;
    hyper::header::HeaderValue::from_str(value)
        .map_err(|_| error("the value holds characters a header cannot carry"))?;
    Ok((name.to_string(), value.to_string()))
}

/// Parses a product id (`dotcom`, `ghes`, `dotcom-legacy`).
pub fn parse_product(text: &str) -> Result<Product, TargetError> {
    Product::from_id(text.trim()).ok_or_else(|| TargetError::Product {
        id: text.to_string(),
        known: crate::show::known_products(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_on_the_target_are_recognised() -> Result<(), Box<dyn std::error::Error>> {
        let target = Target::new("http://127.0.0.1:8080/api/v3/", Product::Ghes)?;
        assert_eq!(target.base(), "http://127.0.0.1:8080/api/v3");
        assert!(target.owns_url(&Url::parse(
            "http://127.0.0.1:8080/api/v3/admin/hooks?page=2"
        )?));
        assert!(!target.owns_url(&Url::parse("http://127.0.0.1:8080/api/v30/admin/hooks")?));
        assert!(!target.owns_url(&Url::parse("http://127.0.0.1:8081/api/v3/admin/hooks")?));
        assert!(!target.owns_url(&Url::parse("https://127.0.0.1:8080/api/v3/admin/hooks")?));
        Ok(())
    }

    #[test]
    fn headers_parse_as_name_colon_value_and_bad_ones_are_refused() {
        assert_eq!(
            parse_header("X-Access: a:b ").ok(),
            Some(("X-Access".to_string(), "a:b".to_string()))
        );
        for bad in ["no colon", "bad name: v", "X-A: line\nbreak", ": v"] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn header_values_are_not_shown_in_debug_output() -> Result<(), Box<dyn std::error::Error>> {
        let target = Target::new("https://api.github.com", Product::Dotcom)?
            .with_header("X-Access", "hidden-value")
            .with_header("x-access", "hidden-value-2");
        assert_eq!(target.headers.len(), 1);
        let shown = format!("{target:?}");
        assert!(
            shown.contains("x-access") && !shown.contains("hidden-value"),
            "{shown}"
        );
        Ok(())
    }

    #[test]
    fn the_token_is_not_shown_in_debug_output() -> Result<(), Box<dyn std::error::Error>> {
        let target = Target::new("https://api.github.com", Product::Dotcom)?.with_token("ghp_x");
        assert!(!format!("{target:?}").contains("ghp_x"));
        Ok(())
    }
}
