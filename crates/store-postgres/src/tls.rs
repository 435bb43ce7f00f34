//! TLS for PostgreSQL connections, with libpq's `sslmode` meanings, over rustls (ring).
//!
//! | `sslmode` | TLS | server certificate |
//! |---|---|---|
//! | `disable` | never | – |
//! | `prefer` (the default, as in libpq) | when the server offers it, else plain | not checked |
//! | `require` | always; refuses a server without TLS | not checked, unless `sslrootcert` names a file (then as `verify-ca`, as libpq does) |
//! | `verify-ca` | always | signed by a trusted root |
//! | `verify-full` (recommended) | always | signed by a trusted root and issued for the host connected to |
//!
//! Trusted roots: the PEM file named by `sslrootcert=FILE`, or the operating system's store
//! when `sslrootcert` is absent or `system`. (libpq reads `~/.postgresql/root.crt` when
//! `sslrootcert` is absent; refwatch does not look at the home directory: name the file.)
//! Client certificates (`sslcert`, `sslkey`) are not supported and are refused by name.
//!
//! `sslmode` and `sslrootcert` are taken out of the connection string here, because
//! tokio-postgres knows neither `verify-ca`/`verify-full` nor `sslrootcert`; the rest of the
//! string goes to tokio-postgres unchanged.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use store::StoreError;
use tokio_postgres_rustls::MakeRustlsConnect;

/// How a connection uses TLS (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    fn parse(text: &str) -> Option<SslMode> {
        Some(match text {
            "disable" => SslMode::Disable,
            // libpq's `allow` tries plain first; TLS-when-offered is the closer safe choice.
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// Whether a plain connection is refused.
    pub fn requires_tls(self) -> bool {
        !matches!(self, SslMode::Disable | SslMode::Prefer)
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCerts {
    /// The operating system's certificate store.
    System,
    /// A PEM file of one or more CA certificates.
    File(PathBuf),
}

/// The TLS part of a connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    pub mode: SslMode,
    /// `sslrootcert`, when given.
    pub root_cert: Option<RootCerts>,
}

/// What the certificate check does, once `sslmode` and `sslrootcert` are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertCheck {
    /// Encrypt, check nothing about who answers (libpq's `prefer` and `require`).
    None,
    /// The chain must lead to a trusted root; the name is not checked.
    Chain,
    /// The chain and the host name.
    Full,
}

impl TlsSettings {
    /// What the server's certificate is checked against.
    pub fn cert_check(&self) -> CertCheck {
        match (self.mode, &self.root_cert) {
            (SslMode::Disable | SslMode::Prefer, _) => CertCheck::None,
            (SslMode::Require, Some(RootCerts::File(_))) => CertCheck::Chain,
            (SslMode::Require, _) => CertCheck::None,
            (SslMode::VerifyCa, _) => CertCheck::Chain,
            (SslMode::VerifyFull, _) => CertCheck::Full,
        }
    }

    /// tokio-postgres's own mode: it only decides whether TLS is attempted and whether plain is
    /// acceptable; the certificate check is rustls's.
    pub(crate) fn driver_mode(&self) -> tokio_postgres::config::SslMode {
        match self.mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                tokio_postgres::config::SslMode::Require
            }
        }
    }

    /// The rustls connector for these settings. Reads the `sslrootcert` file or the system store
    /// when the certificate chain is checked.
    pub(crate) fn connector(&self) -> Result<MakeRustlsConnect, StoreError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|err| StoreError::Other(format!("cannot set up TLS: {err}")))?;
        let verifier: Arc<dyn ServerCertVerifier> = match self.cert_check() {
            CertCheck::None => Arc::new(NoCertCheck(provider)),
            check => {
                let roots = self.roots()?;
                let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .map_err(|err| StoreError::Other(format!("cannot set up TLS: {err}")))?;
                if check == CertCheck::Full { webpki } else { Arc::new(ChainOnly(webpki)) }
            }
        };
        let config = builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, StoreError> {
        let mut roots = RootCertStore::empty();
        match &self.root_cert {
            Some(RootCerts::File(path)) => {
                let bad = |what: String| {
                    StoreError::InvalidInput(format!("sslrootcert {}: {what}", path.display()))
                };
                let pem = std::fs::read(path).map_err(|err| bad(format!("cannot read: {err}")))?;
                for cert in CertificateDer::pem_slice_iter(&pem) {
                    let cert = cert.map_err(|err| bad(format!("not a PEM certificate file: {err}")))?;
                    roots.add(cert).map_err(|err| bad(format!("unusable certificate: {err}")))?;
                }
                if roots.is_empty() {
                    return Err(bad("holds no certificate".to_owned()));
                }
            }
            Some(RootCerts::System) | None => {
                let found = rustls_native_certs::load_native_certs();
                let (added, _) = roots.add_parsable_certificates(found.certs);
                if added == 0 {
                    return Err(StoreError::Unavailable(format!(
                        "sslmode={}: no trusted root certificates found in the system store{}; name a CA \
                         file with sslrootcert=FILE",
                        self.mode,
                        found.errors.first().map(|err| format!(" ({err})")).unwrap_or_default()
                    )));
                }
            }
        }
        Ok(roots)
    }
}

