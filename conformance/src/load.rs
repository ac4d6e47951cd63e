//! Finding and loading case files: YAML in, a checked [`Case`] out, or an error naming the file
//! and, where the YAML parser gives it, the line.

use std::path::{Path, PathBuf};

use hookspec_mock::Product;

use crate::case::{Case, Step};
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

/// Parses and checks case text; `path` is only used in errors.
pub fn parse(path: &Path, text: &str) -> Result<Case, LoadError> {
    let case: Case = serde_yaml::from_str(text).map_err(|error| {
        let location = error.location();
        LoadError {
            path: path.to_path_buf(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            cause: LoadCause::Yaml(error),
        }
    })?;
    validate(&case).map_err(|(step, message)| LoadError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        cause: LoadCause::Invalid { step, message },
    })?;
    Ok(case)
}

type Invalid = (Option<String>, String);

/// The rules of the format that serde cannot express (see `CASES.md`).
fn validate(case: &Case) -> Result<(), Invalid> {
    if case.products.is_empty() {
        return Err((None, "`products` is empty".into()));
    }
    for product in &case.products {
        if Product::from_id(product).is_none() {
            return Err((
                None,
                format!("unknown product {product:?} (expected dotcom, ghes or dotcom-legacy)"),
            ));
        }
    }
    if case.steps.is_empty() {
        return Err((None, "`steps` is empty".into()));
    }
    for (index, step) in case.steps.iter().enumerate() {
        validate_step(step)
            .map_err(|message| (Some(format!("{} {:?}", index + 1, step.name)), message))?;
    }
    Ok(())
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
        crate::vars::CaptureSource::parse(source)
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
