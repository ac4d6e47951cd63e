//! The runner never changes what it did not create and leaves nothing of its own behind: a full
//! run (with failing cases among them) against a fake seeded with foreign hooks, and a run
//! stopped midway as Ctrl-C stops it.

mod support;

use std::time::Duration;

use hookspec_conformance::Check;
use hookspec_conformance::Embedded;
use hookspec_conformance::MARKER_HOST;
use hookspec_conformance::Outcome;
use hookspec_conformance::{Entry, run_suite};
use hookspec_conformance::{Run, RunOptions};
use hookspec_mock::{DeliverySeed, FakeGitHub, FakeState, Fault, HookSeed, OperationId};

const TIMEOUT: Duration = Duration::from_secs(5);

/// How long a stalled answer waits: longer than any run of this test, so only the test ends it.
const STALL: Duration = Duration::from_secs(3600);

/// Foreign hooks as a real organization would have them: secrets, several events, deliveries.
fn seed_foreign(state: &FakeState) -> (Vec<u64>, Vec<u64>) {
    let org = (0..3)
        .map(|n| {
            state.insert_org_hook(
                "octocat",
                HookSeed::new(format!("https://ci.example.com/hook/{n}"))
                    .secret(format!("foreign-secret-{n}"))
                    .events(["push", "pull_request"]),
            )
        })
        .collect::<Vec<_>>();
    for id in &org {
        if let Err(error) = state.insert_delivery(*id, DeliverySeed::new("push").status_code(200)) {
            panic!("{error}");
        }
    }
    let global = (0..2)
        .map(|n| {
            state.insert_global_hook(
                HookSeed::new(format!("https://audit.example.com/{n}")).secret("foreign"),
            )
        })
        .collect::<Vec<_>>();
    (org, global)
}

/// A run with one runner per product of the fake, each request waiting at most `timeout`.
fn run(embedded: &Embedded, timeout: Duration) -> Run {
    let targets = match embedded.targets(timeout) {
        Ok(targets) => targets,
        Err(error) => panic!("{error}"),
    };
    match Run::new(targets, RunOptions::default()) {
        Ok(run) => run,
        Err(error) => panic!("{error}"),
    }
}

fn marked_hooks(state: &FakeState) -> Vec<String> {
    state
        .org_hooks("octocat")
        .into_iter()
        .chain(state.global_hooks())
        .map(|h| h.config.url)
        .filter(|url| url.contains(MARKER_HOST))
        .collect()
}

#[tokio::test]
async fn a_full_run_leaves_foreign_hooks_unchanged_and_none_of_its_own() {
    let fake = FakeGitHub::start().await;
    let state = fake.state();
    let (foreign_org, foreign_global) = seed_foreign(&state);
    let org_before = state.org_hooks("octocat");
    let global_before = state.global_hooks();
    let deliveries_before: Vec<_> = foreign_org.iter().map(|id| state.deliveries(*id)).collect();

    let mut entries = support::all_cases();
    let foreign = foreign_org[0];
    entries.push(Entry::Loaded(support::inline(
        "fails_after_creating_a_hook",
        r#"
description: creates a hook, then expects a status the fake never gives
products: [dotcom, ghes]
steps:
  - name: create
    operation: orgs/create-webhook
    body: { name: web, config: { url: "${marker_url}", content_type: json, secret: x } }
    expect: { status: 201, capture: { hook_id: body:/id } }
  - name: expect the impossible
    operation: orgs/get-webhook
    expect: { status: 418 }
"#,
    )));
    let touch_foreign = |name: &str, operation: &str, body: &str| {
        support::inline(
            name,
            &format!(
                r#"
description: tries to {name} a hook it did not create
products: [dotcom, ghes]
steps:
  - name: {name} a foreign hook
    operation: {operation}
    path_params: {{ hook_id: "{foreign}" }}
    {body}
    expect: {{ status: 200 }}
"#
            ),
        )
    };
    for (name, operation, body) in [
        ("delete", "orgs/delete-webhook", ""),
        ("update", "orgs/update-webhook", "body: { active: false }"),
        (
            "update_config",
            "orgs/update-webhook-config-for-org",
            "body: { content_type: form }",
        ),
        ("ping", "orgs/ping-webhook", ""),
    ] {
        entries.push(Entry::Loaded(touch_foreign(name, operation, body)));
    }
    entries.push(Entry::Loaded(support::inline(
        "retarget",
        r#"
description: creates a hook, then tries to point it somewhere unmarked
products: [dotcom]
steps:
  - name: create
    operation: orgs/create-webhook
    body: { name: web, config: { url: "${marker_url}" } }
    expect: { status: 201, capture: { hook_id: body:/id } }
  - name: point it at a real site
    operation: orgs/update-webhook-config-for-org
    body: { url: "https://example.com/steal" }
    expect: { status: 200 }
"#,
    )));

    let embedded = Embedded::from_fake(fake);
    let run = run(&embedded, TIMEOUT);
    let (ledger, runners) = (run.ledger().clone(), run.into_runners());
    let results = run_suite(&entries, &runners, |_, _, _| {}).await;
    for runner in &runners {
        assert!(runner.cleanup_all().await.is_empty());
    }

    let failed: Vec<&str> = results
        .iter()
        .filter(|r| r.failed())
        .map(|r| r.name.as_str())
        .collect();
    for name in [
        "inline/fails_after_creating_a_hook",
        "inline/delete",
        "inline/update",
        "inline/update_config",
        "inline/ping",
        "inline/retarget",
    ] {
        assert!(
            failed.contains(&name),
            "{name} should have failed: {failed:?}"
        );
    }
    for result in results
        .iter()
        .filter(|r| r.name.starts_with("inline/") && r.name != "inline/fails_after_creating_a_hook")
    {
        if matches!(result.outcome, Outcome::Failed(_)) {
            let step = support::failed_step(result);
            assert!(
                step.has(Check::Safety),
                "{}",
                result.failure_text().unwrap_or_default()
            );
        }
    }

    let state = embedded.fake().state();
    assert_eq!(
        state.org_hooks("octocat"),
        org_before,
        "foreign org hooks changed"
    );
    assert_eq!(
        state.global_hooks(),
        global_before,
        "foreign global hooks changed"
    );
    let deliveries_after: Vec<_> = foreign_org.iter().map(|id| state.deliveries(*id)).collect();
    assert_eq!(
        deliveries_after, deliveries_before,
        "foreign hooks were pinged or redelivered"
    );
    assert_eq!(
        marked_hooks(&state),
        Vec::<String>::new(),
        "the run left hooks behind"
    );
    assert_eq!(ledger.live_count(), 0);

    // Not one state-changing request reached a foreign hook.
    let foreign_paths: Vec<String> = foreign_org
        .iter()
        .map(|id| format!("/orgs/octocat/hooks/{id}"))
        .chain(foreign_global.iter().map(|id| format!("/admin/hooks/{id}")))
        .collect();
    for operation in hookspec_mock::table::OPERATIONS
        .iter()
        .filter(|op| op.mutates())
    {
        for request in state.requests(operation.operation_id) {
            let path = request.path.trim_start_matches("/api/v3");
            for foreign in &foreign_paths {
                assert!(
                    path != foreign && !path.starts_with(&format!("{foreign}/")),
                    "{} {} reached a foreign hook",
                    request.method,
                    request.path
                );
            }
        }
    }
}

