//! The IMAP certificate policy against a real Dovecot, with certificates made by the
//! openssl CLI in each test: a self-signed certificate valid for the server name is
//! accepted (and the Diagnostic says its issuer is not trusted); a wrong name, an expired
//! or not yet valid certificate, and a broken signature are refused with Exchange's TLS
//! message; `-AcceptUntrustedCertificates` takes any of them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::{Dovecot, compare};
use exosh::engine::error::{MSG_CERT_NAME_MISMATCH, MSG_CERT_NOT_SIGNATURE_VALID, MSG_CERT_NOT_TIME_VALID};
use exosh::engine::*;

const UNTRUSTED_SELF_SIGNED: &str = "certificate issuer not trusted by this machine (self-signed: CN=127.0.0.1); \
     accepted as Exchange Online does for IMAP";

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl on PATH (apt-get install openssl)");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A key and certificate (PEM files in `dir`), named `name`.key / `name`.pem.
struct Pair {
    key: PathBuf,
    cert: PathBuf,
}

/// `openssl req -x509` as the lab does (CA:TRUE, self-signed), for `cn` with `san`.
fn self_signed(dir: &Path, name: &str, cn: &str, san: &str) -> Pair {
    let (key, cert) = (format!("{name}.key"), format!("{name}.pem"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            &format!("/CN={cn}"),
            "-addext",
            &format!("subjectAltName={san}"),
            "-keyout",
            &key,
            "-out",
            &cert,
        ],
    );
    Pair { key: dir.join(key), cert: dir.join(cert) }
}

/// A certificate for 127.0.0.1 valid only from `start` to `end` (`YYYYMMDDhhmmssZ`),
/// self-signed by `openssl ca -selfsign`.
fn dated(dir: &Path, name: &str, start: &str, end: &str) -> Pair {
    let (key, csr, cert) = (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"));
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            &key,
            "-out",
            &csr,
        ],
    );
    let ca = dir.join(format!("{name}-ca"));
    std::fs::create_dir_all(&ca).expect("mkdir");
    std::fs::write(ca.join("index.txt"), "").expect("index");
    std::fs::write(ca.join("serial"), "01\n").expect("serial");
    let conf = format!(
        "[ca]\ndefault_ca = here\n[here]\ndir = {}\ndatabase = $dir/index.txt\nnew_certs_dir = $dir\nserial = $dir/serial\n\
         default_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n[any]\ncommonName = supplied\n",
        ca.display()
    );
    std::fs::write(ca.join("ca.cnf"), conf).expect("conf");
    let cnf = ca.join("ca.cnf").display().to_string();
    openssl(
        dir,
        &[
            "ca",
            "-batch",
            "-config",
            &cnf,
            "-selfsign",
            "-keyfile",
            &key,
            "-in",
            &csr,
            "-out",
            &cert,
            "-startdate",
            start,
            "-enddate",
            end,
            "-notext",
        ],
    );
    Pair { key: dir.join(key), cert: dir.join(cert) }
}

/// A private CA and a certificate for 127.0.0.1 that it signed.
fn ca_signed(dir: &Path) -> (Pair, Pair) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=Fabrikam Private CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-copy_extensions",
            "copy",
            "-out",
            "leaf.pem",
        ],
    );
    (
        Pair { key: dir.join("ca.key"), cert: dir.join("ca.pem") },
        Pair { key: dir.join("leaf.key"), cert: dir.join("leaf.pem") },
    )
}

/// A copy of `pair` whose certificate signature has one byte flipped.
fn broken_signature(dir: &Path, pair: &Pair) -> Pair {
    openssl(dir, &["x509", "-in", &pair.cert.display().to_string(), "-outform", "DER", "-out", "good.der"]);
    let mut der = std::fs::read(dir.join("good.der")).expect("der");
    let last = der.len() - 1;
    der[last] ^= 0x5a;
    std::fs::write(dir.join("bad.der"), der).expect("bad der");
    openssl(dir, &["x509", "-inform", "DER", "-in", "bad.der", "-out", "bad.pem"]);
    Pair { key: pair.key.clone(), cert: dir.join("bad.pem") }
}

/// Serve `pair` (the certificate file may hold a chain) from `d` (before `start`).
fn install(d: &Dovecot, pair: &Pair, chain: &[&Pair]) {
    let mut pem = std::fs::read(&pair.cert).expect("cert");
    for extra in chain {
        pem.extend(std::fs::read(&extra.cert).expect("chain cert"));
    }
    std::fs::write(d.path().join("ssl/cert.pem"), pem).expect("install cert");
    std::fs::copy(&pair.key, d.path().join("ssl/key.pem")).expect("install key");
}

