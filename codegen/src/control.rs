//! The fake's own API, `spec/control.yaml`: loaded and checked as the main spec is
//! ([`crate::spec`]), its schemas turned into serde models by the same generator
//! ([`crate::models`], with unknown fields refused where a schema is closed), and its paths into
//! the route table the fake's `/_hookspec/` endpoints dispatch through, with the document itself
//! as JSON for `GET /_hookspec/openapi.json`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::error::{SpecError, SpecErrorKind, pointer_join};
use crate::ir::Ir;
use crate::names::{ident, pascal};
use crate::spec::{self, Spec};
use crate::{GeneratedFile, MOCK_GENERATED_DIR, render};

/// One control operation: what the route table needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlOperation {
    /// The operationId (`control/reset`).
    pub id: String,
    /// Upper-case method.
    pub method: String,
    /// The path template (`/_hookspec/orgs/{org}/events/{event}`).
    pub path: String,
    /// The summary.
    pub summary: String,
    /// The path parameters whose schema is `integer`.
    pub integer_parameters: Vec<String>,
}

/// Renders an already loaded control spec: `control.rs` (the route table and the document as
/// JSON) and `control_models.rs` (its schemas).
pub fn generate_from(spec: &Spec, spec_name: &str) -> Result<Vec<GeneratedFile>, SpecError> {
    let operations = operations(spec)?;
    let ir = Ir {
        spec_name: spec_name.to_owned(),
        products: Vec::new(),
        operations: Vec::new(),
        schemas: crate::ir::component_schemas(spec),
    };
    let models = crate::models::build_with(spec, &ir, true)?;
    let render_error = |message: String| spec.error("", SpecErrorKind::Invalid(message));
    let document = serde_json::to_string(&spec.raw)
        .map_err(|error| spec.error("", SpecErrorKind::Invalid(error.to_string())))?;
    let table = render::rust_file(
        spec_name,
        "The control API's route table (`/_hookspec/`) and its OpenAPI document as JSON.",
        emit_table(&operations, &document),
    )
    .map_err(render_error)?;
    let models = render::rust_file(
        spec_name,
        "Serde types for every schema of the control API.",
        models.items,
    )
    .map_err(render_error)?;
    Ok(vec![
        GeneratedFile {
            path: format!("{MOCK_GENERATED_DIR}/control.rs"),
            contents: table,
        },
        GeneratedFile {
            path: format!("{MOCK_GENERATED_DIR}/control_models.rs"),
            contents: models,
        },
    ])
}

/// Every operation in spec order, each path parameter's type read through any `$ref`; every
/// path must start `/_hookspec/` and every `{name}` in it must be a declared path parameter.
pub fn operations(spec: &Spec) -> Result<Vec<ControlOperation>, SpecError> {
    let mut out = Vec::new();
    for (path, item) in spec.openapi.paths.paths.iter() {
        let item_pointer = pointer_join("/paths", path);
        if !path.starts_with("/_hookspec/") {
            return Err(spec.error(
                item_pointer,
                SpecErrorKind::Invalid(format!("control path {path} is not under /_hookspec/")),
            ));
        }
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in spec::methods(item) {
            let pointer = pointer_join(&item_pointer, method);
            let mut integer_parameters = Vec::new();
            let mut declared = Vec::new();
            // The path item's parameters and the operation's, each through its `$ref`, as the
            // main spec's are read.
            for (node, here) in crate::ir::operation::parameter_nodes(spec, &item_pointer, &pointer)
            {
                let (parameter, _) = crate::ir::operation::deref(spec, node, &here)?;
                if parameter.get("in").and_then(Value::as_str) != Some("path") {
                    continue;
                }
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if parameter.pointer("/schema/type").and_then(Value::as_str) == Some("integer") {
                    integer_parameters.push(name.clone());
                }
                declared.push(name);
            }
            for part in path.split('/') {
                if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}'))
                    && !declared.iter().any(|d| d == name)
                {
                    return Err(spec.error(
                        pointer_join(&pointer, "parameters"),
                        SpecErrorKind::Invalid(format!(
                            "path parameter {{{name}}} of {path} is not declared"
                        )),
                    ));
                }
            }
            out.push(ControlOperation {
                id: operation.operation_id.clone().unwrap_or_default(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: operation.summary.clone().unwrap_or_default(),
                integer_parameters,
            });
        }
    }
    Ok(out)
}

