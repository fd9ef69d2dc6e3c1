//! Connections to the IMAP source: TCP, implicit TLS, STARTTLS, capabilities and logon,
//! with a protocol log for `Test-MigrationServerAvailability`'s `Diagnostic`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::imap_proto::{Capability, Response, Status};
use async_imap::{Client, Session};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::error::MigrationError;
use super::login::{LoginCommand, PlainAuth};
use super::spec::{Credentials, Security, ServerSpec};

pub mod cert;
use cert::ImapCertVerifier;

/// Exchange gives up connecting after 15 seconds.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest wait for any server response once connected.
pub const IO_TIMEOUT: Duration = Duration::from_secs(300);

/// Plain TCP or TLS.
pub enum ImapStream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl fmt::Debug for ImapStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImapStream::Plain(_) => f.write_str("ImapStream::Plain"),
            ImapStream::Tls(_) => f.write_str("ImapStream::Tls"),
        }
    }
}

impl AsyncRead for ImapStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_flush(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

pub type ImapSession = Session<ImapStream>;

/// What the server offers (upper-cased capability atoms).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caps(pub Vec<String>);

impl Caps {
    pub fn has(&self, cap: &str) -> bool {
        self.0.iter().any(|c| c.eq_ignore_ascii_case(cap))
    }

    fn from_proto(list: &[Capability<'_>]) -> Caps {
        Caps(
            list.iter()
                .map(|c| match c {
                    Capability::Imap4rev1 => "IMAP4REV1".to_string(),
                    Capability::Auth(a) => format!("AUTH={}", a.to_ascii_uppercase()),
                    Capability::Atom(a) => a.to_ascii_uppercase(),
                })
                .collect(),
        )
    }
}

/// Lines exchanged with the server (passwords never logged).
#[derive(Clone, Debug, Default)]
pub struct ProtocolLog {
    pub lines: Vec<String>,
    start: Option<std::time::Instant>,
}

impl ProtocolLog {
    pub fn push(&mut self, line: impl Into<String>) {
        let start = *self.start.get_or_insert_with(std::time::Instant::now);
        self.lines.push(format!("[{:>6} ms] {}", start.elapsed().as_millis(), line.into()));
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: OnceLock<Arc<rustls::crypto::CryptoProvider>> = OnceLock::new();
    PROVIDER.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())).clone()
}

/// A connector whose verifier applies the IMAP certificate policy (`cert`); the verifier
/// is returned too, for the report of what it found.
fn tls_connector(accept_untrusted: bool, host: &str) -> Result<(TlsConnector, Arc<ImapCertVerifier>), MigrationError> {
    let provider = provider();
    let verifier = Arc::new(ImapCertVerifier::new(provider.clone(), accept_untrusted));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MigrationError::tls(host, e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    Ok((TlsConnector::from(Arc::new(config)), verifier))
}

async fn tls_wrap(tcp: TcpStream, server: &ServerSpec, log: &mut ProtocolLog) -> Result<ImapStream, MigrationError> {
    let (connector, verifier) = tls_connector(server.accept_untrusted_certificates, &server.host)?;
    let name = ServerName::try_from(server.host.clone())
        .map_err(|e| MigrationError::tls(&server.host, format!("invalid server name: {e}")))?;
    let handshake = tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, tcp)).await;
    let report = verifier.take_report();
    if let Some(r) = &report {
        for line in r.log_lines() {
            log.push(line);
        }
    }
    match handshake {
        Err(_) => Err(MigrationError::timeout(&server.host, CONNECT_TIMEOUT.as_secs())),
        Ok(Err(e)) => {
            log.push(format!("TLS handshake failed: {e}"));
            match report.as_ref().and_then(|r| if r.accepted() { None } else { r.problem.as_ref() }) {
                Some(p) => Err(MigrationError::certificate(&server.host, p.status_message(), p.to_string())),
                None => Err(MigrationError::tls(&server.host, e.to_string())),
            }
        }
        Ok(Ok(stream)) => {
            let (_, conn) = stream.get_ref();
            let version = conn.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default();
            let suite = conn.negotiated_cipher_suite().map(|s| format!("{:?}", s.suite())).unwrap_or_default();
            log.push(format!("TLS established: {version}, {suite}"));
            Ok(ImapStream::Tls(Box::new(stream)))
        }
    }
}