fn server(port: u16, security: Security, accept: bool) -> ServerSpec {
    ServerSpec {
        host: "127.0.0.1".into(),
        port,
        security,
        accept_untrusted_certificates: accept,
        authentication: Authentication::Basic,
    }
}

fn creds(user: &str) -> Credentials {
    Credentials { user_name: user.into(), password: common::PASSWORD.into(), user_root: None }
}

fn job(id: &str, server: ServerSpec, user: &str, dest: &Path) -> JobSpec {
    JobSpec {
        job_id: id.into(),
        server,
        credentials: creds(user),
        destination: dest.to_path_buf(),
        exclude_folders: vec![],
        limits: Limits::default(),
        previous: vec![],
    }
}

fn start(engine: &Engine, batch: &str, endpoint: &str, jobs: Vec<JobSpec>) {
    let b = BatchSpec { batch_id: batch.into(), endpoint_id: endpoint.into(), max_concurrent_migrations: 4, jobs };
    engine.start_batch(b, Arc::new(MemorySink::new())).expect("start");
}

fn finish(engine: &Engine, batch: &str) -> BatchProgress {
    assert!(engine.wait_batch(batch, Duration::from_secs(180)), "batch {batch} did not finish");
    engine.batch_progress(batch).expect("progress")
}

fn refused(outcome: &AvailabilityOutcome, status: &str, reason: &str) {
    assert_eq!(outcome.result, AvailabilityResult::Failed, "{}", outcome.diagnostic);
    assert_eq!(outcome.message, format!("TLS negotiation failed. {status}"));
    assert!(outcome.error_detail.contains("SslStreamFailureException"), "{}", outcome.error_detail);
    assert!(outcome.error_detail.contains(reason), "{}", outcome.error_detail);
    assert!(outcome.diagnostic.contains(&format!("certificate refused: {reason}")), "{}", outcome.diagnostic);
    assert!(!outcome.diagnostic.contains("TLS established"), "{}", outcome.diagnostic);
    assert_eq!(outcome.error.as_ref().map(|e| e.kind), Some(ErrorKind::Tls));
}

#[test]
fn self_signed_certificate_for_the_server_name_is_accepted_and_said_in_the_diagnostic() {
    // the lab's certificate: openssl req -x509, CA:TRUE, CN and SAN 127.0.0.1
    let mut src = Dovecot::new(&["user001", "user002"]);
    let m1 = common::generate(&src, "user001", 60, 71, &[]);
    let m2 = common::generate(&src, "user002", 40, 72, &[]);
    src.start();
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    for spec in [server(src.sport, Security::Ssl, false), server(src.port, Security::Tls, false)] {
        let ok = engine.test_server_availability(&spec, Some(&creds("user001")));
        assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);
        assert!(ok.diagnostic.contains(UNTRUSTED_SELF_SIGNED), "{}", ok.diagnostic);
        assert!(ok.diagnostic.contains("names IP:127.0.0.1 DNS:localhost"), "{}", ok.diagnostic);
        assert!(ok.diagnostic.contains("TLS established"), "{}", ok.diagnostic);
        assert!(!ok.diagnostic.contains("not verified"), "{}", ok.diagnostic);
    }
    let dests = tempfile::tempdir().expect("tmp");
    let (d1, d2) = (dests.path().join("1"), dests.path().join("2"));
    start(
        &engine,
        "ss",
        "ep",
        vec![
            job("a", server(src.sport, Security::Ssl, false), "user001", &d1),
            job("b", server(src.port, Security::Tls, false), "user002", &d2),
        ],
    );
    let p = finish(&engine, "ss");
    for u in &p.users {
        assert_eq!(u.state, UserState::Synced, "{}: {:?}", u.job_id, u.error);
    }
    assert!(compare(&m1, &d1, |_| true).is_empty());
    assert!(compare(&m2, &d2, |_| true).is_empty());
}

