//! The embedded target: the mock crate's stateful fake started in-process, with one target per
//! product it serves (api.github.com and its older edition at the root, GHES under `/api/v3`).

use std::time::Duration;

use hookspec_mock::FakeGitHub;
use hookspec_mock::operation::Product;

use crate::error::TargetError;
use crate::target::{DEFAULT_ORG, Target};

/// The token sent to the embedded fake (it accepts any).
pub const EMBEDDED_TOKEN: &str = "hookspec-conformance";

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

    /// One target per product: dotcom and dotcom-legacy at `uri()`, ghes at `ghes_uri()`.
    pub fn targets(&self, timeout: Duration) -> Result<Vec<Target>, TargetError> {
        // product fact: read from the spec's product table at merge
        // (the products the fake serves, and which one sits under the `/api/v3` prefix)
        [
            (self.fake.uri(), Product::Dotcom),
            (self.fake.ghes_uri(), Product::Ghes),
            (self.fake.uri(), Product::DotcomLegacy),
        ]
        .into_iter()
        .map(|(uri, product)| {
            Ok(Target::new(&uri, product)?
                .with_token(EMBEDDED_TOKEN)
                .with_org(DEFAULT_ORG)
                .with_timeout(timeout))
        })
        .collect()
    }
}
