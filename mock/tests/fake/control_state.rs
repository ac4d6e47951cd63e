//! Export → reset → import gives back every read byte for byte: a property test over random
//! sequences of operations (hooks of every kind created, changed, pinged, redelivered, deleted;
//! deliveries seeded), comparing the body and validators of every GET of GitHub's API (lists at
//! several page sizes, hooks, configs, delivery pages followed by their `Link`, deliveries) and
//! of `GET /_hookspec/state`.

use std::time::Duration;

use hookspec_mock::{
    AppKey, DeliverySeed, Fake, FakeConfig, FakeRequest, FakeResponse, GitHubApp, Receiver,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const BASE: &str = "http://localhost";
const APP: u64 = 7;
const ORGS: [&str; 2] = ["acme", "beta"];
const REPOS: [&str; 2] = ["acme/widgets", "beta/gears"];

/// One thing a test client does.
#[derive(Debug, Clone)]
enum Step {
    CreateOrgHook { org: usize, json: bool },
    CreateRepoHook { repo: usize, active: bool },
    CreateGlobalHook,
    UpdateHook { pick: usize },
    UpdateConfig { pick: usize },
    Ping { pick: usize },
    Redeliver { pick: usize },
    Delete { pick: usize },
    SeedDelivery { pick: usize, status: u16 },
    AppConfig,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..2usize, any::<bool>()).prop_map(|(org, json)| Step::CreateOrgHook { org, json }),
        (0..2usize, any::<bool>()).prop_map(|(repo, active)| Step::CreateRepoHook { repo, active }),
        Just(Step::CreateGlobalHook),
        (0..8usize).prop_map(|pick| Step::UpdateHook { pick }),
        (0..8usize).prop_map(|pick| Step::UpdateConfig { pick }),
        (0..8usize).prop_map(|pick| Step::Ping { pick }),
        (0..8usize).prop_map(|pick| Step::Redeliver { pick }),
        (0..8usize).prop_map(|pick| Step::Delete { pick }),
        (0..8usize, prop_oneof![Just(200u16), Just(500u16)])
            .prop_map(|(pick, status)| Step::SeedDelivery { pick, status }),
        Just(Step::AppConfig),
    ]
}

