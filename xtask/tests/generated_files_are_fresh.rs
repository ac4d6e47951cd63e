//! The checked-in generated files match what `cargo xtask gen` produces from the spec now.

#[test]
fn generated_files_match_the_spec() {
    let report = match xtask::generate(&xtask::repo_root(), xtask::Mode::Check) {
        Ok(report) => report,
        Err(error) => panic!("generation failed: {error:#}"),
    };
    assert!(
        report.is_fresh(),
        "generated files are out of date with spec/openapi.yaml:\n{report}run `cargo xtask gen` and commit the result"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("{}: {e}", target.display()));
        }
    }
}

#[test]
fn a_one_line_spec_edit_makes_the_check_fail_and_gen_repairs_it() {
    let root = xtask::repo_root();
    let scratch = std::env::temp_dir().join(format!("hookspec-fresh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    for dir in ["spec", "mock/src/generated", "conformance/cases/generated"] {
        copy_dir(&root.join(dir), &scratch.join(dir));
    }
    let spec_path = scratch.join(xtask::SPEC);
    let spec = std::fs::read_to_string(&spec_path).unwrap_or_else(|e| panic!("{e}"));
    let edited = spec.replacen(
        "summary: List organization webhooks",
        "summary: List the organization's webhooks",
        1,
    );
    assert_ne!(spec, edited, "the line to edit is not in the spec any more");
    std::fs::write(&spec_path, edited).unwrap_or_else(|e| panic!("{e}"));
    // A leftover file in an owned folder is reported too.
    std::fs::write(scratch.join("mock/src/generated/old.rs"), "// stale")
        .unwrap_or_else(|e| panic!("{e}"));

    let report = xtask::generate(&scratch, xtask::Mode::Check).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(!report.is_fresh());
    assert!(
        report
            .stale
            .iter()
            .any(|p| p == "mock/src/generated/operations.rs"),
        "{report}"
    );
    assert_eq!(report.leftover, ["mock/src/generated/old.rs"]);

    let written = xtask::generate(&scratch, xtask::Mode::Write).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(!written.is_fresh(), "write mode reports what it changed");
    let again = xtask::generate(&scratch, xtask::Mode::Check).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(again.is_fresh(), "{again}");
    assert!(!scratch.join("mock/src/generated/old.rs").exists());
    let _ = std::fs::remove_dir_all(&scratch);
}
