//! Case files and recordings nested deeper than the bound are refused before the YAML parser
//! sees them (it takes quadratic time on deep nesting), naming the file and the line.

use std::path::PathBuf;

use hookspec_conformance::{LoadError, RecordError, load_case, read_recording};

/// About 200 KB of YAML: a case whose `description` opens flow brackets on line 3.
fn deep_flow() -> String {
    let depth = 100_000;
    format!(
        "# generated\nproducts: [dotcom]\ndescription: {}{}\nsteps: []\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// About 200 KB of block mappings, each line one level deeper than the one before.
fn deep_blocks() -> String {
    let mut text = String::from("steps:\n");
    let mut level = 1;
    while text.len() < 200_000 {
        text.push_str(&" ".repeat(level));
        text.push_str("k:\n");
        level += 1;
    }
    text
}

fn write(name: &str, text: &str) -> PathBuf {
    // A folder for each file, so that tests running side by side never remove each other's.
    let dir =
        std::env::temp_dir().join(format!("hookspec-deep-yaml-{}-{name}", std::process::id()));
    if let Err(error) = std::fs::create_dir_all(&dir) {
        panic!("cannot make {}: {error}", dir.display());
    }
    let path = dir.join(name);
    if let Err(error) = std::fs::write(&path, text) {
        panic!("cannot write {}: {error}", path.display());
    }
    path
}

/// Removes a file `write` made, and its folder.
fn forget(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir(dir);
    }
}

#[test]
fn a_deeply_nested_case_file_is_refused_naming_its_file_and_line() {
    for (name, text, line) in [
        ("flow.yaml", deep_flow(), 3),
        ("blocks.yaml", deep_blocks(), 65),
    ] {
        assert!(text.len() >= 200_000, "{}", text.len());
        let path = write(name, &text);
        let Err(error): Result<_, LoadError> = load_case(None, &path) else {
            panic!("{name} loaded");
        };
        assert_eq!(
            error.to_string(),
            format!(
                "{}:{line}: not a valid case: nested deeper than 64 levels",
                path.display()
            )
        );
        forget(&path);
    }
}

#[test]
fn a_deeply_nested_recording_is_refused_naming_its_file_and_line() {
    let path = write(
        "recording.json",
        &format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let Err(error): Result<_, RecordError> = read_recording(&path) else {
        panic!("the recording loaded");
    };
    assert_eq!(
        error.to_string(),
        format!(
            "{}:1: not a recording: nested deeper than 64 levels",
            path.display()
        )
    );
    forget(&path);
}
