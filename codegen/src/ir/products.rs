//! The root `x-hookspec-products` as [`ProductIr`]s, and the checks that name products.

use serde_json::Value;

use super::ProductIr;
use crate::error::{SpecError, SpecErrorKind, pointer_join};
use crate::spec::Spec;

/// The products of the root `x-hookspec-products`, in spec order, with their checks.
pub(super) fn products(spec: &Spec) -> Result<Vec<ProductIr>, SpecError> {
    let pointer = "/x-hookspec-products";
    let Some(Value::Object(map)) = spec.raw.pointer(pointer) else {
        return Err(spec.error(
            pointer,
            SpecErrorKind::Invalid(
                "the root needs an x-hookspec-products mapping (see spec/README.md)".into(),
            ),
        ));
    };
    let mut out = Vec::new();
    for (id, product) in map {
        let here = pointer_join(pointer, id);
        let title = product
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or(id)
            .to_string();
        let api_versions = string_list(
            spec,
            product.get("api-versions"),
            &pointer_join(&here, "api-versions"),
        )?
        .unwrap_or_default();
        let default_api_version = match product.get("default-api-version") {
            None => api_versions.first().cloned().unwrap_or_default(),
            Some(Value::String(version)) if api_versions.contains(version) => version.clone(),
            Some(other) => {
                return Err(spec.error(
                    pointer_join(&here, "default-api-version"),
                    SpecErrorKind::Invalid(format!(
                        "default-api-version {other} is not one of the product's api-versions {api_versions:?}"
                    )),
                ));
            }
        };
        let path_prefix = product
            .get("path-prefix")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let edition_of = product
            .get("edition-of")
            .and_then(Value::as_str)
            .map(str::to_string);
        let delivery_timeout_seconds =
            positive_integer(spec, product, &here, "delivery-timeout-seconds", 10)?;
        let hooks_per_event = positive_integer(spec, product, &here, "hooks-per-event", 20)?;
        let enterprise_version = match product.get("enterprise-version") {
            None => None,
            Some(Value::String(version)) => Some(version.clone()),
            Some(other) => {
                return Err(spec.error(
                    pointer_join(&here, "enterprise-version"),
                    SpecErrorKind::Invalid(format!("enterprise-version must be text, not {other}")),
                ));
            }
        };
        out.push(ProductIr {
            id: id.clone(),
            hooks_per_event,
            enterprise_version,
            title,
            api_versions,
            default_api_version,
            path_prefix,
            edition_of,
            delivery_timeout_seconds,
        });
    }
    let known: Vec<String> = out.iter().map(|p| p.id.clone()).collect();
    for product in &out {
        if let Some(parent) = &product.edition_of {
            check_products(
                spec,
                std::slice::from_ref(parent),
                &known,
                &pointer_join(&pointer_join(pointer, &product.id), "edition-of"),
            )?;
        }
    }
    Ok(out)
}

pub(super) fn string_list(
    spec: &Spec,
    value: Option<&Value>,
    pointer: &str,
) -> Result<Option<Vec<String>>, SpecError> {
    let Some(value) = value else { return Ok(None) };
    let Value::Array(items) = value else {
        return Err(spec.error(
            pointer,
            SpecErrorKind::Invalid("expected a list of strings".into()),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_str().map(str::to_string).ok_or_else(|| {
                spec.error(
                    pointer_join(pointer, &index.to_string()),
                    SpecErrorKind::Invalid("expected a string".into()),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The product's whole number above 0 under `key`, or `default` when it names none.
fn positive_integer(
    spec: &Spec,
    product: &Value,
    here: &str,
    key: &str,
    default: u64,
) -> Result<u64, SpecError> {
    match product.get(key) {
        None => Ok(default),
        Some(value) => value.as_u64().filter(|n| *n > 0).ok_or_else(|| {
            spec.error(
                pointer_join(here, key),
                SpecErrorKind::Invalid(format!(
                    "{key} must be a whole number above 0, not {value}"
                )),
            )
        }),
    }
}

pub(super) fn check_products(
    spec: &Spec,
    list: &[String],
    known: &[String],
    pointer: &str,
) -> Result<(), SpecError> {
    for id in list {
        if !known.contains(id) {
            return Err(spec.error(
                pointer,
                SpecErrorKind::Invalid(format!(
                    "unknown product {id:?}; the root x-hookspec-products names {known:?}"
                )),
            ));
        }
    }
    Ok(())
}
