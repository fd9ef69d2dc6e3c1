//! Parameter binding in CmdletParameterBinderController's order: named
//! parameters (unique prefixes, aliases), positional arguments per parameter
//! set, then (per pipeline object) ValueFromPipeline and
//! ValueFromPipelineByPropertyName; set resolution; type coercion.
//! Shared by cmdlets and advanced functions.

use super::convert::{convert_to, to_string};
use super::error::{ErrorRecord, Exception};
use super::signature::{ALL_SETS, COMMON_PARAMETERS, Param, Signature};
use super::types::PsType;
use super::value::Value;
use crate::syntax::Span;
use indexmap::IndexMap;

/// An evaluated command argument.
#[derive(Debug, Clone)]
pub enum ArgItem {
    /// `-Name` or `-Name:value` (`value` set for the colon form).
    Named { name: String, value: Option<Value>, span: Span },
    /// A positional argument (or the value after `-Name`).
    Positional { value: Value, span: Span },
}

/// ErrorAction / WarningAction values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionPreference {
    SilentlyContinue,
    Stop,
    Continue,
    Inquire,
    Ignore,
}

impl ActionPreference {
    pub fn parse(v: &Value) -> Option<ActionPreference> {
        let s = match v {
            Value::Enum(e) => e.name.clone(),
            Value::Int(i) => match i {
                0 => "SilentlyContinue".into(),
                1 => "Stop".into(),
                2 => "Continue".into(),
                3 => "Inquire".into(),
                4 => "Ignore".into(),
                _ => return None,
            },
            other => to_string(other),
        };
        match s.trim().to_ascii_lowercase().as_str() {
            "silentlycontinue" => Some(ActionPreference::SilentlyContinue),
            "stop" => Some(ActionPreference::Stop),
            "continue" => Some(ActionPreference::Continue),
            "inquire" => Some(ActionPreference::Inquire),
            "ignore" => Some(ActionPreference::Ignore),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ActionPreference::SilentlyContinue => "SilentlyContinue",
            ActionPreference::Stop => "Stop",
            ActionPreference::Continue => "Continue",
            ActionPreference::Inquire => "Inquire",
            ActionPreference::Ignore => "Ignore",
        }
    }
}

/// Common parameters given to a command.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub error_action: Option<ActionPreference>,
    pub warning_action: Option<ActionPreference>,
    pub error_variable: Option<String>,
    pub warning_variable: Option<String>,
    pub out_variable: Option<String>,
    pub verbose: Option<bool>,
    pub debug: Option<bool>,
    pub what_if: bool,
    pub confirm: Option<bool>,
    pub information_action: Option<ActionPreference>,
}

/// The result of binding.
#[derive(Debug, Clone, Default)]
pub struct Bound {
    /// Bound parameters by their declared name, in binding order.
    pub params: IndexMap<String, Value>,
    /// Names bound from the pipeline for the current object.
    pub from_pipeline: Vec<String>,
    /// The resolved parameter set.
    pub set: String,
    /// Candidate sets before a pipeline object decided (usually one).
    pub candidates: Vec<String>,
    /// Arguments no parameter took (simple functions: `$args`).
    pub extra: Vec<Value>,
    pub common: Common,
}

impl Bound {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    /// A switch's value (false when absent).
    pub fn switch(&self, name: &str) -> bool {
        self.get(name).is_some_and(super::convert::to_bool)
    }
    pub fn str(&self, name: &str) -> Option<String> {
        self.get(name).map(to_string)
    }
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(super::convert::to_num).and_then(|n| n.as_i64())
    }
    /// A parameter as a list of values (arrays enumerate, `$null` is empty).
    pub fn list(&self, name: &str) -> Vec<Value> {
        self.get(name).map(|v| v.to_list()).unwrap_or_default()
    }
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.list(name).iter().map(to_string).collect()
    }
}

/// A binding error: ParameterBinderStrings id and pwsh's message.
#[derive(Debug, Clone)]
pub struct BindError {
    pub id: &'static str,
    pub message: String,
    pub span: Option<Span>,
    pub category: &'static str,
    /// For MissingMandatoryParameter: the parameters to prompt for.
    pub missing: Vec<String>,
}

