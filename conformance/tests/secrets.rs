//! A hook secret in a request body and a token in `?access_token=` reach no output: not the
//! console, not the JUnit, Markdown or HTML report, not a recording; for the proxy, a run and a
//! replay alike.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use hookspec_mock::FakeGitHub;

const BINARY: &str = env!("CARGO_BIN_EXE_hookspec-conformance");
const TOKEN: &str = "ghp_queryTokenThatMustNotLeak0123";
const SECRET: &str = "hook-secret-that-must-not-leak-77";

/// The report flags, writing into `dir`.
fn report_args(dir: &Path) -> Vec<String> {
    ["junit", "markdown", "html"]
        .iter()
        .flat_map(|kind| [format!("--{kind}"), dir.join(kind).display().to_string()])
        .collect()
}

/// Every text an invocation wrote: its console output, its reports and any recording below
/// `recorded`.
fn outputs(console: &[String], dir: &Path, recorded: Option<&Path>) -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = console
        .iter()
        .enumerate()
        .map(|(n, text)| (format!("console {n}"), text.clone()))
        .collect();
    for kind in ["junit", "markdown", "html"] {
        let path = dir.join(kind);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("no {kind} report at {}: {e}", path.display()));
        texts.push((kind.to_string(), text));
    }
    let mut folders: Vec<PathBuf> = recorded.into_iter().map(Path::to_path_buf).collect();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                texts.push((path.display().to_string(), text));
            }
        }
    }
    texts
}

fn assert_no_secret(texts: &[(String, String)]) {
    assert!(texts.len() > 3, "nothing to look at: {texts:?}");
    for (what, text) in texts {
        assert!(!text.contains(TOKEN), "the token is in {what}:\n{text}");
        assert!(
            !text.contains(SECRET),
            "the hook secret is in {what}:\n{text}"
        );
    }
}

fn console(output: &Output) -> Vec<String> {
    vec![
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ]
}

/// Runs the binary with `args` off the async runtime (it talks to a fake on this one).
async fn run_binary(args: Vec<String>, envs: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(BINARY)
            .args(&args)
            .envs(envs)
            .env_remove("HOOKSPEC_TOKEN")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {BINARY}: {e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Drives a create with a hook secret and a list with the token in the query through
/// `proxy --record`, stopped as Ctrl-C stops it; returns the recording folder.
async fn proxy_with_secrets(fake: &FakeGitHub, dir: &Path) -> PathBuf {
    let recorded = dir.join("recording");
    let mut child = Command::new(BINARY)
        .args(["proxy", "--target", &fake.uri(), "--verbose", "--record"])
        .arg(&recorded)
        .args(report_args(dir))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let Some(stdout) = child.stdout.take() else {
        panic!("no stdout")
    };
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let Some(url) = first.strip_prefix("listening on ").map(str::to_string) else {
        let _ = child.kill();
        panic!("first line: {first:?}");
    };
    let client = reqwest::Client::new();
    let body = format!(
        r#"{{"name":"web","config":{{"url":"http://127.0.0.1:9/hook","secret":"{SECRET}"}}}}"#
    );
    for (method, query, body) in [
        (
            reqwest::Method::POST,
            format!("?access_token={TOKEN}"),
            Some(body),
        ),
        (
            reqwest::Method::GET,
            format!("?access_token={TOKEN}&per_page=x"),
            None,
        ),
    ] {
        let mut request = client.request(method, format!("{url}/orgs/octocat/hooks{query}"));
        if let Some(body) = body {
            request = request.body(body);
        }
        if let Err(error) = request.send().await {
            panic!("{error}");
        }
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let (out, status, stderr) = tokio::task::spawn_blocking(move || {
        // The rest of stdout ends when the proxy exits.
        let out: Vec<String> = lines.map_while(Result::ok).collect();
        let output = child.wait_with_output();
        (out, output)
    })
    .await
    .map(|(out, output)| match output {
        Ok(output) => (out.join("\n"), output.status, output.stderr),
        Err(error) => panic!("{error}"),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(
        out.contains("access_token=********"),
        "the query shows masked: {out}"
    );
    let console = vec![first, out, String::from_utf8_lossy(&stderr).into_owned()];
    let texts = outputs(&console, dir, Some(&recorded));
    assert!(
        texts.iter().any(|(what, _)| what.ends_with(".yaml")),
        "nothing recorded: {texts:?}"
    );
    assert_no_secret(&texts);
    recorded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_and_a_replay_of_its_recording_show_neither_the_hook_secret_nor_the_query_token()
{
    let fake = FakeGitHub::start().await;
    let dir = support::temp_dir("proxy-secrets");
    let recorded = proxy_with_secrets(&fake, &dir).await;

    let replayed = dir.join("replay");
    let _ = std::fs::create_dir_all(&replayed);
    let again = FakeGitHub::start().await;
    let mut args = vec![
        "replay".to_string(),
        recorded.display().to_string(),
        "--target".to_string(),
        again.uri(),
    ];
    args.extend(report_args(&replayed));
    let output = run_binary(args, vec![("HOOKSPEC_TOKEN", TOKEN.to_string())]).await;
    assert!(output.status.code().is_some(), "{output:?}");
    assert_no_secret(&outputs(&console(&output), &replayed, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_shows_neither_the_hook_secret_of_a_body_nor_a_token_in_the_query() {
    let fake = FakeGitHub::start().await;
    let dir = support::temp_dir("run-secrets");
    support::write(
        &dir,
        "cases/secrets.yaml",
        &format!(
            r#"description: lists with a token in the query, then creates a hook with a secret
products: [dotcom]
steps:
  - name: list with the token in the query
    operation: orgs/list-webhooks
    url: "{}/orgs/octocat/hooks?access_token={TOKEN}"
    expect: {{ status: 200 }}
  - name: create
    operation: orgs/create-webhook
    body: {{ name: web, config: {{ url: "${{marker_url}}", content_type: json, secret: "{SECRET}" }} }}
    expect: {{ status: 418 }}
"#,
            fake.uri()
        ),
    );
    let mut args = vec![
        "--target".to_string(),
        fake.uri(),
        "--org".to_string(),
        "octocat".to_string(),
        "--token".to_string(),
        "ghp_runTokenOfTheRun4567".to_string(),
        "--cases".to_string(),
        dir.join("cases").display().to_string(),
        "--verbose".to_string(),
    ];
    args.extend(report_args(&dir));
    let output = run_binary(args, Vec::new()).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let texts = outputs(&console(&output), &dir, None);
    assert!(
        texts
            .iter()
            .any(|(_, text)| text.contains("expected 418, got 201")),
        "the create fails, so its request is reported"
    );
    assert_no_secret(&texts);
}
