//! From the server's LIST to Exchange folders and Maildir++ directories.

use super::mutf7;
use super::sink::FolderInfo;
use super::spec::FolderSyncState;

/// One LIST response, reduced to what the mapping needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// Raw name (modified UTF-7).
    pub name: String,
    pub delimiter: Option<String>,
    /// Attributes, lower-cased, with their backslash (`\noselect`, `\sent`).
    pub attributes: Vec<String>,
}

/// A well-known Exchange folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Special {
    Sent,
    Trash,
    Drafts,
    Junk,
}

impl Special {
    fn target(self) -> &'static str {
        match self {
            Special::Sent => "Sent Items",
            Special::Trash => "Deleted Items",
            Special::Drafts => "Drafts",
            Special::Junk => "Junk Email",
        }
    }

    fn from_attributes(attrs: &[String]) -> Option<Special> {
        attrs.iter().find_map(|a| match a.as_str() {
            "\\sent" => Some(Special::Sent),
            "\\trash" => Some(Special::Trash),
            "\\drafts" => Some(Special::Drafts),
            "\\junk" => Some(Special::Junk),
            _ => None,
        })
    }

    fn from_name(name: &str) -> Option<Special> {
        match name.to_lowercase().as_str() {
            "sent" | "sent items" | "sent messages" | "sent mail" | "sent-mail" => Some(Special::Sent),
            "trash" | "deleted items" | "deleted messages" | "deleted" | "bin" => Some(Special::Trash),
            "drafts" | "draft" => Some(Special::Drafts),
            "junk" | "spam" | "junk email" | "junk e-mail" | "bulk mail" => Some(Special::Junk),
            _ => None,
        }
    }
}

/// A folder to copy (or skip).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderPlan {
    pub info: FolderInfo,
    /// Decoded source path (for exclusion and messages).
    pub source_path: Vec<String>,
    /// The folder's state after earlier passes (`None`: a new folder, copied in full).
    pub previous: Option<FolderSyncState>,
    /// Set when the folder was renamed at the source since the last pass: its old raw
    /// name (the previous state is that folder's).
    pub renamed_from: Option<String>,
}

/// Attach the previous passes' states to the plans. `uid_validity[i]` is plan `i`'s
/// current UIDVALIDITY (None when unknown).
///
/// 1. Same name and same UIDVALIDITY (or unknown): the same folder.
/// 2. A folder renamed at the source: a state not claimed by 1 with this folder's
///    UIDVALIDITY, which no other folder has, whose own name is gone or now belongs to
///    a folder with another UIDVALIDITY (a new folder that took the old name).
/// 3. Same name, another UIDVALIDITY, state not claimed: the folder was renumbered
///    (its messages are matched again by content).
pub fn attach_previous(plans: &mut [FolderPlan], previous: &[FolderSyncState], uid_validity: &[Option<u32>]) {
    let mut claimed = vec![false; previous.len()];
    let validity = |k: usize| uid_validity.get(k).copied().flatten();
    for (k, p) in plans.iter_mut().enumerate() {
        let v = validity(k);
        if let Some(i) =
            previous.iter().position(|s| s.source_name == p.info.source_name && v.is_none_or(|v| v == s.uid_validity))
        {
            p.previous = Some(previous[i].clone());
            claimed[i] = true;
        }
    }
    for (k, p) in plans.iter_mut().enumerate() {
        if p.previous.is_some() || p.info.excluded {
            continue;
        }
        let Some(v) = validity(k).filter(|v| *v != 0) else { continue };
        let gone: Vec<usize> = (0..previous.len())
            .filter(|&i| !claimed[i] && previous[i].uid_validity == v && previous[i].source_name != p.info.source_name)
            .collect();
        let same_validity = uid_validity.iter().filter(|u| **u == Some(v)).count();
        if let [i] = gone[..]
            && same_validity == 1
        {
            claimed[i] = true;
            p.previous = Some(previous[i].clone());
            p.renamed_from = Some(previous[i].source_name.clone());
        }
    }
    for p in plans.iter_mut() {
        if p.previous.is_some() || p.info.excluded {
            continue;
        }
        if let Some(i) = (0..previous.len()).find(|&i| !claimed[i] && previous[i].source_name == p.info.source_name) {
            claimed[i] = true;
            p.previous = Some(previous[i].clone());
        }
    }
}

