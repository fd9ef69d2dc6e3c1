//! Send-MailMessage over SMTP with lettre, as pwsh 7 sends it (System.Net.Mail.SmtpClient):
//! port 25 unless `-Port`, `-SmtpServer` or `$PSEmailServer`, plain SMTP unless `-UseSsl`
//! (then STARTTLS is required, with the platform's certificate verification), AUTH only
//! with `-Credential`, `-Bcc` recipients only in the envelope, `-Attachments` as MIME
//! parts (`-Priority` and `-DeliveryNotificationOption` are accepted and not sent). pwsh marks the cmdlet obsolete and says so in a warning on every call; exosh too.

use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::to_string;
use crate::runtime::error::{ErrorRecord, Exception, Flow, R};
use crate::runtime::eval::Interp;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::Value;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

const OBSOLETE: &str = "The command 'Send-MailMessage' is obsolete. This cmdlet does not guarantee secure connections \
                        to SMTP servers. While there is no immediate replacement available in PowerShell, we recommend \
                        you do not use Send-MailMessage at this time. See https://aka.ms/SendMailMessage for more \
                        information.";

fn strings() -> PsType {
    PsType::Array(Box::new(PsType::String))
}

pub fn register(r: &mut Registry) {
    r.add(
        Signature::new("Send-MailMessage", "Sends an email message over SMTP (obsolete in pwsh, kept for scripts).")
            .param(Param::new("To", strings()).position(0).mandatory().by_property_name())
            .param(Param::new("Subject", PsType::String).position(1).alias("sub").by_property_name())
            .param(Param::new("Body", PsType::String).position(2).pipeline().by_property_name())
            .param(Param::new("SmtpServer", PsType::String).position(3).alias("ComputerName").by_property_name())
            .param(Param::new("From", PsType::String).mandatory().by_property_name())
            .param(Param::new("Cc", strings()).by_property_name())
            .param(Param::new("Bcc", strings()).by_property_name())
            .param(Param::new("ReplyTo", strings()).by_property_name())
            .param(Param::new("Attachments", strings()).alias("PsPath").pipeline().by_property_name())
            .param(Param::switch("BodyAsHtml").alias("BAH"))
            .param(Param::new("Encoding", PsType::String).alias("BE"))
            .param(Param::new("Port", PsType::Int))
            .param(Param::switch("UseSsl"))
            .param(Param::new("Credential", PsType::Object))
            .param(Param::new("Priority", PsType::String).validate_set(&["Normal", "Low", "High"]))
            .param(
                Param::new("DeliveryNotificationOption", strings())
                    .alias("DNO")
                    .validate_set(&["None", "OnSuccess", "OnFailure", "Delay", "Never"]),
            )
            .example(
                "Send-MailMessage -From 'exosh@contoso.com' -To 'admin@contoso.com' -Subject 'Batch synced' -Body $report -SmtpServer smtp.contoso.com",
                "Mails a report through the organisation's relay.",
            ),
        || Box::new(SendMail),
    );
}

struct SendMail;

fn fail(call: &Call, id: &str, category: &'static str, message: String) -> Flow {
    Flow::error(call.error(ErrorRecord::new(
        Exception::new("System.Net.Mail.SmtpException", message),
        &format!("{id},Microsoft.PowerShell.Commands.SendMailMessage"),
        category,
        Value::Null,
    )))
}

fn mailbox(call: &Call, s: &str) -> R<Mailbox> {
    s.trim().parse::<Mailbox>().map_err(|_| {
        Flow::error(call.error(ErrorRecord::new(
            Exception::new(
                "System.FormatException",
                format!("The specified string is not in the form required for an e-mail address: '{s}'."),
            ),
            "FormatException,Microsoft.PowerShell.Commands.SendMailMessage",
            "InvalidArgument",
            Value::str(s),
        )))
    })
}

impl Cmdlet for SendMail {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        cx.write_warning(call.bound.common.warning_action, OBSOLETE)?;
        let server = call
            .str("SmtpServer")
            .filter(|s| !s.is_empty())
            .or_else(|| cx.get_var("PSEmailServer").map(|v| to_string(&v)).filter(|s| !s.is_empty()));
        let Some(server) = server else {
            return Err(fail(
                call,
                "SmtpException",
                "InvalidArgument",
                "The email cannot be sent because no SMTP server was specified. You must specify an SMTP server by \
                 using either the SmtpServer parameter or the $PSEmailServer variable."
                    .into(),
            ));
        };
        let mut b = Message::builder().from(mailbox(call, &call.str("From").unwrap_or_default())?);
        for to in call.strings("To") {
            b = b.to(mailbox(call, &to)?);
        }
        for cc in call.strings("Cc") {
            b = b.cc(mailbox(call, &cc)?);
        }
        for bcc in call.strings("Bcc") {
            b = b.bcc(mailbox(call, &bcc)?);
        }
        for r in call.strings("ReplyTo") {
            b = b.reply_to(mailbox(call, &r)?);
        }
        b = b.subject(call.str("Subject").unwrap_or_default());
        let body = call.str("Body").unwrap_or_default();
        let text_part = if call.switch("BodyAsHtml") {
            SinglePart::builder().header(ContentType::TEXT_HTML).body(body)
        } else {
            SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body)
        };
        let attachments = call.strings("Attachments");
        let built = if attachments.is_empty() {
            b.singlepart(text_part)
        } else {
            let mut mp = MultiPart::mixed().singlepart(text_part);
            for a in attachments {
                let path = cx.resolve_path(&a);
                let bytes = std::fs::read(&path).map_err(|e| {
                    Flow::error(call.error(ErrorRecord::new(
                        Exception::new("System.IO.FileNotFoundException", format!("Could not find file '{path}': {e}")),
                        "FileNotFoundException,Microsoft.PowerShell.Commands.SendMailMessage",
                        "ReadError",
                        Value::string(path.clone()),
                    )))
                })?;
                let name = std::path::Path::new(&path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "attachment".into());
                let ct = ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN);
                mp = mp.singlepart(Attachment::new(name).body(bytes, ct));
            }
            b.multipart(mp)
        };
        let msg = built.map_err(|e| fail(call, "SmtpException", "InvalidArgument", e.to_string()))?;
        let port = call.int("Port").and_then(|p| u16::try_from(p).ok()).unwrap_or(25);
        let mut t = SmtpTransport::builder_dangerous(server.clone()).port(port);
        if call.switch("UseSsl") {
            // .NET's EnableSsl is STARTTLS on the plain port.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let params = TlsParameters::new(server.clone())
                .map_err(|e| fail(call, "SmtpException", "SecurityError", e.to_string()))?;
            t = t.tls(Tls::Required(params));
        }
        if let Some(Value::Credential(c)) = call.get("Credential") {
            t = t.credentials(Credentials::new(c.user.clone(), c.password.text.clone()));
        }
        t.build().send(&msg).map_err(|e| {
            let mut text = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                text = format!("{text}: {s}");
                src = s.source();
            }
            fail(call, "SmtpException", "InvalidOperation", format!("Failure sending mail to {server}:{port}: {text}"))
        })?;
        Ok(())
    }
}
