//! The certificate policy for IMAP sources (docs/about_IMAP_Migration.md, "Certificates").
//!
//! Exchange Online's IMAP endpoints have no `-AcceptUntrustedCertificates` (that switch is
//! in the Outlook Anywhere parameter sets), so self-signed and private-CA servers, common
//! at IMAP hosters, are accepted. What is still required of the certificate the server
//! presents, unless the endpoint has `-AcceptUntrustedCertificates`:
//! - it is valid for the RemoteServer name (DNS name or IP address in subjectAltName);
//! - it and every issuer the server sent are inside their validity dates;
//! - its signature, and each signature up the chain the server sent, verifies.
//!
//! Whether the issuer chains to a root this machine trusts (rustls-native-certs, which
//! honours SSL_CERT_FILE / SSL_CERT_DIR) is reported in the protocol log, not required.
//! The TLS handshake signatures (TLS 1.2 and 1.3) are verified in every mode.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate, X509Error};

use crate::engine::error;

/// Why a certificate is refused (or would be, without `-AcceptUntrustedCertificates`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertProblem {
    /// Not valid for the RemoteServer name; `names` are the names it is valid for.
    NameMismatch { expected: String, names: Vec<String> },
    /// `subject`'s validity ended at `not_after`.
    Expired { subject: String, not_after: String },
    /// `subject` is valid only from `not_before`.
    NotYetValid { subject: String, not_before: String },
    /// The signature on `subject` does not verify with the key of `issuer`.
    BadSignature { subject: String, issuer: String },
    /// The certificate could not be read.
    Unreadable(String),
}

impl CertProblem {
    /// The .NET AuthenticationException text Exchange shows after "TLS negotiation failed."
    pub fn status_message(&self) -> &'static str {
        match self {
            CertProblem::NameMismatch { .. } => error::MSG_CERT_NAME_MISMATCH,
            CertProblem::Expired { .. } | CertProblem::NotYetValid { .. } => error::MSG_CERT_NOT_TIME_VALID,
            CertProblem::BadSignature { .. } => error::MSG_CERT_NOT_SIGNATURE_VALID,
            CertProblem::Unreadable(_) => error::MSG_CERT_INVALID,
        }
    }

    fn rustls_error(&self) -> rustls::Error {
        rustls::Error::InvalidCertificate(match self {
            CertProblem::NameMismatch { .. } => CertificateError::NotValidForName,
            CertProblem::Expired { .. } => CertificateError::Expired,
            CertProblem::NotYetValid { .. } => CertificateError::NotValidYet,
            CertProblem::BadSignature { .. } => CertificateError::BadSignature,
            CertProblem::Unreadable(_) => CertificateError::BadEncoding,
        })
    }
}

impl fmt::Display for CertProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertProblem::NameMismatch { expected, names } if names.is_empty() => {
                write!(f, "the certificate is not valid for '{expected}': it names no DNS name or IP address")
            }
            CertProblem::NameMismatch { expected, names } => {
                write!(f, "the certificate is not valid for '{expected}': it is for {}", names.join(", "))
            }
            CertProblem::Expired { subject, not_after } => {
                write!(f, "the certificate {subject} expired on {not_after}")
            }
            CertProblem::NotYetValid { subject, not_before } => {
                write!(f, "the certificate {subject} is not valid before {not_before}")
            }
            CertProblem::BadSignature { subject, issuer } => {
                write!(f, "the signature on the certificate {subject} does not verify with the key of {issuer}")
            }
            CertProblem::Unreadable(why) => write!(f, "the certificate could not be read: {why}"),
        }
    }
}

/// Whether the issuer is trusted by this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// The chain ends at a root this machine trusts.
    Trusted,
    /// Not trusted here (the text says why: self-signed, private CA ...); accepted anyway.
    Untrusted(String),
    /// Not looked at: the certificate is unreadable or refused for another reason.
    Unknown,
}

