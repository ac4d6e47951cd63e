//! HTTPS clients: rustls with the `ring` provider, verifying certificates with the platform's
//! verifier, or not at all for hooks whose `insecure_ssl` is `"1"` (GitHub's switch for
//! receivers with self-signed certificates).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::GaiResolver;
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// The TLS configuration of every client the project makes (deliveries, the conformance
/// runner and proxy): rustls with the `ring` provider, verifying certificates with the
/// platform's verifier, or, with `insecure`, accepting any certificate (still checking that the
/// handshake is signed by it). The verifying one is built once per process: building the
/// platform verifier costs tens of milliseconds.
pub fn client_config(insecure: bool) -> Result<rustls::ClientConfig, TlsSetupError> {
    static VERIFYING: OnceLock<Result<rustls::ClientConfig, TlsSetupError>> = OnceLock::new();
    if !insecure {
        return VERIFYING.get_or_init(|| build(false)).clone();
    }
    build(true)
}

fn build(insecure: bool) -> Result<rustls::ClientConfig, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError(e.to_string()))?
        .dangerous();
    let config = if insecure {
        builder.with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
    } else {
        let verifier = rustls_platform_verifier::Verifier::new(provider)
            .map_err(|e| TlsSetupError(e.to_string()))?;
        builder.with_custom_certificate_verifier(Arc::new(verifier))
    };
    Ok(config.with_no_client_auth())
}

/// The connector for `http://` and `https://` URLs over `config`; `connect_timeout` bounds
/// the TCP connect.
pub fn https_connector(
    config: rustls::ClientConfig,
    connect_timeout: Option<Duration>,
) -> HttpsConnector<HttpConnector> {
    https_connector_with_resolver(config, connect_timeout, GaiResolver::new())
}

/// [`https_connector`] that finds a host's addresses with `resolver`. TLS still names the
/// URL's host (SNI and certificate checks), whatever address the connection goes to.
pub fn https_connector_with_resolver<R>(
    config: rustls::ClientConfig,
    connect_timeout: Option<Duration>,
    resolver: R,
) -> HttpsConnector<HttpConnector<R>> {
    let mut http = HttpConnector::new_with_resolver(resolver);
    http.enforce_http(false);
    http.set_connect_timeout(connect_timeout);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http)
}

/// TLS could not be set up (no usable protocol version, or the platform's verifier failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot set up TLS: {0}")]
pub struct TlsSetupError(String);

/// Accepts any certificate, but still checks that the handshake is signed by it.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
