//! `/_hookspec/faults`: the faults in force, adding one from its JSON form, onto [`Fault`].

use std::time::Duration;

use super::{Refusal, answer};
use crate::fake::faults::{Fault, FaultKind};
use crate::fake::http::{FakeRequest, FakeResponse};
use crate::fake::state::FakeState;
use crate::generated::control_models as doc;
use crate::table::{OPERATION_IDS, OperationId};

/// The longest delay a fault may ask for, as for waits.
const MAX_DELAY_MS: i64 = super::MAX_WAIT_MS as i64;

/// Every fault in force, by operation.
pub(super) fn list(state: &FakeState) -> Vec<doc::Fault> {
    state
        .lock()
        .faults
        .iter()
        .map(|(operation, active)| view(*operation, &active.fault))
        .collect()
}

fn view(operation: OperationId, fault: &Fault) -> doc::Fault {
    let delay_ms = fault
        .delay
        .map(|delay| i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
    let (kind, status, retry_after_s) = match &fault.kind {
        FaultKind::Status(status) => (doc::FaultKind::Status, Some(i64::from(*status)), None),
        FaultKind::Delay => (doc::FaultKind::Delay, None, None),
        FaultKind::RateLimit {
            status,
            retry_after,
        } => (
            doc::FaultKind::RateLimit,
            Some(i64::from(*status)),
            Some(i64::try_from(retry_after.as_secs()).unwrap_or(i64::MAX)),
        ),
    };
    doc::Fault {
        operation: operation.as_str().to_owned(),
        kind,
        status,
        delay_ms,
        retry_after_s,
        times: fault.remaining.map(i64::from),
    }
}

fn refused(message: String) -> Refusal {
    Refusal::new(422, format!("faults: {message}"))
}

/// `POST /_hookspec/faults`: 201 with the fault as stored.
pub(super) fn add(state: &FakeState, request: &FakeRequest) -> Result<FakeResponse, Refusal> {
    let asked: doc::FaultRequest = super::endpoints::read_body("faults", &request.body)?;
    let operation: OperationId = asked.operation.parse().map_err(|_| {
        refused(format!(
            "\"operation\": no operation {:?}; the operationIds of spec/openapi.yaml are {}",
            asked.operation,
            OPERATION_IDS.join(", ")
        ))
    })?;
    let status = match asked.status {
        Some(status) if !(100..=599).contains(&status) => {
            return Err(refused(format!(
                "\"status\" must be between 100 and 599, got {status}"
            )));
        }
        Some(status) => Some(u16::try_from(status).unwrap_or(500)),
        None => None,
    };
    let delay = match asked.delay_ms {
        Some(ms) if !(0..=MAX_DELAY_MS).contains(&ms) => {
            return Err(refused(format!(
                "\"delay_ms\" must be between 0 and {MAX_DELAY_MS}, got {ms}"
            )));
        }
        Some(ms) => Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
        None => None,
    };
    let rate_limit = asked.rate_limit.unwrap_or(false);
    let mut fault = match (status, delay, rate_limit) {
        (status, _, true) => {
            let status = status.unwrap_or(403);
            if status != 403 && status != 429 {
                return Err(refused(format!(
                    "\"status\" of a rate limit must be 403 or 429, got {status}"
                )));
            }
            let seconds = asked.retry_after_s.unwrap_or(60);
            if !(0..=86_400).contains(&seconds) {
                return Err(refused(format!(
                    "\"retry_after_s\" must be between 0 and 86400, got {seconds}"
                )));
            }
            Fault::rate_limit(
                status,
                Duration::from_secs(u64::try_from(seconds).unwrap_or(60)),
            )
        }
        (Some(status), _, false) => Fault::status(status),
        (None, Some(delay), false) => Fault::delay(delay),
        (None, None, false) => {
            return Err(refused(
                "give one of \"status\", \"delay_ms\" or \"rate_limit\": true".to_owned(),
            ));
        }
    };
    if let (Some(delay), false) = (delay, matches!(fault.kind, FaultKind::Delay)) {
        fault = fault.with_delay(delay);
    }
    if let Some(times) = asked.times {
        let count = u32::try_from(times)
            .ok()
            .filter(|&count| count >= 1)
            .ok_or_else(|| refused(format!("\"times\" must be 1 or more, got {times}")))?;
        fault = fault.times(count);
    }
    let stored = view(operation, &fault);
    state
        .inject_fault(operation, fault)
        .map_err(|error| refused(error.to_string()))?;
    Ok(answer(201, &stored))
}
