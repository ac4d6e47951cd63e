//! The one error type of the generator: what went wrong, in which file, and where in it.

use std::fmt;
use std::path::PathBuf;

/// An error that stops generation. It names the spec file, a JSON pointer into it and, where
/// the YAML parser gives one, the line.
#[derive(Debug, thiserror::Error)]
pub struct SpecError {
    /// The spec file.
    pub file: PathBuf,
    /// A JSON pointer (RFC 6901) to the offending node; empty for the whole document.
    pub pointer: String,
    /// The 1-based line, where the YAML parser reports one.
    pub line: Option<usize>,
    /// What is wrong (boxed, so that `Result<_, SpecError>` stays small).
    pub kind: Box<SpecErrorKind>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// The kinds of problem the generator reports.
#[derive(Debug, thiserror::Error)]
pub enum SpecErrorKind {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(#[source] std::io::Error),
    /// The text is not YAML.
    #[error("invalid YAML: {0}")]
    Yaml(String),
    /// The YAML is not an OpenAPI 3.0 document of the shape openapiv3 reads.
    #[error("not a valid OpenAPI 3.0 document: {0}")]
    Shape(String),
    /// `openapi:` is not 3.0.x.
    #[error("unsupported OpenAPI version {0:?}; this generator reads OpenAPI 3.0.x")]
    Version(String),
    /// An operation has no operationId.
    #[error("the operation has no operationId")]
    MissingOperationId,
    /// Two operations share an operationId.
    #[error("operationId {id:?} is used twice (first at {first})")]
    DuplicateOperationId {
        /// The repeated id.
        id: String,
        /// A pointer to its first use.
        first: String,
    },
    /// A `$ref` points nowhere.
    #[error("$ref {0:?} does not resolve")]
    UnresolvedRef(String),
    /// A schema or spec construct the generator does not support.
    #[error("unsupported construct `{construct}`: {why}")]
    Unsupported {
        /// The keyword or construct.
        construct: String,
        /// Why it is refused, or what to use instead.
        why: String,
    },
    /// An example does not validate against its schema.
    #[error(
        "example {example:?} of {operation} does not match its schema at {instance_path:?}: {message}"
    )]
    InvalidExample {
        /// The operationId.
        operation: String,
        /// The example's name.
        example: String,
        /// The JSON pointer into the example value of the failing field.
        instance_path: String,
        /// The validator's message.
        message: String,
    },
    /// An example marked `x-hookspec-known-invalid` validates after all.
    #[error(
        "example {example:?} of {operation} is marked x-hookspec-known-invalid but matches its schema; remove the mark"
    )]
    KnownInvalidPasses {
        /// The operationId.
        operation: String,
        /// The example's name.
        example: String,
    },
    /// Anything else the spec gets wrong.
    #[error("{0}")]
    Invalid(String),
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Joins a parent pointer and one unescaped segment.
pub fn pointer_join(parent: &str, segment: &str) -> String {
    format!("{parent}/{}", escape_pointer_segment(segment))
}
