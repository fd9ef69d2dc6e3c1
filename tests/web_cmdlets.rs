//! Invoke-RestMethod and Invoke-WebRequest against a real HTTP server on a loopback port
//! (a small std::net server in the test: each request gets one response, then the
//! connection closes).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;

fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let target = parts.next().unwrap_or("").to_string();
            let mut len = 0usize;
            let mut ctype = String::new();
            let mut auth = String::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap_or((&h, ""));
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => len = v.trim().parse().unwrap_or(0),
                    "content-type" => ctype = v.trim().to_string(),
                    "authorization" => auth = v.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0u8; len];
            reader.read_exact(&mut body).unwrap();
            let body = String::from_utf8_lossy(&body).to_string();
            let (status, ct, payload): (&str, &str, Vec<u8>) = match target.split('?').next().unwrap_or("") {
                "/users" => (
                    "200 OK",
                    "application/json; charset=utf-8",
                    br#"[{"name":"ann","items":120},{"name":"bob","items":7}]"#.to_vec(),
                ),
                "/echo" => (
                    "200 OK",
                    "application/json",
                    format!(
                        r#"{{"method":"{method}","contentType":"{ctype}","body":{},"auth":"{auth}"}}"#,
                        serde_json::to_string(&body).unwrap()
                    )
                    .into_bytes(),
                ),
                "/query" => {
                    ("200 OK", "text/plain", target.split_once('?').map(|x| x.1).unwrap_or("").as_bytes().to_vec())
                }
                "/missing" => ("404 Not Found", "text/plain", b"no such batch".to_vec()),
                "/bare404" => ("404 Not Found", "text/plain", Vec::new()),
                "/bin" => ("200 OK", "application/octet-stream", vec![0, 1, 2, 255]),
                _ => ("500 Internal Server Error", "text/plain", Vec::new()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nX-Batch: b1\r\nConnection: close\r\n\r\n",
                payload.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&payload);
        }
    });
    port
}

fn run(script: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-Command", script])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn rest_method_reads_json_posts_forms_and_json_and_reports_http_errors() {
    let port = serve();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bin.dat");
    let script = format!(
        r#"
$base = 'http://127.0.0.1:{port}'
$users = Invoke-RestMethod "$base/users"
"count=$($users.Count) first=$($users[0].name) sum=$(($users | Measure-Object items -Sum).Sum)"
$r = Invoke-RestMethod -Uri "$base/echo" -Method Post -ContentType 'application/json' -Body (@{{text='Batch synced'}} | ConvertTo-Json -Compress)
"echo=$($r.method) $($r.contentType) $($r.body)"
$f = irm "$base/echo" -Method Post -Body @{{user='a b@contoso.com'; n=1}}
"form=$($f.contentType) $($f.body)"
"query=" + (Invoke-RestMethod "$base/query" -Body ([ordered]@{{status='Failed'; page=2}}))
$w = Invoke-WebRequest "$base/users" -UseBasicParsing
"iwr=$($w.StatusCode) $($w.StatusDescription) $($w.Headers['X-Batch']) $($w.Content.Length) $($w.RawContentLength)"
$null = Invoke-RestMethod "$base/users" -StatusCodeVariable sc -ResponseHeadersVariable rh
"vars=$sc $($rh['Content-Type'])"
Invoke-WebRequest "$base/bin" -OutFile '{file}'
"file=" + ((Get-Item '{file}').Length)
try {{ Invoke-RestMethod "$base/missing" }} catch {{ "caught=$($_.Exception.Message) | $($_.FullyQualifiedErrorId)" }}
try {{ Invoke-WebRequest "$base/bare404" }} catch {{ "bare=$($_.Exception.Message)" }}
$s = Invoke-WebRequest "$base/bare404" -SkipHttpErrorCheck
"skip=$($s.StatusCode)"
$cred = [pscredential]::new('admin', (ConvertTo-SecureString 'pw' -AsPlainText -Force))
try {{ Invoke-RestMethod "$base/echo" -Credential $cred -Authentication Basic }} catch {{ "plain=$($_.FullyQualifiedErrorId)" }}
$a = Invoke-RestMethod "$base/echo" -Credential $cred -Authentication Basic -AllowUnencryptedAuthentication
"auth=$($a.auth)"
"#,
        file = file.display()
    );
    let (code, out, err) = run(&script);
    assert_eq!(code, 0, "{out}\n{err}");
    let want = [
        "count=2 first=ann sum=127",
        r#"echo=POST application/json {"text":"Batch synced"}"#,
        "form=application/x-www-form-urlencoded ",
        "query=status=Failed&page=2",
        "iwr=200 OK b1 53 53",
        "vars=200 application/json; charset=utf-8",
        "file=4",
        "caught=no such batch | WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeRestMethodCommand",
        "bare=Response status code does not indicate success: 404 (Not Found).",
        "skip=404",
        "plain=WebCmdletAllowUnencryptedAuthenticationRequiredException,Microsoft.PowerShell.Commands.InvokeRestMethodCommand",
        "auth=Basic YWRtaW46cHc=",
    ];
    for w in want {
        assert!(out.contains(w), "missing {w:?} in:\n{out}\n{err}");
    }
    // The form body carries both fields, encoded.
    assert!(out.contains("user=a+b%40contoso.com") && out.contains("n=1"), "{out}");
    assert_eq!(std::fs::read(&file).unwrap(), vec![0, 1, 2, 255]);
}

#[test]
fn a_closed_port_is_a_statement_terminating_error_with_the_address() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (code, out, err) = run(&format!(
        "Invoke-WebRequest http://127.0.0.1:{port}/x; 'after'; try {{ irm 127.0.0.1:{port} -ErrorAction Stop }} catch {{ 'caught ' + $_.Exception.GetType().Name }}"
    ));
    assert!(out.contains("after\n"), "statement-terminating only: {out}\n{err}");
    assert!(out.contains("caught HttpRequestException"), "{out}\n{err}");
    assert!(err.contains(&format!("(127.0.0.1:{port})")), "{err}");
    assert!(err.contains("Invoke-WebRequest"), "{err}");
    let _ = code;
}