impl BindError {
    fn new(id: &'static str, message: String, span: Option<Span>) -> BindError {
        BindError { id, message, span, category: "InvalidArgument", missing: Vec::new() }
    }
    /// The ErrorRecord for this error, for command `cmd`.
    pub fn to_record(&self, cmd: &str) -> ErrorRecord {
        let mut e = ErrorRecord::new(
            Exception::new("System.Management.Automation.ParameterBindingException", self.message.clone()),
            &format!("{},{}", self.id, cmd),
            self.category,
            Value::Null,
        );
        e.from_command = Some(cmd.to_string());
        e
    }
}

/// How to treat names and arguments no parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Cmdlets and advanced functions: errors.
    Strict,
    /// Simple functions and script blocks without `[Parameter]`: into `$args`.
    Lenient,
}

enum Found<'a> {
    Param(&'a Param),
    Common(&'static str),
}

fn find_param<'a>(sig: &'a Signature, name: &str, span: Span) -> Result<Option<Found<'a>>, BindError> {
    let lname = name.to_ascii_lowercase();
    // exact name or alias
    for p in &sig.params {
        if p.name.eq_ignore_ascii_case(&lname) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(&lname)) {
            return Ok(Some(Found::Param(p)));
        }
    }
    if sig.common_parameters {
        for (c, aliases) in COMMON_PARAMETERS {
            if c.eq_ignore_ascii_case(&lname) || aliases.iter().any(|a| a.eq_ignore_ascii_case(&lname)) {
                return Ok(Some(Found::Common(c)));
            }
        }
        if sig.supports_should_process {
            for c in ["WhatIf", "Confirm"] {
                if c.eq_ignore_ascii_case(&lname)
                    || (c == "WhatIf" && lname == "wi")
                    || (c == "Confirm" && lname == "cf")
                {
                    return Ok(Some(Found::Common(c)));
                }
            }
        }
    }
    // unique prefix
    let mut matches: Vec<Found<'a>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for p in &sig.params {
        if p.name.to_ascii_lowercase().starts_with(&lname) {
            names.push(p.name.clone());
            matches.push(Found::Param(p));
        }
    }
    if sig.common_parameters {
        for (c, _) in COMMON_PARAMETERS {
            if c.to_ascii_lowercase().starts_with(&lname) {
                names.push(c.to_string());
                matches.push(Found::Common(c));
            }
        }
        if sig.supports_should_process {
            for c in ["WhatIf", "Confirm"] {
                if c.to_ascii_lowercase().starts_with(&lname) {
                    names.push(c.to_string());
                    matches.push(Found::Common(c));
                }
            }
        }
    }
    match matches.len() {
        0 => Ok(None),
        1 => Ok(matches.pop()),
        _ => {
            // Only the declared parameters count when one of them matches and the
            // rest are common parameters (pwsh prefers the command's own).
            let own: Vec<usize> =
                matches.iter().enumerate().filter(|(_, m)| matches!(m, Found::Param(_))).map(|(i, _)| i).collect();
            if own.len() == 1 {
                let i = own[0];
                return Ok(Some(matches.swap_remove(i)));
            }
            Err(BindError::new(
                "AmbiguousParameter",
                format!(
                    "Parameter cannot be processed because the parameter name '{}' is ambiguous. Possible matches include: {}.",
                    name,
                    names.iter().map(|n| format!("-{n}")).collect::<Vec<_>>().join(" ")
                ),
                Some(span),
            ))
        }
    }
}

fn type_label(p: &Param) -> String {
    p.ty.full_name()
}

/// Converts an argument to the parameter's type.
pub fn coerce(p: &Param, v: Value, span: Option<Span>, for_function: bool) -> Result<Value, BindError> {
    let v = match (&p.ty, &v) {
        // A scalar given to an array parameter becomes a one-element array.
        (PsType::Array(_), _) => v,
        (PsType::Switch, _) => return Ok(Value::Switch(super::convert::to_bool(&v))),
        (PsType::Bool, Value::String(_)) if !for_function => {
            return Err(BindError::new(
                "CannotConvertArgument",
                format!(
                    "Cannot convert 'System.String' to the type 'System.Boolean' required by parameter '{}'. Specify $true, $false, 1 or 0 instead.",
                    p.name
                ),
                span,
            ));
        }
        _ => v,
    };
    if matches!(p.ty, PsType::Object) {
        return Ok(v);
    }
    match convert_to(&v, &p.ty) {
        Ok(c) => Ok(c),
        Err(msg) => {
            let message = if for_function {
                format!("Cannot process argument transformation on parameter '{}'. {}", p.name, msg)
            } else {
                format!("Cannot bind parameter '{}'. {}", p.name, msg)
            };
            let id = if for_function { "ParameterArgumentTransformationError" } else { "CannotConvertArgument" };
            Err(BindError::new(id, message, span))
        }
    }
}

