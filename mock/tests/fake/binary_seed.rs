//! The binary's `--seed FILE`: a state document (YAML or JSON) loaded at start, the start
//! state a reset goes back to; a bad file stops the binary naming the file, line and field.

use std::process::Command;

use serde_json::json;

use crate::binary::spawn;
use crate::support::Api;

const SEED: &str = r#"orgs:
  - login: acme
    hooks:
      - events: [push]
        config: {url: "http://127.0.0.1:9/hook", content_type: json, secret: s3cret}
repos:
  - full_name: acme/widgets
    hooks: []
tokens:
  - {token: ghp_owner, org_role: owner, site_admin: false, repo_role: admin}
"#;

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hookspec-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_seed_file_is_the_state_the_binary_starts_and_resets_to() {
    let path = write("good.yaml", SEED);
    let server = spawn(&["--quiet", "--seed", path.to_str().unwrap()]);
    let api = Api::new(&server.base).token(Some("ghp_owner"));
    let hooks = api.get("/orgs/acme/hooks").await;
    assert_eq!(hooks.status, 200, "{}", hooks.text);
    assert_eq!(hooks.body[0]["config"]["content_type"], "json");
    assert_eq!(hooks.body[0]["name"], "web");
    assert_eq!(
        api.token(Some("other"))
            .get("/orgs/acme/hooks")
            .await
            .status,
        401
    );
    let start = api.get("/_hookspec/state").await.text;

    let created = api
        .post(
            "/repos/acme/widgets/hooks",
            json!({"config": {"url": "http://127.0.0.1:9/r"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(api.post_empty("/_hookspec/reset").await.status, 204);
    assert_eq!(api.get("/_hookspec/state").await.text, start);
    // The journal works in the binary by default.
    let journal = api.get("/_hookspec/requests").await.body;
    assert_eq!(journal, json!([]));
    api.get("/orgs/acme/hooks").await;
    let journal = api
        .get("/_hookspec/requests?operation=orgs/list-webhooks")
        .await
        .body;
    assert_eq!(journal.as_array().map(Vec::len), Some(1), "{journal}");
}

#[tokio::test]
async fn a_json_seed_is_read_too() {
    let path = write("good.json", r#"{"orgs": [{"login": "acme", "id": 42}]}"#);
    let server = spawn(&["--quiet", "--seed", path.to_str().unwrap()]);
    let state = Api::new(&server.base).get("/_hookspec/state").await.body;
    assert_eq!(
        state["orgs"],
        json!([{"login": "acme", "id": 42, "hooks": []}])
    );
}

fn refusal(name: &str, text: &str) -> String {
    let path = write(name, text);
    let output = Command::new(env!("CARGO_BIN_EXE_hookspec-mock"))
        .args(["--port", "0", "--quiet", "--seed", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success(), "{name} was accepted");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(stderr.contains(path.to_str().unwrap()), "{stderr}");
    stderr
}

#[test]
fn a_bad_seed_stops_the_binary_naming_the_file_line_and_field() {
    let misspelt = SEED.replace("content_type: json", "content_typ: json");
    let stderr = refusal("misspelt.yaml", &misspelt);
    assert!(stderr.contains("line 5"), "{stderr}");
    assert!(stderr.contains("orgs[0].hooks[0].config"), "{stderr}");
    assert!(stderr.contains("unknown field `content_typ`"), "{stderr}");
    // The place is named once, not again by the YAML reader's own message.
    assert!(
        stderr.contains("orgs[0].hooks[0].config.content_typ: unknown field"),
        "{stderr}"
    );

    let stderr = refusal(
        "missing.json",
        "{\n  \"orgs\": [\n    {\"hooks\": []}\n  ]\n}\n",
    );
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("orgs[0].login: missing field"), "{stderr}");

    let stderr = refusal("bad-value.yaml", "repos:\n  - full_name: widgets\n");
    assert!(stderr.contains("repos[0].full_name"), "{stderr}");
    assert!(stderr.contains("is not owner/name"), "{stderr}");
}
