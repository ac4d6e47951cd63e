//! The work behind `cargo xtask gen`: render everything that derives from `spec/` (GitHub's API
//! and the fake's own control API) and either write it (owning the generated folders wholly) or
//! compare it with what is on disk. The same
//! [`generate`] serves `cargo xtask gen --check` and the freshness test in `cargo test`.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The spec, relative to the repository root.
pub const SPEC: &str = "spec/openapi.yaml";

/// The fake's own API (`/_hookspec/`), relative to the repository root.
pub const CONTROL_SPEC: &str = "spec/control.yaml";

/// Whether to write the files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files and remove leftovers.
    Write,
    /// Write nothing; report what differs.
    Check,
}

/// What a run found (in `Check` mode) or did (in `Write` mode).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files whose contents differ from what the spec gives.
    pub stale: Vec<String>,
    /// Files the spec gives that are not on disk.
    pub missing: Vec<String>,
    /// Files in the generated folders that the spec no longer gives.
    pub leftover: Vec<String>,
    /// How many files the spec gives.
    pub total: usize,
}

impl Report {
    /// True when nothing differs.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.leftover.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (label, list) in [
            ("stale", &self.stale),
            ("missing", &self.missing),
            ("leftover", &self.leftover),
        ] {
            for path in list {
                writeln!(f, "  {label}: {path}")?;
            }
        }
        Ok(())
    }
}

/// The repository root (the parent of this crate's folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Renders the spec under `root` and writes or checks the generated files.
pub fn generate(root: &Path, mode: Mode) -> anyhow::Result<Report> {
    let generated = hookspec_codegen::generate_with_control(
        &root.join(SPEC),
        SPEC,
        &root.join(CONTROL_SPEC),
        CONTROL_SPEC,
    )?;
    let mut report = Report {
        total: generated.files.len(),
        ..Report::default()
    };
    let produced: BTreeSet<String> = generated.files.iter().map(|f| f.path.clone()).collect();
    for file in &generated.files {
        let path = root.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == file.contents => continue,
            Ok(_) => report.stale.push(file.path.clone()),
            Err(_) => report.missing.push(file.path.clone()),
        }
        if mode == Mode::Write {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, &file.contents)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    for dir in &generated.owned_dirs {
        for existing in files_under(root, dir)? {
            if !produced.contains(&existing) {
                if mode == Mode::Write {
                    let path = root.join(&existing);
                    std::fs::remove_file(&path)
                        .with_context(|| format!("removing {}", path.display()))?;
                }
                report.leftover.push(existing);
            }
        }
        if mode == Mode::Write {
            remove_empty_dirs(&root.join(dir))?;
        }
    }
    Ok(report)
}

/// Every file below `root/dir`, as paths relative to `root` with `/` separators, sorted.
fn files_under(root: &Path, dir: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![root.join(dir)];
    while let Some(current) = pending.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", current.display()));
            }
        };
        for entry in entries {
            let path = entry
                .with_context(|| format!("reading {}", current.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.push(
                    relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
    }
    out.sort();
    Ok(out)
}

fn remove_empty_dirs(dir: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if std::fs::read_dir(&path)
                .map(|mut e| e.next().is_none())
                .unwrap_or(false)
            {
                std::fs::remove_dir(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
    }
    Ok(())
}
