//! Finding and loading case files: YAML in, a [`Case`] checked against the format and the
//! spec's operation table out, or an error naming the file and, where the YAML parser gives it,
//! the line. A case that asks for what the spec does not have fails here, before any request.

use std::path::{Path, PathBuf};

use hookspec_mock::Product;
use hookspec_mock::table::{Operation, ParameterLocation};
use serde_json::Value;

use crate::case::expect::Expectations;
use crate::case::format::{Case, Step};
use crate::case::vars::Vars;
use crate::error::{LoadCause, LoadError};

/// A loaded case and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    /// The path below the cases folder without `.yaml` (`scenarios/org_hook_lifecycle`).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// Its content.
    pub case: Case,
}

/// The case's name: `path` below `root`, without `.yaml`, with `/` separators. Falls back to the
/// part after a `cases` folder, then to the file stem.
pub fn case_name(root: Option<&Path>, path: &Path) -> String {
    let relative = root
        .and_then(|root| path.strip_prefix(root).ok())
        .map(Path::to_path_buf)
        .or_else(|| {
            let components: Vec<_> = path.components().collect();
            components
                .iter()
                .rposition(|c| c.as_os_str() == "cases")
                .map(|at| components[at + 1..].iter().collect::<PathBuf>())
        })
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if text.is_empty() {
        path.display().to_string()
    } else {
        text
    }
}

/// Every `.yaml` file below `root`, recursively, in a stable (sorted) order.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| io_error(&folder, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&folder, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| io_error(&path, e))?;
            if kind.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "yaml") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn io_error(path: &Path, error: std::io::Error) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        cause: LoadCause::Io(error),
    }
}

/// Loads one case file; `root` (the cases folder) gives its name.
pub fn load(root: Option<&Path>, path: &Path) -> Result<CaseFile, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    let case = parse(path, &text)?;
    Ok(CaseFile {
        name: case_name(root, path),
        path: path.to_path_buf(),
        case,
    })
}

/// Parses and checks case text against the format and the spec's operation table
/// (`hookspec_mock::table::OPERATIONS`); `path` is only used in errors.
pub fn parse(path: &Path, text: &str) -> Result<Case, LoadError> {
    crate::yaml_depth::check(text, crate::yaml_depth::MAX_DEPTH).map_err(|too_deep| LoadError {
        path: path.to_path_buf(),
        line: Some(too_deep.line),
        column: None,
        cause: LoadCause::TooDeep {
            limit: too_deep.limit,
        },
    })?;
    let case: Case = serde_yaml::from_str(text).map_err(|error| {
        let location = error.location();
        LoadError {
            path: path.to_path_buf(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            cause: LoadCause::Yaml(error),
        }
    })?;
    validate(&case, hookspec_mock::table::OPERATIONS).map_err(|(step, message)| LoadError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        cause: LoadCause::Invalid { step, message },
    })?;
    Ok(case)
}

type Invalid = (Option<String>, String);

/// The rules of the format that serde cannot express (see `CASES.md`), what each step asks of
/// the operation table, and the variables each step uses.
fn validate(case: &Case, operations: &'static [Operation]) -> Result<(), Invalid> {
    if case.products.is_empty() {
        return Err((None, "`products` is empty".into()));
    }
    for product in &case.products {
        if Product::from_id(product).is_none() {
            return Err((
                None,
                format!(
                    "unknown product {product:?} (expected {})",
                    crate::show::known_products()
                ),
            ));
        }
    }
    if case.steps.is_empty() {
        return Err((None, "`steps` is empty".into()));
    }
    // The variables each step can use, with stand-in values: the run's, and what earlier steps
    // capture (a step whose capture fails ends the case, so later steps never run without it).
    let mut vars = Vars::for_run("x", Some("x/x"), "x", "x", "x");
    for (index, step) in case.steps.iter().enumerate() {
        validate_step(step)
            .and_then(|()| {
                step_operation(operations, case, step).map_err(|mismatch| mismatch.message)
            })
            .and_then(|operation| check_variables(operation, step, &vars))
            .map_err(|message| (Some(format!("{} {:?}", index + 1, step.name)), message))?;
        for name in step.expect.capture.keys() {
            vars.set(name.clone(), Value::String("x".into()));
        }
    }
    Ok(())
}