#[tokio::test]
async fn a_run_stopped_midway_still_deletes_what_it_created() {
    let fake = FakeGitHub::start().await;
    let state = fake.state();
    let (foreign_org, _) = seed_foreign(&state);
    let org_before = state.org_hooks("octocat");
    let global_before = state.global_hooks();
    // Gets of an org hook stall, so one run is stopped holding a hook it created; creates of a
    // global hook stall too, so the other is stopped with a create done on the server but
    // unanswered, which only the marker can find. The stall outlasts any test: the runs are
    // stopped once the fake's state shows both creates, never after a time.
    for operation in [
        OperationId::OrgsGetWebhook,
        OperationId::EnterpriseAdminCreateGlobalWebhook,
    ] {
        if let Err(error) = state.inject_fault(operation, Fault::delay(STALL)) {
            panic!("{error}");
        }
    }
    let org_case =
        support::scenario("org_hook_lifecycle_create_list_get_update_ping_redeliver_delete");
    let global_case = support::scenario("global_hook_lifecycle_create_list_get_update_ping_delete");
    let embedded = Embedded::from_fake(fake);
    // The runner waits as long as the fake stalls, so the runs end only when the test stops them.
    let run = run(&embedded, STALL);
    let (ledger, runners) = (run.ledger().clone(), run.into_runners());
    let (Some(dotcom), Some(ghes)) = (
        runners.iter().find(|r| r.target().product.id() == "dotcom"),
        runners.iter().find(|r| r.target().product.id() == "ghes"),
    ) else {
        panic!("the embedded fake serves dotcom and ghes")
    };
    let both = async { tokio::join!(dotcom.run(&org_case), ghes.run(&global_case)) };
    // Both creates have reached the server, the org hook's answered and the org run stalled on
    // its get: the moment Ctrl-C stands for.
    let stalled = async {
        while !(marked_hooks(&state).len() == 2
            && ledger.live_count() == 1
            && !state.requests(OperationId::OrgsGetWebhook).is_empty())
        {
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::select! {
        _ = both => panic!("the runs should still have been going"),
        () = stalled => {}
    }
    assert_eq!(
        ledger.live_count(),
        1,
        "only the org hook's create was answered"
    );

    // What the binary does on Ctrl-C.
    for runner in &runners {
        let errors = runner.cleanup_all().await;
        assert!(errors.is_empty(), "{errors:?}");
    }
    assert_eq!(
        marked_hooks(&state),
        Vec::<String>::new(),
        "hooks left after the stop"
    );
    let after: Vec<_> = state
        .org_hooks("octocat")
        .into_iter()
        .filter(|h| foreign_org.contains(&h.id))
        .collect();
    assert_eq!(after, org_before);
    assert_eq!(state.global_hooks(), global_before);
}
