//! The embedded target: the mock crate's stateful fake started in-process, with one target per
//! product it serves (api.github.com and its older edition at the root, GHES under `/api/v3`).

use std::time::Duration;

use hookspec_mock::FakeGitHub;
use hookspec_mock::table::PRODUCTS;

use crate::error::TargetError;
use crate::target::server::{DEFAULT_ORG, DEFAULT_REPO, Target, TargetApp};
use hookspec_mock::HookSeed;

/// The token sent to the embedded fake (it accepts any).
pub const EMBEDDED_TOKEN: &str = "hookspec-embedded-fake-token";

/// The id of the GitHub App the embedded fake makes for a run.
pub const EMBEDDED_APP: u64 = 1;

/// The fake, started, and its targets.
#[derive(Debug)]
pub struct Embedded {
    fake: FakeGitHub,
    /// The private key of the run's own app.
    app: Option<hookspec_mock::AppKey>,
}

impl Embedded {
    /// Starts the fake with its defaults (any token is an owner and site admin, org `octocat`,
    /// repository `octocat/hello-world`) and a GitHub App of the run's own ([`EMBEDDED_APP`])
    /// whose webhook has a delivery to look at.
    pub async fn start() -> Self {
        let fake = FakeGitHub::start().await;
        // The hook points at a closed loopback port: its creation ping is recorded as failed,
        // which is a delivery like any other for the cases to list, read and redeliver. It is
        // configured as GitHub's example app hook is (JSON, with a secret, shown masked).
        let hook = HookSeed::new("http://127.0.0.1:9/hookspec-app")
            .content_type("json")
            .secret(format!("{:x}", std::process::id() ^ 0x5eed));
        let app = fake.state().generate_app(EMBEDDED_APP, hook).ok();
        let _ = fake
            .state()
            .wait_for_deliveries(std::time::Duration::from_secs(5))
            .await;
        Embedded { fake, app }
    }

    /// Wraps a fake started elsewhere (seeded, or with a config of its own).
    pub fn from_fake(fake: FakeGitHub) -> Self {
        Embedded { fake, app: None }
    }

    /// The run's own GitHub App on the fake, with its key.
    pub fn app(&self) -> Option<TargetApp> {
        self.app.as_ref().map(|key| TargetApp {
            id: EMBEDDED_APP,
            key: key.clone(),
            disposable: true,
        })
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
                    .map(|target| match &self.app {
                        Some(key) => target.with_app(TargetApp {
                            id: EMBEDDED_APP,
                            key: key.clone(),
                            disposable: true,
                        }),
                        None => target,
                    })
            })
            .collect()
    }
}
