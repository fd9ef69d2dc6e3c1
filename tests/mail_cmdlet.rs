//! Send-MailMessage against a real SMTP conversation: a small SMTP server on a loopback
//! port in the test records the envelope and the message exosh sends.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

#[derive(Default, Debug)]
struct Received {
    from: String,
    rcpt: Vec<String>,
    data: String,
    auth: Vec<String>,
}

fn smtp_server() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let store = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut w) = stream else { continue };
            let mut r = BufReader::new(w.try_clone().unwrap());
            let mut cur = Received::default();
            let _ = w.write_all(b"220 test ESMTP\r\n");
            let mut line = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let up = line.to_ascii_uppercase();
                if up.starts_with("EHLO") || up.starts_with("HELO") {
                    let _ = w.write_all(b"250-test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
                } else if up.starts_with("AUTH") {
                    cur.auth.push(line.trim().to_string());
                    let _ = w.write_all(b"235 ok\r\n");
                } else if up.starts_with("MAIL FROM:") {
                    cur.from = line[10..].trim().to_string();
                    let _ = w.write_all(b"250 ok\r\n");
                } else if up.starts_with("RCPT TO:") {
                    cur.rcpt.push(line[8..].trim().to_string());
                    let _ = w.write_all(b"250 ok\r\n");
                } else if up.starts_with("DATA") {
                    let _ = w.write_all(b"354 go\r\n");
                    let mut data = String::new();
                    loop {
                        let mut l = String::new();
                        if r.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                            break;
                        }
                        data.push_str(&l);
                    }
                    cur.data = data;
                    let _ = w.write_all(b"250 queued\r\n");
                } else if up.starts_with("QUIT") {
                    let _ = w.write_all(b"221 bye\r\n");
                    break;
                } else {
                    let _ = w.write_all(b"250 ok\r\n");
                }
            }
            store.lock().unwrap().push(std::mem::take(&mut cur));
        }
    });
    (port, got)
}

fn exosh(script: &str, dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-Command", script])
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn send_mail_message_delivers_html_bcc_and_attachments_over_smtp() {
    let (port, got) = smtp_server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.csv"), "Identity,Status\nann@contoso.com,Synced\n").unwrap();
    let script = format!(
        r#"
$p = @{{ From='exosh@contoso.com'; To='admin@contoso.com','ops@contoso.com'; Bcc='audit@contoso.com'; Subject='Batch B1 synced'; SmtpServer='127.0.0.1'; Port={port} }}
Send-MailMessage @p -Body '<b>4 users</b> synced' -BodyAsHtml -Attachments report.csv
$PSEmailServer = '127.0.0.1'
$cred = [pscredential]::new('relay', (ConvertTo-SecureString 'relaypw' -AsPlainText -Force))
Send-MailMessage -From 'exosh@contoso.com' -To 'admin@contoso.com' -Subject 'plain' -Body 'hello' -Port {port} -Credential $cred
'sent'
"#
    );
    let out = exosh(&script, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("sent\n"), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("WARNING: The command 'Send-MailMessage' is obsolete.").count(), 2, "{stdout}");
    assert!(!stdout.contains("relaypw") && !stderr.contains("relaypw"));
    let got = got.lock().unwrap();
    assert_eq!(got.len(), 2, "{got:?}");
    let m = &got[0];
    assert_eq!(m.from, "<exosh@contoso.com>");
    assert_eq!(m.rcpt, ["<admin@contoso.com>", "<ops@contoso.com>", "<audit@contoso.com>"]);
    assert!(m.data.contains("Subject: Batch B1 synced\r\n"), "{}", m.data);
    assert!(m.data.contains("text/html"), "{}", m.data);
    assert!(m.data.contains("<b>4 users</b> synced"), "{}", m.data);
    assert!(m.data.contains("filename=\"report.csv\""), "{}", m.data);
    assert!(!m.data.contains("audit@contoso.com"), "Bcc must stay out of the headers: {}", m.data);
    assert!(m.auth.is_empty());
    let plain = &got[1];
    assert!(plain.data.contains("text/plain") && plain.data.contains("hello"), "{}", plain.data);
    assert_eq!(plain.auth.len(), 1, "{plain:?}");
}

#[test]
fn send_mail_message_errors_name_the_missing_server_and_the_unreachable_one() {
    let dir = tempfile::tempdir().unwrap();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = exosh(
        &format!(
            "Send-MailMessage -From a@contoso.com -To b@contoso.com -Subject s; 'next'; Send-MailMessage -From a@contoso.com -To b@contoso.com -Subject s -SmtpServer 127.0.0.1 -Port {closed}; 'end'"
        ),
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no SMTP server was specified"), "{stderr}");
    assert!(stderr.contains(&format!("Failure sending mail to 127.0.0.1:{closed}")), "{stderr}");
    assert!(stdout.contains("next\n") && stdout.contains("end\n"), "{stdout}");
}
