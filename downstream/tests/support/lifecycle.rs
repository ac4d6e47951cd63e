//! A full organization-webhook lifecycle driven with plain reqwest, as any client of GitHub
//! would drive it, with a real receiver behind the hook: create (the receiver gets the
//! creation ping), list, get, update, config get/update, ping, list deliveries, get a delivery,
//! redeliver, delete, then 404. Shared by the downstream tests and the mock crate's binary test
//! (which includes this file by path), so the in-process fake and the standalone server are
//! held to the same walk.

use std::time::Duration;

use hookspec_mock::Receiver;
use serde_json::{Value, json};

/// How long a delivery may take to show up in the deliveries API.
const DELIVERY_WAIT: Duration = Duration::from_secs(10);

/// Polls `{hook}/deliveries` until it lists `count` deliveries (newest first), as a client
/// of GitHub would; panics after [`DELIVERY_WAIT`].
async fn deliveries_once(client: &reqwest::Client, hook: &str, token: &str, count: usize) -> Value {
    let deadline = std::time::Instant::now() + DELIVERY_WAIT;
    loop {
        let listed = call(
            client,
            reqwest::Method::GET,
            &format!("{hook}/deliveries"),
            token,
            None,
        )
        .await;
        assert_eq!(listed.status, 200, "list deliveries: {}", listed.body);
        let got = listed.body.as_array().map_or(0, Vec::len);
        if got >= count {
            return listed.body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "list deliveries: {got} of {count} after {DELIVERY_WAIT:?}: {}",
            listed.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What one call answered.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: Value,
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let mut request = client
        .request(method, url)
        .header("Authorization", format!("Bearer {token}"))
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("{url}: {error}"));
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.unwrap_or_default();
    Answer {
        status,
        location,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// Walks the lifecycle against `api_base` (`http://host:port` or `http://host:port/api/v3`)
/// for organization `org`, panicking at the first step that does not answer as GitHub would.
pub async fn org_webhook_lifecycle(api_base: &str, org: &str, token: &str) {
    use reqwest::Method;
    let client = reqwest::Client::new();
    let hooks = format!("{api_base}/orgs/{org}/hooks");
    let receiver = Receiver::start()
        .await
        .unwrap_or_else(|error| panic!("receiver: {error}"));
    receiver.set_secret("s3cret");
    let receiver_url = receiver.url();

    let created = call(
        &client,
        Method::POST,
        &hooks,
        token,
        Some(json!({
            "name": "web",
            "active": true,
            "events": ["push", "pull_request"],
            "config": { "url": receiver_url, "content_type": "json", "secret": "s3cret" }
        })),
    )
    .await;
    assert_eq!(created.status, 201, "create: {}", created.body);
    let id = created.body["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("create: no id in {}", created.body));
    let hook = format!("{hooks}/{id}");
    assert_eq!(
        created.location.as_deref(),
        Some(hook.as_str()),
        "create: Location"
    );
    assert_eq!(created.body["url"], hook);
    assert_eq!(created.body["config"]["secret"], "********");
    let pinged = receiver.wait_for(1, DELIVERY_WAIT).await;
    assert_eq!(pinged.len(), 1, "create: GitHub pings every new hook");
    assert_eq!(pinged[0].event(), Some("ping"));
    assert_eq!(
        pinged[0].signature_256_valid,
        Some(true),
        "create: ping signed"
    );
    assert_eq!(
        pinged[0].payload().map(|p| p["hook_id"].clone()),
        Some(json!(id))
    );

    let listed = call(&client, Method::GET, &hooks, token, None).await;
    assert_eq!(listed.status, 200, "list");
    assert!(
        listed
            .body
            .as_array()
            .is_some_and(|hooks| hooks.iter().any(|h| h["id"] == id)),
        "list: {}",
        listed.body
    );

    let got = call(&client, Method::GET, &hook, token, None).await;
    assert_eq!((got.status, &got.body), (200, &created.body), "get");

    let updated = call(
        &client,
        Method::PATCH,
        &hook,
        token,
        Some(json!({ "events": ["pull_request"], "active": false })),
    )
    .await;
    assert_eq!(updated.status, 200, "update");
    assert_eq!(updated.body["events"], json!(["pull_request"]));
    assert_eq!(updated.body["active"], false);
    assert_eq!(
        updated.body["config"]["url"], receiver_url,
        "update keeps the config"
    );
    assert!(
        updated.body["config"].get("secret").is_none(),
        "update without a secret removes it"
    );

    let config = call(&client, Method::GET, &format!("{hook}/config"), token, None).await;
    assert_eq!(config.status, 200, "config get");
    assert_eq!(config.body["content_type"], "json");

    let config = call(
        &client,
        Method::PATCH,
        &format!("{hook}/config"),
        token,
        Some(json!({ "secret": "n3w", "insecure_ssl": "1" })),
    )
    .await;
    assert_eq!(config.status, 200, "config update");
    assert_eq!(
        config.body,
        json!({ "content_type": "json", "insecure_ssl": "1", "secret": "********", "url": receiver_url })
    );

    // Only active hooks deliver: switch it back on (a config without a secret would remove it).
    let reactivated = call(
        &client,
        Method::PATCH,
        &hook,
        token,
        Some(json!({ "active": true, "config": { "url": receiver_url, "content_type": "json", "secret": "n3w" } })),
    )
    .await;
    assert_eq!(reactivated.status, 200, "update: active again");
    receiver.set_secret("n3w");

    let ping = call(&client, Method::POST, &format!("{hook}/pings"), token, None).await;
    assert_eq!(ping.status, 204, "ping");

    let deliveries = deliveries_once(&client, &hook, token, 2).await;
    let first = deliveries[0].clone();
    assert_eq!(first["event"], "ping", "list deliveries: {deliveries}");
    assert_eq!(
        (first["status"].clone(), first["status_code"].clone()),
        (json!("OK"), json!(200)),
        "list deliveries: the receiver's real answer: {deliveries}"
    );
    let received = receiver.received();
    assert_eq!(received.len(), 2, "ping: the receiver got it");
    assert_eq!(
        received[1].signature_256_valid,
        Some(true),
        "ping: signed with the new secret"
    );
    let delivery_id = first["id"].as_u64().unwrap_or_default();

    let delivery = call(
        &client,
        Method::GET,
        &format!("{hook}/deliveries/{delivery_id}"),
        token,
        None,
    )
    .await;
    assert_eq!(delivery.status, 200, "get delivery");
    assert_eq!(
        delivery.body["request"]["headers"]["X-GitHub-Event"],
        "ping"
    );
    let signature = delivery.body["request"]["headers"]["X-Hub-Signature-256"]
        .as_str()
        .unwrap_or_default();
    assert!(
        signature.starts_with("sha256="),
        "get delivery: signed with the secret: {}",
        delivery.body
    );

    let redelivered = call(
        &client,
        Method::POST,
        &format!("{hook}/deliveries/{delivery_id}/attempts"),
        token,
        None,
    )
    .await;
    assert_eq!(redelivered.status, 202, "redeliver");

    let deliveries = deliveries_once(&client, &hook, token, 3).await;
    assert_eq!(
        deliveries.as_array().map(Vec::len),
        Some(3),
        "redeliver records a delivery"
    );
    assert_eq!(deliveries[0]["redelivery"], true);
    assert_eq!(deliveries[0]["guid"], first["guid"]);
    let received = receiver.wait_for(3, DELIVERY_WAIT).await;
    assert_eq!(
        received.get(2).and_then(|d| d.guid()),
        first["guid"].as_str(),
        "redeliver: the receiver got the same GUID again"
    );

    let deleted = call(&client, Method::DELETE, &hook, token, None).await;
    assert_eq!(deleted.status, 204, "delete");

    let gone = call(&client, Method::GET, &hook, token, None).await;
    assert_eq!(gone.status, 404, "get after delete");
    assert_eq!(gone.body["message"], "Not Found");
}
