//! Invoke-WebRequest and Invoke-RestMethod over reqwest (rustls with the platform's roots):
//! admin scripts post migration reports to webhooks and read REST APIs with them.
//!
//! What pwsh 7 does and exosh follows: a URI without a scheme gets `http://`; a hashtable
//! `-Body` becomes the query string of a GET and a form-encoded body otherwise; an HTTP error
//! status is a statement-terminating `HttpResponseException` whose message is the response body
//! (or "Response status code does not indicate success: 404 (Not Found).") unless
//! `-SkipHttpErrorCheck`; secrets (`-Credential`, `-Token`) are refused over plain http unless
//! `-AllowUnencryptedAuthentication`. Invoke-RestMethod turns JSON into objects (arrays are
//! enumerated) and returns other text as a string.

use super::misc::from_json;
use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::to_string;
use crate::runtime::error::{ErrorRecord, Exception, Flow, R};
use crate::runtime::eval::Interp;
use crate::runtime::pipeline::emit_enumerated;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::{Hashtable, PsObject, Value};
use std::time::Duration;

const METHODS: &[&str] = &["Default", "Get", "Head", "Post", "Put", "Delete", "Trace", "Options", "Merge", "Patch"];

pub fn register(r: &mut Registry) {
    for (name, rest) in [("Invoke-WebRequest", false), ("Invoke-RestMethod", true)] {
        let mut sig = Signature::new(
            name,
            if rest {
                "Sends an HTTP request and returns the response body as objects (JSON) or text."
            } else {
                "Sends an HTTP request and returns the response (status, headers, content)."
            },
        )
        .param(Param::new("Uri", PsType::String).position(0).mandatory())
        .param(Param::new("Method", PsType::String).validate_set(METHODS))
        .param(Param::new("CustomMethod", PsType::String))
        .param(Param::new("Body", PsType::Object).pipeline())
        .param(Param::new("Headers", PsType::Object))
        .param(Param::new("ContentType", PsType::String))
        .param(Param::new("UserAgent", PsType::String))
        .param(Param::new("TimeoutSec", PsType::Int))
        .param(Param::new("MaximumRedirection", PsType::Int))
        .param(Param::new("OutFile", PsType::String))
        .param(Param::new("InFile", PsType::String))
        .param(Param::switch("PassThru"))
        .param(Param::switch("UseBasicParsing"))
        .param(Param::switch("UseDefaultCredentials"))
        .param(Param::switch("DisableKeepAlive"))
        .param(Param::switch("SkipCertificateCheck"))
        .param(Param::switch("SkipHttpErrorCheck"))
        .param(Param::switch("SkipHeaderValidation"))
        .param(Param::switch("AllowUnencryptedAuthentication"))
        .param(Param::new("Credential", PsType::Object))
        .param(Param::new("Authentication", PsType::String).validate_set(&["None", "Basic", "Bearer", "OAuth"]))
        .param(Param::new("Token", PsType::Object))
        .param(Param::new("Proxy", PsType::String))
        .param(Param::new("StatusCodeVariable", PsType::String))
        .param(Param::new("ResponseHeadersVariable", PsType::String).alias("RHV"))
        .example(
            "Invoke-RestMethod -Uri $webhook -Method Post -ContentType 'application/json' -Body (@{text='Batch synced'} | ConvertTo-Json)",
            "Posts a JSON message to a webhook.",
        );
        if rest {
            sig = sig.example(
                "(Invoke-RestMethod https://api.example.com/users).Count",
                "Reads a JSON array; its elements arrive one by one down the pipeline.",
            );
        }
        r.add(sig, move || Box::new(WebCmd { rest }));
    }
}

struct WebCmd {
    rest: bool,
}

