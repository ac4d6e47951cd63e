//! Where a delivery may go: an absolute http(s) URL, and unless external delivery is allowed,
//! only loopback addresses, checked after the host is resolved once; the connector then
//! connects only to the addresses checked.

use hyper_util::client::legacy::connect::dns::Name;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Where external delivery is switched on, for the refusals to point at.
pub(super) const HOW_TO_ALLOW: &str = "the fake delivers only to loopback addresses unless external delivery is allowed (FakeConfig::allow_external_deliveries, --allow-external-deliveries)";

/// Whether deliveries may go to `url`, as far as can be told without resolving it: an absolute
/// http(s) URL whose host, unless external delivery is allowed, is a loopback address or
/// `localhost`. Other names are refused unresolved, so that a fake limited to loopback never
/// looks a name up on the network; `localhost` is let through to [`resolve`], whose addresses
/// are then checked one by one. The parsed URL, for the attempt (parsed once: a URL's parse,
/// with its IDNA pass over the host, costs more than the rest of a delivery's bookkeeping).
pub(super) fn check_url(url: &str, allow_external: bool) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("hookspec: invalid URL {url:?}: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "hookspec: cannot deliver to a {} URL",
            parsed.scheme()
        ));
    }
    if allow_external {
        return Ok(parsed);
    }
    let host = parsed.host_str().unwrap_or_default();
    let checked = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => {
            allowed(&[IpAddr::V4(ip)], false).map_err(|why| refusal(host, &why))
        }
        Some(url::Host::Ipv6(ip)) => {
            allowed(&[IpAddr::V6(ip)], false).map_err(|why| refusal(host, &why))
        }
        Some(url::Host::Domain(name)) if name.eq_ignore_ascii_case("localhost") => Ok(()),
        _ => Err(format!(
            "hookspec: delivery to {host} refused: {HOW_TO_ALLOW}, and resolves no name but localhost"
        )),
    };
    checked.map(|()| parsed)
}

/// Why a host's addresses do not let a delivery go to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum NotAllowed {
    /// The name resolved to nothing.
    #[error("it resolves to no address")]
    NoAddress,
    /// One of its addresses is not loopback, and external delivery is not allowed.
    #[error("its address {0} is not a loopback address")]
    NotLoopback(IpAddr),
}

/// Whether a delivery may go to a host that resolves to `addresses`: only if every one is
/// allowed (a loopback address, or any address when external delivery is allowed), since the
/// connection may go to any of them.
pub(super) fn allowed(addresses: &[IpAddr], allow_external: bool) -> Result<(), NotAllowed> {
    if addresses.is_empty() {
        return Err(NotAllowed::NoAddress);
    }
    if allow_external {
        return Ok(());
    }
    match addresses
        .iter()
        // `::ffff:127.0.0.1` is 127.0.0.1.
        .find(|address| !address.to_canonical().is_loopback())
    {
        Some(address) => Err(NotAllowed::NotLoopback(*address)),
        None => Ok(()),
    }
}

/// The record's reason for a delivery refused because of `host`'s addresses.
pub(super) fn refusal(host: &str, why: &NotAllowed) -> String {
    format!("hookspec: delivery to {host} refused: {why}; {HOW_TO_ALLOW}")
}

/// The name of `url`'s host (lower-cased, as the resolver looks it up) and its addresses,
/// resolved once. An IP address is its own, with no name: the connector connects to an IP
/// address without asking its resolver, so there is nothing to remember for it.
pub(super) async fn resolve(url: &url::Url) -> std::io::Result<(Option<String>, Vec<IpAddr>)> {
    let port = url.port_or_known_default().unwrap_or(80);
    match url.host() {
        Some(url::Host::Ipv4(ip)) => Ok((None, vec![IpAddr::V4(ip)])),
        Some(url::Host::Ipv6(ip)) => Ok((None, vec![IpAddr::V6(ip)])),
        Some(url::Host::Domain(name)) => {
            let found = tokio::net::lookup_host((name, port)).await?;
            let mut addresses: Vec<IpAddr> = found.map(|address| address.ip()).collect();
            addresses.dedup();
            Ok((Some(name.to_ascii_lowercase()), addresses))
        }
        None => Err(std::io::Error::other("the URL has no host")),
    }
}

/// The addresses each host was last checked to resolve to: the deliveries' connector resolves
/// names here and nowhere else, so a connection goes only to an address that was checked (the
/// name is not looked up a second time, where it could answer differently).
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckedAddresses(Arc<Mutex<HashMap<String, Arc<[IpAddr]>>>>);

impl CheckedAddresses {
    /// Lets connections to `host` go to `addresses`, which were checked.
    pub(super) fn remember(&self, host: String, addresses: &[IpAddr]) {
        self.lock().insert(host, addresses.into());
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<[IpAddr]>>> {
        crate::sync::lock(&self.0)
    }
}

/// A host the deliveries' connector was asked for without its addresses having been checked.
#[derive(Debug, thiserror::Error)]
#[error("hookspec: the addresses of {0} were not checked")]
pub(crate) struct NotChecked(String);

impl tower_service::Service<Name> for CheckedAddresses {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = NotChecked;
    type Future = std::future::Ready<Result<Self::Response, NotChecked>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), NotChecked>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let host = name.as_str().to_ascii_lowercase();
        let found = self.lock().get(&host).cloned();
        std::future::ready(match found {
            // Port 0: the connector puts the URL's port in.
            Some(addresses) => Ok(addresses
                .iter()
                .map(|ip| SocketAddr::new(*ip, 0))
                .collect::<Vec<_>>()
                .into_iter()),
            None => Err(NotChecked(host)),
        })
    }
}
