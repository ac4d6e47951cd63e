//! One checked exchange: which operation on which product, the request line, what came back and
//! what the checks found. The coverage matrix counts these; the HTML report shows them.

use std::time::Duration;

use hookspec_mock::Product;
use hookspec_mock::table::Operation;

use crate::error::{Problem, RequestLine};
use crate::secrets::{self, Secrets};
use crate::target::http::{HttpFailure, Request, Response};

/// How many bytes of a request or response body a report keeps.
pub const REPORT_BODY_LIMIT: usize = 4096;

/// Response headers a report leaves out (they can carry credentials).
const HIDDEN_RESPONSE_HEADERS: &[&str] = &["set-cookie", "authorization", "proxy-authorization"];

/// One request and its response, as checked. Request headers are never kept: they carry the
/// token and the `--header` values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The spec operationId, or `None` when the request matched no operation.
    pub operation: Option<String>,
    /// The product the request addressed.
    pub product: Product,
    /// `METHOD URL`.
    pub request: RequestLine,
    /// The start of the request body, as text.
    pub request_body: Option<String>,
    /// The response status, or `None` when no response arrived.
    pub status: Option<u16>,
    /// The response headers (but those that can carry credentials), in the order received.
    pub response_headers: Vec<(String, String)>,
    /// The start of the response body as text, or why there is none.
    pub response_body: Option<String>,
    /// What the checks found; empty when the exchange conformed.
    pub problems: Vec<Problem>,
    /// Time from sending to the last byte.
    pub waited: Duration,
}

impl Exchange {
    /// The exchange of `request` for `operation` on `product`, with what came back (a response,
    /// or why none) and the problems the checks found.
    pub fn of(
        operation: &Operation,
        product: Product,
        request: &Request,
        outcome: Result<&Response, &HttpFailure>,
        problems: &[Problem],
    ) -> Self {
        let mut exchange = Exchange {
            operation: Some(operation.id.to_string()),
            product,
            request: request.line(),
            request_body: request.body.as_deref().map(request_body_text),
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            problems: problems.to_vec(),
            waited: Duration::ZERO,
        };
        match outcome {
            Ok(response) => {
                exchange.status = Some(response.status);
                exchange.waited = response.waited;
                exchange.response_headers = response
                    .headers
                    .iter()
                    .filter(|(name, _)| !HIDDEN_RESPONSE_HEADERS.contains(&name.as_str()))
                    .map(|(name, value)| {
                        (
                            name.to_string(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                exchange.response_body =
                    (!response.body.is_empty()).then(|| body_text(&response.body));
            }
            Err(failure) => {
                exchange.status = failure.status();
                exchange.response_body = Some(match failure.body_start() {
                    Some(start) => format!("({failure}) {}", body_text(start)),
                    None => format!("({failure})"),
                });
            }
        }
        exchange
    }

    /// The exchange with every secret `secrets` knows masked (a server's echo of one).
    pub(crate) fn mask(&mut self, secrets: &Secrets) {
        self.request.url = secrets.mask(&self.request.url);
        for text in [&mut self.request_body, &mut self.response_body]
            .into_iter()
            .flatten()
        {
            *text = secrets.mask(text);
        }
        for (_, value) in &mut self.response_headers {
            *value = secrets.mask(value);
        }
        secrets.mask_problems(&mut self.problems);
    }

    /// Whether the checks found nothing wrong.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A request body as text, its secret fields masked (a hook's `config.secret`).
fn request_body_text(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => {
            let masked = secrets::mask_fields(&json, secrets::MASK, &mut |_| {});
            body_text(&serde_json::to_vec(&masked).unwrap_or_default())
        }
        Err(_) => body_text(body),
    }
}

/// A body as text: lossy UTF-8, pretty-printed when it is JSON, cut at [`REPORT_BODY_LIMIT`].
fn body_text(body: &[u8]) -> String {
    let pretty = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|json| serde_json::to_string_pretty(&json).ok());
    let text = pretty.unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    if text.len() <= REPORT_BODY_LIMIT {
        return text;
    }
    let mut cut = REPORT_BODY_LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}\n… ({} bytes in all)", &text[..cut], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary() {
        let body = "é".repeat(REPORT_BODY_LIMIT);
        let text = body_text(body.as_bytes());
        assert!(text.ends_with(&format!("({} bytes in all)", body.len())));
        assert!(text.len() < REPORT_BODY_LIMIT + 40);
    }

    #[test]
    fn json_bodies_are_pretty_printed() {
        assert_eq!(body_text(br#"{"a":1}"#), "{\n  \"a\": 1\n}");
    }
}
