//! Recordings: each exchange as one reviewable YAML file (request and response, normalised by
//! [`crate::record::normalize`], credentials left out), numbered in the order they happened, so a folder
//! is a sequence that [`crate::record::replay`] can send again and [`crate::record::to_case`] can turn into a case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hookspec_mock::Product;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::record::normalize::Normalizer;
use crate::secrets;
use crate::target::http::Response;

/// The first line of every recording file.
pub const HEADER: &str = "# recorded by hookspec-conformance; ${name} placeholders stand for values that change between sessions\n";

/// One recorded exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    /// The operation id, when the request matched one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The product id, when the request matched an operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// What the client sent.
    pub request: RecordedRequest,
    /// What the server answered.
    pub response: RecordedResponse,
}

/// A recorded request; the path is below the server's base URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, with placeholders.
    pub path: String,
    /// Query parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// The request headers about the API (`Accept`, `X-GitHub-Api-Version`...), lower-case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Whether the client sent credentials (never recorded; a replay sends its own).
    #[serde(default)]
    pub auth: bool,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// A body that is not JSON, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_body: Option<String>,
}

/// A recorded response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedResponse {
    /// The status.
    pub status: u16,
    /// Headers, lower-case, volatile ones left out or replaced by placeholders.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// A body that is not JSON, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_body: Option<String>,
}

/// What recording needs of one exchange.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// The operation id, when one matched.
    pub operation: Option<&'static str>,
    /// The product the path addresses.
    pub product: Option<Product>,
    /// The method.
    pub method: &'a str,
    /// The path below the server's base URL, without the query.
    pub path: &'a str,
    /// The query parameters.
    pub query: &'a [(String, String)],
    /// Every header the client sent (credentials are read only to scrub them).
    pub request_headers: &'a [(String, String)],
    /// The request body.
    pub request_body: &'a [u8],
    /// The response.
    pub response: &'a Response,
}

