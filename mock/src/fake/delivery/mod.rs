//! The delivery engine: what the fake sends when GitHub would send a webhook (a `ping` when a
//! hook is created or pinged, a redelivery, any event emitted by a test), signed over the exact
//! bytes sent ([`sign`]), and how it is sent in the background and recorded as the receiver
//! really answered ([`send`]).

mod address;
mod connection;
mod lanes;
pub(crate) mod pending;
pub(crate) mod ping;
pub(crate) mod send;
pub(crate) mod sign;

pub use lanes::MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER;
pub use send::MAX_DELIVERIES_IN_FLIGHT;

use std::fmt::Write;
use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use super::DeliveryHeaders;
use super::delivery_headers::HeadersWriter;
use super::model::{Delivery, DeliverySeed, Hook, HookKind};
use super::payload::Payload;
use crate::headers::{
    DELIVERY_ACCEPT, DELIVERY_CONTENT_TYPE, DELIVERY_USER_AGENT, X_GITHUB_DELIVERY,
    X_GITHUB_ENTERPRISE_HOST, X_GITHUB_ENTERPRISE_VERSION, X_GITHUB_EVENT, X_GITHUB_HOOK_ID,
    X_GITHUB_HOOK_INSTALLATION_TARGET_ID, X_GITHUB_HOOK_INSTALLATION_TARGET_TYPE, X_HUB_SIGNATURE,
    X_HUB_SIGNATURE_256,
};

/// Where a hook belongs, for the installation-target headers and payloads: its kind, and for
/// organization and repository hooks the owner (the organization's login or the repository's
/// `owner/name`) and its id.
pub(crate) struct Target<'a> {
    pub kind: HookKind,
    pub owner: Option<&'a str>,
    pub owner_id: Option<u64>,
}

/// The `User-Agent` of every delivery: `GitHub-Hookshot/<hex>`, as GitHub's is.
const USER_AGENT: &str = "GitHub-Hookshot/h00k5pec";

/// What a ping's payload adds around the hook's JSON (`zen`, `organization`, `sender`), as
/// [`Outgoing::size`] counts it: about what the payload writer reserves for it.
const PING_AROUND_HOOK: usize = 2048;

/// One attempt to deliver, fully built: where it goes, the bytes and headers sent, and what
/// its record will say apart from the receiver's answer.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub id: u64,
    pub hook_id: u64,
    pub guid: String,
    pub event: String,
    pub action: Option<String>,
    pub installation_id: Option<u64>,
    pub repository_id: Option<u64>,
    pub redelivery: bool,
    pub url: String,
    pub insecure_ssl: bool,
    pub request_headers: DeliveryHeaders,
    /// The bytes POSTed, shared with the request that sends them (empty until
    /// [`Outgoing::finish`]).
    pub body: bytes::Bytes,
    pub payload: Payload,
    pub timeout: Duration,
    /// What is left to do before the bytes can go. It is the delivery thread's work, done
    /// in [`Outgoing::finish`], so that the API call (which holds the state lock the
    /// delivery thread needs for every record) only queues the delivery.
    unfinished: Option<Unfinished>,
}

/// The parts of a delivery built on the delivery thread.
#[derive(Debug, Clone)]
struct Unfinished {
    /// A ping's payload, still to be written.
    ping: Option<ping::PingSource>,
    /// Where the hook belongs, for the `X-GitHub-Hook-Installation-Target-*` headers.
    kind: HookKind,
    owner_id: Option<u64>,
    /// Whether the hook's `content_type` is `form` (else JSON).
    form: bool,
    /// Whether the body carries [`sign::TRAP_MEMBER`].
    trap: bool,
    secret: Option<Secret>,
    /// On GitHub Enterprise Server: its version and host, for the `X-GitHub-Enterprise-*`
    /// headers.
    enterprise: Option<(&'static str, String)>,
}

impl Outgoing {
    /// `event` with `payload` through `hook` as it is configured now; with `trap`, the body
    /// carries [`sign::TRAP_MEMBER`]. What the record lists about the payload is the caller's
    /// to [`describe`](Outgoing::describe); its id, the state's to give when it queues it.
    pub(crate) fn new(
        hook: &Hook,
        target: &Target<'_>,
        guid: String,
        event: &str,
        payload: Payload,
        timeout: Duration,
        trap: bool,
    ) -> Outgoing {
        Outgoing {
            id: 0,
            hook_id: hook.id,
            guid,
            event: event.to_owned(),
            action: None,
            installation_id: None,
            repository_id: None,
            redelivery: false,
            url: hook.config.url.clone(),
            insecure_ssl: hook.config.insecure_ssl.trim() == "1",
            // Built with the body, on the delivery thread (`finish`).
            request_headers: DeliveryHeaders::default(),
            body: bytes::Bytes::new(),
            payload,
            timeout,
            unfinished: Some(Unfinished {
                ping: None,
                kind: target.kind,
                owner_id: target.owner_id,
                form: hook.config.content_type == "form",
                trap,
                secret: hook.config.secret.clone().map(Secret),
                enterprise: None,
            }),
        }
    }

