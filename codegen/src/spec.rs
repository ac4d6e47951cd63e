//! Loads the spec: YAML text to both a typed openapiv3 document and the raw JSON tree, then
//! checks what the rest of the generator relies on (version, unique operationIds, every `$ref`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{SpecError, SpecErrorKind, pointer_join};

/// A loaded and checked spec.
#[derive(Debug)]
pub struct Spec {
    /// The file it came from, for error messages.
    pub file: PathBuf,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// The same document as a JSON tree, for pointers, extensions and example values.
    pub raw: Value,
}

impl Spec {
    /// Builds an error located at `pointer` in this spec.
    pub fn error(&self, pointer: impl Into<String>, kind: SpecErrorKind) -> SpecError {
        SpecError {
            file: self.file.clone(),
            pointer: pointer.into(),
            line: None,
            kind: Box::new(kind),
        }
    }

    /// Resolves a local `$ref` (`#/components/...`) against the raw document.
    pub fn resolve_ref(&self, reference: &str) -> Option<&Value> {
        reference
            .strip_prefix('#')
            .and_then(|pointer| self.raw.pointer(pointer))
    }
}

/// Reads and checks the spec at `path`.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError {
        file: path.to_path_buf(),
        pointer: String::new(),
        line: None,
        kind: Box::new(SpecErrorKind::Io(source)),
    })?;
    parse(path, &text)
}

/// Parses and checks spec text; `path` is used only in error messages.
pub fn parse(path: &Path, text: &str) -> Result<Spec, SpecError> {
    let file = path.to_path_buf();
    let raw: Value = serde_yaml::from_str(text).map_err(|error| SpecError {
        file: file.clone(),
        pointer: String::new(),
        line: error.location().map(|location| location.line()),
        kind: Box::new(SpecErrorKind::Yaml(strip_location(&error.to_string()))),
    })?;
    check_version(&file, &raw)?;
    let openapi: openapiv3::OpenAPI = serde_path_to_error::deserialize(
        serde_yaml::Deserializer::from_str(text),
    )
    .map_err(|error| {
        let pointer = path_to_pointer(error.path());
        let inner = error.into_inner();
        SpecError {
            file: file.clone(),
            pointer,
            line: inner.location().map(|location| location.line()),
            kind: Box::new(SpecErrorKind::Shape(strip_location(&inner.to_string()))),
        }
    })?;
    let spec = Spec { file, openapi, raw };
    check_refs(&spec, &spec.raw, "")?;
    check_operation_ids(&spec)?;
    Ok(spec)
}

fn check_version(file: &Path, raw: &Value) -> Result<(), SpecError> {
    let version = raw.get("openapi").map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    match version {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        found => Err(SpecError {
            file: file.to_path_buf(),
            pointer: "/openapi".into(),
            line: None,
            kind: Box::new(SpecErrorKind::Version(
                found.unwrap_or_else(|| "(missing)".into()),
            )),
        }),
    }
}

/// serde_yaml appends " at line X column Y"; the error carries the line separately.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer_join(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer_join(&pointer, key),
            Segment::Enum { variant } => pointer = pointer_join(&pointer, variant),
            Segment::Unknown => {}
        }
    }
    pointer
}

fn check_refs(spec: &Spec, node: &Value, pointer: &str) -> Result<(), SpecError> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if !reference.starts_with("#/") {
                    return Err(spec.error(
                        pointer_join(pointer, "$ref"),
                        SpecErrorKind::Unsupported {
                            construct: "$ref".into(),
                            why: format!(
                                "only local references (#/...) are supported, found {reference:?}"
                            ),
                        },
                    ));
                }
                if spec.resolve_ref(reference).is_none() {
                    return Err(spec.error(
                        pointer_join(pointer, "$ref"),
                        SpecErrorKind::UnresolvedRef(reference.clone()),
                    ));
                }
            }
            for (key, value) in map {
                check_refs(spec, value, &pointer_join(pointer, key))?;
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                check_refs(spec, value, &pointer_join(pointer, &index.to_string()))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The HTTP methods of a path item, in a fixed order, with the typed operation.
pub fn methods(item: &openapiv3::PathItem) -> Vec<(&'static str, &openapiv3::Operation)> {
    let all = [
        ("get", &item.get),
        ("put", &item.put),
        ("post", &item.post),
        ("delete", &item.delete),
        ("options", &item.options),
        ("head", &item.head),
        ("patch", &item.patch),
        ("trace", &item.trace),
    ];
    all.into_iter()
        .filter_map(|(name, op)| op.as_ref().map(|op| (name, op)))
        .collect()
}

fn check_operation_ids(spec: &Spec) -> Result<(), SpecError> {
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in spec.openapi.paths.paths.iter() {
        let item_pointer = pointer_join("/paths", path);
        let openapiv3::ReferenceOr::Item(item) = item else {
            return Err(spec.error(
                item_pointer,
                SpecErrorKind::Unsupported {
                    construct: "$ref".into(),
                    why: "path items must be inline".into(),
                },
            ));
        };
        for (method, operation) in methods(item) {
            let pointer = pointer_join(&item_pointer, method);
            let Some(id) = operation.operation_id.as_deref() else {
                return Err(spec.error(pointer, SpecErrorKind::MissingOperationId));
            };
            if let Some(first) = seen.get(id) {
                return Err(spec.error(
                    pointer_join(&pointer, "operationId"),
                    SpecErrorKind::DuplicateOperationId {
                        id: id.to_string(),
                        first: first.clone(),
                    },
                ));
            }
            seen.insert(id, pointer_join(&pointer, "operationId"));
        }
    }
    Ok(())
}