impl Cmdlet for WebCmd {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let rest = self.rest;
        {
            let resp = send(cx, call, rest)?;
            if let Some(var) = call.str("StatusCodeVariable").filter(|v| !v.is_empty()) {
                cx.set_var(&var, Value::Int(i32::from(resp.status)))?;
            }
            if let Some(var) = call.str("ResponseHeadersVariable").filter(|v| !v.is_empty()) {
                cx.set_var(&var, headers_value(&resp.headers))?;
            }
            if let Some(path) = call.str("OutFile") {
                let path = cx.resolve_path(&path);
                std::fs::write(&path, &resp.body).map_err(|e| {
                    Flow::error(call.error(ErrorRecord::new(
                        Exception::new("System.IO.IOException", format!("Could not write '{path}': {e}")),
                        &fqid("System.IO.IOException", rest),
                        "WriteError",
                        Value::string(path.clone()),
                    )))
                })?;
                if !call.switch("PassThru") {
                    return Ok(());
                }
            }
            if rest { emit_enumerated(cx, rest_value(&resp), out) } else { out.emit(cx, web_response(&resp)) }
        }
    }
}

struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    content_type: String,
    body: Vec<u8>,
    version: String,
}

fn fqid(kind: &str, rest: bool) -> String {
    let cmd = if rest { "InvokeRestMethodCommand" } else { "InvokeWebRequestCommand" };
    format!("{kind},Microsoft.PowerShell.Commands.{cmd}")
}

fn fail(call: &Call, rest: bool, exception: &str, id: &str, category: &'static str, message: String) -> Flow {
    Flow::error(call.error(ErrorRecord::new(
        Exception::new(exception, message),
        &fqid(id, rest),
        category,
        Value::Null,
    )))
}

/// `application/x-www-form-urlencoded` / query-string encoding of a hashtable body.
fn form_encode(h: &Hashtable) -> String {
    fn enc(s: &str) -> String {
        let mut o = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => o.push(b as char),
                b' ' => o.push('+'),
                _ => o.push_str(&format!("%{b:02X}")),
            }
        }
        o
    }
    h.entries()
        .iter()
        .map(|(k, v)| format!("{}={}", enc(&to_string(k)), enc(&to_string(v))))
        .collect::<Vec<_>>()
        .join("&")
}

fn body_bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::Array(a) if a.items.borrow().iter().all(|x| matches!(x, Value::Byte(_))) => {
            a.items.borrow().iter().map(|x| if let Value::Byte(b) = x { *b } else { 0 }).collect()
        }
        other => to_string(other).into_bytes(),
    }
}

fn secret_text(v: &Value) -> String {
    match v {
        Value::SecureString(s) => s.text.clone(),
        other => to_string(other),
    }
}