/// Why recordings could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A recording does not parse.
    #[error("{}: not a recording: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_yaml::Error,
    },
    /// A recording nests deeper than the bound; refused before parsing, which deep nesting
    /// makes slow.
    #[error("{}:{line}: not a recording: nested deeper than {limit} levels", path.display())]
    TooDeep {
        /// The file.
        path: PathBuf,
        /// The line (from 1) where the depth first exceeds the bound.
        line: usize,
        /// The bound.
        limit: usize,
    },
    /// A recording could not be rendered.
    #[error("{}: cannot render: {message}", path.display())]
    Render {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The folder to record into already holds recordings.
    #[error("{}: already holds recordings; record into an empty folder", path.display())]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// The folder holds no recording.
    #[error("{}: no recording (.yaml or .json) here", path.display())]
    Empty {
        /// The folder.
        path: PathBuf,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RecordError + '_ {
    move |source| RecordError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Normalises exchanges and writes them, numbered, into a folder.
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    normalizer: Normalizer,
    count: usize,
}

impl Recorder {
    /// A recorder into `dir` (created; it must hold no recording yet); URLs on any of `bases`
    /// are recorded on `${base}`.
    pub fn create(dir: &Path, bases: Vec<String>) -> Result<Self, RecordError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        if !recording_files(dir)?.is_empty() {
            return Err(RecordError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
        Ok(Recorder {
            dir: dir.to_path_buf(),
            normalizer: Normalizer::new(bases),
            count: 0,
        })
    }

    /// Normalises `exchange` and writes it as the next file; returns its path.
    pub fn write(&mut self, exchange: &Exchange<'_>) -> Result<PathBuf, RecordError> {
        let recording = normalize(&mut self.normalizer, exchange);
        self.count += 1;
        let name = format!(
            "{:03}-{}.yaml",
            self.count,
            exchange.operation.unwrap_or("unmatched").replace('/', "-")
        );
        let path = self.dir.join(name);
        let text = serde_yaml::to_string(&recording).map_err(|e| RecordError::Render {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let text = self.normalizer.scrub(&format!("{HEADER}{text}"));
        std::fs::write(&path, text).map_err(io(&path))?;
        Ok(path)
    }
}

/// The recording of `exchange`, normalised with (and updating) `normalizer`.
pub fn normalize(normalizer: &mut Normalizer, exchange: &Exchange<'_>) -> Recording {
    let mut auth = false;
    let mut headers = BTreeMap::new();
    for (name, value) in exchange.request_headers {
        let lower = name.to_ascii_lowercase();
        if secrets::is_credential_header(&lower) {
            auth |= lower == "authorization";
            normalizer.secrets.add_header_value(value);
            continue;
        }
        if let Some(value) = normalizer.request_header(&lower, value) {
            headers.insert(lower, value);
        }
    }
    let mut query = BTreeMap::new();
    for (name, value) in exchange.query {
        if secrets::is_credential_parameter(name) {
            // Never recorded: a replay sends credentials of its own.
            normalizer.secrets.add(value.clone());
            continue;
        }
        let value = match name.as_str() {
            "cursor" => normalizer
                .name("cursor", value, false)
                .unwrap_or(value.clone()),
            _ => value.clone(),
        };
        query.insert(name.clone(), value);
    }
    let (body, raw_body) = body_of(normalizer, exchange.request_body, false);
    let request = RecordedRequest {
        method: exchange.method.to_string(),
        path: normalizer.text(exchange.path, false),
        query,
        headers,
        auth,
        body,
        raw_body,
    };
    let response = normalize_response(normalizer, exchange.response);
    Recording {
        operation: exchange.operation.map(str::to_string),
        product: exchange.product.map(|p| p.id().to_string()),
        request,
        response,
    }
}

/// A response as recorded (and as a replay compares it).
pub fn normalize_response(normalizer: &mut Normalizer, response: &Response) -> RecordedResponse {
    let mut headers = BTreeMap::new();
    for (name, value) in &response.headers {
        let Ok(text) = value.to_str() else { continue };
        if let Some(value) = normalizer.response_header(name.as_str(), text) {
            headers
                .entry(name.as_str().to_string())
                .and_modify(|v: &mut String| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
        }
    }
    let (body, raw_body) = body_of(normalizer, &response.body, true);
    RecordedResponse {
        status: response.status,
        headers,
        body,
        raw_body,
    }
}

fn body_of(
    normalizer: &mut Normalizer,
    body: &[u8],
    allocate: bool,
) -> (Option<Value>, Option<String>) {
    if body.is_empty() {
        return (None, None);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(json) => (Some(normalizer.json(&json, allocate)), None),
        Err(_) => (
            None,
            Some(normalizer.text(&String::from_utf8_lossy(body), allocate)),
        ),
    }
}

/// A folder of recordings, in file-name order.
#[derive(Debug, Clone)]
pub struct Sequence {
    /// The folder.
    pub dir: PathBuf,
    /// Each file and its recording.
    pub steps: Vec<(PathBuf, Recording)>,
}

fn recording_files(dir: &Path) -> Result<Vec<PathBuf>, RecordError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_file()
            && path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads one recording file (YAML or JSON).
pub fn read_recording(path: &Path) -> Result<Recording, RecordError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    crate::yaml_depth::check(&text, crate::yaml_depth::MAX_DEPTH).map_err(|too_deep| {
        RecordError::TooDeep {
            path: path.to_path_buf(),
            line: too_deep.line,
            limit: too_deep.limit,
        }
    })?;
    serde_yaml::from_str(&text).map_err(|source| RecordError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

/// The sequences under `dir`: the folder itself when it holds recordings, else each sub-folder
/// that does (sorted).
pub fn sequences(dir: &Path) -> Result<Vec<Sequence>, RecordError> {
    let read_sequence = |dir: &Path| -> Result<Sequence, RecordError> {
        let steps = recording_files(dir)?
            .into_iter()
            .map(|path| Ok((path.clone(), read_recording(&path)?)))
            .collect::<Result<_, RecordError>>()?;
        Ok(Sequence {
            dir: dir.to_path_buf(),
            steps,
        })
    };
    if !recording_files(dir)?.is_empty() {
        return Ok(vec![read_sequence(dir)?]);
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    let mut found = Vec::new();
    for sub in subdirs {
        if !recording_files(&sub)?.is_empty() {
            found.push(read_sequence(&sub)?);
        }
    }
    if found.is_empty() {
        return Err(RecordError::Empty {
            path: dir.to_path_buf(),
        });
    }
    Ok(found)
}
