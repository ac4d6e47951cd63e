//! Emits the operation table (`OPERATIONS`): a static description of every operation that the
//! fake and the conformance runner read at run time.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{ExampleIr, Ir, OperationIr};
use crate::names::{ident, pascal};

fn products(ids: &[String]) -> TokenStream {
    let variants = ids.iter().map(|id| {
        let variant = ident(&pascal(id));
        quote!(crate::operation::Product::#variant)
    });
    quote!(&[#(#variants),*])
}

fn opt_str(value: &Option<String>) -> TokenStream {
    match value {
        Some(text) => quote!(::std::option::Option::Some(#text)),
        None => quote!(::std::option::Option::None),
    }
}

fn examples(list: &[ExampleIr]) -> TokenStream {
    let items = list.iter().map(|example| {
        let name = &example.name;
        let json = example.value.to_string();
        let known_invalid = opt_str(&example.known_invalid);
        quote!(crate::operation::Example { name: #name, json: #json, known_invalid: #known_invalid })
    });
    quote!(&[#(#items),*])
}

fn operation(op: &OperationIr) -> TokenStream {
    let id = &op.id;
    let method = &op.method;
    let path = &op.path;
    let summary = &op.summary;
    let op_products = products(&op.products);
    let parameters = op.parameters.iter().map(|p| {
        let name = &p.name;
        let location = match p.location.as_str() {
            "path" => quote!(Path),
            "query" => quote!(Query),
            _ => quote!(Header),
        };
        let required = p.required;
        let schema = p.json_schema.to_string();
        let param_products = products(&p.products);
        quote!(crate::operation::Parameter {
            name: #name,
            location: crate::operation::ParameterLocation::#location,
            required: #required,
            schema: #schema,
            products: #param_products,
        })
    });
    let (request_schema, request_examples) = match &op.request {
        Some(body) => {
            let schema = body.json_schema.to_string();
            (
                quote!(::std::option::Option::Some(#schema)),
                examples(&body.examples),
            )
        }
        None => (quote!(::std::option::Option::None), quote!(&[])),
    };
    let responses = op.responses.iter().map(|r| {
        let status = r.status;
        let description = &r.description;
        let (schema, response_examples) = match &r.body {
            Some(body) => {
                let schema = body.json_schema.to_string();
                (
                    quote!(::std::option::Option::Some(#schema)),
                    examples(&body.examples),
                )
            }
            None => (quote!(::std::option::Option::None), quote!(&[])),
        };
        let headers = r.headers.iter().map(|(name, required)| {
            quote!(crate::operation::ResponseHeader { name: #name, required: #required })
        });
        let added = opt_str(&r.added);
        quote!(crate::operation::Response {
            status: #status,
            description: #description,
            schema: #schema,
            headers: &[#(#headers),*],
            examples: #response_examples,
            added: #added,
        })
    });
    quote!(crate::operation::Operation {
        id: #id,
        method: #method,
        path: #path,
        summary: #summary,
        products: #op_products,
        parameters: &[#(#parameters),*],
        request_schema: #request_schema,
        request_examples: #request_examples,
        responses: &[#(#responses),*],
    })
}

/// The table module's items.
pub fn emit(ir: &Ir) -> TokenStream {
    let operations = ir.operations.iter().map(operation);
    let count = ir.operations.len();
    let doc = format!(" The {count} operations of the spec, in spec order.");
    quote! {
        #[doc = #doc]
        pub static OPERATIONS: &[crate::operation::Operation] = &[#(#operations),*];
    }
}
