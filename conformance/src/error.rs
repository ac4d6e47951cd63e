//! The errors a run reports: each names the case file, the step (number and name) and the
//! request that was sent, and lists what differed.

use std::fmt;
use std::path::PathBuf;

/// The kind of check a problem comes from; shown first so a reader sees at a glance what broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// The case file asks for something the spec or the target cannot give.
    Case,
    /// The runner refused to send a request that could touch what this run did not create.
    Safety,
    /// The request could not be built.
    Request,
    /// No response: connection refused, timeout, broken transfer.
    Transport,
    /// The status is not documented or not the expected one.
    Status,
    /// The `Content-Type` is not JSON where the spec documents a body.
    ContentType,
    /// The body is empty, not JSON, truncated or too large.
    Body,
    /// The body does not validate against the spec's schema.
    Schema,
    /// A header is missing, present when it must not be, or has the wrong value.
    Header,
    /// The `Link` header is missing or malformed.
    Link,
    /// The body differs from the expected one.
    ExpectedBody,
    /// A value does not match its pattern.
    Match,
    /// An array has the wrong length.
    Count,
    /// An array lacks an expected item.
    Contains,
    /// An item of an array breaks a rule every item must keep.
    Each,
    /// A field that must not be there is.
    Absent,
    /// A value to capture is missing.
    Capture,
    /// Deleting what the run created failed.
    Cleanup,
}

impl Check {
    /// The short name shown in reports (`status`, `schema`, `Link`...).
    pub fn name(self) -> &'static str {
        match self {
            Check::Case => "case",
            Check::Safety => "safety",
            Check::Request => "request",
            Check::Transport => "transport",
            Check::Status => "status",
            Check::ContentType => "Content-Type",
            Check::Body => "body",
            Check::Schema => "schema",
            Check::Header => "header",
            Check::Link => "Link",
            Check::ExpectedBody => "expected body",
            Check::Match => "match",
            Check::Count => "count",
            Check::Contains => "contains",
            Check::Each => "each",
            Check::Absent => "absent",
            Check::Capture => "capture",
            Check::Cleanup => "cleanup",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One thing that differed from what the case or the spec says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which check found it.
    pub check: Check,
    /// One line saying what differed.
    pub message: String,
    /// More lines: a diff, the start of a body, a list of schema errors.
    pub detail: Option<String>,
}

impl Problem {
    /// A problem with a one-line message.
    pub fn new(check: Check, message: impl Into<String>) -> Self {
        Problem {
            check,
            message: message.into(),
            detail: None,
        }
    }

    /// Adds lines of detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.check, self.message)?;
        if let Some(detail) = &self.detail {
            for line in detail.lines() {
                write!(f, "\n    {line}")?;
            }
        }
        Ok(())
    }
}

/// The problems of one step, shown one a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

/// The request a step sent (or would have sent), as `METHOD URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    /// The HTTP method.
    pub method: String,
    /// The full URL, or a description when none could be built.
    pub url: String,
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

/// A step whose response (or whose request) broke the contract.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: step {number} \"{step}\" ({operation}): {request}\n{problems}", file.display())]
pub struct StepError {
    /// The case file.
    pub file: PathBuf,
    /// The step's number, from 1.
    pub number: usize,
    /// The step's name.
    pub step: String,
    /// The step's operation.
    pub operation: String,
    /// The request sent.
    pub request: RequestLine,
    /// What differed.
    pub problems: Problems,
}

impl StepError {
    /// Whether any problem came from `check`.
    pub fn has(&self, check: Check) -> bool {
        self.problems.0.iter().any(|p| p.check == check)
    }
}

/// Something the run created that it could not delete afterwards.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: cleanup: {request}: {message}", file.display())]
pub struct CleanupError {
    /// The case file whose run created the resource.
    pub file: PathBuf,
    /// The delete (or list) request that failed.
    pub request: RequestLine,
    /// What went wrong.
    pub message: String,
}

/// Why a case file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {cause}", path.display(), location(*.line, *.column))]
pub struct LoadError {
    /// The case file (or the folder being searched).
    pub path: PathBuf,
    /// The line, where the YAML parser gives one (from 1).
    pub line: Option<usize>,
    /// The column, where the YAML parser gives one (from 1).
    pub column: Option<usize>,
    /// What went wrong.
    #[source]
    pub cause: LoadCause,
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// The cause of a [`LoadError`].
#[derive(Debug, thiserror::Error)]
pub enum LoadCause {
    /// The file or folder could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The YAML does not parse or does not fit the case format.
    #[error("not a valid case: {0}")]
    Yaml(#[from] serde_yaml::Error),
    /// The YAML nests deeper than the bound (the error's line is where it first does);
    /// refused before parsing, which deep nesting makes slow.
    #[error("not a valid case: nested deeper than {limit} levels")]
    TooDeep {
        /// The bound.
        limit: usize,
    },
    /// The case parses but breaks a rule of the format.
    #[error("{}{message}", step.as_ref().map(|s| format!("step {}: ", s)).unwrap_or_default())]
    Invalid {
        /// The step (`2 "update it"`), when the problem is in one.
        step: Option<String>,
        /// What is wrong.
        message: String,
    },
}

/// Why a case did not pass.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The file could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A step failed.
    #[error(transparent)]
    Step(#[from] StepError),
    /// Cleanup after the case failed.
    #[error(transparent)]
    Cleanup(#[from] CleanupError),
}

impl CaseError {
    /// The step error, if this is one.
    pub fn as_step(&self) -> Option<&StepError> {
        match self {
            CaseError::Step(step) => Some(step),
            _ => None,
        }
    }
}

/// Why a target could not be described or a runner not built.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The base URL does not parse or is not http(s).
    #[error("invalid target URL {url:?}: {message}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// The product is not one the spec knows.
    #[error("unknown product {id:?} (expected {known})")]
    Product {
        /// The product id given.
        id: String,
        /// The ids the product table knows, for the message.
        known: String,
    },
    /// A repository is not `owner/name`.
    #[error("invalid repository {0:?}: expected OWNER/NAME")]
    BadRepo(String),
    /// A `--header` is not `NAME:VALUE` or not valid HTTP (its value is never shown).
    #[error("invalid header {name:?}: {message}")]
    Header {
        /// The header's name, as given.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// The embedded fake could not be started.
    #[error("cannot start the embedded fake: {0}")]
    Fake(String),
}