fn validate(p: &Param, v: &Value, span: Option<Span>) -> Result<(), BindError> {
    if let Some(set) = &p.validate_set {
        for item in v.to_list() {
            let s = to_string(&item);
            if !set.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
                return Err(BindError::new(
                    "ParameterArgumentValidationError",
                    format!(
                        "Cannot validate argument on parameter '{}'. The argument \"{}\" does not belong to the set \"{}\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.",
                        p.name,
                        s,
                        set.join(",")
                    ),
                    span,
                ));
            }
        }
    }
    Ok(())
}

fn param_sets(p: &Param, all: &[String]) -> Vec<String> {
    if p.sets.iter().any(|m| m.set == ALL_SETS) { all.to_vec() } else { p.sets.iter().map(|m| m.set.clone()).collect() }
}

fn set_common(common: &mut Common, name: &str, v: &Value, span: Span) -> Result<(), BindError> {
    let pref = |v: &Value| {
        ActionPreference::parse(v).ok_or_else(|| {
            BindError::new(
                "CannotConvertArgument",
                format!(
                    "Cannot bind parameter '{name}'. Cannot convert value \"{}\" to type \"System.Management.Automation.ActionPreference\". Error: \"Unable to match the identifier name {} to a valid enumerator name. Specify one of the following enumerator names and try again:\nSilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend, Break\"",
                    to_string(v),
                    to_string(v)
                ),
                Some(span),
            )
        })
    };
    match name {
        "ErrorAction" => common.error_action = Some(pref(v)?),
        "WarningAction" => common.warning_action = Some(pref(v)?),
        "InformationAction" => common.information_action = Some(pref(v)?),
        "ErrorVariable" => common.error_variable = Some(to_string(v)),
        "WarningVariable" => common.warning_variable = Some(to_string(v)),
        "OutVariable" => common.out_variable = Some(to_string(v)),
        "Verbose" => common.verbose = Some(super::convert::to_bool(v)),
        "Debug" => common.debug = Some(super::convert::to_bool(v)),
        "WhatIf" => common.what_if = super::convert::to_bool(v),
        "Confirm" => common.confirm = Some(super::convert::to_bool(v)),
        _ => {}
    }
    Ok(())
}

fn is_switch_common(name: &str) -> bool {
    matches!(name, "Verbose" | "Debug" | "WhatIf" | "Confirm")
}

