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