/// Read one response, with a timeout; returns its text form for the log and the
/// capabilities it carried.
async fn read_untagged(
    client: &mut Client<ImapStream>,
    host: &str,
) -> Result<(String, Option<Caps>, bool), MigrationError> {
    let res = tokio::time::timeout(CONNECT_TIMEOUT, client.read_response())
        .await
        .map_err(|_| MigrationError::timeout(host, CONNECT_TIMEOUT.as_secs()))?
        .map_err(|e| MigrationError::connection(host, e.to_string()))?
        .ok_or_else(|| MigrationError::connection(host, "connection closed by the server"))?;
    match res.parsed() {
        Response::Data { status, outcome } => {
            let caps = match &outcome.code {
                Some(async_imap::imap_proto::ResponseCode::Capabilities(c)) => Some(Caps::from_proto(c)),
                _ => None,
            };
            let ok = matches!(status, Status::Ok | Status::PreAuth);
            Ok((format!("* {:?} {}", status, outcome.information.as_deref().unwrap_or("")), caps, ok))
        }
        other => Ok((format!("{other:?}"), None, false)),
    }
}

/// Run a command before logon and collect CAPABILITY data until its tagged answer.
async fn pre_auth_command(
    client: &mut Client<ImapStream>,
    host: &str,
    command: &str,
    log: &mut ProtocolLog,
) -> Result<(bool, Option<Caps>, String), MigrationError> {
    use tokio::io::AsyncWriteExt;
    log.push(format!("C: {command}"));
    // Our own tag: async-imap's generator uses A0001.. and is not reachable before logon.
    let tag = async_imap::imap_proto::RequestId(format!("X{}", command.len()));
    let line = format!("{} {command}\r\n", tag.0);
    let stream = client.get_mut();
    stream.write_all(line.as_bytes()).await.map_err(|e| MigrationError::connection(host, e.to_string()))?;
    stream.flush().await.map_err(|e| MigrationError::connection(host, e.to_string()))?;
    let mut caps = None;
    loop {
        let res = tokio::time::timeout(CONNECT_TIMEOUT, client.read_response())
            .await
            .map_err(|_| MigrationError::timeout(host, CONNECT_TIMEOUT.as_secs()))?
            .map_err(|e| MigrationError::connection(host, e.to_string()))?
            .ok_or_else(|| MigrationError::connection(host, "connection closed by the server"))?;
        match res.parsed() {
            Response::Capabilities(c) => {
                let c = Caps::from_proto(c);
                log.push(format!("S: * CAPABILITY {}", c.0.join(" ")));
                caps = Some(c);
            }
            Response::Done { tag: t, status, outcome } if *t == tag => {
                let text = outcome.information.as_deref().unwrap_or("").to_string();
                log.push(format!("S: {} {:?} {}", t.0, status, text));
                return Ok((matches!(status, Status::Ok), caps, text));
            }
            other => log.push(format!("S: {other:?}")),
        }
    }
}