#[test]
fn wrong_name_fails_that_batch_while_a_batch_on_a_good_endpoint_finishes() {
    let mut bad = Dovecot::new(&["user001", "user002"]);
    common::generate(&bad, "user001", 20, 81, &[]);
    common::generate(&bad, "user002", 20, 82, &[]);
    let pair = self_signed(bad.path(), "fabrikam", "imap.fabrikam.com", "DNS:imap.fabrikam.com");
    install(&bad, &pair, &[]);
    bad.start();
    let mut good = Dovecot::new(&["user003"]);
    let m3 = common::generate(&good, "user003", 80, 83, &[]);
    good.start();

    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let reason = "the certificate is not valid for '127.0.0.1': it is for DNS:imap.fabrikam.com";
    for spec in [server(bad.sport, Security::Ssl, false), server(bad.port, Security::Tls, false)] {
        refused(&engine.test_server_availability(&spec, None), MSG_CERT_NAME_MISMATCH, reason);
    }

    let dests = tempfile::tempdir().expect("tmp");
    let d = |n: &str| dests.path().join(n);
    start(
        &engine,
        "bad",
        "fabrikam",
        vec![
            job("u1", server(bad.sport, Security::Ssl, false), "user001", &d("1")),
            job("u2", server(bad.port, Security::Tls, false), "user002", &d("2")),
        ],
    );
    start(&engine, "good", "contoso", vec![job("u3", server(good.sport, Security::Ssl, false), "user003", &d("3"))]);
    let pb = finish(&engine, "bad");
    let pg = finish(&engine, "good");
    for u in &pb.users {
        assert_eq!(u.state, UserState::Failed, "{}", u.job_id);
        let e = u.error.clone().expect("error");
        assert_eq!(e.kind, ErrorKind::Tls);
        assert_eq!(e.message, format!("TLS negotiation failed. {MSG_CERT_NAME_MISMATCH}"));
        assert!(e.detail.contains(reason), "{}", e.detail);
        assert_eq!(u.synced_items, 0);
        assert!(common::read_maildir(&d(if u.job_id == "u1" { "1" } else { "2" })).is_empty());
    }
    assert_eq!(pg.users[0].state, UserState::Synced, "{:?}", pg.users[0].error);
    assert!(compare(&m3, &d("3"), |_| true).is_empty());
}

#[test]
fn accept_untrusted_certificates_takes_a_wrong_name() {
    let mut bad = Dovecot::new(&["user001"]);
    let m1 = common::generate(&bad, "user001", 50, 91, &[]);
    let pair = self_signed(bad.path(), "fabrikam", "imap.fabrikam.com", "DNS:imap.fabrikam.com");
    install(&bad, &pair, &[]);
    bad.start();
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let ok = engine.test_server_availability(&server(bad.sport, Security::Ssl, true), Some(&creds("user001")));
    assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);
    assert!(
        ok.diagnostic.contains(
            "certificate not verified (-AcceptUntrustedCertificates); without it the connection would be refused: \
             the certificate is not valid for '127.0.0.1'"
        ),
        "{}",
        ok.diagnostic
    );
    let dests = tempfile::tempdir().expect("tmp");
    start(&engine, "acc", "ep", vec![job("u1", server(bad.port, Security::Tls, true), "user001", dests.path())]);
    let p = finish(&engine, "acc");
    assert_eq!(p.users[0].state, UserState::Synced, "{:?}", p.users[0].error);
    assert!(compare(&m1, dests.path(), |_| true).is_empty());
}

#[test]
fn expired_and_not_yet_valid_certificates_are_refused_unless_accepted() {
    let mut old = Dovecot::new(&["user001"]);
    common::generate(&old, "user001", 10, 101, &[]);
    let pair = dated(old.path(), "old", "20200101000000Z", "20210101000000Z");
    install(&old, &pair, &[]);
    old.start();
    let mut early = Dovecot::new(&["user001"]);
    let pair = dated(early.path(), "early", "20990101000000Z", "21000101000000Z");
    install(&early, &pair, &[]);
    early.start();

    let engine = Engine::new(EngineConfig::default()).expect("engine");
    refused(
        &engine.test_server_availability(&server(old.sport, Security::Ssl, false), None),
        MSG_CERT_NOT_TIME_VALID,
        "the certificate CN=127.0.0.1 expired on 2021-01-01 00:00:00 UTC",
    );
    refused(
        &engine.test_server_availability(&server(early.port, Security::Tls, false), None),
        MSG_CERT_NOT_TIME_VALID,
        "the certificate CN=127.0.0.1 is not valid before 2099-01-01 00:00:00 UTC",
    );
    for spec in [server(old.sport, Security::Ssl, true), server(early.port, Security::Tls, true)] {
        let ok = engine.test_server_availability(&spec, None);
        assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);
        assert!(ok.diagnostic.contains("(-AcceptUntrustedCertificates); without it"), "{}", ok.diagnostic);
    }
    // a migration user on the expired server fails with the same message
    let dests = tempfile::tempdir().expect("tmp");
    start(&engine, "old", "ep", vec![job("u1", server(old.sport, Security::Ssl, false), "user001", dests.path())]);
    let p = finish(&engine, "old");
    assert_eq!(p.users[0].state, UserState::Failed);
    let e = p.users[0].error.clone().expect("error");
    assert_eq!(e.message, format!("TLS negotiation failed. {MSG_CERT_NOT_TIME_VALID}"));
}