fn send(cx: &mut Interp, call: &Call, rest: bool) -> R<Response> {
    let raw = call.str("Uri").unwrap_or_default();
    let uri = if raw.contains("://") { raw.clone() } else { format!("http://{raw}") };
    let url = reqwest::Url::parse(&uri).map_err(|_| {
        fail(call, rest, "System.UriFormatException", "System.UriFormatException", "InvalidArgument", {
            "Invalid URI: The hostname could not be parsed.".to_string()
        })
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(fail(
            call,
            rest,
            "System.ArgumentException",
            "WebCmdletIEDomNotSupportedException",
            "InvalidArgument",
            format!("The '{}' scheme is not supported.", url.scheme()),
        ));
    }
    let method = call
        .str("CustomMethod")
        .or_else(|| call.str("Method"))
        .filter(|m| !m.eq_ignore_ascii_case("Default"))
        .unwrap_or_else(|| "GET".into())
        .to_ascii_uppercase();
    let has_secret = call.has("Credential") || call.has("Token");
    if has_secret && url.scheme() == "http" && !call.switch("AllowUnencryptedAuthentication") {
        return Err(fail(
            call,
            rest,
            "System.Management.Automation.ValidationMetadataException",
            "WebCmdletAllowUnencryptedAuthenticationRequiredException",
            "InvalidArgument",
            "The cmdlet cannot protect plain text secrets sent over unencrypted connections. To suppress this warning \
             and send plain text secrets over unencrypted networks, reissue the command specifying the \
             AllowUnencryptedAuthentication parameter."
                .into(),
        ));
    }
    // reqwest is built without a default crypto provider: use ring, as the engine does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder().tls_danger_accept_invalid_certs(call.switch("SkipCertificateCheck"));
    if let Some(t) = call.int("TimeoutSec").filter(|t| *t > 0) {
        builder = builder.timeout(Duration::from_secs(t as u64));
    }
    if let Some(n) = call.int("MaximumRedirection").filter(|n| *n >= 0) {
        builder = builder.redirect(if n == 0 {
            reqwest::redirect::Policy::none()
        } else {
            reqwest::redirect::Policy::limited(n as usize)
        });
    }
    let ua = call
        .str("UserAgent")
        .unwrap_or_else(|| format!("Mozilla/5.0 ({}) exosh/{}", std::env::consts::OS, env!("CARGO_PKG_VERSION")));
    let client = builder.user_agent(ua).build().map_err(|e| {
        fail(call, rest, "System.InvalidOperationException", "WebCmdletWebResponseException", "InvalidOperation", {
            e.to_string()
        })
    })?;
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut url = url;
    let mut body: Option<Vec<u8>> = None;
    let mut content_type = call.str("ContentType");
    if let Some(path) = call.str("InFile") {
        let path = cx.resolve_path(&path);
        body = Some(std::fs::read(&path).map_err(|e| {
            fail(call, rest, "System.IO.FileNotFoundException", "System.IO.FileNotFoundException", "ReadError", {
                format!("Could not read '{path}': {e}")
            })
        })?);
    } else if let Some(b) = call.get("Body").cloned().or_else(|| call.input.clone()) {
        match &b {
            Value::Hashtable(h) if m == reqwest::Method::GET => {
                let q = form_encode(&h.borrow());
                let full = match url.query() {
                    Some(old) if !old.is_empty() => format!("{old}&{q}"),
                    _ => q,
                };
                url.set_query(Some(&full));
            }
            Value::Hashtable(h) => {
                body = Some(form_encode(&h.borrow()).into_bytes());
                content_type.get_or_insert_with(|| "application/x-www-form-urlencoded".into());
            }
            other => body = Some(body_bytes(other)),
        }
    }
    let mut req = client.request(m.clone(), url.clone());
    if body.is_some() && content_type.is_none() && m == reqwest::Method::POST {
        content_type = Some("application/x-www-form-urlencoded".into());
    }
    if let Some(ct) = &content_type {
        req = req.header(reqwest::header::CONTENT_TYPE, ct.as_str());
    }
    if let Some(Value::Hashtable(h)) = call.get("Headers") {
        for (k, v) in h.borrow().entries() {
            req = req.header(to_string(&k), to_string(&v));
        }
    }
    let auth = call.str("Authentication").unwrap_or_default().to_ascii_lowercase();
    if let Some(Value::Credential(c)) = call.get("Credential")
        && (auth.is_empty() || auth == "basic")
    {
        req = req.basic_auth(c.user.clone(), Some(c.password.text.clone()));
    }
    if let Some(t) = call.get("Token")
        && (auth == "bearer" || auth == "oauth" || auth.is_empty())
    {
        req = req.bearer_auth(secret_text(t));
    }
    if let Some(b) = body {
        req = req.body(b);
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        fail(call, rest, "System.InvalidOperationException", "WebCmdletWebResponseException", "InvalidOperation", {
            e.to_string()
        })
    })?;
    let result = rt.block_on(async {
        let resp = req.send().await?;
        let status = resp.status();
        let version = format!("{:?}", resp.version()).trim_start_matches("HTTP/").to_string();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| (canonical_header(k.as_str()), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let bytes = resp.bytes().await?;
        Ok::<_, reqwest::Error>((status, version, headers, bytes.to_vec()))
    });
    let (status, version, headers, bytes) = result.map_err(|e| {
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg = s.to_string();
            src = s.source();
        }
        let msg = if e.is_timeout() {
            format!("The request was canceled due to the configured HttpClient.Timeout of {} seconds elapsing.", {
                call.int("TimeoutSec").unwrap_or(0)
            })
        } else {
            format!("{} ({})", capitalize(&msg), url.host_str().map(|h| host_port(h, &url)).unwrap_or_default())
        };
        fail(
            call,
            rest,
            "System.Net.Http.HttpRequestException",
            "WebCmdletWebResponseException",
            "InvalidOperation",
            msg,
        )
    })?;
    let content_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let reason = status.canonical_reason().unwrap_or("").to_string();
    let resp = Response { status: status.as_u16(), reason, headers, content_type, body: bytes, version };
    if !(status.is_success() || call.switch("SkipHttpErrorCheck")) {
        let text = String::from_utf8_lossy(&resp.body).trim().to_string();
        let msg = if text.is_empty() {
            format!("Response status code does not indicate success: {} ({}).", resp.status, resp.reason)
        } else {
            text
        };
        return Err(fail(
            call,
            rest,
            "Microsoft.PowerShell.Commands.HttpResponseException",
            "WebCmdletWebResponseException",
            "InvalidOperation",
            msg,
        ));
    }
    Ok(resp)
}

