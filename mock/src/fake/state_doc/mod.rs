//! The fake's whole state as one document (spec/control.yaml's `state` schema): exported for
//! `GET /_hookspec/state` and [`FakeState::export_state`], imported by `PUT /_hookspec/state`,
//! `--seed` and [`FakeState::import_state`], and the start state a reset goes back to.

mod export;
mod import;
mod records;
mod reset;

use std::sync::Arc;

use time::OffsetDateTime;

use super::state::FakeState;

pub(crate) use export::delivery as delivery_record;

/// The state document: the generated type of spec/control.yaml's `state` schema.
pub type StateDocument = crate::generated::control_models::State;

/// Why a state document was refused: the path of the field at fault (`orgs[0].hooks[1].config.url`),
/// the line and column when the document was read from text, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StateDocumentError {
    /// The field's path; empty for the document as a whole.
    pub path: String,
    /// The 1-based line of a text document, where the parser knows it.
    pub line: Option<usize>,
    /// The 1-based column, with the line.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for StateDocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(column) = self.column {
                write!(f, ", column {column}")?;
            }
            f.write_str(": ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// The text formats a state document is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

impl StateFormat {
    /// The format a file's name says (`.json`, `.yaml`, `.yml`), else the one its text starts
    /// like (`{`: JSON, anything else: YAML).
    pub fn guess(file_name: &str, text: &str) -> StateFormat {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            StateFormat::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            StateFormat::Yaml
        } else if text.trim_start().starts_with('{') {
            StateFormat::Json
        } else {
            StateFormat::Yaml
        }
    }
}

/// Reads a state document from text, naming the line, column and field of any problem.
///
/// ```
/// use hookspec_mock::{StateFormat, parse_state_document};
///
/// let text = "orgs:\n  - login: acme\n    hooks:\n      - config: {url: 'http://127.0.0.1:9/hook'}\n";
/// let document = parse_state_document(text, StateFormat::Yaml)?;
/// assert_eq!(document.orgs.unwrap_or_default()[0].login, "acme");
///
/// let error = parse_state_document("orgs:\n  - login: acme\n    hook: []\n", StateFormat::Yaml)
///     .err()
///     .map(|e| e.to_string())
///     .unwrap_or_default();
/// assert!(error.starts_with("line 3, column 5: orgs[0]"), "{error}");
/// assert!(error.contains("unknown field `hook`"), "{error}");
/// # Ok::<(), hookspec_mock::StateDocumentError>(())
/// ```
pub fn parse_state_document(
    text: &str,
    format: StateFormat,
) -> Result<StateDocument, StateDocumentError> {
    match format {
        StateFormat::Json => from_json(text.as_bytes()).map_err(|(error, _)| error),
        StateFormat::Yaml => serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(
            text,
        ))
        .map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let location = inner.location();
            located(
                path,
                inner.to_string(),
                location.as_ref().map(|l| l.line()),
                location.as_ref().map(|l| l.column()),
            )
        }),
    }
}

/// `T` read from JSON bytes, its error located as [`StateDocumentError`] shows it, and whether
/// the bytes were JSON that does not fit `T` (else not JSON at all, or cut short): the control
/// API answers the one 422 and the other 400.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
) -> Result<T, (StateDocumentError, bool)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let unfit = inner.classify() == serde_json::error::Category::Data;
        let (line, column) = (Some(inner.line()), Some(inner.column()));
        (located(path, inner.to_string(), line, column), unfit)
    })
}

/// A parser's error as a [`StateDocumentError`]: its own " at line L column C" moved into the
/// fields, and a missing field's name added to the path (`config.url: missing field`).
fn located(
    path: String,
    message: String,
    line: Option<usize>,
    column: Option<usize>,
) -> StateDocumentError {
    let message = match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    };
    let path = if path == "." { String::new() } else { path };
    // The YAML reader names the place itself (`orgs[0].hooks[0]: unknown field`), which the
    // path already says.
    let message = match message.split_once(": ") {
        Some((place, rest)) if !place.contains(' ') && path.starts_with(place) => rest.to_owned(),
        _ => message,
    };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field.to_owned());
    let (path, message) = match missing {
        Some(field) if path.is_empty() => (field, "missing field".to_owned()),
        Some(field) => (format!("{path}.{field}"), "missing field".to_owned()),
        None => (path, message),
    };
    StateDocumentError {
        path,
        line: line.filter(|&line| line > 0),
        column: column.filter(|_| line.is_some_and(|line| line > 0)),
        message,
    }
}

impl FakeState {
    /// The whole state as one document (what `GET /_hookspec/state` answers): organizations,
    /// repositories, apps and global hooks with every hook in full (secrets included), every
    /// delivery record, the tokens and the id counters.
    pub fn export_state(&self) -> StateDocument {
        // The records are copied under the lock (their payloads are shared, not copied) and
        // written after it: parsing every payload took the lock for as long as the API and the
        // delivery thread waited.
        let (mut document, records) = {
            let state = self.lock();
            (
                export::export_without_deliveries(&state),
                export::records(&state),
            )
        };
        document.deliveries = Some(records.into_iter().map(export::delivery).collect());
        document
    }

    /// Replaces the state with `document` (what `PUT /_hookspec/state` does): ids and times it
    /// leaves out are filled in, `tokens`, `any_org` and `any_repo` it leaves out are kept.
    /// Deliveries still on their way are not recorded. Nothing changes when it is refused.
    pub fn import_state(&self, document: &StateDocument) -> Result<(), StateDocumentError> {
        let imported = import::read(document, OffsetDateTime::now_utc())?;
        let mut state = self.lock();
        let replaced = imported.apply(&mut state);
        drop(state);
        drop(replaced);
        Ok(())
    }

    /// Makes the state as it is now the one [`reset`](Self::reset) goes back to (a new fake's
    /// start state is its configuration's).
    pub fn keep_as_start_state(&self) {
        // Written as `export_state` writes it, the records outside the lock: the API and the
        // delivery thread do not wait while every payload is parsed.
        let document = Arc::new(self.export_state());
        self.lock().start = crate::fake::state::StartState::Document(document);
    }
}
