//! Collecting a suite: the case files built into the crate and those of folders, filtered by
//! name, each loaded or kept with the reason it did not load.

use std::path::{Path, PathBuf};

use crate::case::load::{self, CaseFile};
use crate::error::LoadError;

/// The cases folder of this crate (`conformance/cases`), as built. An installed binary may
/// have no such folder: it runs the [embedded](collect_embedded) copies.
pub fn default_cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

// `EMBEDDED_CASES`: the files of `cases/` at build time, written by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/embedded_cases.rs"));

/// What the path of an embedded case starts with in messages and reports.
pub const EMBEDDED_ROOT: &str = "(embedded)";

/// The embedded cases whose name contains one of `filters` (all when empty), loaded.
pub fn collect_embedded(filters: &[String]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (file, text) in EMBEDDED_CASES {
        let name = file.strip_suffix(".yaml").unwrap_or(file).to_string();
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let path = Path::new(EMBEDDED_ROOT).join(file);
        entries.push(match load::parse(&path, text) {
            Ok(case) => Entry::Loaded(CaseFile { name, path, case }),
            Err(error) => Entry::Broken { name, error },
        });
    }
    entries
}

/// The cases of a run: the embedded ones when `embedded`, then those of each folder; a case
/// whose name is already there replaces it. Sorted by name.
pub fn collect_from(
    embedded: bool,
    folders: &[PathBuf],
    filters: &[String],
) -> Result<Vec<Entry>, LoadError> {
    let mut by_name = std::collections::BTreeMap::new();
    let mut add = |entries: Vec<Entry>| {
        for entry in entries {
            by_name.insert(entry.name().to_string(), entry);
        }
    };
    if embedded {
        add(collect_embedded(filters));
    }
    for folder in folders {
        add(collect_folder(folder, filters)?);
    }
    Ok(by_name.into_values().collect())
}

/// A case file as found: loaded, or why not.
#[derive(Debug)]
pub enum Entry {
    /// Loaded.
    Loaded(CaseFile),
    /// Broken: a failed result of its own.
    Broken {
        /// The name it would have had.
        name: String,
        /// Why it did not load.
        error: LoadError,
    },
}

impl Entry {
    /// The case name.
    pub fn name(&self) -> &str {
        match self {
            Entry::Loaded(file) => &file.name,
            Entry::Broken { name, .. } => name,
        }
    }
}

/// Loads every case below `root` whose name contains one of `filters` (all when empty).
pub fn collect_folder(root: &Path, filters: &[String]) -> Result<Vec<Entry>, LoadError> {
    let mut entries = Vec::new();
    for path in load::discover(root)? {
        let name = load::case_name(Some(root), &path);
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        entries.push(match load::load(Some(root), &path) {
            Ok(file) => Entry::Loaded(file),
            Err(error) => Entry::Broken { name, error },
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_cases_are_the_files_of_the_cases_folder() -> Result<(), LoadError> {
        let root = default_cases_dir();
        let on_disk = load::discover(&root)?;
        assert_eq!(on_disk.len(), EMBEDDED_CASES.len());
        for ((file, text), path) in EMBEDDED_CASES.iter().zip(&on_disk) {
            assert_eq!(Path::new(file), path.strip_prefix(&root).unwrap_or(path));
            assert_eq!(std::fs::read_to_string(path).ok().as_deref(), Some(*text));
        }
        Ok(())
    }

    #[test]
    fn every_embedded_case_loads() {
        let entries = collect_embedded(&[]);
        assert!(!entries.is_empty());
        for entry in &entries {
            assert!(matches!(entry, Entry::Loaded(_)), "{entry:?}");
        }
    }

    #[test]
    fn a_folder_case_replaces_the_embedded_case_of_the_same_name() -> Result<(), LoadError> {
        let folder = std::env::temp_dir().join(format!("hookspec-suite-{}", std::process::id()));
        let scenarios = folder.join("scenarios");
        std::fs::create_dir_all(&scenarios).map_err(|e| LoadError {
            path: scenarios.clone(),
            line: None,
            column: None,
            cause: e.into(),
        })?;
        let text = "description: replaced\nproducts: [dotcom]\nread_only: true\nsteps:\n  - name: list\n    operation: orgs/list-webhooks\n    expect: { status: 200 }\n";
        for name in ["request_without_a_token_answers_401", "an_added_case"] {
            let _ = std::fs::write(scenarios.join(format!("{name}.yaml")), text);
        }
        let filters = ["scenarios/".to_string()];
        let embedded = collect_embedded(&filters).len();
        let entries = collect_from(true, std::slice::from_ref(&folder), &filters)?;
        let _ = std::fs::remove_dir_all(&folder);
        assert_eq!(entries.len(), embedded + 1);
        let replaced = entries
            .iter()
            .find(|e| e.name() == "scenarios/request_without_a_token_answers_401");
        match replaced {
            Some(Entry::Loaded(file)) => assert_eq!(file.case.description, "replaced"),
            other => panic!("{other:?}"),
        }
        Ok(())
    }
}
