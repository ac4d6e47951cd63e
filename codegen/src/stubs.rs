//! Emits the typed wiremock stubs: per operation a module with `given(..)`, which returns a
//! `MockBuilder` already matching the method and path, and responders for each documented status
//! (a model value, a named example of the spec, or GitHub's error body).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{ExampleIr, Ir, OperationIr, ParameterIr, ResponseIr};
use crate::models::{Models, Ty};
use crate::names::{ident, snake};

/// The responder name for a status (`200` → `ok`).
pub fn status_name(status: u16) -> String {
    match status {
        200 => "ok".into(),
        201 => "created".into(),
        202 => "accepted".into(),
        204 => "no_content".into(),
        304 => "not_modified".into(),
        400 => "bad_request".into(),
        401 => "unauthorized".into(),
        403 => "forbidden".into(),
        404 => "not_found".into(),
        409 => "conflict".into(),
        410 => "gone".into(),
        422 => "unprocessable_entity".into(),
        429 => "too_many_requests".into(),
        500 => "internal_server_error".into(),
        503 => "service_unavailable".into(),
        other => format!("status_{other}"),
    }
}

fn path_argument(param: &ParameterIr) -> (TokenStream, TokenStream) {
    let name = ident(&snake(&param.name));
    let ty = match param.schema.get("type").and_then(serde_json::Value::as_str) {
        Some("integer") => quote!(i64),
        _ => quote!(::std::string::String),
    };
    (
        quote!(#name: impl ::std::convert::Into<crate::stub_runtime::Arg<#ty>>),
        quote!(#name.into().pattern()),
    )
}

/// The stub module of `op`: its `OPERATION_ID`, `given(..)` and a responder per documented status.
fn operation(op: &OperationIr, ir: &Ir, models: &Models) -> TokenStream {
    let module = ident(&snake(&op.id));
    let method = &op.method;
    let path = &op.path;
    let prefixes = served_prefixes(op, ir);
    let params = op.path_parameters();
    let (arguments, patterns): (Vec<TokenStream>, Vec<TokenStream>) =
        params.iter().map(|p| path_argument(p)).unzip();
    let names = params.iter().map(|p| p.name.as_str());
    let given_doc = given_doc(method, path, &prefixes);
    let responders = op
        .responses
        .iter()
        .flat_map(|response| responders(op, response, models));
    let module_doc = format!(" `{method} {path}`: {}", op.summary);
    let id = &op.id;
    quote! {
        #[doc = #module_doc]
        pub mod #module {
            /// The spec operationId.
            pub const OPERATION_ID: &str = #id;

            #[doc = #given_doc]
            pub fn given(#(#arguments),*) -> ::wiremock::MockBuilder {
                crate::stub_runtime::given(#method, &[#(#prefixes),*], #path, &[#((#names, #patterns)),*])
            }

            #(#responders)*
        }
    }
}

/// The distinct path prefixes of the products that serve `op`, sorted.
fn served_prefixes<'a>(op: &OperationIr, ir: &'a Ir) -> Vec<&'a str> {
    ir.products
        .iter()
        .filter(|p| op.products.contains(&p.id))
        .map(|p| p.path_prefix.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The doc line of `given(..)`: what it matches and under which `prefixes`.
fn given_doc(method: &str, path: &str, prefixes: &[&str]) -> String {
    let where_served = prefixes
        .iter()
        .map(|p| {
            if p.is_empty() {
                "at the root".to_string()
            } else {
                format!("under `{p}`")
            }
        })
        .collect::<Vec<_>>()
        .join(" or ");
    format!(
        " Matches `{method} {path}` {where_served}; each path argument is a value or [`Arg::Any`](crate::stubs::Arg::Any)."
    )
}

/// The responders for one response: with a typed body, the body responder, GitHub's error body
/// for an error schema, and one per named example; else one without a body.
fn responders(op: &OperationIr, response: &ResponseIr, models: &Models) -> Vec<TokenStream> {
    let status = response.status;
    let base = status_name(status);
    let base_ident = ident(&base);
    let description = response.description.trim();
    let (Some(body), Some(ty)) = (
        &response.body,
        models.response_types.get(&(op.id.clone(), status)),
    ) else {
        let doc = format!(" {status} {description}, without a body.");
        return vec![quote! {
            #[doc = #doc]
            pub fn #base_ident() -> ::wiremock::ResponseTemplate {
                ::wiremock::ResponseTemplate::new(#status)
            }
        }];
    };
    let models_path = quote!(super::super::models::);
    let ty_tokens = ty.tokens(&models_path);
    let doc = format!(" {status} {description}: answers with `body` as JSON.");
    let mut responders = vec![quote! {
        #[doc = #doc]
        pub fn #base_ident(body: &#ty_tokens) -> ::wiremock::ResponseTemplate {
            crate::stub_runtime::json(#status, body)
        }
    }];
    if status >= 400 && is_error_schema(ty) {
        let github = ident(&format!("{base}_github"));
        let doc = format!(
            " {status} {description}: answers with GitHub's usual error body for this status."
        );
        responders.push(quote! {
            #[doc = #doc]
            pub fn #github() -> ::wiremock::ResponseTemplate {
                crate::stub_runtime::github_error(#status)
            }
        });
    }
    responders.extend(
        body.examples
            .iter()
            .map(|example| example_responder(status, &base, example)),
    );
    responders
}

/// The responder `<base>_example_<name>` answering `status` with the spec's example as written.
fn example_responder(status: u16, base: &str, example: &ExampleIr) -> TokenStream {
    let fn_name = ident(&format!(
        "{base}_example_{}",
        snake(&example.name).trim_start_matches("r#")
    ));
    let json = example.value.to_string();
    let doc = format!(" {status} with the spec's `{}` example.", example.name);
    quote! {
        #[doc = #doc]
        pub fn #fn_name() -> ::wiremock::ResponseTemplate {
            crate::stub_runtime::json_text(#status, #json)
        }
    }
}

fn is_error_schema(ty: &Ty) -> bool {
    matches!(ty, Ty::Named(name) if name == "BasicError" || name == "ValidationError")
}

/// The stubs module's items.
pub fn emit(ir: &Ir, models: &Models) -> TokenStream {
    let operations = ir.operations.iter().map(|op| operation(op, ir, models));
    quote! { #(#operations)* }
}