fn emit_table(operations: &[ControlOperation], document: &str) -> TokenStream {
    let variants: Vec<_> = operations.iter().map(|op| ident(&pascal(&op.id))).collect();
    let docs = operations
        .iter()
        .map(|op| format!(" `{} {}` (`{}`): {}", op.method, op.path, op.id, op.summary));
    let ids = operations.iter().map(|op| &op.id);
    let rows = operations.iter().zip(&variants).map(|(op, variant)| {
        let (id, method, path, summary) = (&op.id, &op.method, &op.path, &op.summary);
        let integers = &op.integer_parameters;
        quote! {
            crate::table::ControlOperation {
                operation_id: ControlOperationId::#variant,
                id: #id,
                method: #method,
                path: #path,
                summary: #summary,
                integer_parameters: &[#(#integers),*],
            }
        }
    });
    let variants_again = variants.iter();
    quote! {
        /// The control API's operationIds: one variant per operation, in spec order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ControlOperationId {
            #(#[doc = #docs] #variants,)*
        }
        impl ControlOperationId {
            /// The operationId as the spec spells it (`control/reset`).
            pub fn as_str(self) -> &'static str {
                match self {
                    #(ControlOperationId::#variants_again => #ids,)*
                }
            }
        }
        /// Every control operation, in spec order.
        pub static CONTROL_OPERATIONS: &[crate::table::ControlOperation] = &[#(#rows),*];
        /// spec/control.yaml as JSON, for `GET /_hookspec/openapi.json`.
        pub const CONTROL_OPENAPI_JSON: &str = #document;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(paths: &str) -> Spec {
        let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}");
        spec::parse(std::path::Path::new("control.yaml"), &text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn control_operations_carry_their_integer_path_parameters() {
        let spec = spec(
            "  /_hookspec/apps/{app_id}:\n    post:\n      operationId: control/x\n      parameters:\n        - {name: app_id, in: path, required: true, schema: {type: integer}}\n      responses: {'204': {description: d}}\n",
        );
        let operations = operations(&spec).unwrap_or_default();
        assert_eq!(operations.len(), 1);
        assert_eq!(operations[0].method, "POST");
        assert_eq!(operations[0].integer_parameters, ["app_id"]);
    }

    #[test]
    fn an_undeclared_path_parameter_or_a_path_outside_the_prefix_is_refused() {
        let undeclared = spec(
            "  /_hookspec/orgs/{org}:\n    get:\n      operationId: control/y\n      responses: {'200': {description: d}}\n",
        );
        let error = operations(&undeclared).err().map(|e| e.to_string());
        assert!(
            error.as_deref().unwrap_or_default().contains("{org}"),
            "{error:?}"
        );
        let outside = spec(
            "  /orgs:\n    get:\n      operationId: control/z\n      responses: {'200': {description: d}}\n",
        );
        let error = operations(&outside).err().map(|e| e.to_string());
        assert!(
            error.as_deref().unwrap_or_default().contains("/_hookspec/"),
            "{error:?}"
        );
    }

    #[test]
    fn parameters_declared_on_the_path_item_count() {
        let at_path = spec(
            "  /_hookspec/apps/{app_id}:\n    parameters:\n      - {name: app_id, in: path, required: true, schema: {type: integer}}\n    get:\n      operationId: control/w\n      responses: {'200': {description: d}}\n",
        );
        let operations_at_path = operations(&at_path).unwrap_or_default();
        assert_eq!(operations_at_path.len(), 1);
        assert_eq!(operations_at_path[0].integer_parameters, ["app_id"]);
    }
}
