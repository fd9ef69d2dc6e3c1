//! Get-Help as text, built from what a command's signature declares, plus the `about_`
//! topics (docs/about_*.md). Pure functions: the runtime's Get-Help fills a [`HelpInfo`]
//! from the `Signature` and prints what [`render_help`] returns.

/// One parameter, as Get-Help shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelpParam {
    pub name: String,
    /// The type's full name as pwsh prints it (`System.String`, `MigrationBatchIdParameter`).
    pub type_name: String,
    pub help: String,
    pub required: bool,
    /// `None` prints `Named`.
    pub position: Option<u32>,
    pub default_value: Option<String>,
    pub by_value: bool,
    pub by_property_name: bool,
    pub wildcards: bool,
    pub aliases: Vec<String>,
    pub is_switch: bool,
}

/// An example: the code and what it does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelpExample {
    pub code: String,
    pub remarks: String,
}

/// What Get-Help knows of one command.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelpInfo {
    pub name: String,
    pub synopsis: String,
    /// One line per parameter set (`Get-MigrationBatch [[-Identity] <...>] [<CommonParameters>]`).
    pub syntax: Vec<String>,
    pub description: String,
    pub parameters: Vec<HelpParam>,
    pub examples: Vec<HelpExample>,
    pub aliases: Vec<String>,
    /// The documentation page; see [`exchange_online_uri`].
    pub online_uri: Option<String>,
}

/// Get-Help's switches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpMode {
    Default,
    Detailed,
    Full,
    Examples,
    /// `-Parameter Name` (wildcards allowed, `*` for all).
    Parameter(String),
    /// `-Online`: the documentation link, printed (exosh opens no browser).
    Online,
}

/// Why Get-Help has nothing to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpError {
    /// `-Parameter X` names no parameter (pwsh's ParameterNotFound; the message is pwsh's).
    ParameterNotFound { command: String, parameter: String },
    /// `-Online` for a command without a documentation link (pwsh's InvalidOperation).
    NoOnlineUri,
}

impl HelpError {
    /// pwsh's message for the error.
    pub fn message(&self) -> String {
        match self {
            HelpError::ParameterNotFound { parameter, .. } => format!("No parameter matches criteria {parameter}."),
            HelpError::NoOnlineUri => "The online version of this Help topic cannot be displayed because the Internet address (URI) of the Help topic is not specified in the command code or in the help file for the command.".to_string(),
        }
    }
}

/// The Exchange Online documentation page of an Exchange cmdlet:
/// `https://learn.microsoft.com/powershell/module/exchangepowershell/<lowercase-name>`.
pub fn exchange_online_uri(name: &str) -> String {
    format!("https://learn.microsoft.com/powershell/module/exchangepowershell/{}", name.to_lowercase())
}

const ABOUT: &[(&str, &str)] = &[
    ("about_exosh", include_str!("../../docs/about_exosh.md")),
    ("about_IMAP_Migration", include_str!("../../docs/about_IMAP_Migration.md")),
];

/// The names of the `about_` topics.
pub fn about_topics() -> Vec<&'static str> {
    ABOUT.iter().map(|(n, _)| *n).collect()
}

