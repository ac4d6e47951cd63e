//! Snapshot tests: each fixture spec under `tests/fixtures/<name>/openapi.yaml` (one concern
//! each) is rendered and compared with the files under `tests/fixtures/<name>/expected/`.
//! Set `HOOKSPEC_BLESS=1` to rewrite the expected files after a deliberate change.

use std::path::{Path, PathBuf};

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn check_fixture(name: &str) {
    let dir = fixture_dir(name);
    let spec = match hookspec_codegen::spec::load(&dir.join("openapi.yaml")) {
        Ok(spec) => spec,
        Err(error) => panic!("{error}"),
    };
    let generated = match hookspec_codegen::generate_from(&spec, "openapi.yaml") {
        Ok(generated) => generated,
        Err(error) => panic!("{error}"),
    };
    let bless = std::env::var_os("HOOKSPEC_BLESS").is_some();
    let expected_root = dir.join("expected");
    if bless {
        let _ = std::fs::remove_dir_all(&expected_root);
    }
    for file in &generated.files {
        let path = expected_root.join(&file.path);
        if bless {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
            }
            std::fs::write(&path, &file.contents)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with HOOKSPEC_BLESS=1 to create it)",
                path.display()
            )
        });
        pretty_assertions::assert_eq!(
            expected,
            file.contents,
            "{} differs from its snapshot",
            file.path
        );
    }
}

#[test]
fn string_enums_and_defaults_render_as_rust_enums_and_default_functions() {
    check_fixture("enums-and-defaults");
}

#[test]
fn one_of_renders_as_an_untagged_enum_and_nullable_as_options() {
    check_fixture("one-of-and-nullable");
}

#[test]
fn path_parameters_and_examples_render_as_stubs_and_cases() {
    check_fixture("path-params-and-examples");
}

#[test]
fn the_same_spec_gives_the_same_bytes() {
    let path = fixture_dir("path-params-and-examples").join("openapi.yaml");
    let first = hookspec_codegen::generate(&path, "openapi.yaml").map_err(|e| e.to_string());
    let second = hookspec_codegen::generate(&path, "openapi.yaml").map_err(|e| e.to_string());
    assert_eq!(first.map(|g| g.files), second.map(|g| g.files));
}
