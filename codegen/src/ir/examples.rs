//! The check over the whole IR that every example of a request or response body matches the
//! body's schema, and that every example marked known-invalid does not.

use super::Ir;
use crate::error::{SpecError, SpecErrorKind};
use crate::json_schema;
use crate::spec::Spec;

/// Every example must validate against its schema, except those marked known-invalid, which must not.
pub(super) fn check_examples(spec: &Spec, ir: &Ir) -> Result<(), SpecError> {
    for operation in &ir.operations {
        let bodies = operation
            .request
            .iter()
            .chain(operation.responses.iter().filter_map(|r| r.body.as_ref()));
        for body in bodies {
            let validator = json_schema::validator(&body.json_schema).map_err(|message| {
                spec.error(
                    &body.schema_pointer,
                    SpecErrorKind::Invalid(format!("the schema does not compile: {message}")),
                )
            })?;
            for example in &body.examples {
                let first_error = validator.iter_errors(&example.value).next();
                match (first_error, &example.known_invalid) {
                    (Some(error), None) => {
                        return Err(spec.error(
                            &example.pointer,
                            SpecErrorKind::InvalidExample {
                                operation: operation.id.clone(),
                                example: example.name.clone(),
                                instance_path: error.instance_path().to_string(),
                                message: error.to_string(),
                            },
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(spec.error(
                            &example.pointer,
                            SpecErrorKind::KnownInvalidPasses {
                                operation: operation.id.clone(),
                                example: example.name.clone(),
                            },
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}