/// What the check found, for the protocol log (never any secret).
#[derive(Clone, Debug)]
pub struct CertReport {
    pub subject: String,
    pub issuer: String,
    /// subjectAltName entries as `DNS:name` / `IP:address`.
    pub names: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    /// Certificates the server sent (the end-entity one included).
    pub sent: usize,
    pub trust: Trust,
    /// The first problem found, in the order name, signatures, dates.
    pub problem: Option<CertProblem>,
    /// The endpoint has `-AcceptUntrustedCertificates`.
    pub accept_untrusted: bool,
}

impl CertReport {
    fn unreadable(why: String, sent: usize, accept_untrusted: bool) -> CertReport {
        CertReport {
            subject: String::new(),
            issuer: String::new(),
            names: Vec::new(),
            not_before: String::new(),
            not_after: String::new(),
            sent,
            trust: Trust::Unknown,
            problem: Some(CertProblem::Unreadable(why)),
            accept_untrusted,
        }
    }

    /// True when the connection may go on.
    pub fn accepted(&self) -> bool {
        self.accept_untrusted || self.problem.is_none()
    }

    /// The lines for the protocol log (`Diagnostic`).
    pub fn log_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.subject.is_empty() {
            let names = if self.names.is_empty() { "none".to_string() } else { self.names.join(" ") };
            lines.push(format!(
                "certificate: {} issued by {}; names {}; valid {} to {}; {} certificate(s) sent",
                self.subject, self.issuer, names, self.not_before, self.not_after, self.sent
            ));
        }
        if self.accept_untrusted {
            match &self.problem {
                Some(p) => lines.push(format!(
                    "certificate not verified (-AcceptUntrustedCertificates); without it the connection would be refused: {p}"
                )),
                None => lines.push("certificate not verified (-AcceptUntrustedCertificates)".to_string()),
            }
            return lines;
        }
        match (&self.problem, &self.trust) {
            (Some(p), _) => lines.push(format!("certificate refused: {p}")),
            (None, Trust::Trusted) => lines.push("certificate valid and trusted by this machine".to_string()),
            (None, Trust::Untrusted(why)) => lines.push(format!(
                "certificate issuer not trusted by this machine ({why}); accepted as Exchange Online does for IMAP"
            )),
            (None, Trust::Unknown) => lines.push("certificate valid".to_string()),
        }
        lines
    }
}

/// How the walk up the chain the server sent ended.
enum ChainEnd {
    /// At a self-signed certificate whose signature verifies.
    SelfSigned,
    /// At a certificate whose issuer the server did not send.
    IssuerNotSent,
    /// At a signature in an algorithm this build cannot check.
    Unsupported(String),
}

fn when(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| t.to_string())
}

