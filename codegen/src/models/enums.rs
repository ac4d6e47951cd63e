//! String enums: a schema of `type: string` with an `enum` of strings becomes a Rust enum whose
//! variants keep their wire values with `#[serde(rename)]`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::{Gen, doc_or};
use crate::names::{ident, pascal};

impl Gen<'_> {
    pub(super) fn string_enum(&mut self, name: &str, schema: &Value, values: &[Value]) {
        self.enums.insert(
            name.to_string(),
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        );
        let mut used = BTreeSet::new();
        let variants = values.iter().filter_map(Value::as_str).map(|value| {
            let mut variant = pascal(value);
            while !used.insert(variant.clone()) {
                variant.push('_');
            }
            let variant_ident = ident(&variant);
            let doc_line = format!(" `{value}`");
            quote!(#[doc = #doc_line] #[serde(rename = #value)] #variant_ident)
        });
        let variants: Vec<TokenStream> = variants.collect();
        let docs = doc_or(
            schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            "One of a fixed set of strings.",
        );
        let name_ident = ident(name);
        self.items.push(quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
            pub enum #name_ident { #(#variants,)* }
        });
    }
}
