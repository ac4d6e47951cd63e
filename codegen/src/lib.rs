//! Reads `spec/openapi.yaml`, validates it, builds an intermediate model and renders Rust
//! source and conformance case files from it, as text. It never writes to disk: `xtask`
//! decides what to do with the files.

pub mod cases;
pub mod control;
pub mod error;
pub mod ir;
pub mod json_schema;
pub mod models;
pub mod names;
pub mod operations;
pub mod render;
pub mod spec;
pub mod stubs;
pub mod webhooks;

use std::path::Path;

use quote::quote;

pub use error::{SpecError, SpecErrorKind};

/// Where generated Rust goes, relative to the repository root.
pub const MOCK_GENERATED_DIR: &str = "mock/src/generated";
/// Where generated conformance cases go, relative to the repository root.
pub const CASES_GENERATED_DIR: &str = "conformance/cases/generated";

/// One generated file: a path relative to the repository root and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// E.g. `mock/src/generated/models.rs`.
    pub path: String,
    /// The whole file, header included.
    pub contents: String,
}

/// Everything generated from one spec, in a fixed order.
#[derive(Debug)]
pub struct Generated {
    /// The files.
    pub files: Vec<GeneratedFile>,
    /// The folders these files own wholly (leftovers in them are stale).
    pub owned_dirs: Vec<String>,
}

/// Loads, checks and renders the spec at `spec_path`; `spec_name` is how headers name it.
///
/// When `webhooks/webhooks.json` sits beside the spec ([`webhooks::WEBHOOKS_SPEC`]), the table
/// of webhook events and their payload schemas are generated from it too.
pub fn generate(spec_path: &Path, spec_name: &str) -> Result<Generated, SpecError> {
    let spec = spec::load(spec_path)?;
    let webhooks = webhooks_beside(spec_path)?;
    render_all(&spec, spec_name, webhooks.as_ref(), false)
}

/// The webhook description in `webhooks/webhooks.json` beside the spec, if there is one.
fn webhooks_beside(spec_path: &Path) -> Result<Option<webhooks::WebhookSpec>, SpecError> {
    let webhooks_path = spec_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("webhooks/webhooks.json");
    if webhooks_path.exists() {
        Ok(Some(webhooks::load(
            &webhooks_path,
            webhooks::WEBHOOKS_SPEC,
        )?))
    } else {
        Ok(None)
    }
}

/// Loads, checks and renders GitHub's spec (with the webhook description beside it, as
/// [`generate`] does) and the fake's control API (`spec/control.yaml`, see [`control`])
/// together: what `cargo xtask gen` writes.
pub fn generate_with_control(
    spec_path: &Path,
    spec_name: &str,
    control_path: &Path,
    control_name: &str,
) -> Result<Generated, SpecError> {
    let spec = spec::load(spec_path)?;
    let webhooks = webhooks_beside(spec_path)?;
    let control_spec = spec::load(control_path)?;
    let control_files = control::generate_from(&control_spec, control_name)?;
    let mut generated = render_all(&spec, spec_name, webhooks.as_ref(), true)?;
    generated.files.extend(control_files);
    Ok(generated)
}

/// Renders an already loaded spec (without a webhook description).
pub fn generate_from(spec: &spec::Spec, spec_name: &str) -> Result<Generated, SpecError> {
    render_all(spec, spec_name, None, false)
}