/// Binds command-line arguments. `expect_input`: the command has upstream
/// pipeline input, so mandatory pipeline parameters may wait for it.
pub fn bind(
    sig: &Signature,
    items: Vec<ArgItem>,
    strictness: Strictness,
    expect_input: bool,
    for_function: bool,
) -> Result<Bound, BindError> {
    let all_sets = sig.set_names();
    let mut b = Bound::default();
    let mut positional: Vec<(Value, Span)> = Vec::new();
    let mut spans: IndexMap<String, Span> = IndexMap::new();
    let mut it = items.into_iter().peekable();
    while let Some(item) = it.next() {
        match item {
            ArgItem::Positional { value, span } => positional.push((value, span)),
            ArgItem::Named { name, value, span } => {
                let found = find_param(sig, &name, span)?;
                match found {
                    None => {
                        // Script functions with ValueFromRemainingArguments take unknown names as arguments.
                        let has_remaining =
                            for_function && sig.params.iter().any(|p| p.sets.iter().any(|m| m.remaining));
                        if has_remaining {
                            positional.push((Value::string(format!("-{name}")), span));
                            if let Some(v) = value {
                                positional.push((v, span));
                            }
                            continue;
                        }
                        if strictness == Strictness::Lenient {
                            b.extra.push(Value::string(format!("-{name}")));
                            if let Some(v) = value {
                                b.extra.push(v);
                            }
                            continue;
                        }
                        return Err(BindError::new(
                            "NamedParameterNotFound",
                            format!("A parameter cannot be found that matches parameter name '{name}'."),
                            Some(span),
                        ));
                    }
                    Some(Found::Common(c)) => {
                        let v = if is_switch_common(c) {
                            value.unwrap_or(Value::Bool(true))
                        } else if let Some(v) = value {
                            v
                        } else if let Some(ArgItem::Positional { .. }) = it.peek() {
                            match it.next() {
                                Some(ArgItem::Positional { value, .. }) => value,
                                _ => Value::Null,
                            }
                        } else {
                            return Err(BindError::new(
                                "MissingArgument",
                                format!(
                                    "Missing an argument for parameter '{c}'. Specify a parameter of type '{}' and try again.",
                                    if c.ends_with("Action") {
                                        "System.Management.Automation.ActionPreference"
                                    } else {
                                        "System.String"
                                    }
                                ),
                                Some(span),
                            ));
                        };
                        set_common(&mut b.common, c, &v, span)?;
                    }
                    Some(Found::Param(p)) => {
                        if b.params.contains_key(&p.name) {
                            return Err(BindError::new(
                                "ParameterAlreadyBound",
                                format!(
                                    "Cannot bind parameter because parameter '{}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, \"-parameter value1,value2,value3\".",
                                    p.name
                                ),
                                Some(span),
                            ));
                        }
                        let v = if p.is_switch() {
                            value.unwrap_or(Value::Switch(true))
                        } else if let Some(v) = value {
                            v
                        } else if let Some(ArgItem::Positional { .. }) = it.peek() {
                            match it.next() {
                                Some(ArgItem::Positional { value, .. }) => value,
                                _ => Value::Null,
                            }
                        } else {
                            return Err(BindError::new(
                                "MissingArgument",
                                format!(
                                    "Missing an argument for parameter '{}'. Specify a parameter of type '{}' and try again.",
                                    p.name,
                                    type_label(p)
                                ),
                                Some(span),
                            ));
                        };
                        let v = coerce(p, v, Some(span), for_function)?;
                        validate(p, &v, Some(span))?;
                        spans.insert(p.name.clone(), span);
                        b.params.insert(p.name.clone(), v);
                    }
                }
            }
        }
    }
    // Candidate sets: those containing every named parameter.
    let mut candidates: Vec<String> = all_sets.clone();
    for name in b.params.keys() {
        if let Some(p) = sig.find(name) {
            let ps = param_sets(p, &all_sets);
            candidates.retain(|s| ps.contains(s));
        }
    }
    if candidates.is_empty() {
        return Err(ambiguous_set());
    }
    // Positional binding, in the default set's order first.
    if !positional.is_empty() {
        let mut order = candidates.clone();
        if let Some(d) = &sig.default_set
            && let Some(i) = order.iter().position(|s| s == d)
        {
            let d = order.remove(i);
            order.insert(0, d);
        }
        let mut slots: Vec<(usize, &Param)> = Vec::new();
        for p in &sig.params {
            if b.params.contains_key(&p.name) {
                continue;
            }
            for s in &order {
                if let Some(pos) = p.in_set(s).and_then(|m| m.position)
                    && !slots.iter().any(|(q, x)| *q == pos && x.name == p.name)
                {
                    slots.push((pos, p));
                }
            }
        }
        slots.sort_by_key(|(pos, _)| *pos);
        let mut groups: Vec<(usize, Vec<&Param>)> = Vec::new();
        for (pos, p) in slots {
            match groups.last_mut() {
                Some((q, v)) if *q == pos => v.push(p),
                _ => groups.push((pos, vec![p])),
            }
        }
        let remaining_param =
            sig.params.iter().find(|p| p.sets.iter().any(|m| m.remaining) && !b.params.contains_key(&p.name));
        let mut gi = 0;
        let mut rest: Vec<Value> = Vec::new();
        let mut to_rest = false;
        for (v, span) in positional {
            let mut bound = false;
            while !to_rest && gi < groups.len() {
                let (_, ps) = &groups[gi];
                gi += 1;
                let mut first_err: Option<BindError> = None;
                let mut any_candidate = false;
                for p in ps {
                    if b.params.contains_key(&p.name) {
                        continue;
                    }
                    let psets = param_sets(p, &all_sets);
                    if !candidates.iter().any(|c| psets.contains(c)) {
                        continue;
                    }
                    if Some(p.name.as_str()) == remaining_param.map(|r| r.name.as_str()) {
                        to_rest = true;
                        break;
                    }
                    any_candidate = true;
                    match coerce(p, v.clone(), Some(span), for_function)
                        .and_then(|cv| validate(p, &cv, Some(span)).map(|_| cv))
                    {
                        Ok(cv) => {
                            b.params.insert(p.name.clone(), cv);
                            candidates.retain(|s| psets.contains(s));
                            bound = true;
                            break;
                        }
                        Err(e) => {
                            if first_err.is_none() {
                                first_err = Some(e);
                            }
                        }
                    }
                }
                if bound || to_rest {
                    break;
                }
                if any_candidate && let Some(e) = first_err {
                    return Err(e);
                }
            }
            if !bound {
                if remaining_param.is_some() || strictness == Strictness::Lenient {
                    rest.push(v);
                } else {
                    return Err(BindError::new(
                        "PositionalParameterNotFound",
                        format!("A positional parameter cannot be found that accepts argument '{}'.", to_string(&v)),
                        Some(span),
                    ));
                }
            }
        }
        if let Some(rp) = remaining_param {
            if !rest.is_empty() {
                let v = coerce(rp, Value::array(rest), None, for_function)?;
                b.params.insert(rp.name.clone(), v);
            }
        } else {
            b.extra.extend(rest);
        }
        if candidates.is_empty() {
            return Err(ambiguous_set());
        }
    }
    // Resolve the set.
    b.candidates = candidates.clone();
    b.set = resolve_set(sig, &b, &candidates, expect_input)?;
    // Mandatory parameters.
    let mut missing: Vec<String> = Vec::new();
    for p in &sig.params {
        if b.params.contains_key(&p.name) {
            continue;
        }
        if let Some(m) = p.in_set(&b.set)
            && m.mandatory
            && !(expect_input && (m.from_pipeline || m.by_property_name))
        {
            missing.push(p.name.clone());
        }
    }
    if !missing.is_empty() {
        let mut e = BindError::new(
            "MissingMandatoryParameter",
            format!(
                "Cannot process command because of one or more missing mandatory parameters: {}.",
                missing.join(" ")
            ),
            None,
        );
        e.missing = missing;
        return Err(e);
    }
    Ok(b)
}

