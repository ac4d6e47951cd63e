//! Emits serde types for every component schema and every inline request or response schema,
//! and records which Rust type carries each operation's request and each response.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::error::{SpecError, SpecErrorKind, pointer_join};
use crate::ir::Ir;
use crate::json_schema::component_name;
use crate::names::{ident, pascal, snake};
use crate::spec::Spec;

mod defaults;
mod enums;
mod ty;

pub use ty::Ty;

/// The generated models and the types of each operation's bodies.
#[derive(Debug)]
pub struct Models {
    /// The items of the models module.
    pub items: TokenStream,
    /// Operation id → the request body's type.
    pub request_types: BTreeMap<String, Ty>,
    /// (operation id, status) → the response body's type.
    pub response_types: BTreeMap<(String, u16), Ty>,
    /// Operation id / status / example → the example with the spec's defaults filled in: what
    /// a round trip through the types must give back.
    pub round_trip_expectations: Vec<RoundTrip>,
}

/// One example's round trip through its type.
#[derive(Debug, Clone)]
pub struct RoundTrip {
    /// A name for the test (`orgs_create_webhook_request_default`).
    pub test_name: String,
    /// The type.
    pub ty: Ty,
    /// The example as written.
    pub example: Value,
    /// The example with defaults applied.
    pub expected: Value,
}

struct Gen<'a> {
    spec: &'a Spec,
    items: Vec<TokenStream>,
    taken: BTreeSet<String>,
    /// String enums by type name: their wire values.
    enums: BTreeMap<String, Vec<String>>,
    /// Type aliases (component schemas of a plain type) by name.
    aliases: BTreeMap<String, Ty>,
    needs_deserialize_some: bool,
    /// Whether an object with `additionalProperties: false` refuses unknown fields when read.
    closed_objects: bool,
}

/// Builds the models for the whole spec. Unknown fields are read and dropped everywhere, as
/// GitHub's clients expect of GitHub's answers.
pub fn build(spec: &Spec, ir: &Ir) -> Result<Models, SpecError> {
    build_with(spec, ir, false)
}

