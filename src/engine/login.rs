//! How a CSV `UserName` becomes what is sent to the IMAP server.
//!
//! Admin-credential formats (Microsoft's "CSV files for IMAP migration batches"):
//!
//! | format | UserName | sent |
//! |---|---|---|
//! | plain | `terry.adams`, `contoso\terry.adams` | as is |
//! | Exchange | `Domain/Admin/User` | as is (the server splits it) |
//! | Dovecot master | `user*admin` | `LOGIN "user*admin"`, or with PLAIN: authzid `user`, authcid `admin` (Dovecot SASL) |
//! | Mirapoint | `#user@domain#admin#` | as is |
//! | Courier/Oracle | admin name + `UserRoot` column | logs in as the admin, folders below the root |

use super::spec::{Authentication, Credentials};

/// The admin format recognised in a CSV row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminFormat {
    /// The user's own credentials.
    Plain,
    /// Exchange `Domain/Admin/User`.
    Exchange { domain: String, admin: String, user: String },
    /// Dovecot master user `user*admin` (also the SASL authzid form).
    DovecotMaster { user: String, admin: String },
    /// Mirapoint `#user@domain#admin#`.
    Mirapoint { user: String, admin: String },
    /// Courier/Oracle virtual shared folders: log in as the admin, the user's folders are
    /// below `root` (e.g. `/users/terry.adams`).
    UserRoot { root: String },
}

impl AdminFormat {
    /// Recognise the format of a CSV row.
    pub fn detect(credentials: &Credentials) -> AdminFormat {
        if let Some(root) = credentials.user_root.as_deref().filter(|r| !r.trim().is_empty()) {
            return AdminFormat::UserRoot { root: root.trim().to_string() };
        }
        let name = credentials.user_name.as_str();
        if name.len() > 2 && name.starts_with('#') && name.ends_with('#') {
            let inner = &name[1..name.len() - 1];
            if let Some((user, admin)) = inner.split_once('#')
                && !user.is_empty()
                && !admin.is_empty()
                && !admin.contains('#')
            {
                return AdminFormat::Mirapoint { user: user.into(), admin: admin.into() };
            }
        }
        if let Some((user, admin)) = name.split_once('*')
            && !user.is_empty()
            && !admin.is_empty()
            && !admin.contains('*')
        {
            return AdminFormat::DovecotMaster { user: user.into(), admin: admin.into() };
        }
        let parts: Vec<&str> = name.split('/').collect();
        if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) {
            return AdminFormat::Exchange { domain: parts[0].into(), admin: parts[1].into(), user: parts[2].into() };
        }
        AdminFormat::Plain
    }
}

/// The logon exchange to perform.
#[derive(Clone, PartialEq, Eq)]
pub enum LoginCommand {
    /// `LOGIN "user" "password"`.
    Login { user: String, password: String },
    /// `AUTHENTICATE PLAIN` with `authzid NUL authcid NUL password`.
    Plain { authzid: String, authcid: String, password: String },
}

impl std::fmt::Debug for LoginCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl LoginCommand {
    /// Choose the logon for a row, given what the server advertises.
    pub fn plan(
        credentials: &Credentials,
        authentication: Authentication,
        offers_auth_plain: bool,
        login_disabled: bool,
    ) -> LoginCommand {
        let format = AdminFormat::detect(credentials);
        let use_plain = match authentication {
            Authentication::Basic => offers_auth_plain || login_disabled,
            Authentication::Ntlm => login_disabled,
        };
        let password = credentials.password.clone();
        if use_plain {
            let (authzid, authcid) = match format {
                AdminFormat::DovecotMaster { user, admin } => (user, admin),
                _ => (String::new(), credentials.user_name.clone()),
            };
            LoginCommand::Plain { authzid, authcid, password }
        } else {
            LoginCommand::Login { user: credentials.user_name.clone(), password }
        }
    }

    /// The SASL PLAIN message (before base64).
    pub fn plain_message(&self) -> Vec<u8> {
        match self {
            LoginCommand::Plain { authzid, authcid, password } => {
                let mut m = Vec::with_capacity(authzid.len() + authcid.len() + password.len() + 2);
                m.extend_from_slice(authzid.as_bytes());
                m.push(0);
                m.extend_from_slice(authcid.as_bytes());
                m.push(0);
                m.extend_from_slice(password.as_bytes());
                m
            }
            LoginCommand::Login { .. } => Vec::new(),
        }
    }

