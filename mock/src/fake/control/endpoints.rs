//! The control endpoints over the state: reset, the state document, the request journal and
//! the deliveries; reading their bodies and queries with errors that name the field.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::{MAX_WAIT_MS, Refusal, answer, empty};
use crate::fake::http::{FakeRequest, FakeResponse};
// Of a parameter given twice, the last value, as the API's own parameters are read.
use crate::fake::pagination::query_value as value;
use crate::fake::state::FakeState;
use crate::fake::state_doc::{StateDocument, delivery_record};
use crate::generated::control_models as doc;
use crate::table::{OPERATION_IDS, OperationId};

/// A JSON body read as `T`: 400 when it is not JSON, 422 naming the field when it does not fit,
/// each message starting with `what`.
pub(super) fn read_body<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, Refusal> {
    crate::fake::state_doc::from_json(body).map_err(|(mut error, unfit)| {
        // Where the text broke helps only when it is not JSON; a field that does not fit is
        // named by its path.
        let at = match (unfit, error.line.take(), error.column.take()) {
            (false, Some(line), Some(column)) => format!(" (line {line}, column {column})"),
            _ => String::new(),
        };
        Refusal::new(
            if unfit { 422 } else { 400 },
            format!("{what}: {error}{at}"),
        )
    })
}

/// The query's pairs, refusing any parameter not in `known`.
fn query(request: &FakeRequest, known: &[&str]) -> Result<Vec<(String, String)>, Refusal> {
    let pairs = crate::fake::pagination::query_pairs(request.query.as_deref());
    if let Some((unknown, _)) = pairs.iter().find(|(key, _)| !known.contains(&key.as_str())) {
        return Err(Refusal::new(
            400,
            format!(
                "{}: unknown query parameter {unknown:?}; known: {}",
                request.path,
                known.join(", ")
            ),
        ));
    }
    Ok(pairs)
}

fn number(pairs: &[(String, String)], name: &str) -> Result<Option<u64>, Refusal> {
    value(pairs, name)
        .map(|text| {
            text.parse::<u64>().map_err(|_| {
                Refusal::new(400, format!("{name}: must be a whole number, got {text:?}"))
            })
        })
        .transpose()
}

/// `POST /_hookspec/reset[?org=|repo=|app=]`.
pub(super) fn reset(state: &FakeState, request: &FakeRequest) -> Result<FakeResponse, Refusal> {
    let pairs = query(request, &["org", "repo", "app"])?;
    if pairs.len() > 1 {
        return Err(Refusal::new(
            400,
            "reset: give at most one of org, repo and app",
        ));
    }
    let result = match pairs
        .first()
        .map(|(key, value)| (key.as_str(), value.as_str()))
    {
        None => {
            state.reset();
            Ok(())
        }
        Some(("org", login)) => state.reset_org(login),
        Some(("repo", full_name)) => state.reset_repo(full_name),
        Some(_) => {
            let app_id = number(&pairs, "app")?.unwrap_or_default();
            state.reset_app(app_id)
        }
    };
    match result {
        Ok(()) => Ok(empty(204)),
        Err(error) => Err(Refusal::new(404, format!("reset: {error}"))),
    }
}

/// `PUT /_hookspec/state`.
pub(super) fn put_state(state: &FakeState, request: &FakeRequest) -> Result<FakeResponse, Refusal> {
    let document: StateDocument = read_body("state", &request.body)?;
    state
        .import_state(&document)
        .map_err(|error| Refusal::new(422, format!("state: {error}")))?;
    Ok(empty(204))
}