/// [`build`], where `closed_objects` makes every object with `additionalProperties: false`
/// refuse unknown fields (`#[serde(deny_unknown_fields)]`): for a document a user writes by
/// hand (the control API's state), where a misspelt field must not pass unnoticed.
pub fn build_with(spec: &Spec, ir: &Ir, closed_objects: bool) -> Result<Models, SpecError> {
    let mut generator = Gen {
        spec,
        items: Vec::new(),
        taken: BTreeSet::new(),
        enums: BTreeMap::new(),
        aliases: BTreeMap::new(),
        needs_deserialize_some: false,
        closed_objects,
    };
    for schema in &ir.schemas {
        generator.taken.insert(pascal(&schema.name));
        if let (Some("string"), Some(Value::Array(values))) = (
            schema.schema.get("type").and_then(Value::as_str),
            schema.schema.get("enum"),
        ) {
            let values = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            generator.enums.insert(pascal(&schema.name), values);
        }
    }
    for schema in &ir.schemas {
        generator.component(&schema.name, &schema.schema, &schema.pointer)?;
    }
    let mut request_types = BTreeMap::new();
    let mut response_types = BTreeMap::new();
    let mut round_trips = Vec::new();
    for operation in &ir.operations {
        if let Some(body) = &operation.request {
            let hint = format!("{}Request", pascal(&operation.id));
            let ty = generator.ty(&body.schema, &body.schema_pointer, &hint)?;
            for example in body.examples.iter().filter(|e| e.known_invalid.is_none()) {
                round_trips.push(RoundTrip {
                    test_name: snake(&format!("{} request {}", operation.id, example.name)),
                    ty: ty.clone(),
                    example: example.value.clone(),
                    expected: generator.with_defaults(&body.schema, &example.value),
                });
            }
            request_types.insert(operation.id.clone(), ty);
        }
        for response in &operation.responses {
            let Some(body) = &response.body else { continue };
            let hint = format!("{}Response{}", pascal(&operation.id), response.status);
            let ty = generator.ty(&body.schema, &body.schema_pointer, &hint)?;
            for example in body.examples.iter().filter(|e| e.known_invalid.is_none()) {
                round_trips.push(RoundTrip {
                    test_name: snake(&format!(
                        "{} {} {}",
                        operation.id, response.status, example.name
                    )),
                    ty: ty.clone(),
                    example: example.value.clone(),
                    expected: generator.with_defaults(&body.schema, &example.value),
                });
            }
            response_types.insert((operation.id.clone(), response.status), ty);
        }
    }
    if generator.needs_deserialize_some {
        generator.items.push(quote! {
            /// Keeps an explicit `null` apart from an absent field (`Some(None)` vs `None`).
            fn deserialize_some<'de, D, T>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de>,
            {
                <T as ::serde::Deserialize>::deserialize(deserializer).map(::std::option::Option::Some)
            }
        });
    }
    let items = generator.items;
    Ok(Models {
        items: quote!(#(#items)*),
        request_types,
        response_types,
        round_trip_expectations: round_trips,
    })
}

/// Doc attributes for `text`, or for `fallback` when the spec gives no description.
fn doc_or(text: &str, fallback: &str) -> TokenStream {
    let text = if text.trim().is_empty() {
        fallback.trim()
    } else {
        text.trim()
    };
    if text.is_empty() {
        return TokenStream::new();
    }
    let lines = text.lines().map(|line| format!(" {}", line.trim_end()));
    quote!(#(#[doc = #lines])*)
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
}

impl Gen<'_> {
    fn fresh(&mut self, wanted: &str) -> String {
        let base = pascal(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(component_name)
        {
            Some(name) => self
                .spec
                .raw
                .pointer(&pointer_join("/components/schemas", name))
                .unwrap_or(schema),
            None => schema,
        }
    }

    fn component(&mut self, name: &str, schema: &Value, pointer: &str) -> Result<(), SpecError> {
        let type_name = pascal(name);
        let ty = self.ty_named(schema, pointer, &type_name, true)?;
        if ty != Ty::Named(type_name.clone()) {
            let docs = doc_or(
                schema
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                &format!("The `{name}` schema."),
            );
            let ident_name = ident(&type_name);
            let tokens = ty.tokens(&TokenStream::new());
            self.items
                .push(quote! { #docs pub type #ident_name = #tokens; });
            self.aliases.insert(type_name, ty);
        }
        Ok(())
    }

    /// The type of `schema`; new items are named `hint`.
    fn ty(&mut self, schema: &Value, pointer: &str, hint: &str) -> Result<Ty, SpecError> {
        self.ty_named(schema, pointer, hint, false)
    }

    /// The type of `schema`; a new item gets the name `hint`, as is when `hint_reserved` (a
    /// component's own name), else made unique.
    fn ty_named(
        &mut self,
        schema: &Value,
        pointer: &str,
        hint: &str,
        hint_reserved: bool,
    ) -> Result<Ty, SpecError> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return self.referenced(reference, pointer);
        }
        if let Some(Value::Array(alternatives)) = schema.get("oneOf") {
            let name = self.item_name(hint, hint_reserved);
            self.one_of(&name, schema, alternatives, pointer)?;
            return Ok(Ty::Named(name));
        }
        let kind = schema.get("type").and_then(Value::as_str);
        match kind {
            Some("object") | None if schema.get("properties").is_some() => {
                let name = self.item_name(hint, hint_reserved);
                self.object(&name, schema, pointer)?;
                Ok(Ty::Named(name))
            }
            Some("object") => self.map_ty(schema, pointer, hint),
            Some("array") => self.vec_ty(schema, pointer, hint),
            Some("string") => match schema.get("enum") {
                Some(Value::Array(values)) if values.iter().all(Value::is_string) => {
                    let name = self.item_name(hint, hint_reserved);
                    self.string_enum(&name, schema, values);
                    Ok(Ty::Named(name))
                }
                _ => Ok(Ty::String),
            },
            Some("integer") => Ok(Ty::Integer),
            Some("number") => Ok(Ty::Number),
            Some("boolean") => Ok(Ty::Bool),
            None => Ok(Ty::Json),
            Some(other) => Err(self.spec.error(
                pointer_join(pointer, "type"),
                SpecErrorKind::Unsupported {
                    construct: format!("type: {other}"),
                    why: "unknown type".into(),
                },
            )),
        }
    }

    /// The named type a `$ref` to a component schema stands for; other references are unsupported.
    fn referenced(&self, reference: &str, pointer: &str) -> Result<Ty, SpecError> {
        let name = component_name(reference).ok_or_else(|| {
            self.spec.error(
                pointer,
                SpecErrorKind::Unsupported {
                    construct: "$ref".into(),
                    why: "schemas may reference only #/components/schemas/...".into(),
                },
            )
        })?;
        Ok(Ty::Named(pascal(name)))
    }

    /// The name of a new item: `hint` itself when reserved, else a fresh name from it.
    fn item_name(&mut self, hint: &str, hint_reserved: bool) -> String {
        if hint_reserved {
            hint.to_string()
        } else {
            self.fresh(hint)
        }
    }

    /// Emits the untagged enum `name` for a `oneOf`: one variant per alternative, named after
    /// its type.
    fn one_of(
        &mut self,
        name: &str,
        schema: &Value,
        alternatives: &[Value],
        pointer: &str,
    ) -> Result<(), SpecError> {
        let mut variants = Vec::new();
        let mut used = BTreeSet::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let here = pointer_join(&pointer_join(pointer, "oneOf"), &index.to_string());
            let ty = self.ty(alternative, &here, &format!("{name}Variant{index}"))?;
            let mut variant = ty.variant_name();
            if !used.insert(variant.clone()) {
                variant = format!("{variant}{index}");
                used.insert(variant.clone());
            }
            let variant_ident = ident(&variant);
            let tokens = ty.tokens(&TokenStream::new());
            let docs = doc_or(
                alternative
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                &format!("The value as {}.", variant.to_lowercase()),
            );
            variants.push(quote!(#docs #variant_ident(#tokens)));
        }
        let docs = doc_or(
            schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            "One of several shapes.",
        );
        let name_ident = ident(name);
        self.items.push(quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name_ident { #(#variants,)* }
        });
        Ok(())
    }

    /// The type of an object without `properties`: a map of its `additionalProperties` schema,
    /// else any JSON object.
    fn map_ty(&mut self, schema: &Value, pointer: &str, hint: &str) -> Result<Ty, SpecError> {
        match schema.get("additionalProperties") {
            Some(extra @ Value::Object(_)) => {
                let inner = self.ty(
                    extra,
                    &pointer_join(pointer, "additionalProperties"),
                    &format!("{hint}Value"),
                )?;
                Ok(Ty::Map(Box::new(inner)))
            }
            _ => Ok(Ty::JsonObject),
        }
    }

    /// The type of an array: a vector of its `items` (optional when they are nullable), or of
    /// any JSON without `items`.
    fn vec_ty(&mut self, schema: &Value, pointer: &str, hint: &str) -> Result<Ty, SpecError> {
        let Some(items) = schema.get("items") else {
            return Ok(Ty::Vec(Box::new(Ty::Json)));
        };
        let inner = self.ty(
            items,
            &pointer_join(pointer, "items"),
            &format!("{hint}Item"),
        )?;
        let inner = if is_nullable(self.resolve(items)) {
            Ty::Option(Box::new(inner))
        } else {
            inner
        };
        Ok(Ty::Vec(Box::new(inner)))
    }

    fn object(&mut self, name: &str, schema: &Value, pointer: &str) -> Result<(), SpecError> {
        let required: BTreeSet<&str> = match schema.get("required") {
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => BTreeSet::new(),
        };
        let mut fields = Vec::new();
        let mut default_fns = Vec::new();
        let empty = serde_json::Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut used = BTreeSet::new();
        for (wire, property) in properties {
            let here = pointer_join(&pointer_join(pointer, "properties"), wire);
            let ty = self.ty(property, &here, &format!("{name}{}", pascal(wire)))?;
            let resolved = self.resolve(property).clone();
            let nullable = is_nullable(property) || is_nullable(&resolved);
            let mut field_name = snake(wire);
            while !used.insert(field_name.clone()) {
                field_name.push('_');
            }
            let field_ident = ident(&field_name);
            let rename = if field_name.trim_start_matches("r#") != wire {
                quote!(#[serde(rename = #wire)])
            } else {
                quote!()
            };
            let description = property
                .get("description")
                .or_else(|| resolved.get("description"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let docs = doc_or(description, &format!("`{wire}`."));
            let is_required = required.contains(wire.as_str());
            let default = property.get("default").or_else(|| resolved.get("default"));
            let field_tokens = if is_required && !nullable {
                let t = ty.tokens(&TokenStream::new());
                quote!(#docs #rename pub #field_ident: #t)
            } else if is_required {
                let t = Ty::Option(Box::new(ty)).tokens(&TokenStream::new());
                quote!(#docs #rename pub #field_ident: #t)
            } else if let (false, Some(value_tokens)) =
                (nullable, default.and_then(|d| self.default_tokens(&ty, d)))
            {
                let fn_name = format!(
                    "default_{}_{}",
                    snake(name).trim_start_matches("r#"),
                    field_name.trim_start_matches("r#")
                );
                let fn_ident = ident(&fn_name);
                let t = ty.tokens(&TokenStream::new());
                default_fns.push(quote! {
                    fn #fn_ident() -> #t { #value_tokens }
                });
                let docs_default = format!(
                    " Default: `{}`.",
                    default.map(Value::to_string).unwrap_or_default()
                );
                quote!(#docs #[doc = ""] #[doc = #docs_default] #rename #[serde(default = #fn_name)] pub #field_ident: #t)
            } else if nullable {
                self.needs_deserialize_some = true;
                let t = Ty::Option(Box::new(Ty::Option(Box::new(ty)))).tokens(&TokenStream::new());
                quote! {
                    #docs
                    #[doc = ""]
                    #[doc = " Absent is `None`; an explicit `null` is `Some(None)`."]
                    #rename
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "deserialize_some")]
                    pub #field_ident: #t
                }
            } else {
                let t = Ty::Option(Box::new(ty)).tokens(&TokenStream::new());
                quote!(#docs #rename #[serde(default, skip_serializing_if = "::std::option::Option::is_none")] pub #field_ident: #t)
            };
            fields.push(field_tokens);
        }
        let docs = doc_or(
            schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            "An object.",
        );
        let name_ident = ident(name);
        let closed = if self.closed_objects
            && schema.get("additionalProperties") == Some(&Value::Bool(false))
        {
            quote!(#[serde(deny_unknown_fields)])
        } else {
            quote!()
        };
        self.items.push(quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #closed
            pub struct #name_ident { #(#fields,)* }
            #(#default_fns)*
        });
        Ok(())
    }
}
