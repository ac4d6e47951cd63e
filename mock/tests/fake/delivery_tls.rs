//! Deliveries over HTTPS: to a receiver with a self-signed certificate
//! (`tls/cert.pem`, made with `openssl req -x509 -newkey ec -pkeyopt
//! ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj "/CN=hookspec test receiver"
//! -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"`), which a hook reaches only with
//! `insecure_ssl: "1"`, as on GitHub.

use std::sync::{Arc, Mutex};

use hookspec_mock::FakeGitHub;
use http_body_util::Full;
use hyper::body::Bytes;
use pretty_assertions::assert_eq;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;

use crate::support::Api;
use crate::support::settle;

/// A TLS receiver on a loopback port answering 200 to every request, noting each request's
/// `X-GitHub-Event`; stops with the test's runtime.
async fn tls_receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let cert = CertificateDer::from_pem_slice(include_bytes!("tls/cert.pem")).unwrap();
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("tls/key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/hook", listener.local_addr().unwrap());
    let events: Arc<Mutex<Vec<String>>> = Arc::default();
    let noted = events.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, noted) = (acceptor.clone(), noted.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to serve.
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                    let event = request
                        .headers()
                        .get("x-github-event")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    noted.lock().unwrap().push(event);
                    async {
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                            Bytes::from_static(b"ok"),
                        )))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (url, events)
}

/// A hook on `url` with `insecure_ssl` as given; its id.
async fn hook(api: &Api, url: &str, insecure_ssl: &str) -> u64 {
    let created = api
        .post(
            "/orgs/octocat/hooks",
            json!({ "name": "web", "config": { "url": url, "insecure_ssl": insecure_ssl } }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_u64().unwrap()
}

fn outcome(fake: &FakeGitHub, hook: u64) -> Vec<(String, u16)> {
    fake.state()
        .deliveries(hook)
        .into_iter()
        .map(|d| (d.status, d.status_code))
        .collect()
}

#[tokio::test]
async fn a_self_signed_receiver_gets_deliveries_only_from_hooks_that_skip_verification() {
    let fake = FakeGitHub::start().await;
    let api = Api::new(&fake.uri());
    let (url, events) = tls_receiver().await;

    // insecure_ssl "1": delivered over TLS, certificate unchecked.
    let insecure = hook(&api, &url, "1").await;
    settle(&fake).await;
    assert_eq!(outcome(&fake, insecure), [("OK".to_owned(), 200)]);
    assert_eq!(*events.lock().unwrap(), ["ping"]);

    // insecure_ssl "0" to the same receiver (another path: GitHub refuses a second hook on
    // one URL): the certificate is checked and refused, in the words of GitHub's
    // troubleshooting docs, even though an unchecked connection to it was just made and kept.
    let verified = hook(&api, &format!("{url}/verified"), "0").await;
    settle(&fake).await;
    assert_eq!(
        outcome(&fake, verified),
        [(
            "Peer certificate cannot be authenticated with given CA certificates".to_owned(),
            502
        )]
    );
    assert_eq!(events.lock().unwrap().len(), 1);

    // And the unchecked hook still delivers, over the connection it kept.
    let pinged = api
        .post_empty(&format!("/orgs/octocat/hooks/{insecure}/pings"))
        .await;
    assert_eq!(pinged.status, 204);
    settle(&fake).await;
    assert_eq!(outcome(&fake, insecure).len(), 2);
    assert_eq!(outcome(&fake, insecure)[1], ("OK".to_owned(), 200));
    assert_eq!(events.lock().unwrap().len(), 2);
}
