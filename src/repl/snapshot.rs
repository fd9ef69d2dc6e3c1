//! A [`CompletionSource`] made of plain data, for hosts whose own state cannot cross
//! threads (the evaluator's values are `Rc`): build one before each prompt from the
//! command registry, the variables in scope and the current location, and hand it to the
//! REPL from [`super::ReplHost::completion_source`]. Tenant names come from a closure
//! that may query the store (its own connection) each time Tab asks.

use super::{CompletionSource, ParamInfo};
use std::collections::HashMap;
use std::sync::Arc;

/// Looks up tenant names: `(command, parameter, typed word) -> names`.
pub type IdentityLookup = Arc<dyn Fn(&str, &str, &str) -> Vec<String> + Send + Sync>;

/// Plain-data completion source. Names match case-insensitively.
#[derive(Clone, Default)]
pub struct SnapshotSource {
    commands: Vec<String>,
    parameters: HashMap<String, Vec<ParamInfo>>,
    aliases: HashMap<String, String>,
    variables: Vec<String>,
    members: HashMap<String, Vec<String>>,
    location: String,
    identities: Option<IdentityLookup>,
}

impl SnapshotSource {
    pub fn new(location: impl Into<String>) -> SnapshotSource {
        SnapshotSource { location: location.into(), ..SnapshotSource::default() }
    }

    /// A command (cmdlet or function) and its parameters.
    pub fn command(mut self, name: &str, parameters: Vec<ParamInfo>) -> SnapshotSource {
        self.commands.push(name.to_string());
        self.parameters.insert(name.to_lowercase(), parameters);
        self
    }

    /// An alias: completes as a name, and its parameters are its command's.
    pub fn alias(mut self, alias: &str, command: &str) -> SnapshotSource {
        self.commands.push(alias.to_string());
        self.aliases.insert(alias.to_lowercase(), command.to_lowercase());
        self
    }

    /// Variable names without `$`.
    pub fn variables(mut self, names: impl IntoIterator<Item = String>) -> SnapshotSource {
        self.variables.extend(names);
        self
    }

    /// The members of the value of `expr_text` (`$batch`), known when the snapshot is made.
    pub fn members(mut self, expr_text: &str, members: Vec<String>) -> SnapshotSource {
        self.members.insert(expr_text.to_lowercase(), members);
        self
    }

    pub fn identities(mut self, lookup: IdentityLookup) -> SnapshotSource {
        self.identities = Some(lookup);
        self
    }
}

impl CompletionSource for SnapshotSource {
    fn command_names(&self) -> Vec<String> {
        self.commands.clone()
    }

    fn parameters(&self, command: &str) -> Vec<ParamInfo> {
        let key = command.to_lowercase();
        let key = self.aliases.get(&key).unwrap_or(&key);
        self.parameters.get(key).cloned().unwrap_or_default()
    }

    fn variables(&self) -> Vec<String> {
        self.variables.clone()
    }

    fn identities(&self, command: &str, parameter: &str, word: &str) -> Vec<String> {
        let key = command.to_lowercase();
        let command = self.aliases.get(&key).map_or(command, String::as_str);
        self.identities.as_ref().map(|f| f(command, parameter, word)).unwrap_or_default()
    }

    fn members(&self, expr_text: &str) -> Vec<String> {
        self.members.get(&expr_text.to_lowercase()).cloned().unwrap_or_default()
    }

    fn location(&self) -> String {
        self.location.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::super::complete;
    use super::*;

    #[test]
    fn a_snapshot_completes_like_a_live_source() {
        let identity = ParamInfo { name: "Identity".into(), position: Some(0), ..ParamInfo::default() };
        let src = SnapshotSource::new("/home/admin")
            .command("Get-MigrationBatch", vec![identity])
            .alias("gmb", "Get-MigrationBatch")
            .variables(["batch".to_string()])
            .members("$batch", vec!["Status".into(), "TotalCount".into()])
            .identities(Arc::new(|command: &str, parameter: &str, _word: &str| {
                if command.eq_ignore_ascii_case("get-migrationbatch") && parameter == "Identity" {
                    vec!["IMAPBatch1".to_string()]
                } else {
                    Vec::new()
                }
            }));
        let c =
            |line: &str| complete(line, line.len(), &src).values().iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(c("Get-MigB"), vec!["Get-MigrationBatch"]);
        assert_eq!(c("gmb -Id"), vec!["-Identity"]);
        assert_eq!(c("gmb I"), vec!["IMAPBatch1"]);
        assert_eq!(c("$batch.T"), vec!["TotalCount"]);
        assert_eq!(c("$b"), vec!["$batch"]);
        assert_eq!(src.location(), "/home/admin");
    }
}
