//! Modified UTF-7 (RFC 3501 §5.1.3), the encoding of IMAP folder names and of Dovecot's
//! Maildir++ folder directories.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn b64_value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b',' => Some(63),
        _ => None,
    }
}

/// Decode a modified UTF-7 name. Invalid sequences are kept literally (never fails), so a
/// server that sends raw UTF-8 (UTF8=ACCEPT style) still gives a usable name.
pub fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let Some(end) = after.find('-') else {
            out.push_str(&rest[pos..]);
            return out;
        };
        let run = &after[..end];
        if run.is_empty() {
            out.push('&');
        } else if let Some(text) = decode_run(run) {
            out.push_str(&text);
        } else {
            out.push('&');
            out.push_str(run);
            out.push('-');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn decode_run(run: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(run.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in run.bytes() {
        acc = (acc << 6) | b64_value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if bytes.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = bytes.chunks(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
    String::from_utf16(&units).ok()
}

/// Encode a name in modified UTF-7.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut out, &mut pending);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut out, &mut pending);
    out
}

fn flush(out: &mut String, pending: &mut Vec<u16>) {
    if pending.is_empty() {
        return;
    }
    out.push('&');
    let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(B64[((acc >> bits) & 63) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(B64[((acc << (6 - bits)) & 63) as usize]));
    }
    out.push('-');
    pending.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_names() {
        // RFC 3501's example and names of the lab corpus.
        assert_eq!(decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), "~peter/mail/台北/日本語");
        assert_eq!(encode("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assert_eq!(encode("Receipts & Bills"), "Receipts &- Bills");
        assert_eq!(decode("Receipts &- Bills"), "Receipts & Bills");
        for name in ["Ünïcødé Café", "Входящие", "日本語のメール", "a&b", "😀 emoji", ""] {
            assert_eq!(decode(&encode(name)), name);
        }
        assert_eq!(encode("Caf\u{e9}"), "Caf&AOk-");
    }

    #[test]
    fn invalid_input_is_kept() {
        assert_eq!(decode("a&b"), "a&b");
        assert_eq!(decode("a&!!-b"), "a&!!-b");
    }
}