/// The personal namespace prefix to strip, e.g. `INBOX.`; guessed from the names when the
/// server has no NAMESPACE.
pub fn guess_prefix(entries: &[ListEntry]) -> String {
    let others: Vec<&ListEntry> = entries.iter().filter(|e| !e.name.eq_ignore_ascii_case("INBOX")).collect();
    if others.is_empty() {
        return String::new();
    }
    let delim = others[0].delimiter.clone().unwrap_or_default();
    if delim.is_empty() {
        return String::new();
    }
    let prefix = format!("INBOX{delim}");
    if others.iter().all(|e| e.name.len() > prefix.len() && e.name[..prefix.len()].eq_ignore_ascii_case(&prefix)) {
        // Everything lives under INBOX: that is the namespace, not user folders.
        return prefix;
    }
    String::new()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// Map LIST entries to folders. `prefix` is the personal namespace prefix, `user_root` the
/// components of a Courier `UserRoot` (the user's Inbox is the root folder itself).
pub fn plan_folders(
    entries: &[ListEntry],
    prefix: &str,
    user_root: Option<&[String]>,
    exclude: &[String],
) -> Vec<FolderPlan> {
    // 1. source paths of the selectable folders
    let mut paths: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.attributes.iter().any(|a| a == "\\noselect" || a == "\\nonexistent") {
            continue;
        }
        let delim = e.delimiter.as_deref().unwrap_or("");
        let mut comps: Vec<String> = if e.name.eq_ignore_ascii_case("INBOX") && user_root.is_none() {
            vec!["INBOX".to_string()]
        } else {
            let mut name = e.name.as_str();
            if !prefix.is_empty()
                && let Some(rest) = strip_prefix_ci(name, prefix)
            {
                name = rest;
            }
            if delim.is_empty() { vec![mutf7::decode(name)] } else { name.split(delim).map(mutf7::decode).collect() }
        };
        if let Some(root) = user_root {
            if comps.len() < root.len() || comps[..root.len()] != *root {
                continue;
            }
            comps.drain(..root.len());
            if comps.is_empty() {
                comps.push("INBOX".to_string());
            }
        }
        if comps.iter().any(|c| c.is_empty()) {
            continue;
        }
        if comps[0].eq_ignore_ascii_case("INBOX") {
            comps[0] = "INBOX".to_string();
        }
        paths.push((i, comps));
    }
    // 2. which folder becomes which well-known folder: by attribute first, then by name
    let mut special_of: Vec<Option<Special>> = vec![None; paths.len()];
    for kind in [Special::Sent, Special::Trash, Special::Drafts, Special::Junk] {
        let by_attr = paths.iter().position(|(i, _)| Special::from_attributes(&entries[*i].attributes) == Some(kind));
        let by_name = || paths.iter().position(|(_, p)| p.len() == 1 && Special::from_name(&p[0]) == Some(kind));
        if let Some(k) = by_attr.or_else(by_name) {
            special_of[k] = Some(kind);
        }
    }
    // 3. target names
    let mut out = Vec::with_capacity(paths.len());
    for (k, (_, src)) in paths.iter().enumerate() {
        // the nearest ancestor-or-self that is special
        let mut target: Vec<String> = src.clone();
        for (j, (_, anc)) in paths.iter().enumerate() {
            if let Some(kind) = special_of[j]
                && anc.len() <= src.len()
                && src[..anc.len()] == anc[..]
            {
                let mut t = vec![kind.target().to_string()];
                t.extend(src[anc.len()..].iter().cloned());
                target = t;
                break;
            }
        }
        if target[0] == "INBOX" {
            target[0] = "Inbox".to_string();
        }
        let target_name = target.join("/");
        let maildir = maildir_dir(&target);
        let source_name = entries[paths[k].0].name.clone();
        let excluded = is_excluded(exclude, &target_name, &src.join("/"));
        out.push(FolderPlan {
            info: FolderInfo { source_name, target_name, maildir, excluded },
            source_path: src.clone(),
            previous: None,
            renamed_from: None,
        });
    }
    out.sort_by(|a, b| {
        (!a.info.maildir.is_empty(), &a.info.target_name).cmp(&(!b.info.maildir.is_empty(), &b.info.target_name))
    });
    out
}

/// Maildir++ directory for an Exchange path (`""` for Inbox, `.Sent Items`, `.INBOX.Sub`).
pub fn maildir_dir(target: &[String]) -> String {
    if target.len() == 1 && target[0] == "Inbox" {
        return String::new();
    }
    let mut d = String::new();
    for (i, c) in target.iter().enumerate() {
        d.push('.');
        if i == 0 && c == "Inbox" {
            d.push_str("INBOX");
        } else {
            d.push_str(&mutf7::encode(&c.replace(['.', '/'], "_")));
        }
    }
    d
}