/// `GET /_hookspec/requests?operation=&status=&org=&repo=`.
pub(super) fn list_requests(
    state: &FakeState,
    request: &FakeRequest,
) -> Result<FakeResponse, Refusal> {
    let pairs = query(request, &["operation", "status", "org", "repo"])?;
    let operation = value(&pairs, "operation")
        .map(|id| {
            id.parse::<OperationId>().map_err(|_| {
                Refusal::new(
                    422,
                    format!(
                        "operation: no operation {id:?}; the operationIds of spec/openapi.yaml are {}",
                        OPERATION_IDS.join(", ")
                    ),
                )
            })
        })
        .transpose()?;
    let status = number(&pairs, "status")?;
    let org = value(&pairs, "org").map(str::to_lowercase);
    let repo = value(&pairs, "repo").map(str::to_lowercase);
    // Matching entries are copied under the lock and shown after it, so that the API does not
    // wait while bodies are parsed.
    let matching: Vec<crate::fake::state::JournalRecord> = state
        .lock()
        .journal
        .iter()
        .filter(|entry| operation.is_none() || entry.operation == operation)
        .filter(|entry| status.is_none_or(|status| u64::from(entry.status) == status))
        .filter(|entry| {
            org.as_deref()
                .is_none_or(|org| entry.org().map(str::to_lowercase).as_deref() == Some(org))
        })
        .filter(|entry| {
            repo.as_deref()
                .is_none_or(|repo| entry.repo().map(str::to_lowercase).as_deref() == Some(repo))
        })
        .cloned()
        .collect();
    let entries: Vec<doc::JournalEntry> = matching
        .into_iter()
        .map(|entry| {
            let recorded = entry.request();
            doc::JournalEntry {
                operation: entry.operation.map(|op| op.as_str().to_owned()),
                headers: journal_headers(&recorded.headers),
                body: recorded.json(),
                method: recorded.method,
                path: recorded.path,
                query: recorded.query,
                status: i64::from(recorded.status),
                reason: recorded.reason,
                org: entry.org().map(str::to_owned),
                repo: entry.repo().map(str::to_owned),
            }
        })
        .collect();
    Ok(answer(200, &entries))
}

/// The headers as a journal shows them: names in lower case, repeated ones joined with `, `,
/// and of `Authorization` only the scheme (the token stays out of any output).
fn journal_headers(headers: &[(String, String)]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let value = if name == "authorization" {
            let scheme = value.split_whitespace().next().unwrap_or_default();
            format!("{scheme} ********")
        } else {
            value.clone()
        };
        out.entry(name)
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// `GET /_hookspec/deliveries?wait_ms=&hook_id=&event=`: the server has already waited (see
/// [`super::wait_before`]); this reads the wait only to refuse a bad one.
pub(super) fn list_deliveries(
    state: &FakeState,
    request: &FakeRequest,
) -> Result<FakeResponse, Refusal> {
    let pairs = query(request, &["wait_ms", "hook_id", "event"])?;
    if let Some(wait) = number(&pairs, "wait_ms")?
        && wait > MAX_WAIT_MS
    {
        return Err(Refusal::new(
            422,
            format!("wait_ms: must be at most {MAX_WAIT_MS}, got {wait}"),
        ));
    }
    let hook_id = number(&pairs, "hook_id")?;
    let event = value(&pairs, "event");
    let pending = state.pending_deliveries();
    // Matching records are copied under the lock (their payloads are shared, not copied) and
    // converted after it, so that the API does not wait while payloads are read.
    let mut found: Vec<crate::fake::model::Delivery> = state
        .lock()
        .deliveries
        .iter()
        .filter(|(id, _)| hook_id.is_none_or(|wanted| **id == wanted))
        .flat_map(|(_, list)| list)
        .filter(|delivery| event.is_none_or(|event| delivery.event == event))
        .cloned()
        .collect();
    found.sort_by_key(|delivery| delivery.id);
    let deliveries: Vec<doc::StateDelivery> = found.into_iter().map(delivery_record).collect();
    let answer_body = doc::DeliveriesAnswer {
        pending: i64::try_from(pending).unwrap_or(i64::MAX),
        deliveries,
    };
    Ok(answer(200, &answer_body))
}