/// Renders `spec` and, when given, the webhook description; with `with_control`, the generated
/// module also declares the control API's modules.
fn render_all(
    spec: &spec::Spec,
    spec_name: &str,
    webhooks: Option<&webhooks::WebhookSpec>,
    with_control: bool,
) -> Result<Generated, SpecError> {
    let ir = ir::build(spec, spec_name)?;
    let models = models::build(spec, &ir)?;
    let render_error = |message: String| spec.error("", SpecErrorKind::Invalid(message));
    let mut files = Vec::new();
    let mut rust =
        |name: &str, doc: &str, tokens: proc_macro2::TokenStream| -> Result<(), SpecError> {
            let contents = render::rust_file(spec_name, doc, tokens).map_err(render_error)?;
            files.push(GeneratedFile {
                path: format!("{MOCK_GENERATED_DIR}/{name}"),
                contents,
            });
            Ok(())
        };
    let webhooks_module = webhooks.map(|_| {
        quote!(
            pub mod webhooks;
        )
    });
    let control_modules = if with_control {
        quote! {
            pub mod control;
            pub mod control_models;
        }
    } else {
        quote!()
    };
    let module_doc = if with_control {
        "Code derived from the specs: models, the operation and product tables, typed stubs and their tests (spec/openapi.yaml); the control API's route table and models (spec/control.yaml)."
    } else {
        "Code derived from the spec: models, the operation and product tables, typed stubs and their tests."
    };
    rust(
        "mod.rs",
        module_doc,
        quote! {
            #control_modules
            pub mod models;
            pub mod operations;
            pub mod products;
            pub mod stubs;
            #webhooks_module
            #[cfg(test)]
            mod round_trip;
        },
    )?;
    rust(
        "models.rs",
        "Serde types for every schema of the spec.",
        models.items.clone(),
    )?;
    rust(
        "operations.rs",
        "The operation table.",
        operations::emit(&ir),
    )?;
    rust(
        "products.rs",
        "The product table: products, their path prefixes and API versions.",
        operations::emit_products(&ir),
    )?;
    rust(
        "stubs.rs",
        "Typed wiremock stubs, one module per operation.",
        stubs::emit(&ir, &models),
    )?;
    rust(
        "round_trip.rs",
        "Every example of the spec goes through its type and comes back equal (defaults filled in).",
        round_trip_tests(&models),
    )?;
    if let Some(webhooks) = webhooks {
        files.extend(webhook_files(spec, webhooks)?);
    }
    for case in cases::emit(spec, &ir)? {
        files.push(GeneratedFile {
            path: format!("{CASES_GENERATED_DIR}/{}", case.path),
            contents: render::yaml_file(spec_name, &case.text),
        });
    }
    Ok(Generated {
        files,
        owned_dirs: vec![MOCK_GENERATED_DIR.into(), CASES_GENERATED_DIR.into()],
    })
}

/// The webhook table (`webhooks.rs`) and the payload schemas it embeds.
fn webhook_files(
    spec: &spec::Spec,
    webhooks: &webhooks::WebhookSpec,
) -> Result<Vec<GeneratedFile>, SpecError> {
    let name = webhooks::WEBHOOKS_SPEC;
    let tokens = webhooks::emit_table(webhooks, "webhook_schemas.json");
    let contents = render::rust_file(
        name,
        "The webhook events our hook kinds receive: each action, the hook kinds that get it, and its payload schema.",
        tokens,
    )
    .map_err(|message| spec.error("", SpecErrorKind::Invalid(message)))?;
    Ok(vec![
        GeneratedFile {
            path: format!("{MOCK_GENERATED_DIR}/webhooks.rs"),
            contents,
        },
        GeneratedFile {
            path: format!("{MOCK_GENERATED_DIR}/webhook_schemas.json"),
            contents: webhooks::emit_schemas(webhooks, &render::header(name)),
        },
    ])
}

fn round_trip_tests(models: &models::Models) -> proc_macro2::TokenStream {
    let tests = models.round_trip_expectations.iter().map(|trip| {
        let name = names::ident(&format!(
            "{}_round_trips",
            trip.test_name.trim_start_matches("r#")
        ));
        let ty = trip.ty.tokens(&quote!(super::models::));
        let example = trip.example.to_string();
        let expected = trip.expected.to_string();
        quote! {
            #[test]
            fn #name() {
                crate::stub_runtime::assert_round_trip::<#ty>(#example, #expected);
            }
        }
    });
    quote!(#(#tests)*)
}