#[test]
fn broken_signature_is_refused_and_a_private_ca_chain_is_accepted() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut broken = Dovecot::new(&["user001"]);
    let good = self_signed(tmp.path(), "lab", "127.0.0.1", "IP:127.0.0.1");
    install(&broken, &broken_signature(tmp.path(), &good), &[]);
    broken.start();
    let mut chained = Dovecot::new(&["user001"]);
    let ca_dir = tempfile::tempdir().expect("tmp");
    let (ca, leaf) = ca_signed(ca_dir.path());
    install(&chained, &leaf, &[&ca]);
    chained.start();
    let mut leaf_only = Dovecot::new(&["user001"]);
    install(&leaf_only, &leaf, &[]);
    leaf_only.start();

    let engine = Engine::new(EngineConfig::default()).expect("engine");
    refused(
        &engine.test_server_availability(&server(broken.sport, Security::Ssl, false), None),
        MSG_CERT_NOT_SIGNATURE_VALID,
        "the signature on the certificate CN=127.0.0.1 does not verify with the key of CN=127.0.0.1",
    );
    let ok = engine.test_server_availability(&server(broken.sport, Security::Ssl, true), None);
    assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);

    let ok = engine.test_server_availability(&server(chained.sport, Security::Ssl, false), Some(&creds("user001")));
    assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);
    assert!(ok.diagnostic.contains("2 certificate(s) sent"), "{}", ok.diagnostic);
    assert!(
        ok.diagnostic.contains("(issued under the root CN=Fabrikam Private CA, which this machine does not trust)"),
        "{}",
        ok.diagnostic
    );
    let ok = engine.test_server_availability(&server(leaf_only.port, Security::Tls, false), None);
    assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);
    assert!(
        ok.diagnostic.contains("(issued by CN=Fabrikam Private CA, which this machine does not trust"),
        "{}",
        ok.diagnostic
    );
}

/// The machine's trust store is read once per process (rustls-native-certs, honouring
/// SSL_CERT_FILE): this test runs its checks in a child process of this test binary
/// whose SSL_CERT_FILE holds the private CA and a self-signed certificate.
#[test]
fn issuers_in_ssl_cert_file_are_reported_trusted() {
    if let (Ok(chained), Ok(own)) = (std::env::var("EXOSH_TLS_CHAINED_PORT"), std::env::var("EXOSH_TLS_SELF_PORT")) {
        let engine = Engine::new(EngineConfig::default()).expect("engine");
        for port in [chained, own] {
            let port: u16 = port.parse().expect("port");
            let ok = engine.test_server_availability(&server(port, Security::Ssl, false), None);
            assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);
            assert!(ok.diagnostic.contains("certificate valid and trusted by this machine"), "{}", ok.diagnostic);
            assert!(!ok.diagnostic.contains("not trusted"), "{}", ok.diagnostic);
        }
        return;
    }
    let ca_dir = tempfile::tempdir().expect("tmp");
    let (ca, leaf) = ca_signed(ca_dir.path());
    let mut chained = Dovecot::new(&["user001"]);
    install(&chained, &leaf, &[&ca]);
    chained.start();
    let mut own = Dovecot::new(&["user001"]);
    let lab = self_signed(ca_dir.path(), "own", "127.0.0.1", "IP:127.0.0.1");
    install(&own, &lab, &[]);
    own.start();
    let bundle = ca_dir.path().join("trusted.pem");
    let mut pem = std::fs::read(&ca.cert).expect("ca");
    pem.extend(std::fs::read(&lab.cert).expect("own"));
    std::fs::write(&bundle, pem).expect("bundle");
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "issuers_in_ssl_cert_file_are_reported_trusted", "--nocapture", "--test-threads", "1"])
        .env("SSL_CERT_FILE", &bundle)
        .env_remove("SSL_CERT_DIR")
        .env("EXOSH_TLS_CHAINED_PORT", chained.sport.to_string())
        .env("EXOSH_TLS_SELF_PORT", own.sport.to_string())
        .output()
        .expect("run child");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "{text}");
}