    /// For protocol logs: the command with the password hidden.
    pub fn redacted(&self) -> String {
        match self {
            LoginCommand::Login { user, .. } => format!("LOGIN {} ****", quote(user)),
            LoginCommand::Plain { authzid, authcid, .. } => {
                format!("AUTHENTICATE PLAIN (authzid={authzid:?}, authcid={authcid:?}, password ****)")
            }
        }
    }
}

/// IMAP quoted string (as async-imap sends it).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Split a `UserRoot` (`/users/terry.adams`) into components.
pub fn user_root_components(root: &str) -> Vec<String> {
    root.split(['/', '\\']).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// `PLAIN` authenticator for async-imap.
pub(crate) struct PlainAuth(pub Vec<u8>);

impl async_imap::Authenticator for &PlainAuth {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        self.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(name: &str, root: Option<&str>) -> Credentials {
        Credentials { user_name: name.into(), password: "P@ss\"w0rd".into(), user_root: root.map(str::to_string) }
    }

    #[test]
    fn detects_every_admin_format() {
        assert_eq!(AdminFormat::detect(&creds("terry.adams", None)), AdminFormat::Plain);
        assert_eq!(AdminFormat::detect(&creds("contoso\\terry.adams", None)), AdminFormat::Plain);
        assert_eq!(AdminFormat::detect(&creds("contoso/terry.adams", None)), AdminFormat::Plain);
        assert_eq!(
            AdminFormat::detect(&creds("contoso-students/mailadmin/terry.adams", None)),
            AdminFormat::Exchange {
                domain: "contoso-students".into(),
                admin: "mailadmin".into(),
                user: "terry.adams".into()
            }
        );
        assert_eq!(
            AdminFormat::detect(&creds("terry.adams*mailadmin", None)),
            AdminFormat::DovecotMaster { user: "terry.adams".into(), admin: "mailadmin".into() }
        );
        assert_eq!(
            AdminFormat::detect(&creds("#terry.adams@contoso-students.edu#mailadmin#", None)),
            AdminFormat::Mirapoint { user: "terry.adams@contoso-students.edu".into(), admin: "mailadmin".into() }
        );
        assert_eq!(
            AdminFormat::detect(&creds("mailadmin", Some("/users/terry.adams"))),
            AdminFormat::UserRoot { root: "/users/terry.adams".into() }
        );
        assert_eq!(AdminFormat::detect(&creds("*admin", None)), AdminFormat::Plain);
    }

    #[test]
    fn plans_login_or_plain() {
        let c = creds("terry.adams*mailadmin", None);
        let plain = LoginCommand::plan(&c, Authentication::Basic, true, false);
        assert_eq!(plain.plain_message(), b"terry.adams\0mailadmin\0P@ss\"w0rd".to_vec());
        let login = LoginCommand::plan(&c, Authentication::Basic, false, false);
        assert_eq!(login.redacted(), "LOGIN \"terry.adams*mailadmin\" ****");
        let ntlm = LoginCommand::plan(&c, Authentication::Ntlm, true, false);
        assert!(matches!(ntlm, LoginCommand::Login { .. }));
        let ntlm_disabled = LoginCommand::plan(&c, Authentication::Ntlm, true, true);
        assert!(matches!(ntlm_disabled, LoginCommand::Plain { .. }));
        let ex = creds("contoso/mailadmin/terry", None);
        let p = LoginCommand::plan(&ex, Authentication::Basic, true, false);
        assert_eq!(p.plain_message(), b"\0contoso/mailadmin/terry\0P@ss\"w0rd".to_vec());
        let mp = creds("#terry@contoso.edu#mailadmin#", None);
        let l = LoginCommand::plan(&mp, Authentication::Basic, false, false);
        assert_eq!(l.redacted(), "LOGIN \"#terry@contoso.edu#mailadmin#\" ****");
    }

    #[test]
    fn user_root_splits() {
        assert_eq!(user_root_components("/users/terry.adams"), vec!["users", "terry.adams"]);
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
