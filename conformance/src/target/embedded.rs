//! The embedded target: the mock crate's stateful fake started in-process, with one target per
//! product it serves (api.github.com and its older edition at the root, GHES under `/api/v3`).

use std::time::Duration;

use hookspec_mock::FakeGitHub;
use hookspec_mock::table::PRODUCTS;

use crate::error::TargetError;
use crate::target::server::{DEFAULT_ORG, DEFAULT_REPO, Target};

/// The token sent to the embedded fake (it accepts any).
pub const EMBEDDED_TOKEN: &str = "hookspec-embedded-fake-token";

/// The fake, started, and its targets.
#[derive(Debug)]
pub struct Embedded {
    fake: FakeGitHub,
}

impl Embedded {
    /// Starts the fake with its defaults (any token is an owner and site admin, org `octocat`).
    pub async fn start() -> Self {
        Embedded {
            fake: FakeGitHub::start().await,
        }
    }

    /// Wraps a fake started elsewhere (seeded, or with a config of its own).
    pub fn from_fake(fake: FakeGitHub) -> Self {
        Embedded { fake }
    }

    /// The fake.
    pub fn fake(&self) -> &FakeGitHub {
        &self.fake
    }

    /// One target per product of the spec's product table, at the fake's root plus the
    /// product's path prefix (dotcom and its older edition at the root, ghes under `/api/v3`).
    pub fn targets(&self, timeout: Duration) -> Result<Vec<Target>, TargetError> {
        PRODUCTS
            .iter()
            .map(|info| {
                let uri = format!("{}{}", self.fake.uri(), info.product.path_prefix());
                Target::new(&uri, info.product)?
                    .with_token(EMBEDDED_TOKEN)
                    .with_org(DEFAULT_ORG)
                    .with_timeout(timeout)
                    .with_repo(DEFAULT_REPO)
            })
            .collect()
    }
}