/// One read: path, status, body, `ETag`, `Link`, `Last-Modified`.
type Read = (
    String,
    u16,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

struct Client {
    fake: Fake,
    key: AppKey,
}

impl Client {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> FakeResponse {
        let auth = if path.starts_with("/app/") {
            format!("Bearer {}", self.key.jwt_now(APP).unwrap())
        } else {
            "token t".to_owned()
        };
        let mut request = FakeRequest::new(method, BASE, path).with_header("Authorization", &auth);
        if let Some(body) = body {
            request = request.with_body(body.to_string());
        }
        self.fake.handle(&request)
    }

    /// Every hook's collection path (`/orgs/acme/hooks/3`), in the order they were made.
    fn hook_paths(&self) -> Vec<String> {
        let state = self.fake.state().export_state();
        let mut out = Vec::new();
        for org in state.orgs.unwrap_or_default() {
            for hook in org.hooks.unwrap_or_default() {
                out.push(format!(
                    "/orgs/{}/hooks/{}",
                    org.login,
                    hook.id.unwrap_or(0)
                ));
            }
        }
        for repo in state.repos.unwrap_or_default() {
            for hook in repo.hooks.unwrap_or_default() {
                out.push(format!(
                    "/repos/{}/hooks/{}",
                    repo.full_name,
                    hook.id.unwrap_or(0)
                ));
            }
        }
        for hook in state.global_hooks.unwrap_or_default() {
            out.push(format!("/api/v3/admin/hooks/{}", hook.id.unwrap_or(0)));
        }
        out
    }

    fn run(&self, step: &Step, receiver: &str) {
        let paths = self.hook_paths();
        let picked = |pick: usize| (!paths.is_empty()).then(|| paths[pick % paths.len()].clone());
        let hook = |events: &[&str]| json!({"name": "web", "events": events, "config": {"url": receiver, "secret": "s"}});
        match step {
            Step::CreateOrgHook { org, json } => {
                let mut body = hook(&["push", "issues"]);
                if *json {
                    body["config"]["content_type"] = json!("json");
                }
                self.call("POST", &format!("/orgs/{}/hooks", ORGS[*org]), Some(body));
            }
            Step::CreateRepoHook { repo, active } => {
                let mut body = hook(&["push"]);
                body["active"] = json!(active);
                self.call(
                    "POST",
                    &format!("/repos/{}/hooks", REPOS[*repo]),
                    Some(body),
                );
            }
            Step::CreateGlobalHook => {
                self.call("POST", "/api/v3/admin/hooks", Some(hook(&["user"])));
            }
            Step::UpdateHook { pick } => {
                if let Some(path) = picked(*pick) {
                    let body = json!({"events": ["issues"], "config": {"url": receiver}});
                    self.call("PATCH", &path, Some(body));
                }
            }
            Step::UpdateConfig { pick } => {
                if let Some(path) = picked(*pick).filter(|p| !p.contains("/admin/")) {
                    let body = json!({"content_type": "json", "insecure_ssl": "1"});
                    self.call("PATCH", &format!("{path}/config"), Some(body));
                }
            }
            Step::Ping { pick } => {
                if let Some(path) = picked(*pick) {
                    self.call("POST", &format!("{path}/pings"), None);
                }
            }
            Step::Redeliver { pick } => {
                if let Some(path) = picked(*pick).filter(|p| !p.contains("/admin/")) {
                    let id = path.rsplit('/').next().and_then(|id| id.parse().ok());
                    let first = id.and_then(|id| self.fake.state().deliveries(id).first().cloned());
                    if let Some(first) = first {
                        let path = format!("{path}/deliveries/{}/attempts", first.id);
                        self.call("POST", &path, None);
                    }
                }
            }
            Step::Delete { pick } => {
                if let Some(path) = picked(*pick) {
                    self.call("DELETE", &path, None);
                }
            }
            Step::SeedDelivery { pick, status } => {
                if let Some(path) = picked(*pick) {
                    let id = path
                        .rsplit('/')
                        .next()
                        .and_then(|id| id.parse().ok())
                        .unwrap_or(0);
                    let seed = DeliverySeed::new("issues")
                        .action("opened")
                        .status_code(*status);
                    let _ = self.fake.state().insert_delivery(id, seed);
                }
            }
            Step::AppConfig => {
                let body = json!({"url": receiver, "content_type": "json"});
                self.call("PATCH", "/app/hook/config", Some(body));
            }
        }
    }

    /// Every read, as (path, status, body, ETag, Link, Last-Modified).
    fn reads(&self) -> Vec<Read> {
        let mut out = Vec::new();
        let mut read = |path: &str| -> FakeResponse {
            let response = self.call("GET", path, None);
            let header = |name: &str| response.header(name).map(str::to_owned);
            out.push((
                path.to_owned(),
                response.status,
                String::from_utf8_lossy(&response.body).into_owned(),
                header("ETag"),
                header("Link"),
                header("Last-Modified"),
            ));
            response
        };
        read("/_hookspec/state");
        let mut collections: Vec<String> = ORGS
            .iter()
            .map(|org| format!("/orgs/{org}/hooks"))
            .collect();
        collections.extend(REPOS.iter().map(|repo| format!("/repos/{repo}/hooks")));
        collections.push("/api/v3/admin/hooks".to_owned());
        for collection in &collections {
            for per_page in [1, 2, 100] {
                for page in 1..=4 {
                    read(&format!("{collection}?per_page={per_page}&page={page}"));
                }
            }
        }
        let mut hooks = self.hook_paths();
        hooks.push("/app/hook".to_owned());
        for hook in hooks {
            if hook != "/app/hook" {
                read(&hook);
            }
            if !hook.contains("/admin/") {
                read(&format!("{hook}/config"));
                let mut next = Some(format!("{hook}/deliveries?per_page=2"));
                let mut pages = 0;
                while let Some(path) = next.take().filter(|_| pages < 20) {
                    pages += 1;
                    let page = read(&path);
                    for delivery in page
                        .json()
                        .and_then(|v| v.as_array().cloned())
                        .unwrap_or_default()
                    {
                        read(&format!("{hook}/deliveries/{}", delivery["id"]));
                    }
                    next = page.header("Link").and_then(next_link);
                }
            }
        }
        out
    }
}

/// The `rel="next"` path of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    crate::support::link_of(link, "next").map(|url| url.trim_start_matches(BASE).to_owned())
}

fn round_trip(steps: &[Step]) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let receiver = Receiver::start().await.unwrap();
        let (app, key) = GitHubApp::generated(APP).unwrap();
        let config = FakeConfig::default()
            .only_orgs(ORGS)
            .only_repos(REPOS)
            .with_app(app);
        let client = Client {
            fake: Fake::new(config),
            key,
        };
        for step in steps {
            client.run(step, &receiver.url());
        }
        // A hook made last (on a URL no step uses, so never a duplicate), so that there is
        // something to reset and its ping is among the deliveries compared, whatever the steps
        // deleted.
        let last = json!({"config": {"url": format!("{}?last", receiver.url())}});
        let made = client.call("POST", "/repos/beta/gears/hooks", Some(last));
        assert_eq!(made.status, 201);
        let state = client.fake.state();
        state
            .wait_for_deliveries(Duration::from_secs(20))
            .await
            .unwrap();
        let before = client.reads();
        let document = state.export_state();
        // The last hook's ping at least: delivery pages are among the reads compared.
        assert!(document.deliveries.as_ref().is_some_and(|d| !d.is_empty()));
        state.reset();
        assert_ne!(
            state.export_state(),
            document,
            "the steps changed nothing to reset"
        );
        state.import_state(&document).unwrap();
        let after = client.reads();
        assert_eq!(before.len(), after.len());
        for (then, now) in before.iter().zip(&after) {
            assert_eq!(then, now);
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn export_reset_import_gives_every_read_back_byte_for_byte(
        steps in proptest::collection::vec(step(), 1..14)
    ) {
        round_trip(&steps);
    }
}
