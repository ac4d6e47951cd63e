//! A bound on how deeply YAML may nest, checked before parsing. The YAML parser takes time
//! quadratic in the nesting depth before it fails on deep input (a 200 KB file of nested
//! brackets took 54 s), and case files and recordings come from wherever a user got them. One
//! linear pass over the text counts flow brackets (`[`, `{`) and block indentation levels
//! (including `- ` items opened on one line), skipping quoted scalars, comments and block
//! scalars (`|`, `>`), whose brackets are text; it stops at the first line that goes deeper
//! than the bound, so the error can name it.

/// How deeply case files and recordings may nest. The deepest shipped file nests about a
/// dozen levels; GitHub's payloads are far shallower than this.
pub(crate) const MAX_DEPTH: usize = 64;

/// YAML nested deeper than the bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "nested deeper than {limit} levels (checked before parsing, which deep nesting makes slow)"
)]
pub(crate) struct TooDeep {
    /// The line (from 1) where the depth first exceeds the bound.
    pub(crate) line: usize,
    /// The bound.
    pub(crate) limit: usize,
}

/// Whether `text` nests at most `limit` levels deep.
pub(crate) fn check(text: &str, limit: usize) -> Result<(), TooDeep> {
    let mut scan = Scan {
        limit,
        flow: 0,
        indents: Vec::new(),
        quote: None,
        block_scalar: None,
    };
    for (index, line) in text.lines().enumerate() {
        scan.line(line).map_err(|()| TooDeep {
            line: index + 1,
            limit,
        })?;
    }
    Ok(())
}

struct Scan {
    limit: usize,
    /// Open flow collections (`[`, `{`).
    flow: usize,
    /// The columns of the open block collections, innermost last.
    indents: Vec<usize>,
    /// The quote of a quoted scalar still open at the end of the previous line.
    quote: Option<u8>,
    /// The indentation of the line that opened a block scalar still running: lines indented
    /// deeper (and blank lines) are its text.
    block_scalar: Option<usize>,
}

impl Scan {
    /// Scans one line; `Err` when it goes deeper than the bound.
    fn line(&mut self, line: &str) -> Result<(), ()> {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|b| **b == b' ').count();
        let blank = bytes[indent..].iter().all(u8::is_ascii_whitespace);
        if let Some(parent) = self.block_scalar {
            if blank || indent > parent {
                return Ok(());
            }
            self.block_scalar = None;
        }
        if blank {
            return Ok(());
        }
        let mut i = indent;
        if self.quote.is_none() && self.flow == 0 {
            if bytes[i] == b'#' {
                return Ok(());
            }
            // A block line: close the collections it is outdented from, and open one at its
            // column and one after each `- ` or `? ` that starts it (`- - - x` is three deep).
            while self.indents.last().is_some_and(|top| *top > indent) {
                self.indents.pop();
            }
            self.open_block(indent)?;
            while i + 1 < bytes.len() && matches!(bytes[i], b'-' | b'?') && bytes[i + 1] == b' ' {
                i += 1;
                while i < bytes.len() && bytes[i] == b' ' {
                    i += 1;
                }
                if i < bytes.len() {
                    self.open_block(i)?;
                }
            }
        }
        self.rest(bytes, i)
    }

    fn open_block(&mut self, column: usize) -> Result<(), ()> {
        if self.indents.last().is_none_or(|top| *top < column) {
            self.indents.push(column);
        }
        self.within_bound()
    }

    fn within_bound(&self) -> Result<(), ()> {
        if self.indents.len() + self.flow > self.limit {
            Err(())
        } else {
            Ok(())
        }
    }

    /// The rest of a line from `start`: quoted scalars, comments, flow brackets, and whether
    /// it opens a block scalar.
    fn rest(&mut self, bytes: &[u8], start: usize) -> Result<(), ()> {
        let indent = bytes.iter().take_while(|b| **b == b' ').count();
        // The previous significant byte on the line (0 at its start): a quote opens a quoted
        // scalar only where a scalar can start, not inside a plain one (`don't`).
        let mut previous = 0u8;
        let mut spaced = true;
        let mut i = start;
        let mut end = bytes.len();
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(quote) = self.quote {
                if b == b'\\' && quote == b'"' {
                    i += 2;
                    continue;
                }
                if b == quote {
                    if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    self.quote = None;
                    previous = b;
                    spaced = false;
                }
                i += 1;
                continue;
            }
            match b {
                b' ' | b'\t' => {
                    spaced = true;
                    i += 1;
                    continue;
                }
                b'#' if spaced => {
                    end = i;
                    break;
                }
                b'"' | b'\''
                    if matches!(previous, 0 | b'[' | b'{' | b',')
                        || (spaced && matches!(previous, b':' | b'-' | b'?')) =>
                {
                    self.quote = Some(b);
                }
                b'[' | b'{' => {
                    self.flow += 1;
                    self.within_bound()?;
                }
                b']' | b'}' => self.flow = self.flow.saturating_sub(1),
                _ => {}
            }
            previous = b;
            spaced = false;
            i += 1;
        }
        // `key: |`, `- >-`, `|2+`: the lines indented deeper than this one are text.
        if self.flow == 0 && self.quote.is_none() {
            let trimmed = std::str::from_utf8(&bytes[..end])
                .unwrap_or_default()
                .trim_end();
            let header =
                trimmed.trim_end_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
            let before = header
                .len()
                .checked_sub(2)
                .and_then(|at| header.as_bytes().get(at));
            if (header.ends_with('|') || header.ends_with('>'))
                && matches!(before, None | Some(b' '))
            {
                self.block_scalar = Some(indent);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(text: &str, limit: usize) -> Option<usize> {
        check(text, limit).err().map(|error| error.line)
    }

    #[test]
    fn flow_brackets_count_as_levels() {
        assert_eq!(depth_error("a: [[[1]]]\n", 4), None);
        assert_eq!(depth_error("a: [[[[1]]]]\n", 4), Some(1));
        assert_eq!(depth_error("a: {b: {c: [\n\n  [\n1]]}}\n", 4), Some(3));
    }

    #[test]
    fn block_indentation_counts_as_levels() {
        let text = "a:\n  b:\n    c:\n      d: 1\n";
        assert_eq!(depth_error(text, 4), None);
        assert_eq!(depth_error(text, 3), Some(4));
        assert_eq!(depth_error("- - - - x\n", 3), Some(1));
        assert_eq!(depth_error("a:\n  b: 1\nc:\n  d: 1\n", 2), None);
    }

    #[test]
    fn brackets_in_quotes_comments_and_block_scalars_are_text() {
        let text = "a: \"[[[[\\\"[\"\nb: '[[['' {{{'\nc: d # [[[[\nbody: | # json\n  [[[[[[\n  {{{{\n\ne: don't [x]\n";
        assert_eq!(depth_error(text, 2), None);
    }

    #[test]
    fn a_quoted_scalar_may_span_lines() {
        assert_eq!(depth_error("a: \"[[[\n  [[[\"\nb: [1]\n", 2), None);
    }
}

#[cfg(test)]
mod shipped {
    use super::{MAX_DEPTH, check};
    use std::path::Path;

    fn yaml_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, found);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                found.push(path);
            }
        }
    }

    #[test]
    fn every_shipped_case_and_recording_is_well_within_the_bound() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("cases"), &mut files);
        yaml_files(&root.join("recordings"), &mut files);
        assert!(files.len() > 50, "{} files", files.len());
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            // Half the bound: room to grow, and proof the scan does not overcount.
            assert_eq!(check(&text, MAX_DEPTH / 2), Ok(()), "{}", file.display());
        }
    }
}
