//! One test per case file under `cases/` (`generated/` and `scenarios/`), run by the library
//! against `HOOKSPEC_TARGET` or, without it, a fresh embedded fake.

fn run_case_file(path: &std::path::Path) -> datatest_stable::Result<()> {
    hookspec_conformance::run_case_file(path).map_err(Into::into)
}

datatest_stable::harness! {
    { test = run_case_file, root = "cases", pattern = r"\.yaml$" },
}
