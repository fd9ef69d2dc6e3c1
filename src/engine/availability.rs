//! `Test-MigrationServerAvailability -IMAP`: connect, negotiate security, optionally log
//! on, and report Success or Failed with Exchange's message and the protocol log.

use super::error::MigrationError;
use super::net::{self, ProtocolLog};
use super::spec::{Credentials, ServerSpec};

/// TestMigrationServerAvailabilityResult.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AvailabilityResult {
    Success,
    Failed,
}

impl AvailabilityResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AvailabilityResult::Success => "Success",
            AvailabilityResult::Failed => "Failed",
        }
    }
}

/// TestMigrationServerAvailabilityOutcome, engine side.
#[derive(Clone, Debug)]
pub struct AvailabilityOutcome {
    pub result: AvailabilityResult,
    /// `Message` (empty on success).
    pub message: String,
    /// `ErrorDetail` (exception chain; empty on success).
    pub error_detail: String,
    /// The protocol log, for `-Diagnostic` (`DiagnosticInfo`).
    pub diagnostic: String,
    /// Capabilities the server offered (after TLS, and after logon when credentials were
    /// given).
    pub capabilities: Vec<String>,
    pub error: Option<MigrationError>,
}

/// Connect to `server` and, with `credentials`, log on and out.
pub async fn test_server_availability(server: &ServerSpec, credentials: Option<&Credentials>) -> AvailabilityOutcome {
    let mut log = ProtocolLog::default();
    let result = probe(server, credentials, &mut log).await;
    match result {
        Ok(caps) => {
            log.push("Result: Success");
            AvailabilityOutcome {
                result: AvailabilityResult::Success,
                message: String::new(),
                error_detail: String::new(),
                diagnostic: log.text(),
                capabilities: caps,
                error: None,
            }
        }
        Err(e) => {
            log.push(format!("Result: Failed: {}", e.message));
            AvailabilityOutcome {
                result: AvailabilityResult::Failed,
                message: e.message.clone(),
                error_detail: e.detail.clone(),
                diagnostic: log.text(),
                capabilities: Vec::new(),
                error: Some(e),
            }
        }
    }
}

async fn probe(
    server: &ServerSpec,
    credentials: Option<&Credentials>,
    log: &mut ProtocolLog,
) -> Result<Vec<String>, MigrationError> {
    let (client, caps) = net::connect(server, log).await?;
    let Some(credentials) = credentials else {
        return Ok(caps.0);
    };
    let mut session = net::login(client, &caps, server, credentials, log).await?;
    let caps = net::after_login(&mut session, log).await;
    log.push("C: LOGOUT");
    let _ = tokio::time::timeout(net::CONNECT_TIMEOUT, session.logout()).await;
    Ok(caps.0)
}
