//! Every event and action GitHub's webhook description (spec/webhooks/webhooks.json) has for
//! organization, repository, GitHub App and GHES global hooks, emitted with no payload,
//! arrives signed, under its `X-GitHub-Event`, with a body valid against the official schema
//! for that event and action (JSON Schema 2020-12, formats checked), naming the organization
//! and repository it was emitted at. The same calls on two fakes give the same bytes; unknown
//! events and actions, and events a hook kind never receives, are refused by name.

use std::collections::BTreeMap;
use std::time::Duration;

use hookspec_mock::table::{WEBHOOK_EVENTS, webhook_event};
use hookspec_mock::{EventSource, Fake, FakeConfig, FakeGitHub, HookSeed, Receiver, StateError};
use serde_json::{Value, json};

const SECRET: &str = "s3cret";
const WAIT: Duration = Duration::from_secs(20);

/// The stored description, read as the test's own oracle (not through the fake's embedded
/// copy).
fn description() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/webhooks/webhooks.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validators by schema name, each the description's schemas with a `$ref` to one of them.
struct Validators {
    schemas: Value,
    built: BTreeMap<String, jsonschema::Validator>,
}

impl Validators {
    fn new() -> Self {
        Validators {
            schemas: description()["schemas"].clone(),
            built: BTreeMap::new(),
        }
    }

    /// The errors of `payload` against the schema of `event` with `action`.
    fn errors(&mut self, event: &str, action: Option<&str>, payload: &Value) -> Vec<String> {
        let Some(found) =
            webhook_event(event).and_then(|e| e.actions.iter().find(|a| a.action == action))
        else {
            return vec![format!("no schema for {event} {action:?}")];
        };
        let schemas = &self.schemas;
        let validator = self
            .built
            .entry(found.schema.to_owned())
            .or_insert_with(|| {
                let document = json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$ref": format!("#/components/schemas/{}", found.schema),
                    "components": { "schemas": schemas },
                });
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&document)
                    .unwrap()
            });
        validator
            .iter_errors(payload)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect()
    }
}

