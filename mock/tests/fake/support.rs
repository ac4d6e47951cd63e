//! Helpers shared by the test modules: a small reqwest client that returns status, headers
//! and JSON body together.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// One answer: status, headers and the body as JSON (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The URL of `rel` in the `Link` header.
    pub fn link(&self, rel: &str) -> Option<String> {
        link_of(&self.header("link")?, rel)
    }
}

/// The URL a `Link` header value gives for `rel`.
pub fn link_of(link: &str, rel: &str) -> Option<String> {
    link.split(", ").find_map(|part| {
        let (url, rest) = part.split_once(">; rel=\"")?;
        (rest.trim_end_matches('"') == rel).then(|| url.trim_start_matches('<').to_owned())
    })
}

/// A client for one base URL and token.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Api {
    /// A client sending `Authorization: Bearer test-token`.
    pub fn new(base: &str) -> Self {
        Api {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            token: Some("test-token".to_owned()),
        }
    }

    /// The same client with another token (or none).
    pub fn token(&self, token: Option<&str>) -> Self {
        Api {
            token: token.map(str::to_owned),
            ..self.clone()
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Sends a request with optional raw body and extra headers.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => panic!("request to {path} failed: {error}"),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.raw("GET", path, None, &[]).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.raw("DELETE", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.raw(
            "POST",
            path,
            Some(body.to_string().into_bytes()),
            &[("content-type", "application/json")],
        )
        .await
    }

    /// A POST with no body and no `Content-Type`, as clients send pings and redeliveries.
    pub async fn post_empty(&self, path: &str) -> Answer {
        self.raw("POST", path, None, &[]).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.raw(
            "PATCH",
            path,
            Some(body.to_string().into_bytes()),
            &[("content-type", "application/json")],
        )
        .await
    }

    /// Creates an organization hook delivering to `url` and returns its id.
    pub async fn create_hook(&self, org: &str, url: &str) -> u64 {
        let answer = self
            .post(
                &format!("/orgs/{org}/hooks"),
                json!({ "name": "web", "config": { "url": url } }),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.body["id"].as_u64().unwrap_or_default()
    }
}

/// A create body for `url`.
pub fn hook_body(url: &str) -> Value {
    json!({ "name": "web", "config": { "url": url } })
}

/// How long a test waits for deliveries before it fails.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Waits until every delivery `fake` sent is recorded.
pub async fn settle(fake: &hookspec_mock::FakeGitHub) {
    fake.state().wait_for_deliveries(WAIT).await.unwrap();
}
