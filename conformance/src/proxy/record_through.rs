//! `--record DIR` on a run: each target gets a recording proxy of its own in front of it, and
//! the run talks to the proxy instead, so a run against a real GitHub or GHES leaves the same
//! normalised, token-free recordings as the proxy command does.

use std::path::Path;

use super::{Proxy, ProxyError, ProxyOptions};
use crate::target::server::Target;

/// Recording proxies in front of `targets` and the targets rewritten to go through them. With
/// one target the recordings go into `dir`; with several, into `dir/<product>`.
pub async fn record_through(
    targets: Vec<Target>,
    dir: &Path,
) -> Result<(Vec<Proxy>, Vec<Target>), ProxyError> {
    let several = targets.len() > 1;
    let mut proxies = Vec::new();
    let mut routed = Vec::new();
    for target in targets {
        let prefix = target.product.path_prefix();
        let base = target.base();
        let root = base.strip_suffix(prefix).unwrap_or(base).to_string();
        let mut options = ProxyOptions::new(root);
        options.product = Some(target.product);
        options.timeout = target.timeout;
        options.record = Some(if several {
            dir.join(target.product.id())
        } else {
            dir.to_path_buf()
        });
        let proxy = Proxy::start(options).await?;
        let url = format!("{}{prefix}", proxy.url());
        let through = Target::new(&url, target.product).map_err(|error| ProxyError::Target {
            url: url.clone(),
            message: error.to_string(),
        })?;
        // Everything but the URL stays the target's own.
        let through = Target {
            base_url: through.base_url,
            ..target
        };
        proxies.push(proxy);
        routed.push(through);
    }
    Ok((proxies, routed))
}