fn is_excluded(exclude: &[String], target: &str, source: &str) -> bool {
    let t = target.to_lowercase();
    let s = source.to_lowercase();
    exclude.iter().any(|pat| {
        let p = pat.trim().trim_matches('#').to_lowercase();
        if let Some(base) = p.strip_suffix("/*") {
            let under = |n: &str| n == base || n.starts_with(&format!("{base}/"));
            under(&t) || under(&s)
        } else {
            p == t || p == s
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, delim: &str, attrs: &[&str]) -> ListEntry {
        ListEntry {
            name: name.into(),
            delimiter: Some(delim.into()),
            attributes: attrs.iter().map(|a| a.to_lowercase()).collect(),
        }
    }

    fn targets(plans: &[FolderPlan]) -> Vec<(String, String, bool)> {
        plans.iter().map(|p| (p.info.target_name.clone(), p.info.maildir.clone(), p.info.excluded)).collect()
    }

    #[test]
    fn maps_dovecot_lab_folders() {
        let entries = vec![
            e("INBOX", ".", &["\\HasChildren"]),
            e("INBOX.Newsletters", ".", &[]),
            e("Sent", ".", &["\\Sent"]),
            e("Trash", ".", &["\\Trash"]),
            e("Junk", ".", &["\\Junk"]),
            e("Drafts", ".", &["\\Drafts"]),
            e("Archive", ".", &["\\Archive"]),
            e("Archive.2023", ".", &[]),
            e("&BBIERQQ+BDQETwRJBDgENQ-", ".", &["\\Noselect", "\\HasChildren"]),
            e("&BBIERQQ+BDQETwRJBDgENQ-.&BBIEMAQ2BD0EPgQ1-", ".", &[]),
            e("Receipts &- Bills", ".", &[]),
        ];
        assert_eq!(guess_prefix(&entries), "");
        let p = plan_folders(&entries, "", None, &["Junk Email".to_string()]);
        let t = targets(&p);
        assert_eq!(t[0], ("Inbox".into(), "".into(), false));
        assert!(t.contains(&("Inbox/Newsletters".into(), ".INBOX.Newsletters".into(), false)));
        assert!(t.contains(&("Sent Items".into(), ".Sent Items".into(), false)));
        assert!(t.contains(&("Deleted Items".into(), ".Deleted Items".into(), false)));
        assert!(t.contains(&("Junk Email".into(), ".Junk Email".into(), true)));
        assert!(t.contains(&("Drafts".into(), ".Drafts".into(), false)));
        assert!(t.contains(&("Archive/2023".into(), ".Archive.2023".into(), false)));
        assert!(t.contains(&("Входящие/Важное".into(), ".&BBIERQQ+BDQETwRJBDgENQ-.&BBIEMAQ2BD0EPgQ1-".into(), false)));
        assert!(t.contains(&("Receipts & Bills".into(), ".Receipts &- Bills".into(), false)));
        assert_eq!(t.len(), 10, "the \\Noselect parent is skipped");
    }

    #[test]
    fn strips_inbox_prefix_and_maps_by_name() {
        let entries = vec![
            e("INBOX", "/", &[]),
            e("INBOX/Sent Messages", "/", &[]),
            e("INBOX/Spam", "/", &[]),
            e("INBOX/Work/2024", "/", &[]),
        ];
        let prefix = guess_prefix(&entries);
        assert_eq!(prefix, "INBOX/");
        let t = targets(&plan_folders(&entries, &prefix, None, &["work/*".to_string()]));
        assert!(t.contains(&("Sent Items".into(), ".Sent Items".into(), false)));
        assert!(t.contains(&("Junk Email".into(), ".Junk Email".into(), false)));
        assert!(t.contains(&("Work/2024".into(), ".Work.2024".into(), true)));
    }

    fn state(name: &str, v: u32) -> FolderSyncState {
        FolderSyncState { source_name: name.into(), uid_validity: v, highest_uid: 9, ..Default::default() }
    }

    #[test]
    fn previous_states_follow_names_and_renames() {
        let entries = vec![
            e("INBOX", ".", &[]),
            e("Bills", ".", &[]),
            e("New", ".", &[]),
            e("Twin", ".", &[]),
            e("Receipts", ".", &[]),
            e("Renumbered", ".", &[]),
        ];
        let previous =
            vec![state("INBOX", 1), state("Receipts", 2), state("Gone", 3), state("Gone2", 3), state("Renumbered", 4)];
        let mut plans = plan_folders(&entries, "", None, &[]);
        let v = |n: &str| match n {
            "INBOX" => Some(1),
            "Bills" => Some(2),
            "New" => Some(7),
            "Receipts" => Some(8),
            "Renumbered" => Some(9),
            _ => Some(3),
        };
        let validities: Vec<Option<u32>> = plans.iter().map(|p| v(&p.info.source_name)).collect();
        attach_previous(&mut plans, &previous, &validities);
        let got = |n: &str| {
            let p = plans.iter().find(|p| p.info.source_name == n).expect("plan");
            (p.previous.as_ref().map(|s| s.source_name.clone()), p.renamed_from.clone())
        };
        assert_eq!(got("INBOX"), (Some("INBOX".into()), None));
        assert_eq!(got("Bills"), (Some("Receipts".into()), Some("Receipts".into())), "renamed: same UIDVALIDITY");
        assert_eq!(got("Receipts"), (None, None), "a new folder under the old name");
        assert_eq!(got("New"), (None, None), "a new folder");
        assert_eq!(got("Twin"), (None, None), "two vanished folders had its UIDVALIDITY: not guessed");
        assert_eq!(got("Renumbered"), (Some("Renumbered".into()), None), "same name, new UIDVALIDITY");
    }

    #[test]
    fn user_root_selects_the_users_tree() {
        let entries = vec![
            e("INBOX", ".", &[]),
            e("users.terry", ".", &[]),
            e("users.terry.Sent", ".", &[]),
            e("users.ann", ".", &[]),
        ];
        let root = vec!["users".to_string(), "terry".to_string()];
        let t = targets(&plan_folders(&entries, "", Some(&root), &[]));
        assert_eq!(t, vec![("Inbox".into(), "".into(), false), ("Sent Items".into(), ".Sent Items".into(), false)]);
    }
}