/// Every `${name}` of the step names a variable `vars` has, and every `{name}` of the path
/// template has a value: the errors the runner would otherwise meet before sending the step.
fn check_variables(operation: &Operation, step: &Step, vars: &Vars) -> Result<(), String> {
    let text = |text: &str| {
        vars.interpolate(text)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    match &step.url {
        Some(url) => text(url)?,
        None => {
            for name in operation.path_parameter_names() {
                match step.path_params.get(name) {
                    Some(value) => text(value)?,
                    None if vars.get(name).is_none() => {
                        return Err(no_value_for(name, operation.path));
                    }
                    None => {}
                }
            }
        }
    }
    for value in step.query.values().chain(step.headers.values()) {
        text(value)?;
    }
    if let Some(body) = &step.body {
        vars.interpolate_json(body).map_err(|e| e.to_string())?;
    } else if let Some(raw) = &step.raw_body {
        text(raw)?;
    }
    Expectations::resolve(&step.expect, vars).map_err(|problem| problem.message)?;
    Ok(())
}

/// Why a `{name}` of a path template has no value.
pub(crate) fn no_value_for(name: &str, path: &str) -> String {
    format!(
        "no value for {{{name}}} in {path}: give path_params.{name} or capture {name} in an earlier step"
    )
}

/// A step that asks for what the operation table does not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecMismatch {
    /// The operation's method, when the operation is known.
    pub method: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

/// The operation `step` exercises, when the case may use it as it does: the operation is in
/// the table, exists on every product the case lists, changes nothing in a read-only case, is
/// retried only if it changes nothing, and documents every query parameter the step sends on
/// every listed product. Loading checks every step with it; the runner again for cases built
/// in code or run with another table.
pub(crate) fn step_operation(
    operations: &'static [Operation],
    case: &Case,
    step: &Step,
) -> Result<&'static Operation, SpecMismatch> {
    let Some(operation) = operations.iter().find(|op| op.id == step.operation) else {
        let message = if operations.is_empty() {
            format!(
                "unknown operation {:?}: the operation table is empty (run `cargo xtask gen`)",
                step.operation
            )
        } else {
            format!("unknown operation {:?}: not in the spec", step.operation)
        };
        return Err(SpecMismatch {
            method: None,
            message,
        });
    };
    let mismatch = |message: String| SpecMismatch {
        method: Some(operation.method),
        message,
    };
    let products: Vec<Product> = case
        .products
        .iter()
        .filter_map(|p| Product::from_id(p))
        .collect();
    if let Some(product) = products.iter().find(|p| !operation.available_on(**p)) {
        return Err(mismatch(format!(
            "{} does not exist on {} (the spec has it on {}); fix the case's products",
            operation.id,
            product.id(),
            operation
                .products
                .iter()
                .map(|p| p.id())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if operation.mutates() && case.read_only {
        return Err(mismatch(format!(
            "the case says read_only, but {} is a {}",
            operation.id, operation.method
        )));
    }
    if step.retry.is_some() && operation.mutates() {
        return Err(mismatch(
            "retry is only for steps that do not change state".into(),
        ));
    }
    for product in &products {
        for name in step.query.keys() {
            if operation
                .parameter(ParameterLocation::Query, name, *product)
                .is_none()
            {
                return Err(mismatch(format!(
                    "query parameter {name:?} is not documented for {} on {}",
                    operation.id,
                    product.id()
                )));
            }
        }
    }
    Ok(operation)
}

fn validate_step(step: &Step) -> Result<(), String> {
    if step.operation.trim().is_empty() {
        return Err("`operation` is empty".into());
    }
    if step.body.is_some() && step.raw_body.is_some() {
        return Err("give `body` or `raw_body`, not both".into());
    }
    if step.url.is_some() && !step.path_params.is_empty() {
        return Err("`path_params` mean nothing with `url`".into());
    }
    if let Some(rel) = &step.follow
        && rel.trim().is_empty()
    {
        return Err("`follow` names no Link relation".into());
    }
    if let Some(retry) = &step.retry
        && !(1..=100).contains(&retry.attempts)
    {
        return Err(format!(
            "`retry.attempts` is {}; give 1 to 100",
            retry.attempts
        ));
    }
    let expect = &step.expect;
    if !(100..=599).contains(&expect.status) {
        return Err(format!(
            "`expect.status` {} is not an HTTP status",
            expect.status
        ));
    }
    for (name, pattern) in &expect.headers {
        check_pattern(pattern).map_err(|e| format!("`expect.headers.{name}`: {e}"))?;
    }
    let pointers = expect
        .ignore
        .iter()
        .chain(expect.absent.iter())
        .chain(expect.matches.keys())
        .chain(expect.count.keys())
        .chain(expect.each.keys());
    for pointer in pointers {
        check_pointer(pointer)?;
    }
    for (pointer, pattern) in expect.matches.iter().chain(expect.each.iter()) {
        check_pattern(pattern).map_err(|e| format!("pattern for {pointer:?}: {e}"))?;
    }
    for (variable, source) in &expect.capture {
        crate::case::vars::CaptureSource::parse(source)
            .map_err(|e| format!("`expect.capture.{variable}`: {e}"))?;
    }
    Ok(())
}

fn check_pointer(pointer: &str) -> Result<(), String> {
    if pointer.is_empty() || pointer.starts_with('/') {
        Ok(())
    } else {
        Err(format!(
            "{pointer:?} is not a JSON pointer (it must be empty or start with /)"
        ))
    }
}

/// Compiles a pattern with its `${var}` placeholders stood in for, to catch syntax errors early.
fn check_pattern(pattern: &str) -> Result<(), String> {
    static PLACEHOLDER: std::sync::LazyLock<Result<regex::Regex, regex::Error>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\$\{[^}]*\}"));
    let placeholder = PLACEHOLDER.as_ref().map_err(|e| e.to_string())?;
    let stood_in = placeholder.replace_all(pattern, "x");
    regex::Regex::new(&stood_in)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yaml_error_names_the_file_and_line() {
        let text = "description: x\nproducts: [dotcom]\nsteps:\n  - name: a\n    nope: 1\n";
        let error = parse(Path::new("cases/x.yaml"), text).err();
        let Some(error) = error else {
            panic!("an unknown key must be an error")
        };
        assert_eq!(error.line, Some(5));
        let text = error.to_string();
        assert!(text.starts_with("cases/x.yaml:5:"), "{text}");
        assert!(text.contains("nope"), "{text}");
    }

    #[test]
    fn an_unknown_product_is_an_error() {
        let text = "description: x\nproducts: [gitlab]\nsteps: []\n";
        let error = parse(Path::new("x.yaml"), text).err();
        assert!(error.is_some_and(|e| e.to_string().contains("gitlab")));
    }

    #[test]
    fn a_bad_capture_source_names_the_step() {
        let text = "description: x\nproducts: [dotcom]\nsteps:\n  - name: get it\n    operation: orgs/get-webhook\n    expect:\n      status: 200\n      capture: { id: 'bod:/id' }\n";
        let error = parse(Path::new("x.yaml"), text).err();
        let text = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("step 1 \"get it\""), "{text}");
        assert!(text.contains("capture.id"), "{text}");
    }

    fn load_error(yaml: &str) -> String {
        let text = format!("description: x\n{yaml}");
        match parse(Path::new("x.yaml"), &text) {
            Ok(_) => panic!("the case should not load:\n{text}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn an_unknown_operation_fails_at_load() {
        let text = load_error(
            "products: [dotcom]\nsteps:\n  - name: a\n    operation: orgs/no-such-thing\n    expect: { status: 200 }\n",
        );
        assert!(text.contains("step 1 \"a\""), "{text}");
        assert!(
            text.contains("unknown operation \"orgs/no-such-thing\": not in the spec"),
            "{text}"
        );
    }

    #[test]
    fn an_operation_missing_on_a_listed_product_fails_at_load() {
        let text = load_error(
            "products: [dotcom, ghes]\nsteps:\n  - name: a\n    operation: enterprise-admin/list-global-webhooks\n    expect: { status: 200 }\n",
        );
        assert!(
            text.contains("enterprise-admin/list-global-webhooks does not exist on dotcom"),
            "{text}"
        );
    }

    #[test]
    fn a_read_only_case_that_changes_state_fails_at_load() {
        let text = load_error(
            "products: [dotcom]\nread_only: true\nsteps:\n  - name: a\n    operation: orgs/create-webhook\n    expect: { status: 201 }\n",
        );
        assert!(
            text.contains("the case says read_only, but orgs/create-webhook is a POST"),
            "{text}"
        );
    }

    #[test]
    fn a_retried_step_that_changes_state_fails_at_load() {
        let text = load_error(
            "products: [dotcom]\nsteps:\n  - name: a\n    operation: orgs/create-webhook\n    retry: { attempts: 3 }\n    expect: { status: 201 }\n",
        );
        assert!(
            text.contains("retry is only for steps that do not change state"),
            "{text}"
        );
    }

    #[test]
    fn an_undocumented_query_parameter_fails_at_load() {
        let text = load_error(
            "products: [dotcom]\nsteps:\n  - name: a\n    operation: orgs/list-webhooks\n    query: { color: red }\n    expect: { status: 200 }\n",
        );
        assert!(
            text.contains(
                "query parameter \"color\" is not documented for orgs/list-webhooks on dotcom"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_path_segment_without_a_value_fails_at_load() {
        let text = load_error(
            "products: [dotcom]\nsteps:\n  - name: a\n    operation: orgs/get-webhook\n    expect: { status: 200 }\n",
        );
        assert!(
            text.contains("no value for {hook_id} in /orgs/{org}/hooks/{hook_id}"),
            "{text}"
        );
    }

    #[test]
    fn a_variable_no_earlier_step_captures_fails_at_load() {
        let text = load_error(
            "products: [dotcom]\nsteps:\n  - name: a\n    operation: orgs/list-webhooks\n    expect: { status: 200, capture: { first: body:/0/id } }\n  - name: b\n    operation: orgs/get-webhook\n    path_params: { hook_id: \"${second}\" }\n    expect: { status: 200, match: { /id: \"${first}\" } }\n",
        );
        assert!(text.contains("step 2 \"b\""), "{text}");
        assert!(
            text.contains(
                "unknown variable ${second} (known: first, marker_url, org, owner, product, repo, run_id)"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_name_is_the_path_below_the_cases_folder() {
        let name = case_name(
            Some(Path::new("/x/cases")),
            Path::new("/x/cases/scenarios/a_b.yaml"),
        );
        assert_eq!(name, "scenarios/a_b");
        let name = case_name(
            None,
            Path::new("conformance/cases/generated/orgs/get/default.yaml"),
        );
        assert_eq!(name, "generated/orgs/get/default");
    }
}
