//! The control API's route table (`/_hookspec/`, spec/control.yaml): the type of its rows and
//! its router, which reads each path template with the one template parser
//! ([`parse_template`]) and matches segments as GitHub's routes are matched ([`Segment::fits`]).

use std::sync::LazyLock;

use super::template::{Segment, parse_template};
pub use crate::generated::control::{CONTROL_OPERATIONS, ControlOperationId};

/// One row of [`CONTROL_OPERATIONS`]: a control operation of spec/control.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlOperation {
    /// The operation as a type.
    pub operation_id: ControlOperationId,
    /// The operationId as the spec spells it (`control/reset`).
    pub id: &'static str,
    /// The method in upper case.
    pub method: &'static str,
    /// The path template (`/_hookspec/orgs/{org}/events/{event}`).
    pub path: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// The path parameters whose schema is `integer`.
    pub integer_parameters: &'static [&'static str],
}

/// Every control template, parsed once, in the order of [`CONTROL_OPERATIONS`].
static TEMPLATES: LazyLock<Vec<Vec<Segment>>> = LazyLock::new(|| {
    CONTROL_OPERATIONS
        .iter()
        .map(|op| parse_template(op.path, |name| op.integer_parameters.contains(&name)).collect())
        .collect()
});

/// Where a method and path lead in the control API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlRoute<'p> {
    /// The operation, with each path parameter's raw (still percent-encoded) segment.
    Found(&'static ControlOperation, Vec<(&'static str, &'p str)>),
    /// The path is known, but not with this method: the methods it has.
    WrongMethod(Vec<&'static str>),
    /// No control operation has this path.
    NotFound,
}

/// The control operation `method` and `path` (the whole path, `/_hookspec/...`) address.
pub fn route_control<'p>(method: &str, path: &'p str) -> ControlRoute<'p> {
    let segments: Vec<&'p str> = path.trim_start_matches('/').split('/').collect();
    let mut allowed = Vec::new();
    for (operation, template) in CONTROL_OPERATIONS.iter().zip(TEMPLATES.iter()) {
        let fits = template.len() == segments.len()
            && template
                .iter()
                .zip(&segments)
                .all(|(part, segment)| part.fits(segment));
        if !fits {
            continue;
        }
        if operation.method.eq_ignore_ascii_case(method) {
            let params = template
                .iter()
                .zip(&segments)
                .filter_map(|(part, segment)| match part {
                    Segment::Parameter { name, .. } => Some((*name, *segment)),
                    Segment::Literal(_) => None,
                })
                .collect();
            return ControlRoute::Found(operation, params);
        }
        allowed.push(operation.method);
    }
    if allowed.is_empty() {
        ControlRoute::NotFound
    } else {
        ControlRoute::WrongMethod(allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_router_finds_operations_and_their_parameters() {
        match route_control("POST", "/_hookspec/repos/acme/widgets/events/push") {
            ControlRoute::Found(op, params) => {
                assert_eq!(op.operation_id, ControlOperationId::ControlEmitRepoEvent);
                assert_eq!(
                    params,
                    [("owner", "acme"), ("repo", "widgets"), ("event", "push")]
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            route_control("PATCH", "/_hookspec/state"),
            ControlRoute::WrongMethod(vec!["GET", "PUT"])
        );
        assert_eq!(
            route_control("GET", "/_hookspec/nothing"),
            ControlRoute::NotFound
        );
        // An integer parameter takes digits only.
        assert_eq!(
            route_control("POST", "/_hookspec/apps/x/events/push"),
            ControlRoute::NotFound
        );
    }
}