    /// Takes what the record lists about the payload from its value: the action, the
    /// installation and the repository.
    pub(crate) fn describe(&mut self, value: &Value) {
        self.action = value
            .get("action")
            .and_then(Value::as_str)
            .map(str::to_owned);
        self.installation_id = value.pointer("/installation/id").and_then(Value::as_u64);
        self.repository_id = value.pointer("/repository/id").and_then(Value::as_u64);
    }

    /// A `ping` through `hook`, its payload (`hook_json`, the hook as the API shows it,
    /// and its organization) written later by [`Outgoing::finish`].
    pub(crate) fn ping(
        hook: &Hook,
        target: &Target<'_>,
        hook_json: ping::HookJson,
        timeout: Duration,
        trap: bool,
    ) -> Outgoing {
        let mut outgoing = Outgoing::new(
            hook,
            target,
            new_guid(),
            "ping",
            // Written by `finish`; a shared empty payload until then (no allocation).
            Payload::empty(),
            timeout,
            trap,
        );
        // A repository hook's ping carries its `repository`, which the record's
        // `repository_id` names, as it does for every payload with one (the payload is only
        // written later, so it is taken from the target here).
        if target.kind == HookKind::Repository {
            outgoing.repository_id = target.owner_id;
        }
        if let Some(unfinished) = &mut outgoing.unfinished {
            unfinished.ping = Some(ping::PingSource {
                hook_id: hook.id,
                hook_json,
                owner: target
                    .owner
                    .zip(target.owner_id)
                    .map(|(name, id)| (target.kind, name.to_owned(), id)),
            });
        }
        outgoing
    }

    /// Marks a delivery made on GitHub Enterprise Server `version` at `host`: it carries
    /// `X-GitHub-Enterprise-Version` and `X-GitHub-Enterprise-Host`.
    pub(crate) fn mark_enterprise(&mut self, version: &'static str, host: String) {
        if let Some(unfinished) = &mut self.unfinished {
            unfinished.enterprise = Some((version, host));
        }
    }

    /// The payload bytes this delivery holds of the pending bound while it waits: its
    /// payload's text, or for a ping not yet written, the hook's JSON the payload is written
    /// around and [`PING_AROUND_HOOK`] for the rest. It is known before the body is built, so
    /// it does not count the body's encoding (a form body is the text URL-encoded).
    pub(crate) fn size(&self) -> usize {
        let ping = self
            .unfinished
            .as_ref()
            .and_then(|unfinished| unfinished.ping.as_ref())
            .map_or(0, |ping| ping.hook_json.bytes().len() + PING_AROUND_HOOK);
        self.payload.text().len() + ping
    }

    /// Builds what is left (once): a ping's payload, the body for the hook's content type
    /// (with the trap member if asked), its `Content-Type`, and `X-Hub-Signature` and
    /// `X-Hub-Signature-256` when the hook has a secret.
    pub(crate) fn finish(&mut self) {
        let Some(unfinished) = self.unfinished.take() else {
            return;
        };
        let Unfinished {
            ping,
            kind,
            owner_id,
            form,
            trap,
            secret,
            enterprise,
        } = unfinished;
        if let Some(ping) = ping {
            self.payload = ping.payload();
        }
        let (body, media_type, trapped) = sign::wire_body(form, &self.payload, trap);
        // The record shows the payload as sent, trap included.
        if let Some(trapped) = trapped {
            self.payload = trapped;
        }
        let mut headers = HeadersWriter::with_capacity(12, 256);
        let enterprise = enterprise
            .as_ref()
            .map(|(version, host)| (*version, host.as_str()));
        hookshot_headers(
            &mut headers,
            (&self.guid, &self.event, self.hook_id),
            media_type,
            enterprise,
        );
        let target_type = match kind {
            HookKind::Organization => "organization",
            HookKind::Repository => "repository",
            HookKind::Global => "global",
            HookKind::App => "integration",
        };
        if let (HookKind::Organization | HookKind::Repository | HookKind::App, Some(owner_id)) =
            (kind, owner_id)
        {
            headers.write(X_GITHUB_HOOK_INSTALLATION_TARGET_ID.name, |out| {
                let _ = write!(out, "{owner_id}");
            });
        }
        headers.fixed(X_GITHUB_HOOK_INSTALLATION_TARGET_TYPE.name, target_type);
        if let Some(Secret(secret)) = secret {
            sign::with_hmacs(&secret, &body, |sha1, sha256| {
                headers.write(X_HUB_SIGNATURE.name, |out| {
                    sign::write_hex(out, "sha1=", sha1);
                });
                headers.write(X_HUB_SIGNATURE_256.name, |out| {
                    sign::write_hex(out, "sha256=", sha256);
                });
            });
        }
        self.request_headers = headers.finish();
        self.body = body;
    }

