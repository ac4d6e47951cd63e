//! Emits the operation table (`OPERATIONS`, the `OperationId` enum and `OPERATION_IDS`) and the
//! product table (`Product`, `PRODUCTS`): static descriptions of every operation and product
//! that the fake, the typed stubs and the conformance runner read at run time.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{ExampleIr, Ir, OperationIr, ProductIr};
use crate::names::{ident, pascal};

fn products(ids: &[String]) -> TokenStream {
    let variants = ids.iter().map(|id| {
        let variant = ident(&pascal(id));
        quote!(super::products::Product::#variant)
    });
    quote!(&[#(#variants),*])
}

/// The `OperationId` variant of an operation (`orgs/list-webhooks` → `OrgsListWebhooks`).
fn variant(op: &OperationIr) -> proc_macro2::Ident {
    ident(&pascal(&op.id))
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
        quote!(crate::table::Example { name: #name, json: #json, known_invalid: #known_invalid })
    });
    quote!(&[#(#items),*])
}

fn operation(op: &OperationIr) -> TokenStream {
    let id = &op.id;
    let operation_id = variant(op);
    let documentation_url = &op.documentation_url;
    let oauth_scopes = &op.oauth_scopes;
    let callbacks = op.callbacks.iter().map(|callback| {
        let event = &callback.event;
        let url = &callback.url;
        let schema = callback.body.json_schema.to_string();
        quote!(crate::table::Callback { event: #event, url: #url, payload_schema: #schema })
    });
    let access = match op.access.as_str() {
        "site-admin" => quote!(SiteAdmin),
        "repo-admin" => quote!(RepositoryAdmin),
        "app" => quote!(App),
        _ => quote!(OrganizationOwner),
    };
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
        let schema_type = p
            .schema
            .get("type")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        let schema = p.json_schema.to_string();
        let param_products = products(&p.products);
        quote!(crate::table::Parameter {
            name: #name,
            location: crate::table::ParameterLocation::#location,
            required: #required,
            schema_type: #schema_type,
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
            quote!(crate::table::ResponseHeader { name: #name, required: #required })
        });
        let added = opt_str(&r.added);
        quote!(crate::table::Response {
            status: #status,
            description: #description,
            schema: #schema,
            headers: &[#(#headers),*],
            examples: #response_examples,
            added: #added,
        })
    });
    quote!(crate::table::Operation {
        id: #id,
        operation_id: OperationId::#operation_id,
        documentation_url: #documentation_url,
        access: crate::table::Access::#access,
        oauth_scopes: &[#(#oauth_scopes),*],
        callbacks: &[#(#callbacks),*],
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

/// The operation table module's items.
pub fn emit(ir: &Ir) -> TokenStream {
    let operations = ir.operations.iter().map(operation);
    let count = ir.operations.len();
    let doc = format!(" The {count} operations of the spec, in spec order.");
    let variants = ir.operations.iter().map(|op| {
        let name = variant(op);
        let doc = format!(" `{}`: {}", op.id, op.summary);
        quote! {
            #[doc = #doc]
            #name
        }
    });
    let ids: Vec<&str> = ir.operations.iter().map(|op| op.id.as_str()).collect();
    let as_str = ir.operations.iter().map(|op| {
        let name = variant(op);
        let id = &op.id;
        quote!(OperationId::#name => #id)
    });
    let rows = ir.operations.iter().enumerate().map(|(index, op)| {
        let name = variant(op);
        quote!(OperationId::#name => &OPERATIONS[#index])
    });
    quote! {
        /// The spec's operationIds as a type: one variant per operation, in spec order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum OperationId {
            #(#variants),*
        }

        impl OperationId {
            /// The operationId as the spec spells it (`orgs/list-webhooks`).
            pub fn as_str(self) -> &'static str {
                match self {
                    #(#as_str),*
                }
            }

            /// This operation's row of [`OPERATIONS`].
            pub fn operation(self) -> &'static crate::table::Operation {
                match self {
                    #(#rows),*
                }
            }
        }

        /// The spec's operationIds, in spec order.
        pub const OPERATION_IDS: [&str; #count] = [#(#ids),*];

        #[doc = #doc]
        pub static OPERATIONS: &[crate::table::Operation] = &[#(#operations),*];
    }
}

/// The product table module's items.
pub fn emit_products(ir: &Ir) -> TokenStream {
    let statics = |product: &ProductIr| ident(&crate::names::screaming(&product.id));
    let variants = ir.products.iter().map(|product| {
        let name = ident(&pascal(&product.id));
        let doc = format!(" {} (`{}`).", product.title, product.id);
        quote! {
            #[doc = #doc]
            #name
        }
    });
    let rows = ir.products.iter().map(|product| {
        let name = ident(&pascal(&product.id));
        let row = statics(product);
        quote!(Product::#name => &#row)
    });
    let tables = ir.products.iter().map(|product| {
        let name = ident(&pascal(&product.id));
        let row = statics(product);
        let id = &product.id;
        let title = &product.title;
        let prefix = &product.path_prefix;
        let versions = &product.api_versions;
        let default_version = &product.default_api_version;
        let timeout = product.delivery_timeout_seconds;
        let hooks_per_event = product.hooks_per_event as usize;
        let enterprise_version = match &product.enterprise_version {
            Some(version) => quote!(::std::option::Option::Some(#version)),
            None => quote!(::std::option::Option::None),
        };
        let edition_of = match &product.edition_of {
            Some(parent) => {
                let parent = ident(&pascal(parent));
                quote!(::std::option::Option::Some(Product::#parent))
            }
            None => quote!(::std::option::Option::None),
        };
        let doc = format!(" The row of `{id}`.");
        quote! {
            #[doc = #doc]
            static #row: crate::table::ProductInfo = crate::table::ProductInfo {
                product: Product::#name,
                id: #id,
                title: #title,
                path_prefix: #prefix,
                api_versions: &[#(#versions),*],
                default_api_version: #default_version,
                edition_of: #edition_of,
                delivery_timeout: ::std::time::Duration::from_secs(#timeout),
                hooks_per_event: #hooks_per_event,
                enterprise_version: #enterprise_version,
            };
        }
    });
    let all = ir.products.iter().map(|product| {
        let row = statics(product);
        quote!(&#row)
    });
    quote! {
        /// A product (or documentation edition) of the GitHub REST API that the spec describes
        /// (the spec's `x-hookspec-products`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Product {
            #(#variants),*
        }

        impl Product {
            /// This product's row of [`PRODUCTS`].
            pub fn info(self) -> &'static crate::table::ProductInfo {
                match self {
                    #(#rows),*
                }
            }
        }

        #(#tables)*

        /// Every product of the spec, in spec order.
        pub static PRODUCTS: &[&crate::table::ProductInfo] = &[#(#all),*];
    }
}
