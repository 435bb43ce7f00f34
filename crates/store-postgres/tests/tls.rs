//! TLS against a real server, needing nothing beyond the test server of the PostgreSQL suite
//! (`REFWATCH_TEST_POSTGRES`, plain TCP, trust auth):
//!
//! - A relay that answers PostgreSQL's `SSLRequest` with `N` stands in for a server without TLS:
//!   `sslmode=require` (and `verify-*`) fail with a clear error instead of falling back to plain;
//!   `prefer` and `disable` go plain. (The test server itself may offer TLS: Debian's package
//!   enables it with a snakeoil certificate; then `require` is checked against it too.)
//! - A TLS-terminating relay, started in the test, stands in for a server with TLS switched on:
//!   it answers PostgreSQL's `SSLRequest` with `S`, completes a TLS handshake with a certificate
//!   made here (rcgen, a throwaway CA), and relays the decrypted bytes to the test server. So
//!   `verify-full`, `verify-ca` and `require` run the whole client side (negotiation, rustls,
//!   certificate checks, a migrated store over TLS) without a server configured for TLS.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use store::{Store, StoreError};
use store_postgres::test_support::{TempSchema, test_url};
use store_postgres::{DatabaseUrl, PostgresStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// PostgreSQL's `SSLRequest`: length 8, code 80877103.
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// A CA and a server certificate it signed, as PEM files in `dir`.
struct Pki {
    ca_file: PathBuf,
    server: rustls::ServerConfig,
}

fn pki(dir: &Path, names: &[&str]) -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("refwatch test CA {:08x}", rand_u32()));
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key")).expect("ca");
    let server_key = KeyPair::generate().expect("server key");
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let server_cert = CertificateParams::new(names)
        .expect("server params")
        .signed_by(&server_key, &ca)
        .expect("server cert");
    let ca_file = dir.join(format!("ca-{:08x}.pem", rand_u32()));
    std::fs::File::create(&ca_file).and_then(|mut f| f.write_all(ca.pem().as_bytes())).expect("ca file");
    let chain = vec![CertificateDer::from(server_cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let server =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config");
    Pki { ca_file, server }
}

fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new().build_hasher().finish() as u32
}

/// A relay on 127.0.0.1 in front of `backend`, counting the TLS sessions it completed.
struct Relay {
    port: u16,
    sessions: Arc<AtomicUsize>,
}

/// With a TLS configuration, the relay speaks TLS to clients (and hangs up on plain ones, like a
/// server that only allows `hostssl`); without, it answers `SSLRequest` with `N`, like a server
/// with `ssl = off`. Either way it relays plain bytes to `backend`.
fn relay(tls: Option<rustls::ServerConfig>, backend: SocketAddr) -> Relay {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let sessions = Arc::new(AtomicUsize::new(0));
    let counted = sessions.clone();
    let acceptor = tls.map(|config| tokio_rustls::TlsAcceptor::from(Arc::new(config)));
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            // Ends with the test process; it only serves the connections the test makes.
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, acceptor.clone(), counted.clone(), backend));
            }
        });
    });
    Relay { port, sessions }
}

async fn serve(
    mut client: tokio::net::TcpStream,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    counted: Arc<AtomicUsize>,
    backend: SocketAddr,
) {
    let mut first = [0u8; 8];
    if client.read_exact(&mut first).await.is_err() {
        return;
    }
    let Ok(mut server) = tokio::net::TcpStream::connect(backend).await else { return };
    match acceptor {
        Some(acceptor) => {
            if first != SSL_REQUEST || client.write_all(b"S").await.is_err() {
                return;
            }
            let Ok(mut tls) = acceptor.accept(client).await else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
        }
        None => {
            let refused = if first == SSL_REQUEST {
                client.write_all(b"N").await
            } else {
                server.write_all(&first).await
            };
            if refused.is_ok() {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            }
        }
    }
}

/// The test server's address, user and database.
fn backend(url: &str) -> (SocketAddr, String, String) {
    let config: tokio_postgres::Config = url.parse().expect("test url");
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "127.0.0.1".to_owned(),
    };
    let host = if host == "localhost" { "127.0.0.1".to_owned() } else { host };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let addr = format!("{host}:{port}").parse().expect("the test server must be given by IP address");
    (
        addr,
        config.get_user().unwrap_or("postgres").to_owned(),
        config.get_dbname().unwrap_or("test").to_owned(),
    )
}

fn connect(url: &str) -> Result<PostgresStore, StoreError> {
    PostgresStore::connect(&DatabaseUrl::parse(url)?)
}

/// `postgres://user@HOST:PORT/db?…&options=-csearch_path%3D<schema>` through the relay.
fn through(relay: &Relay, host: &str, schema: &TempSchema, user: &str, db: &str, params: &str) -> String {
    format!("postgres://{user}@{host}:{}/{db}?{params}&options=-csearch_path%3D{}", relay.port, schema.name())
}

