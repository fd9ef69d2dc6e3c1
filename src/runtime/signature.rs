//! One `Signature` per command: parameter sets, positions, aliases, types,
//! mandatory flags, pipeline binding, help text and examples. The binder, the
//! completer, Get-Help and Get-Command all read it.
//!
//! Declaring a cmdlet:
//! ```text
//! Signature::new("Select-Object", "Selects objects or object properties.")
//!     .param(Param::new("Property", PsType::Array(Box::new(PsType::Object))).position(0))
//!     .param(Param::new("First", PsType::Int))
//!     .param(Param::new("InputObject", PsType::Object).pipeline())
//!     .example("Get-Process | Select-Object -First 1", "The first process.")
//! ```

use super::types::PsType;

/// The name pwsh gives to "every parameter set".
pub const ALL_SETS: &str = "__AllParameterSets";

/// How a parameter takes part in one parameter set.
#[derive(Debug, Clone, PartialEq)]
pub struct SetMembership {
    pub set: String,
    pub position: Option<usize>,
    pub mandatory: bool,
    pub from_pipeline: bool,
    pub by_property_name: bool,
    pub remaining: bool,
    pub help: String,
}

impl SetMembership {
    fn all() -> Self {
        SetMembership {
            set: ALL_SETS.into(),
            position: None,
            mandatory: false,
            from_pipeline: false,
            by_property_name: false,
            remaining: false,
            help: String::new(),
        }
    }
}

/// A parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub aliases: Vec<String>,
    pub ty: PsType,
    /// One entry per set it belongs to (`__AllParameterSets` when none named).
    pub sets: Vec<SetMembership>,
    pub validate_set: Option<Vec<String>>,
    pub help: String,
    /// Allows `$null`/empty for mandatory parameters (AllowNull/AllowEmptyString).
    pub allow_empty: bool,
}

impl Param {
    pub fn new(name: &str, ty: PsType) -> Param {
        Param {
            name: name.into(),
            aliases: Vec::new(),
            ty,
            sets: vec![SetMembership::all()],
            validate_set: None,
            help: String::new(),
            allow_empty: false,
        }
    }
    /// A `[switch]` parameter.
    pub fn switch(name: &str) -> Param {
        Param::new(name, PsType::Switch)
    }
    fn last(&mut self) -> &mut SetMembership {
        if self.sets.is_empty() {
            self.sets.push(SetMembership::all());
        }
        let n = self.sets.len() - 1;
        &mut self.sets[n]
    }
    /// Position in the current set (0-based).
    pub fn position(mut self, p: usize) -> Param {
        self.last().position = Some(p);
        self
    }
    pub fn mandatory(mut self) -> Param {
        self.last().mandatory = true;
        self
    }
    /// ValueFromPipeline.
    pub fn pipeline(mut self) -> Param {
        self.last().from_pipeline = true;
        self
    }
    /// ValueFromPipelineByPropertyName.
    pub fn by_property_name(mut self) -> Param {
        self.last().by_property_name = true;
        self
    }
    /// ValueFromRemainingArguments.
    pub fn remaining(mut self) -> Param {
        self.last().remaining = true;
        self
    }
    pub fn alias(mut self, a: &str) -> Param {
        self.aliases.push(a.into());
        self
    }
    pub fn help(mut self, h: &str) -> Param {
        self.help = h.into();
        self
    }
    pub fn validate_set(mut self, values: &[&str]) -> Param {
        self.validate_set = Some(values.iter().map(|s| s.to_string()).collect());
        self
    }
    /// Starts membership in a named set; following `.position()`/`.mandatory()`
    /// apply to it. The first call replaces `__AllParameterSets`.
    pub fn set(mut self, name: &str) -> Param {
        if self.sets.len() == 1 && self.sets[0].set == ALL_SETS {
            let mut m = self.sets.remove(0);
            m.set = name.into();
            self.sets.push(m);
        } else {
            let mut m = SetMembership::all();
            m.set = name.into();
            self.sets.push(m);
        }
        self
    }
    pub fn is_switch(&self) -> bool {
        matches!(self.ty, PsType::Switch)
    }
    pub fn in_set(&self, set: &str) -> Option<&SetMembership> {
        self.sets.iter().find(|m| m.set == set || m.set == ALL_SETS)
    }
    pub fn takes_pipeline(&self) -> bool {
        self.sets.iter().any(|m| m.from_pipeline || m.by_property_name)
    }
}

