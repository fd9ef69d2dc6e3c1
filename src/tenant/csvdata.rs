//! `-CSVData` of an IMAP batch (objects.md §12): decoding, header and row
//! rules, with Exchange's messages. Rows are numbered as a spreadsheet shows
//! them: the header is row 1, the first user row 2.
//!
//! The checks that need the tenant (mailbox exists, user not in another
//! batch) are done by the store inside the batch-creating transaction.

use super::error::{TenantError, TenantResult};
use std::collections::HashSet;
use std::fmt;

/// At most this many data rows.
pub const MAX_ROWS: usize = 50_000;
/// At most this many bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// One user row of an IMAP CSV.
#[derive(Clone, PartialEq, Eq)]
pub struct CsvUser {
    /// Row number (header = 1).
    pub row: usize,
    /// Target mailbox address.
    pub email_address: String,
    /// IMAP logon name.
    pub user_name: String,
    /// IMAP password (never printed).
    pub password: String,
    /// Optional UserRoot.
    pub user_root: Option<String>,
}

impl fmt::Debug for CsvUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvUser")
            .field("row", &self.row)
            .field("email_address", &self.email_address)
            .field("user_name", &self.user_name)
            .field("password", &"********")
            .field("user_root", &self.user_root)
            .finish()
    }
}