/// Splits a connection string (URL or libpq `key=value` form) into its TLS settings and the rest,
/// which tokio-postgres parses. Errors name the parameter, never the string (it can hold a
/// password).
pub(crate) fn split_tls(url: &str) -> Result<(TlsSettings, String), StoreError> {
    let (pairs, rest) =
        if crate::DatabaseUrl::is_postgres_url(url) { url_params(url) } else { kv_params(url)? };
    let mut settings = TlsSettings { mode: SslMode::Prefer, root_cert: None };
    for (key, value) in pairs {
        match key.as_str() {
            "sslmode" => {
                settings.mode = SslMode::parse(&value).ok_or_else(|| {
                    StoreError::InvalidInput(format!(
                        "unknown sslmode {value:?} (use disable, prefer, require, verify-ca or verify-full)"
                    ))
                })?;
            }
            "sslrootcert" => {
                settings.root_cert = Some(match value.as_str() {
                    "system" => RootCerts::System,
                    "" => return Err(StoreError::InvalidInput("empty sslrootcert".to_owned())),
                    path => RootCerts::File(PathBuf::from(path)),
                });
            }
            other => {
                return Err(StoreError::InvalidInput(format!(
                    "{other} is not supported: refwatch does not use TLS client certificates (use a \
                     password, or a trusted network)"
                )));
            }
        }
    }
    Ok((settings, rest))
}

/// Parameters this module takes; the unsupported ones are taken only to be refused clearly.
fn is_tls_key(key: &str) -> bool {
    matches!(key, "sslmode" | "sslrootcert" | "sslcert" | "sslkey" | "sslpassword")
}

/// `postgres://…?a=b&c=d`: the TLS parameters (decoded), and the URL without them.
fn url_params(url: &str) -> (Vec<(String, String)>, String) {
    let Some((base, query)) = url.split_once('?') else {
        return (Vec::new(), url.to_owned());
    };
    let mut taken = Vec::new();
    let mut kept = Vec::new();
    for part in query.split('&') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let key = percent_decode(key);
        if is_tls_key(&key) {
            taken.push((key, percent_decode(value)));
        } else if !part.is_empty() {
            kept.push(part);
        }
    }
    let rest = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
    (taken, rest)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// libpq `key = value` form (values bare with `\` escapes, or single-quoted): the TLS parameters,
/// and the string with their pairs cut out. Follows tokio-postgres's grammar.
fn kv_params(text: &str) -> Result<(Vec<(String, String)>, String), StoreError> {
    let malformed = || StoreError::InvalidInput("malformed PostgreSQL connection string".to_owned());
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end = text.len();
    let at = |i: usize| chars.get(i).map_or(end, |&(offset, _)| offset);
    let mut taken = Vec::new();
    let mut rest = String::new();
    let mut copied = 0;
    let mut i = 0;
    loop {
        while chars.get(i).is_some_and(|(_, c)| c.is_whitespace()) {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = i;
        while chars.get(i).is_some_and(|&(_, c)| !c.is_whitespace() && c != '=') {
            i += 1;
        }
        let key = &text[at(start)..at(i)];
        while chars.get(i).is_some_and(|(_, c)| c.is_whitespace()) {
            i += 1;
        }
        if chars.get(i).map(|&(_, c)| c) != Some('=') {
            return Err(malformed());
        }
        i += 1;
        while chars.get(i).is_some_and(|(_, c)| c.is_whitespace()) {
            i += 1;
        }
        let mut value = String::new();
        if chars.get(i).map(|&(_, c)| c) == Some('\'') {
            i += 1;
            loop {
                match chars.get(i).map(|&(_, c)| c) {
                    None => return Err(malformed()),
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        value.extend(chars.get(i + 1).map(|&(_, c)| c));
                        i += 2;
                    }
                    Some(c) => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while let Some(&(_, c)) = chars.get(i).filter(|(_, c)| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.get(i + 1).map(|&(_, c)| c));
                    i += 2;
                } else {
                    value.push(c);
                    i += 1;
                }
            }
        }
        if is_tls_key(key) {
            rest.push_str(&text[copied..at(start)]);
            copied = at(i.min(chars.len()));
            taken.push((key.to_owned(), value));
        }
    }
    rest.push_str(&text[copied..]);
    Ok((taken, rest))
}

/// Encrypts without checking the certificate (`prefer`, `require`): the handshake's signatures
/// are still checked against the key the certificate carries.
#[derive(Debug)]
struct NoCertCheck(Arc<CryptoProvider>);

impl ServerCertVerifier for NoCertCheck {
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
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the full WebPKI check, except that a certificate issued for another name passes.
/// (webpki checks the name last, after the chain, its validity period and revocation.)
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(url: &str) -> (TlsSettings, String) {
        split_tls(url).expect("parses")
    }