#[test]
fn sslmode_require_refuses_a_server_without_tls_instead_of_going_plain() {
    let Some(url) = test_url() else { return };
    let (addr, user, db) = backend(&url);
    let plain = relay(None, addr);
    let schema = TempSchema::create(&url).expect("schema");
    for mode in ["require", "verify-ca", "verify-full"] {
        let err = connect(&through(
            &plain,
            "127.0.0.1",
            &schema,
            &user,
            &db,
            &format!("sslmode={mode}&sslrootcert=system"),
        ))
        .expect_err("plain connection accepted");
        let message = err.to_string();
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        assert!(
            message.contains("does not accept TLS connections")
                && message.contains(&format!("sslmode={mode}")),
            "{message}"
        );
        assert!(message.contains("127.0.0.1"), "the server is named: {message}");
    }
    // `prefer` (the default) and `disable` still reach a server without TLS.
    for params in ["sslmode=prefer", "sslmode=disable", "application_name=refwatch-test"] {
        let store = connect(&through(&plain, "127.0.0.1", &schema, &user, &db, params)).expect(params);
        assert_eq!(store.counts().expect("counts").documents, 0);
    }
    assert_eq!(plain.sessions.load(Ordering::SeqCst), 0);
}

/// The test server itself: `require` gets TLS when the server offers it (Debian's packaged
/// PostgreSQL does, with its snakeoil certificate), and the server confirms the session is
/// encrypted. A server without TLS must refuse `require` (checked above through the relay).
#[test]
fn sslmode_require_reaches_the_test_server_over_tls_when_it_offers_tls() {
    let Some(url) = test_url() else { return };
    let separator = if url.contains('?') { '&' } else { '?' };
    match TempSchema::create(&format!("{url}{separator}sslmode=require")) {
        Ok(schema) => {
            assert_eq!(schema.uses_tls().expect("pg_stat_ssl"), Some(true), "sslmode=require went plain");
            schema.open().expect("store over TLS").counts().expect("counts");
        }
        Err(err) => {
            assert!(err.to_string().contains("does not support TLS"), "{err}");
            eprintln!("the test server does not offer TLS: checked through the relay only");
        }
    }
    let plain = TempSchema::create(&format!("{url}{separator}sslmode=disable")).expect("plain");
    assert_ne!(plain.uses_tls().expect("pg_stat_ssl"), Some(true), "sslmode=disable used TLS");
}

#[test]
fn verify_full_connects_over_tls_to_a_server_with_a_trusted_certificate() {
    let Some(url) = test_url() else { return };
    let (addr, user, db) = backend(&url);
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = pki(dir.path(), &["localhost", "127.0.0.1"]);
    let relay = relay(Some(pki.server), addr);
    let schema = TempSchema::create(&url).expect("schema");
    let ca = pki.ca_file.display().to_string();

    for (host, params) in [
        ("localhost", format!("sslmode=verify-full&sslrootcert={ca}")),
        ("127.0.0.1", format!("sslmode=verify-full&sslrootcert={ca}")),
        ("localhost", format!("sslmode=verify-ca&sslrootcert={ca}")),
        // No certificate check: a self-signed or unknown certificate is accepted (libpq does the same).
        ("localhost", "sslmode=require".to_owned()),
        ("localhost", "sslmode=prefer".to_owned()),
    ] {
        let before = relay.sessions.load(Ordering::SeqCst);
        let store = connect(&through(&relay, host, &schema, &user, &db, &params))
            .unwrap_or_else(|err| panic!("{host} {params}: {err}"));
        assert_eq!(store.schema_version().expect("migrated"), store_version(&url));
        assert_eq!(store.counts().expect("counts").documents, 0);
        assert!(relay.sessions.load(Ordering::SeqCst) > before, "{params}: no TLS session");
    }

    // disable: the relay (TLS only) hangs up on a plain client.
    let err = connect(&through(&relay, "localhost", &schema, &user, &db, "sslmode=disable"));
    assert!(err.is_err(), "a plain connection got through a TLS-only server");
}

#[test]
fn verify_modes_refuse_an_untrusted_or_misnamed_certificate() {
    let Some(url) = test_url() else { return };
    let (addr, user, db) = backend(&url);
    let dir = tempfile::tempdir().expect("temp dir");
    let served = pki(dir.path(), &["db.refwatch.invalid"]);
    let other = pki(dir.path(), &["localhost"]);
    let relay = relay(Some(served.server), addr);
    let schema = TempSchema::create(&url).expect("schema");
    let (served_ca, other_ca) = (served.ca_file.display().to_string(), other.ca_file.display().to_string());

    // Signed by a CA we were not told to trust.
    for mode in ["verify-full", "verify-ca", "require"] {
        let err = connect(&through(
            &relay,
            "localhost",
            &schema,
            &user,
            &db,
            &format!("sslmode={mode}&sslrootcert={other_ca}"),
        ))
        .expect_err("untrusted certificate accepted");
        let message = err.to_string();
        assert!(
            message.contains("TLS connection to") && message.contains(&format!("sslmode={mode}")),
            "{mode}: {message}"
        );
        assert!(message.contains("certificate"), "{mode}: {message}");
    }
    // Trusted CA, but issued for another name: verify-full refuses, verify-ca accepts.
    let err = connect(&through(
        &relay,
        "localhost",
        &schema,
        &user,
        &db,
        &format!("sslmode=verify-full&sslrootcert={served_ca}"),
    ))
    .expect_err("misnamed certificate accepted");
    assert!(err.to_string().contains("certificate"), "{err}");
    connect(&through(
        &relay,
        "localhost",
        &schema,
        &user,
        &db,
        &format!("sslmode=verify-ca&sslrootcert={served_ca}"),
    ))
    .expect("verify-ca ignores the name");
}

fn store_version(url: &str) -> i32 {
    let schema = TempSchema::create(url).expect("schema");
    schema.open().expect("open").schema_version().expect("version")
}