fn names_of(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DNSName(d) => Some(format!("DNS:{d}")),
            GeneralName::IPAddress(b) => match b.len() {
                4 => <[u8; 4]>::try_from(*b).ok().map(|a| format!("IP:{}", Ipv4Addr::from(a))),
                16 => <[u8; 16]>::try_from(*b).ok().map(|a| format!("IP:{}", Ipv6Addr::from(a))),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn server_name_text(name: &ServerName<'_>) -> String {
    match name {
        ServerName::DnsName(d) => d.as_ref().to_string(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

/// Walk from `leaf` up through the certificates the server sent, checking each signature.
fn walk_chain<'c>(
    leaf: &'c X509Certificate<'c>,
    sent: &'c [X509Certificate<'c>],
) -> Result<(Vec<&'c X509Certificate<'c>>, ChainEnd), CertProblem> {
    let mut path = vec![leaf];
    let mut used = vec![false; sent.len()];
    let mut cur = leaf;
    for _ in 0..=sent.len() {
        let issuer = cur.issuer().as_raw();
        let mut tried = None;
        let mut next = None;
        for (i, cand) in sent.iter().enumerate() {
            if used[i] || cand.subject().as_raw() != issuer || cand.as_raw() == cur.as_raw() {
                continue;
            }
            match cur.verify_signature(Some(cand.public_key())) {
                Ok(()) => {
                    next = Some(i);
                    break;
                }
                Err(X509Error::SignatureUnsupportedAlgorithm) => {
                    return Ok((path, ChainEnd::Unsupported(cur.signature_algorithm.algorithm.to_id_string())));
                }
                Err(_) => tried = Some(cand),
            }
        }
        if let Some(i) = next {
            used[i] = true;
            cur = &sent[i];
            path.push(cur);
            continue;
        }
        if cur.subject().as_raw() == issuer {
            return match cur.verify_signature(None) {
                Ok(()) => Ok((path, ChainEnd::SelfSigned)),
                Err(X509Error::SignatureUnsupportedAlgorithm) => {
                    Ok((path, ChainEnd::Unsupported(cur.signature_algorithm.algorithm.to_id_string())))
                }
                Err(_) => Err(CertProblem::BadSignature {
                    subject: cur.subject().to_string(),
                    issuer: cur.subject().to_string(),
                }),
            };
        }
        if let Some(cand) = tried {
            return Err(CertProblem::BadSignature {
                subject: cur.subject().to_string(),
                issuer: cand.subject().to_string(),
            });
        }
        return Ok((path, ChainEnd::IssuerNotSent));
    }
    Ok((path, ChainEnd::IssuerNotSent))
}

/// The certificates this machine trusts, loaded once (rustls-native-certs: the system
/// store, or SSL_CERT_FILE / SSL_CERT_DIR).
struct MachineRoots {
    certs: Vec<CertificateDer<'static>>,
    verifier: Option<Arc<WebPkiServerVerifier>>,
}

fn machine_roots(provider: &Arc<CryptoProvider>) -> &'static MachineRoots {
    static ROOTS: OnceLock<MachineRoots> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let certs = rustls_native_certs::load_native_certs().certs;
        let mut store = rustls::RootCertStore::empty();
        for cert in &certs {
            let _ = store.add(cert.clone());
        }
        let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone()).build().ok();
        MachineRoots { certs, verifier }
    })
}

/// Check `end_entity` (and the `intermediates` the server sent) for `server_name` at
/// `now`, under the policy above. `trusted` says whether this machine trusts the chain.
pub fn examine(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    server_name: &ServerName<'_>,
    now: UnixTime,
    accept_untrusted: bool,
    trusted: impl FnOnce(&[&[u8]]) -> Result<(), String>,
) -> CertReport {
    let sent_count = intermediates.len() + 1;
    let leaf = match X509Certificate::from_der(end_entity.as_ref()) {
        Ok((_, c)) => c,
        Err(e) => return CertReport::unreadable(e.to_string(), sent_count, accept_untrusted),
    };
    let sent: Vec<X509Certificate<'_>> =
        intermediates.iter().filter_map(|d| X509Certificate::from_der(d.as_ref()).ok().map(|(_, c)| c)).collect();
    let names = names_of(&leaf);
    let mut report = CertReport {
        subject: leaf.subject().to_string(),
        issuer: leaf.issuer().to_string(),
        names: names.clone(),
        not_before: when(leaf.validity().not_before.timestamp()),
        not_after: when(leaf.validity().not_after.timestamp()),
        sent: sent_count,
        trust: Trust::Unknown,
        problem: None,
        accept_untrusted,
    };

    // 1. the name
    match ParsedCertificate::try_from(end_entity) {
        Err(e) => {
            report.problem = Some(CertProblem::Unreadable(e.to_string()));
            return report;
        }
        Ok(parsed) => {
            if rustls::client::verify_server_name(&parsed, server_name).is_err() {
                report.problem =
                    Some(CertProblem::NameMismatch { expected: server_name_text(server_name), names: names.clone() });
            }
        }
    }

    // 2. the signatures up the chain the server sent, 3. the dates of every certificate on it
    let walked = walk_chain(&leaf, &sent);
    let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let (path, end) = match walked {
        Ok(w) => w,
        Err(p) => {
            // a bad signature is worse than an expired one, but the name comes first
            report.problem.get_or_insert(p);
            return report;
        }
    };
    if report.problem.is_none() {
        for cert in &path {
            let v = cert.validity();
            if now > v.not_after.timestamp() {
                report.problem = Some(CertProblem::Expired {
                    subject: cert.subject().to_string(),
                    not_after: when(v.not_after.timestamp()),
                });
                break;
            }
            if now < v.not_before.timestamp() {
                report.problem = Some(CertProblem::NotYetValid {
                    subject: cert.subject().to_string(),
                    not_before: when(v.not_before.timestamp()),
                });
                break;
            }
        }
    }
    if report.problem.is_some() {
        return report;
    }

    // 4. trust, for the log only
    let ders: Vec<&[u8]> = path.iter().map(|c| c.as_raw()).collect();
    report.trust = match trusted(&ders) {
        Ok(()) => Trust::Trusted,
        Err(why) => {
            let top = path.last().copied().unwrap_or(&leaf);
            Trust::Untrusted(match end {
                ChainEnd::SelfSigned if path.len() == 1 => format!("self-signed: {}", top.subject()),
                ChainEnd::SelfSigned => {
                    format!("issued under the root {}, which this machine does not trust", top.subject())
                }
                ChainEnd::IssuerNotSent => {
                    format!("issued by {}, which this machine does not trust: {why}", top.issuer())
                }
                ChainEnd::Unsupported(alg) => {
                    format!("signed by {} with algorithm {alg}, which exosh cannot check", top.issuer())
                }
            })
        }
    };
    report
}

