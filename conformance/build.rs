//! Embeds the case files of `cases/` in the crate, so the installed binary carries its cases
//! and runs from any folder: writes `$OUT_DIR/embedded_cases.rs`, a sorted list of
//! (name below `cases/`, `include_str!` of the file).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default()).join("cases");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if let Err(error) = collect(&root, &mut files) {
        println!(
            "cargo::error=cannot read the cases folder {}: {error}",
            root.display()
        );
        return;
    }
    files.sort();
    let mut out = String::from(
        "/// The case files of `cases/` at build time: (path below `cases/`, text).\n\
         pub(crate) static EMBEDDED_CASES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let Ok(relative) = file.strip_prefix(&root) else {
            continue;
        };
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            name.join("/"),
            file.display().to_string()
        );
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("embedded_cases.rs");
    if let Err(error) = std::fs::write(&target, out) {
        println!("cargo::error=cannot write {}: {error}", target.display());
    }
}

fn collect(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "yaml") {
            files.push(path);
        }
    }
    Ok(())
}