/// Decodes CSV bytes: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM,
/// UTF-16 LE without BOM (detected by NUL bytes), else Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    if bytes.len() >= 2 {
        let odd_nuls = bytes.iter().skip(1).step_by(2).take(64).filter(|b| **b == 0).count();
        let even_nuls = bytes.iter().step_by(2).take(64).filter(|b| **b == 0).count();
        if odd_nuls > 0 && even_nuls == 0 {
            let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(bytes);
            return text.into_owned();
        }
        if even_nuls > 0 && odd_nuls == 0 {
            let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(bytes);
            return text.into_owned();
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// A loose check of an SMTP address: `local@domain` with a dotted or
/// single-label domain of letters, digits and hyphens.
pub fn is_smtp_address(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || local.contains(char::is_whitespace) || local.contains('@') {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    is_domain_name(domain)
}

/// A domain name: labels of letters, digits and hyphens, 1–63 each, ≤ 255.
pub fn is_domain_name(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 255
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn missing_column(name: &str) -> TenantError {
    TenantError::csv(
        Some(1),
        format!(
            "Column \"{name}\" is missing from the CSV file. The import process can't continue because this column is required. Please edit the CSV file and re-submit it."
        ),
    )
}

/// Parses and validates an IMAP CSV (everything that doesn't need the
/// tenant). `allow_unknown_columns` is `-AllowUnknownColumnsInCsv`.
pub fn parse(bytes: &[u8], allow_unknown_columns: bool) -> TenantResult<Vec<CsvUser>> {
    if bytes.len() > MAX_BYTES {
        return Err(TenantError::csv(
            None,
            "The CSV file is larger than 10 MB. Please divide the file into two or more files and submit them separately.",
        ));
    }
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(TenantError::csv(None, "Upload file can't be empty"));
    }
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::None).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(TenantError::csv(Some(1), format!("Row 1 can't be read: {e}"))),
        None => return Err(TenantError::csv(None, "Upload file can't be empty")),
    };
    let mut idx = [None::<usize>; 4];
    const NAMES: [&str; 4] = ["EmailAddress", "UserName", "Password", "UserRoot"];
    let mut unknown = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        match NAMES.iter().position(|n| n.eq_ignore_ascii_case(h)) {
            Some(k) if idx[k].is_none() => idx[k] = Some(i),
            Some(_) => {
                return Err(TenantError::csv(
                    Some(1),
                    format!(
                        "Column \"{h}\" appears more than once in the CSV file. Please edit the CSV file and re-submit it."
                    ),
                ));
            }
            None => unknown.push(h.to_string()),
        }
    }
    for k in 0..3 {
        if idx[k].is_none() {
            return Err(missing_column(NAMES[k]));
        }
    }
    if !unknown.is_empty() && !allow_unknown_columns {
        return Err(TenantError::csv(
            Some(1),
            format!(
                "The CSV file contains the unknown column \"{}\". Remove the column or set AllowUnknownColumnsInCsv to $true, and then re-submit the file.",
                unknown[0]
            ),
        ));
    }
    let expected = header.len();
    let (ie, iu, ip) = (idx[0].unwrap_or(0), idx[1].unwrap_or(1), idx[2].unwrap_or(2));
    let ir = idx[3];
    let mut users = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (n, rec) in records.enumerate() {
        let row = n + 2;
        let rec = rec.map_err(|e| TenantError::csv(Some(row), format!("Row {row} can't be read: {e}")))?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if users.len() >= MAX_ROWS {
            return Err(TenantError::csv(
                Some(row),
                "The CSV file contains more than 50,000 rows. Please divide the file into two or more files and submit them separately.",
            ));
        }
        if rec.len() != expected {
            return Err(TenantError::csv(
                Some(row),
                format!(
                    "Row {row} has the wrong number of columns. Expected number: {expected}. Actual number: {}. Please edit this row and re-submit the file.",
                    rec.len()
                ),
            ));
        }
        let field = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let email = field(ie);
        if email.is_empty() {
            return Err(TenantError::csv(
                Some(row),
                format!(
                    "Row {row}: the value in column \"EmailAddress\" is empty. Every row needs an EmailAddress, a UserName and a Password."
                ),
            ));
        }
        if !is_smtp_address(&email) {
            return Err(TenantError::csv(
                Some(row),
                format!("Row {row}: \"{email}\" in column \"EmailAddress\" isn't a valid SMTP address."),
            ));
        }
        let user_name = field(iu);
        if user_name.is_empty() {
            return Err(TenantError::csv(
                Some(row),
                format!(
                    "Row {row}: the value in column \"UserName\" is empty. Every row needs an EmailAddress, a UserName and a Password."
                ),
            ));
        }
        // Passwords are taken as written (spaces can be part of a password).
        let password = rec.get(ip).unwrap_or("").to_string();
        if password.is_empty() {
            return Err(TenantError::csv(
                Some(row),
                format!(
                    "Row {row}: the value in column \"Password\" is empty. Every row needs an EmailAddress, a UserName and a Password."
                ),
            ));
        }
        if !seen.insert(email.to_ascii_lowercase()) {
            return Err(TenantError::csv(
                Some(row),
                format!(
                    "Row {row}: the user \"{email}\" appears more than once in the CSV file. Each user can be listed only once."
                ),
            ));
        }
        let user_root = ir.map(field).filter(|s| !s.is_empty());
        users.push(CsvUser { row, email_address: email, user_name, password, user_root });
    }
    if users.is_empty() {
        return Err(TenantError::csv(None, "Upload file can't be empty"));
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(b: &[u8]) -> String {
        match parse(b, false) {
            Ok(_) => String::from("<ok>"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn plain_and_quoted_rows() {
        let u = parse(b"emailaddress,USERNAME,Password\r\na@c.com,\"c\\a, b\",\"p\"\"w\"\n", false);
        let u = u.unwrap_or_default();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].user_name, "c\\a, b");
        assert_eq!(u[0].password, "p\"w");
        assert_eq!(u[0].row, 2);
    }

    #[test]
    fn boms_and_utf16() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("EmailAddress,UserName,Password\nä@c.com,ü,p\n".as_bytes());
        assert_eq!(parse(&b, false).map(|u| u[0].user_name.clone()).ok(), Some("ü".into()));
        let text = "EmailAddress,UserName,Password\na@c.com,ü,p\n";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(parse(&le, false).map(|u| u[0].user_name.clone()).ok(), Some("ü".into()));
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(parse(&be, false).map(|u| u[0].user_name.clone()).ok(), Some("ü".into()));
    }

    #[test]
    fn header_errors() {
        assert_eq!(err(b""), "Upload file can't be empty");
        assert!(
            err(b"Email Address,UserName,Password\nx@c.com,a,b\n").starts_with("Column \"EmailAddress\" is missing")
        );
        assert!(err(b"EmailAddress,UserName\nx@c.com,a\n").starts_with("Column \"Password\" is missing"));
        assert!(err(b"EmailAddress,UserName,Password,Extra\nx@c.com,a,b,c\n").contains("unknown column \"Extra\""));
        assert!(parse(b"EmailAddress,UserName,Password,Extra\nx@c.com,a,b,c\n", true).is_ok());
    }

    #[test]
    fn row_errors_name_the_row() {
        assert_eq!(
            err(b"EmailAddress,UserName,Password\na@c.com,a,b\nb@c.com,a\n"),
            "Row 3 has the wrong number of columns. Expected number: 3. Actual number: 2. Please edit this row and re-submit the file."
        );
        assert!(
            err(b"EmailAddress,UserName,Password\na@c.com,a,b\nA@c.com,x,y\n")
                .starts_with("Row 3: the user \"A@c.com\" appears more than once")
        );
        assert!(err(b"EmailAddress,UserName,Password\nnot-an-address,a,b\n").starts_with("Row 2: \"not-an-address\""));
    }

    #[test]
    fn row_and_size_limits() {
        let mut s = String::from("EmailAddress,UserName,Password\n");
        for i in 0..=MAX_ROWS {
            s.push_str(&format!("u{i}@c.com,u{i},p\n"));
        }
        assert!(err(s.as_bytes()).starts_with("The CSV file contains more than 50,000 rows."));
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(err(&big).starts_with("The CSV file is larger than 10 MB."));
    }

    #[test]
    fn debug_masks_password() {
        let u = parse(b"EmailAddress,UserName,Password\na@c.com,a,sekrit\n", false).unwrap_or_default();
        assert!(!format!("{u:?}").contains("sekrit"));
    }
}
