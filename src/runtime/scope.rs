//! Scopes: a tree of variable and function tables. A function's scope has the
//! scope it was called from as parent (dynamic scoping, as PowerShell does).

use super::types::PsType;
use super::value::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// FNV-1a: variable names are short; SipHash costs more than the lookup.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf29ce484222325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
        self.0 = h;
    }
}

/// A map keyed by lower-case names.
pub type NameMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Global,
    Script,
    Function,
}

/// A variable.
#[derive(Clone)]
pub struct Variable {
    pub name: String,
    pub value: Value,
    /// `[int]$x = 1` keeps converting later assignments.
    pub constraint: Option<PsType>,
    pub private: bool,
    pub readonly: bool,
}

/// A user-defined function.
pub struct FunctionInfo {
    pub name: String,
    pub script_block: Rc<super::value::ScriptBlock>,
    pub is_filter: bool,
}

/// One scope.
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<Rc<Scope>>,
    pub vars: RefCell<NameMap<Variable>>,
    pub functions: RefCell<NameMap<Rc<FunctionInfo>>>,
}

/// Lower-cases a name only when needed.
pub fn key(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) || !name.is_ascii() {
        std::borrow::Cow::Owned(name.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

impl Scope {
    pub fn new(kind: ScopeKind, parent: Option<Rc<Scope>>) -> Rc<Scope> {
        Rc::new(Scope {
            kind,
            parent,
            vars: RefCell::new(NameMap::default()),
            functions: RefCell::new(NameMap::default()),
        })
    }

    /// Finds a variable visible from this scope.
    pub fn lookup(self: &Rc<Scope>, name: &str) -> Option<Value> {
        let k = key(name);
        let mut cur: Option<&Rc<Scope>> = Some(self);
        let mut first = true;
        while let Some(s) = cur {
            if let Some(v) = s.vars.borrow().get(k.as_ref())
                && (first || !v.private)
            {
                return Some(v.value.clone());
            }
            first = false;
            cur = s.parent.as_ref();
        }
        None
    }

    /// The scope that holds a visible variable.
    pub fn owner(self: &Rc<Scope>, name: &str) -> Option<Rc<Scope>> {
        let k = key(name);
        let mut cur = Some(self.clone());
        while let Some(s) = cur {
            if s.vars.borrow().contains_key(k.as_ref()) {
                return Some(s);
            }
            cur = s.parent.clone();
        }
        None
    }

    /// The constraint of a variable in this very scope.
    pub fn local_constraint(&self, name: &str) -> Option<PsType> {
        self.vars.borrow().get(key(name).as_ref()).and_then(|v| v.constraint.clone())
    }

    /// Sets a variable in this scope (creating it).
    pub fn set(&self, name: &str, value: Value) {
        let k = key(name);
        let mut vars = self.vars.borrow_mut();
        if let Some(v) = vars.get_mut(k.as_ref()) {
            v.value = value;
        } else {
            vars.insert(
                k.into_owned(),
                Variable { name: name.to_string(), value, constraint: None, private: false, readonly: false },
            );
        }
    }

    pub fn set_var(&self, var: Variable) {
        self.vars.borrow_mut().insert(key(&var.name).into_owned(), var);
    }

    pub fn remove(&self, name: &str) -> bool {
        self.vars.borrow_mut().remove(key(name).as_ref()).is_some()
    }

    pub fn find_function(self: &Rc<Scope>, name: &str) -> Option<Rc<FunctionInfo>> {
        let k = key(name);
        let mut cur: Option<&Rc<Scope>> = Some(self);
        while let Some(s) = cur {
            if let Some(f) = s.functions.borrow().get(k.as_ref()) {
                return Some(f.clone());
            }
            cur = s.parent.as_ref();
        }
        None
    }

    /// The nearest script (or global) scope.
    pub fn script_scope(self: &Rc<Scope>) -> Rc<Scope> {
        let mut cur = self.clone();
        loop {
            if matches!(cur.kind, ScopeKind::Script | ScopeKind::Global) {
                return cur;
            }
            match cur.parent.clone() {
                Some(p) => cur = p,
                None => return cur,
            }
        }
    }

    pub fn global(self: &Rc<Scope>) -> Rc<Scope> {
        let mut cur = self.clone();
        while let Some(p) = cur.parent.clone() {
            cur = p;
        }
        cur
    }
}
