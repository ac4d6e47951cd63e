//! Every kind of spec error stops generation with a message naming the file, the JSON pointer
//! (and the line where the YAML parser gives one) and what is wrong; never a panic.

use std::path::{Path, PathBuf};

use hookspec_codegen::{SpecError, SpecErrorKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/errors")
        .join(name)
}

fn error_of(name: &str) -> SpecError {
    match hookspec_codegen::generate(&fixture(name), "openapi.yaml") {
        Ok(_) => panic!("{name} generated without error"),
        Err(error) => error,
    }
}

fn assert_mentions(error: &SpecError, parts: &[&str]) {
    let text = error.to_string();
    for part in parts {
        assert!(text.contains(part), "{text:?} does not mention {part:?}");
    }
}

#[test]
fn a_missing_file_names_the_file() {
    let error = error_of("no-such-spec.yaml");
    assert!(matches!(*error.kind, SpecErrorKind::Io(_)));
    assert_mentions(&error, &["no-such-spec.yaml", "cannot read"]);
}

#[test]
fn bad_yaml_names_the_line() {
    let error = error_of("bad-yaml.yaml");
    assert!(matches!(*error.kind, SpecErrorKind::Yaml(_)), "{error}");
    assert!(error.line.is_some(), "{error}");
    assert_mentions(&error, &["bad-yaml.yaml:", "invalid YAML"]);
}

#[test]
fn an_openapi_3_1_document_is_refused() {
    let error = error_of("wrong-version.yaml");
    assert!(matches!(*error.kind, SpecErrorKind::Version(_)), "{error}");
    assert_mentions(&error, &["/openapi", "3.1.0"]);
}

#[test]
fn a_document_of_the_wrong_shape_names_the_pointer_and_line() {
    let error = error_of("not-openapi-shape.yaml");
    assert!(matches!(*error.kind, SpecErrorKind::Shape(_)), "{error}");
    // openapiv3 flattens path items, so the pointer stops at /paths; the line says where.
    assert!(error.pointer.starts_with("/paths"), "{error}");
    assert!(error.line.is_some(), "{error}");
}

#[test]
fn an_unknown_ref_names_the_reference_and_where_it_is() {
    let error = error_of("unknown-ref.yaml");
    assert!(
        matches!(*error.kind, SpecErrorKind::UnresolvedRef(_)),
        "{error}"
    );
    assert_mentions(
        &error,
        &[
            "#/components/schemas/missing-thing",
            "/paths/~1things/get/responses/200",
        ],
    );
}

#[test]
fn a_duplicate_operation_id_names_both_places() {
    let error = error_of("duplicate-operation-id.yaml");
    assert!(
        matches!(*error.kind, SpecErrorKind::DuplicateOperationId { .. }),
        "{error}"
    );
    assert_mentions(
        &error,
        &[
            "things/list",
            "/paths/~1other-things/get/operationId",
            "/paths/~1things/get/operationId",
        ],
    );
}

#[test]
fn an_example_that_breaks_its_schema_names_the_operation_example_and_field() {
    let error = error_of("example-does-not-match.yaml");
    assert!(
        matches!(*error.kind, SpecErrorKind::InvalidExample { .. }),
        "{error}"
    );
    assert_mentions(
        &error,
        &[
            "things/get-thing",
            "\"default\"",
            "\"/id\"",
            "examples/default/value",
        ],
    );
}

#[test]
fn a_known_invalid_mark_on_a_valid_example_is_an_error() {
    let error = error_of("known-invalid-example-passes.yaml");
    assert!(
        matches!(*error.kind, SpecErrorKind::KnownInvalidPasses { .. }),
        "{error}"
    );
}

#[test]
fn an_unsupported_schema_construct_is_named() {
    let error = error_of("unsupported-all-of.yaml");
    assert!(
        matches!(*error.kind, SpecErrorKind::Unsupported { .. }),
        "{error}"
    );
    assert_mentions(&error, &["allOf", "/schema/allOf"]);
}

#[test]
fn an_unknown_access_level_names_the_operation_and_the_known_ones() {
    let error = error_of("unknown-access.yaml");
    assert!(matches!(*error.kind, SpecErrorKind::Invalid(_)), "{error}");
    assert_eq!(error.pointer, "/paths/~1things/get/x-hookspec-access");
    assert_mentions(&error, &["everyone", "org-owner", "site-admin"]);
}

#[test]
fn a_default_api_version_the_product_does_not_accept_is_refused() {
    let error = error_of("default-version-not-listed.yaml");
    assert!(matches!(*error.kind, SpecErrorKind::Invalid(_)), "{error}");
    assert_eq!(
        error.pointer,
        "/x-hookspec-products/dotcom/default-api-version"
    );
    assert_mentions(&error, &["2026-03-10", "2022-11-28"]);
}