/// Connect and negotiate the security mode; returns the client (not logged on) and the
/// capabilities it offers.
pub async fn connect(server: &ServerSpec, log: &mut ProtocolLog) -> Result<(Client<ImapStream>, Caps), MigrationError> {
    let host = server.host.as_str();
    log.push(format!("Connecting to {host}:{} (Security {})", server.port, server.security.as_str()));
    let tcp = match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host, server.port))).await {
        Err(_) => {
            log.push("connect timed out");
            return Err(MigrationError::timeout(host, CONNECT_TIMEOUT.as_secs()));
        }
        Ok(Err(e)) => {
            log.push(format!("connect failed: {e}"));
            return Err(MigrationError::connection(host, e.to_string()));
        }
        Ok(Ok(s)) => s,
    };
    let _ = tcp.set_nodelay(true);
    log.push("TCP connected");
    let stream = match server.security {
        Security::Ssl => tls_wrap(tcp, server, log).await?,
        Security::None | Security::Tls => ImapStream::Plain(tcp),
    };
    let mut client = Client::new(stream);
    let (greeting, mut caps, ok) = read_untagged(&mut client, host).await?;
    log.push(format!("S: {greeting}"));
    if !ok {
        return Err(MigrationError::connection(host, format!("unexpected greeting: {greeting}")));
    }
    if server.security == Security::Tls {
        if caps.as_ref().is_some_and(|c| !c.has("STARTTLS")) {
            log.push("server does not offer STARTTLS");
            return Err(MigrationError::tls(host, "the server does not offer STARTTLS"));
        }
        let (ok, _, text) = pre_auth_command(&mut client, host, "STARTTLS", log).await?;
        if !ok {
            return Err(MigrationError::tls(host, format!("STARTTLS refused: {text}")));
        }
        let tcp = match client.into_inner() {
            ImapStream::Plain(t) => t,
            ImapStream::Tls(_) => return Err(MigrationError::tls(host, "already TLS")),
        };
        let stream = tls_wrap(tcp, server, log).await?;
        client = Client::new(stream);
        caps = None; // capabilities before STARTTLS are void
    }
    let caps = match caps {
        Some(c) => {
            log.push(format!("capabilities: {}", c.0.join(" ")));
            c
        }
        None => pre_auth_command(&mut client, host, "CAPABILITY", log).await?.1.unwrap_or_default(),
    };
    Ok((client, caps))
}

/// Log on with the row's credentials.
pub async fn login(
    client: Client<ImapStream>,
    caps: &Caps,
    server: &ServerSpec,
    credentials: &Credentials,
    log: &mut ProtocolLog,
) -> Result<ImapSession, MigrationError> {
    let cmd = LoginCommand::plan(credentials, server.authentication, caps.has("AUTH=PLAIN"), caps.has("LOGINDISABLED"));
    log.push(format!("C: {}", cmd.redacted()));
    let result = match &cmd {
        LoginCommand::Login { user, password } => tokio::time::timeout(IO_TIMEOUT, client.login(user, password)).await,
        LoginCommand::Plain { .. } => {
            let auth = PlainAuth(cmd.plain_message());
            tokio::time::timeout(IO_TIMEOUT, client.authenticate("PLAIN", &auth)).await
        }
    };
    match result {
        Err(_) => Err(MigrationError::timeout(&server.host, IO_TIMEOUT.as_secs())),
        Ok(Ok(session)) => {
            log.push("S: OK logged in");
            Ok(session)
        }
        Ok(Err((e, _))) => {
            log.push(format!("S: {e}"));
            match e {
                async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => {
                    Err(MigrationError::logon(e.to_string()))
                }
                other => Err(MigrationError::protocol(&server.host, other.to_string())),
            }
        }
    }
}

/// After logon: turn on what helps (CONDSTORE via ENABLE) and read capabilities again.
pub async fn after_login(session: &mut ImapSession, log: &mut ProtocolLog) -> Caps {
    let caps = match session.capabilities().await {
        Ok(c) => Caps(
            c.iter()
                .map(|c| match c {
                    async_imap::types::Capability::Imap4rev1 => "IMAP4REV1".to_string(),
                    async_imap::types::Capability::Auth(a) => format!("AUTH={}", a.to_ascii_uppercase()),
                    async_imap::types::Capability::Atom(a) => a.to_ascii_uppercase(),
                })
                .collect(),
        ),
        Err(_) => Caps::default(),
    };
    if caps.has("ENABLE") && caps.has("CONDSTORE") {
        log.push("C: ENABLE CONDSTORE");
        let _ = session.run_command_and_check_ok("ENABLE CONDSTORE").await;
    }
    caps
}
