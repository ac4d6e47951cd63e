//! One self-contained HTML page (no script, no external asset): the run's summary, the coverage
//! matrix of operations × documented statuses × products, and every case with its exchanges
//! (request, response, problems and diffs). Every text that comes from a case, a server or a
//! spec goes through [`escape`](crate::show::escape_html).

use std::fmt::Write;

use super::coverage::{Cell, Coverage};
use super::{CaseResult, Exchange, Outcome, ReportInfo, Summary};
use crate::show::{escape_html as escape, human};

const STYLE: &str = "
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1f2328;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}h2{margin-top:1.6em;border-bottom:1px solid #d0d7de}
code,pre{font:12px/1.4 ui-monospace,monospace}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-word;margin:.3em 0}
.summary{font-size:1.1em}.meta{color:#57606a}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0}
.matrix td.cell{text-align:center;min-width:6em;font-weight:600}
.pass{background:#dafbe1;color:#116329}.fail{background:#ffebe9;color:#a40e26}
.none{background:#fff8c5;color:#7d4e00}.na{background:#eaeef2;color:#8c959f}
.desc{color:#57606a;font-size:.9em}
details.case{border:1px solid #d0d7de;border-radius:6px;margin:.4em 0;padding:.2em .6em}
details.case>summary{cursor:pointer;font-weight:600}
details.case.failed{border-color:#cf222e}
.badge{display:inline-block;padding:0 .5em;border-radius:4px;margin-right:.4em}
.exchange{border-left:3px solid #d0d7de;margin:.6em 0;padding-left:.6em}
.exchange.failed{border-color:#cf222e}
ul.problems{margin:.3em 0;color:#a40e26}
";

/// The page for `results`.
pub fn html(info: &ReportInfo, results: &[CaseResult]) -> String {
    let summary = Summary::of(results);
    let coverage = Coverage::of(results.iter().flat_map(|r| &r.exchanges));
    let mut page = String::new();
    let title = escape(&info.title);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    let _ = writeln!(
        page,
        "<p class=\"summary\" id=\"summary\"><span class=\"badge {}\">{}</span></p>",
        if summary.ok() && info.run_errors.is_empty() {
            "pass"
        } else {
            "fail"
        },
        escape(&summary.to_string())
    );
    let mut meta = format!("against {}", escape(&info.target));
    if let Some(run_id) = &info.run_id {
        let _ = write!(meta, " · run <code>{}</code>", escape(run_id));
    }
    let _ = writeln!(
        page,
        "<p class=\"meta\">{meta} · {}</p>",
        escape(&human(info.duration))
    );
    for error in &info.run_errors {
        let _ = writeln!(page, "<pre class=\"fail\">{}</pre>", escape(error));
    }
    matrix(&mut page, &coverage);
    cases(&mut page, results);
    page.push_str("</body>\n</html>\n");
    page
}

fn matrix(page: &mut String, coverage: &Coverage) {
    let total = coverage.counts(None);
    let _ = writeln!(
        page,
        "<h2 id=\"coverage\">Coverage</h2>\n<p>{} of {} cells exercised, {} with failures. \
         A cell is an operation, a documented status and a product: \
         <span class=\"badge pass\">✓ n</span> n exchanges, all passed; \
         <span class=\"badge fail\">✗ f/n</span> f of n exchanges failed; \
         <span class=\"badge none\">not run</span> no exchange; \
         <span class=\"badge na\">–</span> the product lacks the operation.</p>",
        total.exercised, total.applicable, total.failed
    );
    page.push_str("<table class=\"matrix\">\n<thead><tr><th>operation</th><th>status</th>");
    for product in &coverage.products {
        let counts = coverage.counts(Some(*product));
        let _ = write!(
            page,
            "<th>{}<br><span class=\"desc\">{}/{} exercised</span></th>",
            escape(product.id()),
            counts.exercised,
            counts.applicable
        );
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    let mut previous: Option<&str> = None;
    for row in &coverage.rows {
        let id = row.operation.id;
        let _ = write!(
            page,
            "<tr data-operation=\"{}\" data-status=\"{}\">",
            escape(id),
            row.status
        );
        if previous != Some(id) {
            let _ = write!(
                page,
                "<th rowspan=\"{}\" class=\"operation\"><code>{}</code><br>\
                 <span class=\"desc\">{} {}</span></th>",
                coverage.rows_of(id),
                escape(id),
                escape(row.operation.method),
                escape(row.operation.path)
            );
            previous = Some(id);
        }
        let _ = write!(
            page,
            "<td>{} <span class=\"desc\">{}</span></td>",
            row.status,
            escape(row.description)
        );
        for (cell, product) in row.cells.iter().zip(&coverage.products) {
            let (class, text) = match cell {
                Cell::NotApplicable => ("na", "–".to_string()),
                Cell::NotExercised => ("none", "not run".to_string()),
                Cell::Exercised { passed, failed: 0 } => ("pass", format!("✓ {passed}")),
                Cell::Exercised { passed, failed } => {
                    ("fail", format!("✗ {failed}/{}", passed + failed))
                }
            };
            let _ = write!(
                page,
                "<td class=\"cell {class}\" data-product=\"{}\">{text}</td>",
                escape(product.id())
            );
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n");
    if !coverage.outside.is_empty() {
        page.push_str("<h3>Exchanges outside the matrix</h3>\n<ul>\n");
        for (exchange, why) in &coverage.outside {
            let _ = writeln!(
                page,
                "<li><code>{}</code> [{}] → {}: {}</li>",
                escape(&exchange.request.to_string()),
                escape(exchange.product.id()),
                exchange
                    .status
                    .map_or_else(|| "no response".to_string(), |s| s.to_string()),
                escape(why)
            );
        }
        page.push_str("</ul>\n");
    }
}

fn cases(page: &mut String, results: &[CaseResult]) {
    let _ = writeln!(page, "<h2 id=\"cases\">Cases</h2>");
    let (skipped, ran): (Vec<&CaseResult>, Vec<&CaseResult>) = results
        .iter()
        .partition(|r| matches!(r.outcome, Outcome::Skipped(_)));
    // Failures first, then passes, each in run order.
    let ordered = ran
        .iter()
        .filter(|r| r.failed())
        .chain(ran.iter().filter(|r| !r.failed()));
    for result in ordered {
        let failed = result.failed();
        let _ = writeln!(
            page,
            "<details class=\"case{}\"{}><summary><span class=\"badge {}\">{}</span>{} \
             <span class=\"desc\">{} · {} request(s)</span></summary>",
            if failed { " failed" } else { "" },
            if failed { " open" } else { "" },
            if failed { "fail" } else { "pass" },
            if failed { "FAIL" } else { "PASS" },
            escape(&result.display_name()),
            escape(&human(result.duration)),
            result.requests
        );
        if let Some(text) = result.failure_text() {
            let _ = writeln!(page, "<pre class=\"failure\">{}</pre>", escape(&text));
        }
        if !result.notes.is_empty() {
            page.push_str("<p>Notes:</p><ul>");
            for note in &result.notes {
                let _ = write!(page, "<li>{}</li>", escape(note));
            }
            page.push_str("</ul>\n");
        }
        for exchange in &result.exchanges {
            exchange_html(page, exchange);
        }
        page.push_str("</details>\n");
    }
    if !skipped.is_empty() {
        let _ = writeln!(
            page,
            "<h3>Skipped ({})</h3>\n<table>\n<thead><tr><th>case</th><th>why</th></tr></thead>\n<tbody>",
            skipped.len()
        );
        for result in skipped {
            if let Outcome::Skipped(reason) = &result.outcome {
                let _ = writeln!(
                    page,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    escape(&result.display_name()),
                    escape(reason)
                );
            }
        }
        page.push_str("</tbody>\n</table>\n");
    }
}

fn exchange_html(page: &mut String, exchange: &Exchange) {
    let failed = !exchange.passed();
    let _ = writeln!(
        page,
        "<div class=\"exchange{}\"><p><code>{}</code> <span class=\"desc\">{} · {}</span> → <b>{}</b></p>",
        if failed { " failed" } else { "" },
        escape(&exchange.request.to_string()),
        escape(exchange.operation.as_deref().unwrap_or("no operation")),
        escape(exchange.product.id()),
        exchange
            .status
            .map_or_else(|| "no response".to_string(), |s| s.to_string())
    );
    if failed {
        page.push_str("<ul class=\"problems\">");
        for problem in &exchange.problems {
            let _ = write!(
                page,
                "<li>{}: {}",
                escape(problem.check.name()),
                escape(&problem.message)
            );
            if let Some(detail) = &problem.detail {
                let _ = write!(page, "<pre>{}</pre>", escape(detail));
            }
            page.push_str("</li>");
        }
        page.push_str("</ul>\n");
    }
    if let Some(body) = &exchange.request_body {
        let _ = writeln!(page, "<p>Request body:</p><pre>{}</pre>", escape(body));
    }
    if !exchange.response_headers.is_empty() {
        page.push_str("<details><summary>Response headers</summary><pre>");
        for (name, value) in &exchange.response_headers {
            let _ = writeln!(page, "{}: {}", escape(name), escape(value));
        }
        page.push_str("</pre></details>\n");
    }
    if let Some(body) = &exchange.response_body {
        let _ = writeln!(page, "<p>Response body:</p><pre>{}</pre>", escape(body));
    }
    page.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_special_characters_are_escaped() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("plain ✓ text"), "plain ✓ text");
    }
}