/// The text of an `about_` topic (case-insensitive name, `about_` optional), or `None`.
pub fn about_topic(name: &str) -> Option<&'static str> {
    let want = name.strip_prefix("about_").or_else(|| name.strip_prefix("About_")).unwrap_or(name);
    ABOUT.iter().find(|(n, _)| n["about_".len()..].eq_ignore_ascii_case(want)).map(|(_, t)| *t)
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| if l.trim().is_empty() { String::new() } else { format!("{pad}{l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

fn param_block(p: &HelpParam) -> String {
    let ty = if p.is_switch { String::new() } else { format!(" <{}>", p.type_name) };
    let pipeline = match (p.by_value, p.by_property_name) {
        (false, false) => "False".to_string(),
        (true, false) => "True (ByValue)".to_string(),
        (false, true) => "True (ByPropertyName)".to_string(),
        (true, true) => "True (ByPropertyName, ByValue)".to_string(),
    };
    let mut out = format!("-{}{ty}\n", p.name);
    if !p.help.is_empty() {
        out.push_str(&indent(&p.help, 4));
        out.push_str("\n\n");
    }
    let position = p.position.map_or("Named".to_string(), |n| n.to_string());
    let aliases = if p.aliases.is_empty() { "none".to_string() } else { p.aliases.join(", ") };
    for (k, v) in [
        ("Required?", p.required.to_string()),
        ("Position?", position),
        (
            "Default value",
            p.default_value.clone().unwrap_or_else(|| if p.is_switch { "False".into() } else { "None".into() }),
        ),
        ("Accept pipeline input?", pipeline),
        ("Aliases", aliases),
        ("Accept wildcard characters?", p.wildcards.to_string()),
    ] {
        out.push_str(&format!("    {k:<28} {v}\n"));
    }
    out
}

fn examples_block(info: &HelpInfo) -> String {
    let mut out = String::new();
    for (i, e) in info.examples.iter().enumerate() {
        out.push_str(&format!("    -------------------------- Example {} --------------------------\n\n", i + 1));
        out.push_str(&indent(&e.code, 4));
        out.push_str("\n\n");
        if !e.remarks.is_empty() {
            out.push_str(&indent(&e.remarks, 4));
            out.push_str("\n\n");
        }
    }
    out
}

fn head(info: &HelpInfo) -> String {
    let mut out = format!("\nNAME\n    {}\n\nSYNOPSIS\n{}\n\n", info.name, indent(&info.synopsis, 4));
    out.push_str(&format!(
        "\nSYNTAX\n{}\n\n",
        info.syntax.iter().map(|s| format!("    {s}")).collect::<Vec<_>>().join("\n\n")
    ));
    if !info.description.is_empty() {
        out.push_str(&format!("\nDESCRIPTION\n{}\n\n", indent(&info.description, 4)));
    }
    out
}

fn links_and_remarks(info: &HelpInfo) -> String {
    let mut out = String::new();
    if let Some(uri) = &info.online_uri {
        out.push_str(&format!("\nRELATED LINKS\n    Online Version: {uri}\n\n"));
    }
    let n = &info.name;
    out.push_str(&format!(
        "REMARKS\n    To see the examples, type: \"Get-Help {n} -Examples\"\n    For more information, type: \"Get-Help {n} -Detailed\"\n    For technical information, type: \"Get-Help {n} -Full\"\n"
    ));
    if info.online_uri.is_some() {
        out.push_str(&format!("    For online help, type: \"Get-Help {n} -Online\"\n"));
    }
    out
}

/// Get-Help's text for `info` in `mode`, as pwsh lays it out.
pub fn render_help(info: &HelpInfo, mode: &HelpMode) -> Result<String, HelpError> {
    match mode {
        HelpMode::Online => info.online_uri.as_ref().map(|u| format!("{u}\n")).ok_or(HelpError::NoOnlineUri),
        HelpMode::Parameter(pattern) => {
            let blocks: Vec<String> = info
                .parameters
                .iter()
                .filter(|p| super::complete::wildcard_match(pattern, &p.name))
                .map(param_block)
                .collect();
            if blocks.is_empty() {
                return Err(HelpError::ParameterNotFound { command: info.name.clone(), parameter: pattern.clone() });
            }
            Ok(format!("\n{}", blocks.join("\n")))
        }
        HelpMode::Examples => Ok(format!(
            "\nNAME\n    {}\n\nSYNOPSIS\n{}\n\n\n{}",
            info.name,
            indent(&info.synopsis, 4),
            examples_block(info)
        )),
        HelpMode::Default => Ok(format!("{}{}", head(info), links_and_remarks(info))),
        HelpMode::Detailed | HelpMode::Full => {
            let mut out = head(info);
            out.push_str("\nPARAMETERS\n");
            for p in &info.parameters {
                if mode == &HelpMode::Full {
                    out.push_str(&indent(&param_block(p), 4));
                    out.push_str("\n\n");
                } else {
                    let ty = if p.is_switch { String::new() } else { format!(" <{}>", p.type_name) };
                    out.push_str(&format!("    -{}{ty}\n{}\n\n", p.name, indent(&p.help, 8)));
                }
            }
            out.push_str("    <CommonParameters>\n        This cmdlet supports the common parameters: Verbose, Debug,\n        ErrorAction, ErrorVariable, WarningAction, WarningVariable,\n        OutBuffer, PipelineVariable, and OutVariable. For more information, see\n        about_CommonParameters (https://go.microsoft.com/fwlink/?LinkID=113216).\n\n");
            out.push_str(&examples_block(info));
            if !info.aliases.is_empty() && mode == &HelpMode::Full {
                out.push_str(&format!("ALIASES\n    {}\n\n", info.aliases.join("\n    ")));
            }
            out.push_str(&links_and_remarks(info));
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch() -> HelpInfo {
        HelpInfo {
            name: "Get-MigrationBatch".into(),
            synopsis: "Retrieves the status of a migration batch.".into(),
            syntax: vec!["Get-MigrationBatch [[-Identity] <MigrationBatchIdParameter>] [-Status <MigrationBatchStatus>] [<CommonParameters>]".into()],
            description: "Use the Get-MigrationBatch cmdlet to retrieve status information about the current migration batch.".into(),
            parameters: vec![
                HelpParam {
                    name: "Identity".into(),
                    type_name: "MigrationBatchIdParameter".into(),
                    help: "The Identity parameter identifies the migration batch.".into(),
                    position: Some(0),
                    by_value: true,
                    ..HelpParam::default()
                },
                HelpParam { name: "Status".into(), type_name: "MigrationBatchStatus".into(), ..HelpParam::default() },
            ],
            examples: vec![HelpExample {
                code: "Get-MigrationBatch -Identity IMAPBatch1".into(),
                remarks: "This example displays status information for IMAPBatch1.".into(),
            }],
            aliases: Vec::new(),
            online_uri: Some(exchange_online_uri("Get-MigrationBatch")),
        }
    }

    #[test]
    fn online_prints_the_exchange_link() {
        assert_eq!(
            render_help(&batch(), &HelpMode::Online).unwrap(),
            "https://learn.microsoft.com/powershell/module/exchangepowershell/get-migrationbatch\n"
        );
        let mut local = batch();
        local.online_uri = None;
        assert_eq!(render_help(&local, &HelpMode::Online), Err(HelpError::NoOnlineUri));
    }

    #[test]
    fn parameter_shows_pwsh_attribute_table() {
        let text = render_help(&batch(), &HelpMode::Parameter("identity".into())).unwrap();
        assert!(text.starts_with("\n-Identity <MigrationBatchIdParameter>\n    The Identity parameter"), "{text}");
        assert!(text.contains("    Required?                    false\n"), "{text}");
        assert!(text.contains("    Position?                    0\n"), "{text}");
        assert!(text.contains("    Accept pipeline input?       True (ByValue)\n"), "{text}");
        let both = render_help(&batch(), &HelpMode::Parameter("*".into())).unwrap();
        assert!(
            both.contains("-Status <MigrationBatchStatus>")
                && both.contains("    Position?                    Named\n")
        );
        let err = render_help(&batch(), &HelpMode::Parameter("Nope".into())).unwrap_err();
        assert_eq!(err.message(), "No parameter matches criteria Nope.");
    }

    #[test]
    fn default_examples_and_full() {
        let text = render_help(&batch(), &HelpMode::Default).unwrap();
        assert!(text.starts_with("\nNAME\n    Get-MigrationBatch\n\nSYNOPSIS\n    Retrieves"), "{text}");
        assert!(text.contains("SYNTAX\n    Get-MigrationBatch [[-Identity]"));
        assert!(text.contains("RELATED LINKS\n    Online Version: https://learn.microsoft.com/"));
        assert!(text.contains("For online help, type: \"Get-Help Get-MigrationBatch -Online\""));
        assert!(!text.contains("PARAMETERS"));
        let ex = render_help(&batch(), &HelpMode::Examples).unwrap();
        assert!(ex.contains("-------------------------- Example 1 --------------------------\n\n    Get-MigrationBatch -Identity IMAPBatch1\n\n    This example"));
        assert!(!ex.contains("SYNTAX"));
        let full = render_help(&batch(), &HelpMode::Full).unwrap();
        assert!(
            full.contains("PARAMETERS\n    -Identity <MigrationBatchIdParameter>\n        The Identity parameter"),
            "{full}"
        );
        assert!(full.contains("        Accept wildcard characters?  false"));
        assert!(full.contains("<CommonParameters>"));
        let detailed = render_help(&batch(), &HelpMode::Detailed).unwrap();
        assert!(!detailed.contains("Required?"));
    }

    #[test]
    fn about_topics_are_embedded() {
        assert_eq!(about_topics(), vec!["about_exosh", "about_IMAP_Migration"]);
        let t = about_topic("about_imap_migration").unwrap();
        assert!(t.contains("New-MigrationBatch") && t.contains("Remove-MigrationBatch"));
        assert!(about_topic("exosh").unwrap().contains("EXOSH_HOME"));
        assert!(about_topic("about_nothing").is_none());
    }
}
