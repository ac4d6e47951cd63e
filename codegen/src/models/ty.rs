//! [`Ty`]: the Rust types the generator names, and how each is spelt.

use proc_macro2::TokenStream;
use quote::quote;

use crate::names::ident;

/// A Rust type the generator can name.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A generated item in the models module.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `Option<T>`.
    Option(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Bool,
    /// `serde_json::Value`.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`.
    JsonObject,
}

impl Ty {
    /// The type as tokens; `models` is the path prefix of generated items (empty inside the module).
    pub fn tokens(&self, models: &TokenStream) -> TokenStream {
        match self {
            Ty::Named(name) => {
                let name = ident(name);
                quote!(#models #name)
            }
            Ty::Vec(inner) => {
                let inner = inner.tokens(models);
                quote!(::std::vec::Vec<#inner>)
            }
            Ty::Option(inner) => {
                let inner = inner.tokens(models);
                quote!(::std::option::Option<#inner>)
            }
            Ty::Map(inner) => {
                let inner = inner.tokens(models);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
            Ty::String => quote!(::std::string::String),
            Ty::Integer => quote!(i64),
            Ty::Number => quote!(f64),
            Ty::Bool => quote!(bool),
            Ty::Json => quote!(::serde_json::Value),
            Ty::JsonObject => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        }
    }

    pub(super) fn variant_name(&self) -> String {
        match self {
            Ty::Named(name) => name.clone(),
            Ty::Vec(inner) => format!("{}List", inner.variant_name()),
            Ty::Option(inner) => inner.variant_name(),
            Ty::Map(_) | Ty::JsonObject => "Object".into(),
            Ty::String => "String".into(),
            Ty::Integer => "Integer".into(),
            Ty::Number => "Number".into(),
            Ty::Bool => "Bool".into(),
            Ty::Json => "Value".into(),
        }
    }
}