/// An example for Get-Help and the examples test.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub code: String,
    pub description: String,
}

/// The declaration of a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub name: String,
    pub synopsis: String,
    pub params: Vec<Param>,
    pub default_set: Option<String>,
    pub examples: Vec<Example>,
    /// Advanced functions and cmdlets accept common parameters.
    pub common_parameters: bool,
    /// SupportsShouldProcess: -WhatIf / -Confirm.
    pub supports_should_process: bool,
    pub aliases: Vec<String>,
}

/// The common parameters every cmdlet takes.
pub const COMMON_PARAMETERS: &[(&str, &[&str])] = &[
    ("Verbose", &["vb"]),
    ("Debug", &["db"]),
    ("ErrorAction", &["ea"]),
    ("WarningAction", &["wa"]),
    ("InformationAction", &["infa"]),
    ("ProgressAction", &["proga"]),
    ("ErrorVariable", &["ev"]),
    ("WarningVariable", &["wv"]),
    ("InformationVariable", &["iv"]),
    ("OutVariable", &["ov"]),
    ("OutBuffer", &["ob"]),
    ("PipelineVariable", &["pv"]),
];

impl Signature {
    pub fn new(name: &str, synopsis: &str) -> Signature {
        Signature {
            name: name.into(),
            synopsis: synopsis.into(),
            params: Vec::new(),
            default_set: None,
            examples: Vec::new(),
            common_parameters: true,
            supports_should_process: false,
            aliases: Vec::new(),
        }
    }
    pub fn param(mut self, p: Param) -> Signature {
        self.params.push(p);
        self
    }
    pub fn default_set(mut self, s: &str) -> Signature {
        self.default_set = Some(s.into());
        self
    }
    pub fn example(mut self, code: &str, description: &str) -> Signature {
        self.examples.push(Example { code: code.into(), description: description.into() });
        self
    }
    pub fn should_process(mut self) -> Signature {
        self.supports_should_process = true;
        self
    }
    pub fn alias(mut self, a: &str) -> Signature {
        self.aliases.push(a.into());
        self
    }
    /// The parameter set names (in declaration order), `__AllParameterSets` when none.
    pub fn set_names(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for p in &self.params {
            for m in &p.sets {
                if m.set != ALL_SETS && !v.contains(&m.set) {
                    v.push(m.set.clone());
                }
            }
        }
        if v.is_empty() {
            v.push(ALL_SETS.into());
        }
        v
    }
    pub fn find(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }
    /// Syntax lines as Get-Help/Get-Command -Syntax print them.
    pub fn syntax(&self) -> Vec<String> {
        let mut out = Vec::new();
        for set in self.set_names() {
            let mut line = self.name.clone();
            let mut ps: Vec<(&Param, &SetMembership)> =
                self.params.iter().filter_map(|p| p.in_set(&set).map(|m| (p, m))).collect();
            ps.sort_by_key(|(_, m)| m.position.unwrap_or(usize::MAX));
            for (p, m) in ps {
                let ty = if p.is_switch() { String::new() } else { format!(" <{}>", p.ty.short_name()) };
                let name = if m.position.is_some() { format!("[-{}]", p.name) } else { format!("-{}", p.name) };
                let part = format!("{name}{ty}");
                line.push(' ');
                if m.mandatory {
                    line.push_str(&part);
                } else {
                    line.push_str(&format!("[{part}]"));
                }
            }
            if self.common_parameters {
                line.push_str(" [<CommonParameters>]");
            }
            out.push(line);
        }
        out
    }
}