/// One receiver per hook kind, and the fake with a hook of each kind subscribed to `*`.
struct Setup {
    fake: FakeGitHub,
    receivers: Vec<(&'static str, EventSource, Receiver)>,
}

async fn setup() -> Setup {
    let fake = FakeGitHub::start().await;
    let state = fake.state();
    let mut receivers = Vec::new();
    for (kind, source) in [
        ("organization", EventSource::org("acme")),
        ("repository", EventSource::repo("acme/widgets")),
        ("app", EventSource::App(7)),
        ("global", EventSource::Global),
    ] {
        let receiver = Receiver::start().await.unwrap();
        receiver.set_secret(SECRET);
        let seed = HookSeed::new(receiver.url()).events(["*"]).secret(SECRET);
        match &source {
            EventSource::Org(login) => {
                state.insert_org_hook(login, seed);
            }
            EventSource::Repo(full_name) => {
                state.insert_repo_hook(full_name, seed);
            }
            EventSource::App(id) => {
                state.generate_app(*id, seed).unwrap();
            }
            EventSource::Global => {
                state.insert_global_hook(seed);
            }
        }
        receivers.push((kind, source, receiver));
    }
    // The app's webhook is pinged when it is set up; that ping is not one of ours.
    state.wait_for_deliveries(WAIT).await.unwrap();
    Setup { fake, receivers }
}

#[tokio::test]
async fn every_event_and_action_emitted_without_a_payload_arrives_valid_against_githubs_schema() {
    assert!(WEBHOOK_EVENTS.len() > 60, "the webhook table looks empty");
    let setup = setup().await;
    let state = setup.fake.state();
    let already: Vec<usize> = setup
        .receivers
        .iter()
        .map(|(_, _, r)| r.received().len())
        .collect();
    let mut expected: Vec<Vec<(String, Option<String>)>> = vec![Vec::new(); setup.receivers.len()];
    let mut emitted = 0;
    for event in WEBHOOK_EVENTS {
        for action in event.actions {
            let receives = [
                action.receivers.organization,
                action.receivers.repository,
                action.receivers.app,
                action.receivers.global,
            ];
            for (i, (kind, source, _)) in setup.receivers.iter().enumerate() {
                if !receives[i] {
                    continue;
                }
                let sent = state
                    .emit(source, event.name, action.action)
                    .unwrap_or_else(|e| panic!("{kind} {} {:?}: {e}", event.name, action.action));
                assert_eq!(sent.len(), 1, "{kind} {} {:?}", event.name, action.action);
                expected[i].push((event.name.to_owned(), action.action.map(str::to_owned)));
                emitted += 1;
            }
        }
        // One event at a time, so that the deliveries stay within the outbox's bounds.
        state.wait_for_deliveries(WAIT).await.unwrap();
    }
    assert!(emitted > 500, "only {emitted} emitted");

    let mut validators = Validators::new();
    let mut failures = Vec::new();
    for (i, (kind, source, receiver)) in setup.receivers.iter().enumerate() {
        let mut got = Vec::new();
        for delivery in receiver.received().into_iter().skip(already[i]) {
            let event = delivery.event().unwrap_or_default().to_owned();
            let body = delivery.payload().unwrap_or_default();
            let action = body["action"].as_str().map(str::to_owned);
            let what = format!("{kind} {event} {action:?}");
            if delivery.signature_256_valid != Some(true) {
                failures.push(format!("{what}: X-Hub-Signature-256 is not the body's"));
            }
            for error in validators.errors(&event, action.as_deref(), &body) {
                failures.push(format!("{what}: {error}"));
            }
            let login = body.pointer("/organization/login");
            let full_name = body.pointer("/repository/full_name");
            match source {
                EventSource::Org(_) => {
                    if login.is_some_and(|l| l != "acme") {
                        failures.push(format!("{what}: organization {login:?}, not acme"));
                    }
                    if full_name
                        .and_then(Value::as_str)
                        .is_some_and(|f| !f.starts_with("acme/"))
                    {
                        failures.push(format!("{what}: repository {full_name:?} is not acme's"));
                    }
                }
                EventSource::Repo(_) => {
                    if full_name.is_some_and(|f| f != "acme/widgets") {
                        failures.push(format!(
                            "{what}: repository {full_name:?}, not acme/widgets"
                        ));
                    }
                    if login.is_some_and(|l| l != "acme") {
                        failures.push(format!("{what}: organization {login:?}, not acme"));
                    }
                }
                EventSource::App(_) => {
                    if body
                        .pointer("/installation/id")
                        .is_some_and(|id| id != 100_007)
                    {
                        failures.push(format!("{what}: installation {}", body["installation"]));
                    }
                }
                EventSource::Global => {}
            }
            got.push((event, action));
        }
        // Two deliveries of one emit may overtake each other; compare as sets with counts.
        let (mut got_sorted, mut want_sorted) = (got.clone(), expected[i].clone());
        got_sorted.sort();
        want_sorted.sort();
        if got_sorted != want_sorted {
            failures.push(format!(
                "{kind}: received {} deliveries for {} emitted",
                got.len(),
                expected[i].len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {emitted} deliveries failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Emits the same events on a fresh fake (no server, so the same base URL) and returns the
/// bodies `receiver` got.
async fn emit_on_a_fresh_fake(receiver: &Receiver) -> Vec<Vec<u8>> {
    let before = receiver.received().len();
    let fake = Fake::new(FakeConfig::default());
    let state = fake.state();
    state.insert_org_hook("acme", HookSeed::new(receiver.url()).events(["issues"]));
    state.insert_repo_hook(
        "acme/widgets",
        HookSeed::new(receiver.url()).events(["push", "pull_request"]),
    );
    state
        .emit(&EventSource::org("acme"), "issues", Some("opened"))
        .unwrap();
    state.wait_for_deliveries(WAIT).await.unwrap();
    state
        .emit(&EventSource::repo("acme/widgets"), "push", None)
        .unwrap();
    state.wait_for_deliveries(WAIT).await.unwrap();
    state
        .emit(
            &EventSource::repo("acme/widgets"),
            "pull_request",
            Some("review_requested"),
        )
        .unwrap();
    state.wait_for_deliveries(WAIT).await.unwrap();
    receiver
        .received()
        .into_iter()
        .skip(before)
        .map(|d| d.body)
        .collect()
}

#[tokio::test]
async fn the_same_calls_on_two_fakes_give_byte_identical_payloads() {
    let receiver = Receiver::start().await.unwrap();
    let first = emit_on_a_fresh_fake(&receiver).await;
    let second = emit_on_a_fresh_fake(&receiver).await;
    assert_eq!(first.len(), 3);
    assert_eq!(first, second);
}

#[tokio::test]
async fn an_event_with_actions_emitted_without_one_gets_its_first_in_the_descriptions_order() {
    let receiver = Receiver::start().await.unwrap();
    let fake = Fake::new(FakeConfig::default());
    fake.state()
        .insert_org_hook("acme", HookSeed::new(receiver.url()).events(["issues"]));
    fake.state()
        .emit(&EventSource::org("acme"), "issues", None)
        .unwrap();
    fake.state().wait_for_deliveries(WAIT).await.unwrap();
    let first = webhook_event("issues").unwrap().actions[0].action;
    assert_eq!(first, Some("assigned"));
    assert_eq!(
        receiver.received()[0].payload().unwrap()["action"],
        "assigned"
    );
}

#[test]
fn an_unknown_event_or_action_or_a_hook_kind_that_never_receives_the_event_is_refused_by_name() {
    let state = Fake::default().state();
    let org = EventSource::org("acme");
    let unknown = state.emit(&org, "issuez", None).unwrap_err();
    assert!(
        matches!(&unknown, StateError::UnknownEvent { event, known } if event == "issuez" && known.contains("issues"))
    );
    let action = state.emit(&org, "issues", Some("opnd")).unwrap_err();
    assert!(matches!(&action, StateError::UnknownAction { known, .. } if known.contains("opened")));
    assert!(action.to_string().contains("opnd"), "{action}");
    let no_actions = state.emit(&org, "push", Some("opened")).unwrap_err();
    assert!(
        no_actions.to_string().contains("no actions"),
        "{no_actions}"
    );
    let kind = state
        .emit(&org, "installation", Some("created"))
        .unwrap_err();
    assert_eq!(
        kind.to_string(),
        "organization hooks do not receive `installation.created`; it goes to app hooks"
    );
}

#[tokio::test]
async fn a_bodyless_emit_over_http_delivers_a_signed_push_valid_against_the_schema() {
    let fake = FakeGitHub::start().await;
    let receiver = Receiver::start().await.unwrap();
    receiver.set_secret(SECRET);
    fake.state().insert_org_hook(
        "o",
        HookSeed::new(receiver.url())
            .events(["push"])
            .secret(SECRET),
    );
    let answer = reqwest::Client::new()
        .post(format!("{}/_hookspec/orgs/o/events/push", fake.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    fake.state().wait_for_deliveries(WAIT).await.unwrap();
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].event(), Some("push"));
    assert_eq!(got[0].signature_256_valid, Some(true));
    let body = got[0].payload().unwrap();
    let errors = Validators::new().errors("push", None, &body);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(body["organization"]["login"], "o");
    // URLs point at the fake.
    let url = body["organization"]["url"].as_str().unwrap_or_default();
    assert!(url.starts_with(&fake.uri()), "{url}");
}
