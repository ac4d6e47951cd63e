//! A Markdown summary for CI step summaries (`$GITHUB_STEP_SUMMARY`) and pull-request comments:
//! the counts, coverage per product, the failures with their text, and the coverage matrix in a
//! collapsed section.

use std::fmt::Write;

use super::coverage::{Cell, Coverage};
use super::{CaseResult, ReportInfo, Summary};
use crate::show::human;

/// Text for a table cell: no line breaks, `|` and backticks escaped.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('`', "\\`")
        .replace(['\n', '\r'], " ")
}

/// A fence longer than any run of backticks in `text`, so `text` cannot close it.
fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// The summary for `results`.
pub fn markdown(info: &ReportInfo, results: &[CaseResult]) -> String {
    let summary = Summary::of(results);
    let coverage = Coverage::of(results.iter().flat_map(|r| &r.exchanges));
    let mut out = String::new();
    let ok = summary.ok() && info.run_errors.is_empty();
    let _ = writeln!(
        out,
        "## {} {}\n",
        if ok { "✅" } else { "❌" },
        cell(&info.title)
    );
    let _ = writeln!(
        out,
        "**{summary}** against {} in {}{}\n",
        cell(&info.target),
        human(info.duration),
        info.run_id
            .as_ref()
            .map(|id| format!(" (run `{}`)", cell(id)))
            .unwrap_or_default()
    );
    for error in &info.run_errors {
        let _ = writeln!(out, "- ❌ {}", cell(error));
    }
    out.push_str("| product | cells exercised | cells with failures |\n|---|---|---|\n");
    for product in &coverage.products {
        let counts = coverage.counts(Some(*product));
        let _ = writeln!(
            out,
            "| {} | {} of {} | {} |",
            product.id(),
            counts.exercised,
            counts.applicable,
            counts.failed
        );
    }
    let failed: Vec<&CaseResult> = results.iter().filter(|r| r.failed()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n### Failures ({})\n", failed.len());
        for result in failed {
            let text = result.failure_text().unwrap_or_default();
            let fence = fence(&text);
            let _ = writeln!(
                out,
                "<details><summary>{}</summary>\n\n{fence}text\n{text}\n{fence}\n\n</details>\n",
                crate::show::escape_html(&result.display_name())
            );
        }
    }
    out.push_str("\n<details><summary>Coverage matrix</summary>\n\n| operation | status |");
    for product in &coverage.products {
        let _ = write!(out, " {} |", product.id());
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(coverage.products.len()));
    out.push('\n');
    for row in &coverage.rows {
        let _ = write!(out, "| `{}` | {} |", row.operation.id, row.status);
        for cell in &row.cells {
            out.push_str(match cell {
                Cell::NotApplicable => " – |",
                Cell::NotExercised => " ⬜ |",
                Cell::Exercised { failed: 0, .. } => " ✅ |",
                Cell::Exercised { .. } => " ❌ |",
            });
        }
        out.push('\n');
    }
    out.push_str("\n✅ passed · ❌ failed · ⬜ not run · – not on this product\n\n</details>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc`d"), "a\\|b c\\`d");
    }

    #[test]
    fn a_fence_is_longer_than_any_backtick_run_inside() {
        assert_eq!(fence("no ticks"), "```");
        assert_eq!(fence("a ```` b"), "`````");
    }
}