/// rustls verifier for IMAP sources: the policy above, with real TLS 1.2/1.3 handshake
/// signature checks. One per connection; `take_report` gives what it found.
#[derive(Debug)]
pub struct ImapCertVerifier {
    provider: Arc<CryptoProvider>,
    accept_untrusted: bool,
    report: Mutex<Option<CertReport>>,
}

impl ImapCertVerifier {
    pub fn new(provider: Arc<CryptoProvider>, accept_untrusted: bool) -> ImapCertVerifier {
        ImapCertVerifier { provider, accept_untrusted, report: Mutex::new(None) }
    }

    /// What the last certificate check found (None before the server sent one).
    pub fn take_report(&self) -> Option<CertReport> {
        self.report.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl ServerCertVerifier for ImapCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let roots = machine_roots(&self.provider);
        let trusted = |path: &[&[u8]]| -> Result<(), String> {
            // a certificate of the chain is itself in the machine's store
            if path.iter().any(|der| roots.certs.iter().any(|r| r.as_ref() == *der)) {
                return Ok(());
            }
            match &roots.verifier {
                None => Err("this machine has no trusted root certificates".to_string()),
                Some(v) => v
                    .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
            }
        };
        let report = examine(end_entity, intermediates, server_name, now, self.accept_untrusted, trusted);
        let result = match (&report.problem, report.accepted()) {
            (Some(p), false) => Err(p.rustls_error()),
            _ => Ok(ServerCertVerified::assertion()),
        };
        *self.report.lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
        result
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(problem: Option<CertProblem>, trust: Trust, accept_untrusted: bool) -> CertReport {
        CertReport {
            subject: "CN=imap.contoso.com".into(),
            issuer: "CN=imap.contoso.com".into(),
            names: vec!["DNS:imap.contoso.com".into()],
            not_before: "2026-01-01 00:00:00 UTC".into(),
            not_after: "2027-01-01 00:00:00 UTC".into(),
            sent: 1,
            trust,
            problem,
            accept_untrusted,
        }
    }

    fn wrong_name() -> CertProblem {
        CertProblem::NameMismatch { expected: "mail.fabrikam.com".into(), names: vec!["DNS:imap.contoso.com".into()] }
    }

    #[test]
    fn log_says_why_a_certificate_is_accepted_or_refused() {
        let untrusted = report(None, Trust::Untrusted("self-signed: CN=imap.contoso.com".into()), false);
        assert!(untrusted.accepted());
        assert_eq!(
            untrusted.log_lines(),
            vec![
                "certificate: CN=imap.contoso.com issued by CN=imap.contoso.com; names DNS:imap.contoso.com; \
                 valid 2026-01-01 00:00:00 UTC to 2027-01-01 00:00:00 UTC; 1 certificate(s) sent"
                    .to_string(),
                "certificate issuer not trusted by this machine (self-signed: CN=imap.contoso.com); \
                 accepted as Exchange Online does for IMAP"
                    .to_string(),
            ]
        );
        let trusted = report(None, Trust::Trusted, false);
        assert_eq!(trusted.log_lines()[1], "certificate valid and trusted by this machine");

        let refused = report(Some(wrong_name()), Trust::Unknown, false);
        assert!(!refused.accepted());
        assert_eq!(
            refused.log_lines()[1],
            "certificate refused: the certificate is not valid for 'mail.fabrikam.com': it is for DNS:imap.contoso.com"
        );
        let accepted = report(Some(wrong_name()), Trust::Unknown, true);
        assert!(accepted.accepted());
        assert!(
            accepted.log_lines()[1].starts_with(
                "certificate not verified (-AcceptUntrustedCertificates); without it the connection would be refused: \
                 the certificate is not valid for 'mail.fabrikam.com'"
            ),
            "{:?}",
            accepted.log_lines()
        );
        assert_eq!(
            report(None, Trust::Unknown, true).log_lines()[1],
            "certificate not verified (-AcceptUntrustedCertificates)"
        );
    }

    #[test]
    fn each_problem_has_the_dotnet_status_exchange_shows() {
        let expired = CertProblem::Expired { subject: "CN=a".into(), not_after: "x".into() };
        let early = CertProblem::NotYetValid { subject: "CN=a".into(), not_before: "x".into() };
        let bad = CertProblem::BadSignature { subject: "CN=a".into(), issuer: "CN=b".into() };
        let cases = [
            (wrong_name(), error::MSG_CERT_NAME_MISMATCH, CertificateError::NotValidForName),
            (expired, error::MSG_CERT_NOT_TIME_VALID, CertificateError::Expired),
            (early, error::MSG_CERT_NOT_TIME_VALID, CertificateError::NotValidYet),
            (bad, error::MSG_CERT_NOT_SIGNATURE_VALID, CertificateError::BadSignature),
            (CertProblem::Unreadable("x".into()), error::MSG_CERT_INVALID, CertificateError::BadEncoding),
        ];
        for (problem, status, rustls_error) in cases {
            assert_eq!(problem.status_message(), status, "{problem}");
            assert_eq!(problem.rustls_error(), rustls::Error::InvalidCertificate(rustls_error));
            // the message and ErrorDetail a refusal gives
            let e = error::MigrationError::certificate("imap.contoso.com", status, problem.to_string());
            assert_eq!(e.kind, error::ErrorKind::Tls);
            assert_eq!(e.message, format!("TLS negotiation failed. {status}"));
            assert!(e.detail.contains(&format!("AuthenticationException: {status}")), "{}", e.detail);
            assert!(e.detail.ends_with(&problem.to_string()), "{}", e.detail);
        }
    }

    #[test]
    fn garbage_instead_of_a_certificate_is_unreadable_and_refused() {
        let der = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        let name = ServerName::try_from("imap.contoso.com").expect("name");
        let r = examine(&der, &[], &name, UnixTime::now(), false, |_| Ok(()));
        assert!(matches!(r.problem, Some(CertProblem::Unreadable(_))), "{r:?}");
        assert!(!r.accepted());
        assert_eq!(r.trust, Trust::Unknown);
        assert!(r.log_lines()[0].starts_with("certificate refused: the certificate could not be read"));
    }
}
