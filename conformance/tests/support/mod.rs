//! Helpers shared by the integration tests: cases from inline YAML or the scenarios folder,
//! runners for a URL, and access to a result's first failing step.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use hookspec_conformance::CaseResult;
use hookspec_conformance::Entry;
use hookspec_conformance::Runner;
use hookspec_conformance::Target;
use hookspec_conformance::{CaseFile, collect_folder, default_cases_dir, load_case, parse_case};
use hookspec_conformance::{Check, StepError};
use hookspec_conformance::{Run, RunOptions};
use hookspec_mock::Product;

/// A case parsed from inline YAML, named `inline/<name>`.
pub fn inline(name: &str, yaml: &str) -> CaseFile {
    let path = PathBuf::from(format!("inline/{name}.yaml"));
    match parse_case(&path, yaml) {
        Ok(case) => CaseFile {
            name: format!("inline/{name}"),
            path,
            case,
        },
        Err(error) => panic!("the inline case {name} does not load: {error}"),
    }
}

/// A hand-written scenario by file stem.
pub fn scenario(stem: &str) -> CaseFile {
    let root = default_cases_dir();
    let path = root.join("scenarios").join(format!("{stem}.yaml"));
    match load_case(Some(&root), &path) {
        Ok(file) => file,
        Err(error) => panic!("{error}"),
    }
}

/// Every case file of the crate.
pub fn all_cases() -> Vec<Entry> {
    match collect_folder(&default_cases_dir(), &[]) {
        Ok(entries) => entries,
        Err(error) => panic!("{error}"),
    }
}

/// Runs the hand-written scenario `stem` against `url` as api.github.com.
pub async fn run_scenario(url: &str, stem: &str, timeout: Duration) -> CaseResult {
    runner(url, Product::Dotcom, timeout)
        .run(&scenario(stem))
        .await
}

/// A runner for `url` as `product`, with a token, org `octocat` and `timeout`: a run of its own.
pub fn runner(url: &str, product: Product, timeout: Duration) -> Runner {
    let target = match Target::new(url, product) {
        Ok(target) => target
            .with_token("test-token")
            .with_org("octocat")
            .with_timeout(timeout),
        Err(error) => panic!("{error}"),
    };
    match Run::new([target], RunOptions::default()).map(Run::into_runners) {
        Ok(mut runners) if runners.len() == 1 => runners.remove(0),
        Ok(runners) => panic!("one target made {} runners", runners.len()),
        Err(error) => panic!("{error}"),
    }
}

/// The first failing step of a result, or a panic showing the result.
pub fn failed_step(result: &CaseResult) -> &StepError {
    match result.errors().iter().find_map(|e| e.as_step()) {
        Some(step) => step,
        None => panic!(
            "expected {} to fail in a step, got {:?}",
            result.display_name(),
            result.outcome
        ),
    }
}

/// Asserts that `result` failed at step `number` with a problem of `check` whose text contains
/// every one of `words`; returns the failure text.
pub fn assert_caught(result: &CaseResult, number: usize, check: Check, words: &[&str]) -> String {
    let step = failed_step(result);
    let text = result.failure_text().unwrap_or_default();
    assert_eq!(step.number, number, "failed at another step:\n{text}");
    let shown: Vec<String> = step
        .problems
        .0
        .iter()
        .filter(|p| p.check == check)
        .map(|p| p.to_string())
        .collect();
    assert!(!shown.is_empty(), "no {check} problem in:\n{text}");
    let shown = shown.join("\n");
    for word in words {
        assert!(
            shown.contains(word),
            "{word:?} not in {shown:?}\nwhole failure:\n{text}"
        );
    }
    text
}

/// A fresh empty folder under the system temp folder.
pub fn temp_dir(label: &str) -> PathBuf {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "hookspec-conformance-{label}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(error) = std::fs::create_dir_all(&dir) {
        panic!("{}: {error}", dir.display());
    }
    dir
}

/// Writes `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Err(error) = std::fs::write(&path, text) {
        panic!("{}: {error}", path.display());
    }
    path
}