fn ambiguous_set() -> BindError {
    BindError::new(
        "AmbiguousParameterSet",
        "Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.".into(),
        None,
    )
}

fn resolve_set(sig: &Signature, b: &Bound, candidates: &[String], expect_input: bool) -> Result<String, BindError> {
    if candidates.len() == 1 {
        return Ok(candidates[0].clone());
    }
    // Sets whose mandatory parameters are all satisfied.
    let satisfied: Vec<&String> = candidates
        .iter()
        .filter(|s| {
            sig.params.iter().all(|p| match p.in_set(s) {
                Some(m) if m.mandatory => {
                    b.params.contains_key(&p.name) || (expect_input && (m.from_pipeline || m.by_property_name))
                }
                _ => true,
            })
        })
        .collect();
    if let Some(d) = &sig.default_set
        && satisfied.contains(&d)
    {
        return Ok(d.clone());
    }
    if satisfied.len() == 1 {
        return Ok(satisfied[0].clone());
    }
    if let Some(d) = &sig.default_set
        && candidates.contains(d)
    {
        return Ok(d.clone());
    }
    if satisfied.is_empty() {
        return Ok(candidates[0].clone());
    }
    // Prefer a set in which something was bound specifically.
    if expect_input {
        return Ok(satisfied[0].clone());
    }
    Err(ambiguous_set())
}

/// Binds one pipeline object (ByValue, then ByPropertyName). Returns false
/// when the object binds to nothing.
pub fn bind_pipeline(sig: &Signature, b: &mut Bound, input: &Value, for_function: bool) -> Result<bool, BindError> {
    for name in std::mem::take(&mut b.from_pipeline) {
        b.params.shift_remove(&name);
    }
    let set = b.set.clone();
    let mut any = false;
    // ByValue without coercion first, then with coercion.
    for pass in 0..2 {
        for p in &sig.params {
            if b.params.contains_key(&p.name) {
                continue;
            }
            let Some(m) = p.in_set(&set) else { continue };
            if !m.from_pipeline {
                continue;
            }
            let exact = matches!(p.ty, PsType::Object | PsType::PsObject)
                || super::convert::is_type(input, &p.ty)
                || matches!(&p.ty, PsType::Array(e) if matches!(**e, PsType::Object) || super::convert::is_type(input, e));
            if pass == 0 && !exact {
                continue;
            }
            if let Ok(v) = coerce(p, input.clone(), None, for_function) {
                b.params.insert(p.name.clone(), v);
                b.from_pipeline.push(p.name.clone());
                any = true;
                break;
            }
        }
        if any {
            break;
        }
    }
    // ByPropertyName.
    for p in &sig.params {
        if b.params.contains_key(&p.name) {
            continue;
        }
        let Some(m) = p.in_set(&set) else { continue };
        if !m.by_property_name {
            continue;
        }
        let mut names = vec![p.name.clone()];
        names.extend(p.aliases.iter().cloned());
        for n in names {
            if let Some(v) = super::members::property_of(input, &n) {
                let v = coerce(p, v, None, for_function)?;
                b.params.insert(p.name.clone(), v);
                b.from_pipeline.push(p.name.clone());
                any = true;
                break;
            }
        }
    }
    Ok(any)
}