fn host_port(host: &str, url: &reqwest::Url) -> String {
    match url.port_or_known_default() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `content-type` → `Content-Type`, as .NET prints response headers.
fn canonical_header(k: &str) -> String {
    k.split('-').map(capitalize).collect::<Vec<_>>().join("-")
}

fn is_text(content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    ct.is_empty()
        || ct.starts_with("text/")
        || ct.contains("json")
        || ct.contains("xml")
        || ct.contains("javascript")
        || ct.contains("x-www-form-urlencoded")
}

fn body_text(resp: &Response) -> String {
    let ct = resp.content_type.to_ascii_lowercase();
    let charset =
        ct.split(';').find_map(|p| p.trim().strip_prefix("charset=").map(|c| c.trim_matches('"').to_string()));
    let enc = charset.and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes())).unwrap_or(encoding_rs::UTF_8);
    enc.decode_with_bom_removal(&resp.body).0.into_owned()
}

/// Headers as pwsh 7 gives them: a dictionary of header name to string array.
fn headers_value(headers: &[(String, String)]) -> Value {
    let mut h = Hashtable::new(true);
    for (k, v) in headers {
        let key = Value::string(k.clone());
        let mut vals = h.get(&key).map(|x| x.to_list()).unwrap_or_default();
        vals.push(Value::string(v.clone()));
        h.insert(key, Value::typed_array(PsType::String, vals));
    }
    Value::hashtable(h)
}

fn web_response(resp: &Response) -> Value {
    let text = is_text(&resp.content_type);
    let type_name = if text {
        "Microsoft.PowerShell.Commands.BasicHtmlWebResponseObject"
    } else {
        "Microsoft.PowerShell.Commands.WebResponseObject"
    };
    let mut o = PsObject::typed(type_name);
    o.set_note("StatusCode", Value::Int(i32::from(resp.status)));
    o.set_note("StatusDescription", Value::string(resp.reason.clone()));
    // decoded once: Content and RawContent both carry it
    let decoded = if text { Some(body_text(resp)) } else { None };
    let content = if let Some(t) = &decoded {
        Value::string(t.clone())
    } else {
        Value::typed_array(PsType::Byte, resp.body.iter().map(|b| Value::Byte(*b)).collect())
    };
    o.set_note("Content", content);
    let mut raw = format!("HTTP/{} {} {}\r\n", resp.version, resp.status, resp.reason);
    for (k, v) in &resp.headers {
        raw.push_str(&format!("{k}: {v}\r\n"));
    }
    raw.push_str("\r\n");
    if let Some(t) = &decoded {
        raw.push_str(t);
    }
    o.set_note("RawContent", Value::string(raw));
    o.set_note("Headers", headers_value(&resp.headers));
    o.set_note("RawContentLength", Value::Long(resp.body.len() as i64));
    Value::object(o)
}

fn rest_value(resp: &Response) -> Value {
    if resp.body.is_empty() {
        return Value::Null;
    }
    let text = body_text(resp);
    let ct = resp.content_type.to_ascii_lowercase();
    let trimmed = text.trim_start();
    let looks_json =
        ct.contains("json") || (ct.is_empty() || ct.starts_with("text/plain")) && trimmed.starts_with(['{', '[']);
    if looks_json && let Ok(j) = serde_json::from_str::<serde_json::Value>(&text) {
        return from_json(&j, false);
    }
    if is_text(&resp.content_type) {
        Value::string(text)
    } else {
        Value::typed_array(PsType::Byte, resp.body.iter().map(|b| Value::Byte(*b)).collect())
    }
}