    /// The record of this attempt with the receiver's answer.
    pub(crate) fn record(
        mut self,
        outcome: send::Outcome,
        delivered_at: OffsetDateTime,
    ) -> Delivery {
        // The record shows the body and headers as sent, or as they would have been.
        self.finish();
        Delivery {
            id: self.id,
            hook_id: self.hook_id,
            guid: self.guid,
            delivered_at,
            redelivery: self.redelivery,
            duration: outcome.duration.as_secs_f64(),
            status: outcome.status,
            status_code: outcome.status_code,
            event: self.event,
            action: self.action,
            installation_id: self.installation_id,
            repository_id: self.repository_id,
            throttled_at: None,
            url: self.url,
            request_headers: self.request_headers,
            request_payload: self.payload,
            response_headers: outcome.headers,
            response_payload: outcome.body,
        }
    }
}

/// A hook's secret on its way to the delivery thread; its `Debug` never shows it.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A new `X-GitHub-Delivery` GUID.
pub(crate) fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// How GitHub words a delivery's outcome from the receiver's status code.
pub(crate) fn status_text(status_code: u16) -> String {
    if (200..300).contains(&status_code) {
        "OK".to_owned()
    } else {
        format!("Invalid HTTP Response: {status_code}")
    }
}

/// A seeded delivery, delivered now (nothing is sent).
pub(crate) fn from_seed(id: u64, hook_id: u64, url: String, seed: DeliverySeed) -> Delivery {
    let guid = new_guid();
    let mut request_headers = HeadersWriter::with_capacity(8, 128);
    hookshot_headers(
        &mut request_headers,
        (&guid, &seed.event, hook_id),
        "application/json",
        None,
    );
    let request_headers = request_headers.finish();
    Delivery {
        id,
        hook_id,
        guid,
        delivered_at: OffsetDateTime::now_utc(),
        redelivery: seed.redelivery,
        duration: 0.27,
        status: status_text(seed.status_code),
        status_code: seed.status_code,
        event: seed.event,
        action: seed.action,
        installation_id: seed.installation_id,
        repository_id: seed.repository_id,
        throttled_at: None,
        url,
        request_headers,
        request_payload: Payload::from_value(seed.payload),
        response_headers: DeliveryHeaders::default(),
        response_payload: String::new(),
    }
}

/// The headers every delivery request carries, whatever the hook: `Accept`, its body's
/// `media_type`, `User-Agent`, the delivery's GUID, event and hook id, and on GitHub Enterprise
/// Server its version and host. Written in order by name, as the record keeps them; those a
/// hook adds sort after these.
fn hookshot_headers(
    headers: &mut HeadersWriter,
    (guid, event, hook_id): (&str, &str, u64),
    media_type: &'static str,
    enterprise: Option<(&'static str, &str)>,
) {
    headers.fixed(DELIVERY_ACCEPT.name, "*/*");
    headers.fixed(DELIVERY_CONTENT_TYPE.name, media_type);
    headers.fixed(DELIVERY_USER_AGENT.name, USER_AGENT);
    headers.text(X_GITHUB_DELIVERY.name, guid);
    if let Some((version, host)) = enterprise {
        headers.text(X_GITHUB_ENTERPRISE_HOST.name, host);
        headers.fixed(X_GITHUB_ENTERPRISE_VERSION.name, version);
    }
    headers.text(X_GITHUB_EVENT.name, event);
    headers.write(X_GITHUB_HOOK_ID.name, |out| {
        let _ = write!(out, "{hook_id}");
    });
}