/// Binds, and in an interactive session prompts for missing mandatory
/// parameters as pwsh does ("Supply values for the following parameters:").
pub fn bind_or_prompt(
    sig: &Signature,
    items: Vec<ArgItem>,
    strictness: Strictness,
    expect_input: bool,
    for_function: bool,
    interactive: bool,
) -> Result<Bound, BindError> {
    match bind(sig, items.clone(), strictness, expect_input, for_function) {
        Err(e) if e.id == "MissingMandatoryParameter" && interactive => {
            use std::io::Write;
            let mut items = items;
            let mut stdout = std::io::stdout();
            let _ = writeln!(
                stdout,
                "\ncmdlet {} at command pipeline position 1\nSupply values for the following parameters:",
                sig.name
            );
            for name in &e.missing {
                let _ = write!(stdout, "{name}: ");
                let _ = stdout.flush();
                let mut line = String::new();
                if std::io::stdin().read_line(&mut line).unwrap_or(0) == 0 {
                    return Err(e);
                }
                let v = Value::string(line.trim_end_matches(['\r', '\n']).to_string());
                items.push(ArgItem::Named { name: name.clone(), value: Some(v), span: Span::default() });
            }
            bind(sig, items, strictness, expect_input, for_function)
        }
        other => other,
    }
}

/// pwsh's error when an object binds to no parameter.
pub fn input_not_bound() -> BindError {
    BindError::new(
        "InputObjectNotBound",
        "The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.".into(),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig() -> Signature {
        Signature::new("Test-It", "")
            .param(Param::new("Path", PsType::String).position(0).set("Path").mandatory())
            .param(Param::new("LiteralPath", PsType::String).alias("PSPath").set("Literal").mandatory())
            .param(Param::switch("PassThru"))
            .param(Param::new("Count", PsType::Int).position(1))
            .default_set("Path")
    }

    fn pos(v: Value) -> ArgItem {
        ArgItem::Positional { value: v, span: Span::default() }
    }
    fn named(n: &str) -> ArgItem {
        ArgItem::Named { name: n.into(), value: None, span: Span::default() }
    }

    #[test]
    fn positional_and_prefix() {
        let b = bind(
            &sig(),
            vec![pos(Value::str("a")), pos(Value::str("3")), named("pa")],
            Strictness::Strict,
            false,
            false,
        );
        // "pa" is ambiguous between Path and PassThru
        assert_eq!(b.unwrap_err().id, "AmbiguousParameter");
        let b = bind(
            &sig(),
            vec![pos(Value::str("a")), pos(Value::str("3")), named("pas")],
            Strictness::Strict,
            false,
            false,
        )
        .unwrap();
        assert_eq!(b.get("Count"), Some(&Value::Int(3)));
        assert!(b.switch("PassThru"));
        assert_eq!(b.set, "Path");
    }

    #[test]
    fn errors_have_pwsh_ids() {
        let e = bind(&sig(), vec![named("Nope")], Strictness::Strict, false, false).unwrap_err();
        assert_eq!(e.id, "NamedParameterNotFound");
        let e = bind(&sig(), vec![named("Path")], Strictness::Strict, false, false).unwrap_err();
        assert_eq!(e.id, "MissingArgument");
        let e = bind(&sig(), vec![pos(Value::str("a")), pos(Value::str("x"))], Strictness::Strict, false, false)
            .unwrap_err();
        assert_eq!(e.id, "CannotConvertArgument");
        let e = bind(
            &sig(),
            vec![named("Path"), pos(Value::str("a")), named("PSPath"), pos(Value::str("b"))],
            Strictness::Strict,
            false,
            false,
        )
        .unwrap_err();
        assert_eq!(e.id, "AmbiguousParameterSet");
        let e = bind(&sig(), vec![], Strictness::Strict, false, false).unwrap_err();
        assert_eq!(e.id, "MissingMandatoryParameter");
        let e = bind(
            &sig(),
            vec![pos(Value::str("a")), pos(Value::Int(1)), pos(Value::Int(2))],
            Strictness::Strict,
            false,
            false,
        )
        .unwrap_err();
        assert_eq!(e.id, "PositionalParameterNotFound");
    }
}
