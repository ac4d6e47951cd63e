//! The Markdown and HTML reports of the binary, `--header`, no token in any output, and the
//! built-in cases of a binary run from a folder with no checkout.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use hookspec_mock::table::OPERATIONS;
use hookspec_mock::{FakeGitHub, OperationId};

const BINARY: &str = env!("CARGO_BIN_EXE_hookspec-conformance");

fn run_in(dir: &Path, binary: &str, args: &[&str]) -> Output {
    match Command::new(binary)
        .args(args)
        .current_dir(dir)
        .env_remove("HOOKSPEC_TOKEN")
        .output()
    {
        Ok(output) => output,
        Err(error) => panic!("cannot run {binary}: {error}"),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const CASES: &[(&str, &str)] = &[
    (
        "lists.yaml",
        "description: lists hooks\nproducts: [dotcom, ghes]\nread_only: true\nsteps:\n  - name: list hooks\n    operation: orgs/list-webhooks\n    expect: { status: 200 }\n",
    ),
    (
        "wants_418.yaml",
        "description: expects a status the fake never gives <b>&\nproducts: [dotcom]\nread_only: true\nsteps:\n  - name: list <hooks> & \"more\"\n    operation: orgs/list-webhooks\n    expect: { status: 418 }\n",
    ),
];

/// `<tag` openings and `</tag>` closings in `html`.
fn balance(html: &str, tag: &str) -> (usize, usize) {
    let opened =
        html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
    (opened, html.matches(&format!("</{tag}>")).count())
}

#[test]
fn markdown_and_html_reports_show_the_matrix_the_failures_and_escape_case_text() {
    let dir = support::temp_dir("reports");
    for (name, text) in CASES {
        support::write(&dir, &format!("cases/{name}"), text);
    }
    let (md, html) = (dir.join("report.md"), dir.join("report.html"));
    let output = run_in(
        &dir,
        BINARY,
        &[
            "--cases",
            "cases",
            "--markdown",
            "report.md",
            "--html",
            "report.html",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let (md, html) = (read(&md), read(&html));

    assert!(md.contains("**2 passed, 1 failed, 0 skipped**"), "{md}");
    assert!(md.contains("<summary>wants_418 [dotcom]</summary>"), "{md}");
    assert!(md.contains("expected 418, got 200"), "{md}");
    assert!(md.contains("| `orgs/list-webhooks` | 200 |"), "{md}");

    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    for operation in OPERATIONS {
        for response in operation.responses {
            let row = format!(
                "data-operation=\"{}\" data-status=\"{}\"",
                operation.id, response.status
            );
            assert!(html.contains(&row), "no row {row}");
        }
    }
    assert!(html.contains("<td class=\"cell fail\" data-product=\"dotcom\">✗ 1/2</td>"));
    assert!(html.contains("<td class=\"cell pass\" data-product=\"ghes\">✓ 1</td>"));
    assert!(
        html.contains("list &lt;hooks&gt; &amp; &quot;more&quot;"),
        "case text is escaped"
    );
    assert!(!html.contains("<hooks>"));
    for external in ["<script", "<link", "src=", "http-equiv", "@import", "url("] {
        assert!(
            !html.contains(external),
            "{external} in a self-contained page"
        );
    }
    for tag in [
        "table", "tr", "td", "th", "details", "summary", "pre", "div", "ul", "li",
    ] {
        let (opened, closed) = balance(&html, tag);
        assert_eq!(
            opened, closed,
            "<{tag}> opened {opened} times, closed {closed}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_or_credential_header_appears_in_any_output_or_report() {
    const TOKEN: &str = "ghp_TOKENthatMustNotLeak0123";
    const KEY: &str = "key-that-must-not-leak-42";
    let fake = FakeGitHub::start().await;
    // A server that echoes the token back in a body the runner shows (a failing status).
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/orgs/octocat/hooks/999"))
        .respond_with(
            wiremock::ResponseTemplate::new(500)
                .set_body_string(format!("{{\"echo\":\"Bearer {TOKEN} {KEY}\"}}")),
        )
        .mount(fake.server())
        .await;
    let dir = support::temp_dir("secrets");
    support::write(&dir, "cases/lists.yaml", CASES[0].1);
    support::write(
        &dir,
        "cases/echoes.yaml",
        "description: gets a hook\nproducts: [dotcom]\nread_only: true\nsteps:\n  - name: get\n    operation: orgs/get-webhook\n    path_params: { hook_id: \"999\" }\n    expect: { status: 200 }\n",
    );
    let uri = fake.uri();
    let output = tokio::task::spawn_blocking(move || {
        let output = run_in(
            &dir,
            BINARY,
            &[
                "--target",
                &uri,
                "--org",
                "octocat",
                "--product",
                "dotcom",
                "--token",
                TOKEN,
                "--header",
                &format!("X-Api-Key: {KEY}"),
                "--header",
                "X-Trace: visible-to-the-server",
                "--cases",
                "cases",
                "--verbose",
                "--junit",
                "r.xml",
                "--markdown",
                "r.md",
                "--html",
                "r.html",
            ],
        );
        (output, dir)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (output, dir) = output;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let requests = fake.state().requests(OperationId::OrgsListWebhooks);
    let sent = |name: &str, value: &str| {
        requests.iter().any(|r| {
            r.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && v == value)
        })
    };
    assert!(sent("x-api-key", KEY), "{requests:?}");
    assert!(sent("x-trace", "visible-to-the-server"), "{requests:?}");
    let texts = [
        (
            "stdout",
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ),
        (
            "stderr",
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ),
        ("junit", read(&dir.join("r.xml"))),
        ("markdown", read(&dir.join("r.md"))),
        ("html", read(&dir.join("r.html"))),
    ];
    for (what, text) in &texts {
        assert!(!text.contains(TOKEN), "the token is in {what}:\n{text}");
        assert!(!text.contains(KEY), "the key is in {what}:\n{text}");
    }
    assert!(
        texts[4].1.contains("********"),
        "the echoed body is shown masked"
    );
}

#[test]
fn the_binary_runs_its_built_in_cases_from_a_folder_without_a_checkout() {
    let dir = support::temp_dir("installed");
    let binary = dir.join("hookspec-conformance");
    if let Err(error) = std::fs::copy(BINARY, &binary) {
        panic!("copying {BINARY}: {error}");
    }
    let output = run_in(
        &dir,
        &binary.to_string_lossy(),
        &[
            "--filter",
            "scenarios/request_without_a_token",
            "--product",
            "dotcom",
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(text.contains("from the built-in cases against"), "{text}");
    assert!(
        text.contains("PASS  scenarios/request_without_a_token_answers_401 [dotcom]"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_keeps_every_checked_exchange_pages_included() {
    let fake = FakeGitHub::start().await;
    let result = support::run_scenario(
        &fake.uri(),
        "org_hook_list_walks_every_page_by_following_link_next",
        std::time::Duration::from_secs(10),
    )
    .await;
    assert!(result.passed(), "{:?}", result.failure_text());
    let lists: Vec<_> = result
        .exchanges
        .iter()
        .filter(|e| e.operation.as_deref() == Some("orgs/list-webhooks"))
        .collect();
    assert!(lists.len() > 1, "every page is an exchange: {lists:?}");
    assert!(
        result
            .exchanges
            .iter()
            .all(|e| e.passed() && e.status.is_some())
    );
    assert!(
        result.exchanges.len() < result.requests,
        "cleanup requests are not exchanges"
    );
}