    #[test]
    fn urls_without_sslmode_prefer_tls_as_libpq_does() {
        let (tls, rest) = split("postgres://u:pw@db.example:5432/refwatch");
        assert_eq!(tls, TlsSettings { mode: SslMode::Prefer, root_cert: None });
        assert_eq!(rest, "postgres://u:pw@db.example:5432/refwatch");
        assert_eq!(tls.cert_check(), CertCheck::None);
    }

    #[test]
    fn every_sslmode_maps_to_a_driver_mode_and_a_check() {
        let cases = [
            ("disable", SslMode::Disable, tokio_postgres::config::SslMode::Disable, CertCheck::None),
            ("allow", SslMode::Prefer, tokio_postgres::config::SslMode::Prefer, CertCheck::None),
            ("prefer", SslMode::Prefer, tokio_postgres::config::SslMode::Prefer, CertCheck::None),
            ("require", SslMode::Require, tokio_postgres::config::SslMode::Require, CertCheck::None),
            ("verify-ca", SslMode::VerifyCa, tokio_postgres::config::SslMode::Require, CertCheck::Chain),
            ("verify-full", SslMode::VerifyFull, tokio_postgres::config::SslMode::Require, CertCheck::Full),
        ];
        for (text, mode, driver, check) in cases {
            let (tls, rest) = split(&format!("postgres://h/db?sslmode={text}&application_name=x"));
            assert_eq!(tls.mode, mode, "{text}");
            assert_eq!(tls.driver_mode(), driver, "{text}");
            assert_eq!(tls.cert_check(), check, "{text}");
            assert_eq!(rest, "postgres://h/db?application_name=x", "{text}");
            assert_eq!(mode.requires_tls(), !matches!(text, "disable" | "allow" | "prefer"));
        }
    }

    #[test]
    fn sslrootcert_is_a_file_or_the_system_store() {
        let (tls, rest) = split(
            "postgresql://h/db?options=-csearch_path%3Dx&sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20a.pem",
        );
        assert_eq!(tls.root_cert, Some(RootCerts::File(PathBuf::from("/etc/ca a.pem"))));
        assert_eq!(rest, "postgresql://h/db?options=-csearch_path%3Dx");
        let (tls, _) = split("postgres://h/db?sslrootcert=system&sslmode=verify-ca");
        assert_eq!(tls.root_cert, Some(RootCerts::System));
        // `require` with a CA file checks the chain, as libpq does.
        let (tls, _) = split("postgres://h/db?sslmode=require&sslrootcert=/ca.pem");
        assert_eq!(tls.cert_check(), CertCheck::Chain);
        let (tls, _) = split("postgres://h/db?sslmode=require&sslrootcert=system");
        assert_eq!(tls.cert_check(), CertCheck::None);
    }

    #[test]
    fn key_value_strings_are_split_too() {
        let (tls, rest) = split(
            "host=db.example user=ana sslmode = verify-full sslrootcert='/srv/my ca.pem' dbname=refwatch",
        );
        assert_eq!(tls.mode, SslMode::VerifyFull);
        assert_eq!(tls.root_cert, Some(RootCerts::File(PathBuf::from("/srv/my ca.pem"))));
        assert_eq!(rest, "host=db.example user=ana   dbname=refwatch");
        assert!(tokio_postgres::Config::from_str(&rest).is_ok());
        let (tls, rest) = split("sslmode=require host=h");
        assert_eq!((tls.mode, rest.trim()), (SslMode::Require, "host=h"));
        let (_, rest) = split(r"password=a\ b host=h");
        assert_eq!(rest, r"password=a\ b host=h");
        assert!(split_tls("host='unterminated").is_err());
    }

    #[test]
    fn bad_modes_and_client_certificates_are_refused_by_name() {
        let err = split_tls("postgres://u:secret-pw@h/db?sslmode=verify_full").expect_err("accepted");
        assert!(err.to_string().contains("unknown sslmode \"verify_full\""), "{err}");
        assert!(!err.to_string().contains("secret-pw"));
        let err = split_tls("postgres://h/db?sslcert=/c.pem&sslkey=/k.pem").expect_err("accepted");
        assert!(err.to_string().contains("sslcert is not supported"), "{err}");
        assert!(split_tls("postgres://h/db?sslrootcert=").is_err());
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_named() {
        let dir = std::env::temp_dir().join(format!("refwatch-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let missing = dir.join("missing.pem");
        let tls =
            TlsSettings { mode: SslMode::VerifyFull, root_cert: Some(RootCerts::File(missing.clone())) };
        let err = tls.connector().err().expect("missing file accepted");
        assert!(err.to_string().contains("missing.pem") && err.to_string().contains("cannot read"), "{err}");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").expect("write");
        let tls = TlsSettings { mode: SslMode::VerifyCa, root_cert: Some(RootCerts::File(empty)) };
        let err = tls.connector().err().expect("empty file accepted");
        assert!(err.to_string().contains("holds no certificate"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
        // No check needs no roots.
        let tls = TlsSettings { mode: SslMode::Require, root_cert: None };
        assert!(tls.connector().is_ok());
    }

    use std::str::FromStr;
}
