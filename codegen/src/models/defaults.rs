//! The spec's `default`s: as Rust expressions for `#[serde(default = ..)]`, and applied to an
//! example to get what a round trip through the types must give back.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use std::collections::BTreeSet;

use super::{Gen, Ty, is_nullable};
use crate::names::{ident, pascal};

impl Gen<'_> {
    /// Tokens building `default` as a value of `ty`, where the generator can spell it.
    pub(super) fn default_tokens(&self, ty: &Ty, default: &Value) -> Option<TokenStream> {
        match (ty, default) {
            (Ty::Bool, Value::Bool(b)) => Some(quote!(#b)),
            (Ty::String, Value::String(s)) => Some(quote!(::std::string::String::from(#s))),
            (Ty::Integer, Value::Number(n)) => n.as_i64().map(|i| quote!(#i)),
            (Ty::Number, Value::Number(n)) => n.as_f64().map(|f| quote!(#f)),
            (Ty::Named(name), _) if self.aliases.contains_key(name) => self
                .aliases
                .get(name)
                .and_then(|aliased| self.default_tokens(aliased, default)),
            (Ty::Named(name), Value::String(s)) if self.is_string_enum(name, s) => {
                let type_ident = ident(name);
                let variant = ident(&pascal(s));
                Some(quote!(#type_ident::#variant))
            }
            (Ty::Vec(inner), Value::Array(values)) => {
                let items: Option<Vec<TokenStream>> = values
                    .iter()
                    .map(|v| self.default_tokens(inner, v))
                    .collect();
                items.map(|items| quote!(::std::vec![#(#items),*]))
            }
            _ => None,
        }
    }

    pub(super) fn is_string_enum(&self, name: &str, value: &str) -> bool {
        self.enums
            .get(name)
            .is_some_and(|values| values.iter().filter(|v| pascal(v) == pascal(value)).count() == 1)
    }

    /// `value` with the defaults of `schema` filled in where the generated types fill them in.
    pub(super) fn with_defaults(&self, schema: &Value, value: &Value) -> Value {
        let schema = self.resolve(schema);
        match value {
            Value::Object(map) => {
                let Some(Value::Object(properties)) = schema.get("properties") else {
                    return value.clone();
                };
                let required: BTreeSet<&str> = match schema.get("required") {
                    Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
                    _ => BTreeSet::new(),
                };
                let mut out = serde_json::Map::new();
                for (key, item) in map {
                    let filled = match properties.get(key) {
                        Some(property) => self.with_defaults(property, item),
                        None => item.clone(),
                    };
                    out.insert(key.clone(), filled);
                }
                for (key, property) in properties {
                    if out.contains_key(key) || required.contains(key.as_str()) {
                        continue;
                    }
                    let resolved = self.resolve(property);
                    if is_nullable(property) || is_nullable(resolved) {
                        continue;
                    }
                    if let Some(default) =
                        property.get("default").or_else(|| resolved.get("default"))
                    {
                        if self.default_is_spellable(property, default) {
                            out.insert(key.clone(), default.clone());
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => match schema.get("items") {
                Some(item_schema) => Value::Array(
                    items
                        .iter()
                        .map(|i| self.with_defaults(item_schema, i))
                        .collect(),
                ),
                None => value.clone(),
            },
            _ => value.clone(),
        }
    }

    pub(super) fn default_is_spellable(&self, property: &Value, default: &Value) -> bool {
        let resolved = self.resolve(property);
        let simple = |schema: &Value, value: &Value| match (
            schema.get("type").and_then(Value::as_str),
            value,
        ) {
            (Some("boolean"), Value::Bool(_)) => true,
            (Some("string"), Value::String(_)) => true,
            (Some("integer"), Value::Number(n)) => n.is_i64(),
            (Some("number"), Value::Number(_)) => true,
            _ => false,
        };
        if resolved.get("oneOf").is_some() {
            return false;
        }
        match (resolved.get("type").and_then(Value::as_str), default) {
            (Some("array"), Value::Array(values)) => match resolved.get("items") {
                Some(items) => {
                    let items = self.resolve(items);
                    items.get("oneOf").is_none() && values.iter().all(|v| simple(items, v))
                }
                None => false,
            },
            _ => simple(resolved, default),
        }
    }
}
