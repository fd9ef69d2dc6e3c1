//! Expression evaluation.

use super::command::Collect;
use super::convert::{self, to_bool, to_string};
use super::error::{ErrorRecord, Exception, Flow, R};
use super::eval::{Interp, collect_value, invalid_cast};
use super::ops;
use super::text;
use super::types::PsType;
use super::value::*;
use crate::syntax::ast::*;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::rc::Rc;

impl Interp {
    /// Evaluates an expression to a value.
    pub fn eval(&mut self, e: &ExpressionAst) -> R<Value> {
        match e {
            ExpressionAst::Constant(c) => Ok(constant(&c.value)),
            ExpressionAst::StringConstant(s) => Ok(Value::str(&s.value)),
            ExpressionAst::ExpandableString(s) => self.expand_string(s).map(Value::string),
            ExpressionAst::Variable(v) => self.eval_variable(v),
            ExpressionAst::Binary(b) => self.eval_binary(b),
            ExpressionAst::Unary(u) => self.eval_unary(u),
            ExpressionAst::Ternary(t) => {
                let c = self.eval(&t.condition)?;
                if to_bool(&c) { self.eval(&t.if_true) } else { self.eval(&t.if_false) }
            }
            ExpressionAst::Convert(c) => self.eval_convert(c),
            ExpressionAst::TypeExpression(t) => Ok(Value::Type(Rc::new(PsType::resolve(&t.type_name.full_name())))),
            ExpressionAst::Member(m) => self.eval_member(m),
            ExpressionAst::InvokeMember(m) => self.eval_invoke(m),
            ExpressionAst::Index(ix) => {
                let target = self.eval(&ix.target)?;
                if ix.null_conditional && target.is_null() {
                    return Ok(Value::Null);
                }
                let idx = self.eval(&ix.index)?;
                super::members::index(self, &target, &idx).map_err(|f| self.at(f, ix.span))
            }
            ExpressionAst::ArrayLiteral(a) => {
                let mut items = Vec::with_capacity(a.elements.len());
                for el in &a.elements {
                    items.push(self.eval(el)?);
                }
                Ok(Value::array(items))
            }
            ExpressionAst::ArrayExpression(a) => {
                let mut c = Collect::default();
                self.exec_block(&a.sub_expression.statements, &mut c)?;
                Ok(Value::array(c.0))
            }
            ExpressionAst::SubExpression(s) => {
                let mut c = Collect::default();
                self.exec_block(&s.sub_expression.statements, &mut c)?;
                Ok(collect_value(c.0))
            }
            ExpressionAst::Paren(p) => match &*p.pipeline {
                StatementAst::Pipeline(pl) => {
                    if let [CommandBaseAst::Expression(e)] = pl.pipeline_elements.as_slice()
                        && e.redirections.is_empty()
                    {
                        return self.eval(&e.expression);
                    }
                    let mut c = Collect::default();
                    self.exec_stmt(&p.pipeline, &mut c)?;
                    Ok(collect_value(c.0))
                }
                other => self.eval_stmt_value(other),
            },
            ExpressionAst::Hashtable(h) => self.eval_hashtable(h, false),
            ExpressionAst::ScriptBlock(sb) => Ok(Value::ScriptBlock(self.make_scriptblock(sb))),
            ExpressionAst::Using(u) => self.eval(&u.sub_expression),
        }
    }

    pub fn eval_hashtable(&mut self, h: &HashtableAst, ordered: bool) -> R<Value> {
        let mut t = Hashtable::new(ordered);
        for (k, v) in &h.key_value_pairs {
            let key = self.eval(k)?;
            let val = self.eval_stmt_value(v)?;
            if t.contains(&key) {
                return Err(self.at(
                    Flow::error(ErrorRecord::new(
                        Exception::runtime(format!(
                            "Duplicate keys '{}' are not allowed in hash literals.",
                            to_string(&key)
                        )),
                        "DuplicateKeyInHashLiteral",
                        "ParserError",
                        Value::Null,
                    )),
                    k.span(),
                ));
            }
            t.insert(key, val);
        }
        Ok(Value::hashtable(t))
    }

    fn eval_variable(&mut self, v: &VariableExpressionAst) -> R<Value> {
        if let Some(q) = &v.qualifier {
            return Ok(self.get_qualified(q, &v.name));
        }
        Ok(self.get_var(&v.name).unwrap_or(Value::Null))
    }

    /// Expands `"..."`.
    pub fn expand_string(&mut self, s: &ExpandableStringExpressionAst) -> R<String> {
        let mut out = String::new();
        let ofs = self.get_var("OFS").map(|v| to_string(&v));
        for part in &s.parts {
            match part {
                ExpandablePart::Literal(t) => out.push_str(t),
                ExpandablePart::Expression(e) => {
                    let v = self.eval(e)?;
                    match &ofs {
                        Some(o) => out.push_str(&convert::to_string_ofs(&v, o)),
                        None => out.push_str(&to_string(&v)),
                    }
                }
            }
        }
        Ok(out)
    }

    fn eval_convert(&mut self, c: &ConvertExpressionAst) -> R<Value> {
        let tn = c.type_constraint.type_name.full_name();
        let ty = PsType::resolve(&tn);
        if matches!(ty, PsType::Ordered)
            && let ExpressionAst::Hashtable(h) = &*c.child
        {
            return self.eval_hashtable(h, true);
        }
        if matches!(ty, PsType::PsCustomObject)
            && let ExpressionAst::Hashtable(h) = &*c.child
        {
            let t = self.eval_hashtable(h, true)?;
            return convert::convert_to(&t, &ty).map_err(|m| self.at(invalid_cast(&m), c.span));
        }
        let v = self.eval(&c.child)?;
        if matches!(ty, PsType::Void) {
            return Ok(Value::Null);
        }
        if let PsType::Named(n) = &ty {
            if n.eq_ignore_ascii_case("ref") {
                return Ok(v);
            }
            return super::members::construct_by_cast(self, n, v).map_err(|f| self.at(f, c.span));
        }
        if matches!(ty, PsType::Regex) {
            return super::members::new_regex(&to_string(&v), "");
        }
        if matches!(ty, PsType::Xml) {
            return Ok(v);
        }
        convert::convert_to(&v, &ty).map_err(|m| self.at(invalid_cast(&m), c.span))
    }

    pub fn member_name(&mut self, m: &ExpressionAst) -> R<String> {
        match m {
            ExpressionAst::StringConstant(s) => Ok(s.value.clone()),
            other => Ok(to_string(&self.eval(other)?)),
        }
    }

    fn eval_member(&mut self, m: &MemberExpressionAst) -> R<Value> {
        let obj = self.eval(&m.expression)?;
        let name = self.member_name(&m.member)?;
        if m.is_static
            && let Value::Type(t) = &obj
        {
            return super::members::static_property(self, t, &name).map_err(|f| self.at(f, m.span));
        }
        if m.null_conditional && obj.is_null() {
            return Ok(Value::Null);
        }
        super::members::get_property(self, &obj, &name).map_err(|f| self.at(f, m.span))
    }

    fn eval_invoke(&mut self, m: &InvokeMemberExpressionAst) -> R<Value> {
        let obj = self.eval(&m.expression)?;
        let name = self.member_name(&m.member)?;
        let mut args = Vec::with_capacity(m.arguments.len());
        for a in &m.arguments {
            args.push(self.eval(a)?);
        }
        if m.is_static
            && let Value::Type(t) = &obj
        {
            return super::members::invoke_static(self, t, &name, args).map_err(|f| self.at(f, m.span));
        }
        if m.null_conditional && obj.is_null() {
            return Ok(Value::Null);
        }
        super::members::invoke_method(self, &obj, &name, args).map_err(|f| self.at(f, m.span))
    }

    fn eval_unary(&mut self, u: &UnaryExpressionAst) -> R<Value> {
        match u.token_kind {
            TokenKind::PlusPlus | TokenKind::MinusMinus | TokenKind::PostfixPlusPlus | TokenKind::PostfixMinusMinus => {
                let cur = self.eval(&u.child)?;
                let one = Value::Int(1);
                let new = if matches!(u.token_kind, TokenKind::PlusPlus | TokenKind::PostfixPlusPlus) {
                    ops::add(&if cur.is_null() { Value::Int(0) } else { cur.clone() }, &one)
                } else {
                    ops::sub(&if cur.is_null() { Value::Int(0) } else { cur.clone() }, &one)
                }
                .map_err(|f| self.at(f, u.span))?;
                self.assign(&u.child, new.clone())?;
                if matches!(u.token_kind, TokenKind::PostfixPlusPlus | TokenKind::PostfixMinusMinus) {
                    Ok(if cur.is_null() { Value::Int(0) } else { cur })
                } else {
                    Ok(new)
                }
            }
            _ => {
                let v = self.eval(&u.child)?;
                match u.token_kind {
                    TokenKind::Not | TokenKind::Exclaim => Ok(Value::Bool(!to_bool(&v))),
                    TokenKind::Minus => ops::negate(&v).map_err(|f| self.at(f, u.span)),
                    TokenKind::Plus => match &v {
                        Value::String(_) => Ok(convert::to_num(&v).map(|n| n.to_value()).unwrap_or(v)),
                        _ => Ok(v),
                    },
                    TokenKind::Bnot => ops::bnot(&v).map_err(|f| self.at(f, u.span)),
                    TokenKind::Comma => Ok(Value::array(vec![v])),
                    TokenKind::Join => Ok(Value::string(v.to_list().iter().map(to_string).collect::<String>())),
                    TokenKind::Split | TokenKind::Isplit | TokenKind::Csplit => {
                        let mut out = Vec::new();
                        for item in v.to_list() {
                            for part in to_string(&item).split(|c: char| c.is_whitespace()) {
                                if !part.is_empty() {
                                    out.push(Value::str(part));
                                }
                            }
                        }
                        Ok(Value::array(out))
                    }
                    _ => Ok(v),
                }
            }
        }
    }

    fn eval_binary(&mut self, b: &BinaryExpressionAst) -> R<Value> {
        use TokenKind::*;
        match b.operator {
            And => {
                let l = self.eval(&b.left)?;
                if !to_bool(&l) {
                    return Ok(Value::Bool(false));
                }
                let r = self.eval(&b.right)?;
                return Ok(Value::Bool(to_bool(&r)));
            }
            Or => {
                let l = self.eval(&b.left)?;
                if to_bool(&l) {
                    return Ok(Value::Bool(true));
                }
                let r = self.eval(&b.right)?;
                return Ok(Value::Bool(to_bool(&r)));
            }
            QuestionQuestion => {
                let l = self.eval(&b.left)?;
                if !l.is_null() {
                    return Ok(l);
                }
                return self.eval(&b.right);
            }
            _ => {}
        }
        let l = self.eval(&b.left)?;
        let r = self.eval(&b.right)?;
        self.binary_values(b.operator, l, r).map_err(|f| self.at(f, b.error_position))
    }

    /// Applies a binary operator to two values.
    pub fn binary_values(&mut self, op: TokenKind, l: Value, r: Value) -> R<Value> {
        use TokenKind::*;
        match op {
            Plus => ops::add(&l, &r),
            Minus => ops::sub(&l, &r),
            Multiply => ops::mul(&l, &r),
            Divide => ops::div(&l, &r),
            Rem => ops::rem(&l, &r),
            Xor => Ok(Value::Bool(to_bool(&l) ^ to_bool(&r))),
            Band => ops::bitwise("band", &l, &r),
            Bor => ops::bitwise("bor", &l, &r),
            Bxor => ops::bitwise("bxor", &l, &r),
            Shl => ops::bitwise("shl", &l, &r),
            Shr => ops::bitwise("shr", &l, &r),
            DotDot => range(&l, &r),
            Format => self.format_op(&l, &r),
            Join => {
                let sep = to_string(&r);
                Ok(Value::string(l.to_list().iter().map(to_string).collect::<Vec<_>>().join(&sep)))
            }
            Is | IsNot => {
                let ty = match &r {
                    Value::Type(t) => (**t).clone(),
                    other => PsType::resolve(&to_string(other)),
                };
                let res = convert::is_type(&l, &ty);
                Ok(Value::Bool(if op == Is { res } else { !res }))
            }
            As => {
                let ty = match &r {
                    Value::Type(t) => (**t).clone(),
                    other => PsType::resolve(&to_string(other)),
                };
                Ok(convert::convert_to(&l, &ty).unwrap_or(Value::Null))
            }
            Ieq | Ceq | Ine | Cne | Ige | Cge | Igt | Cgt | Ilt | Clt | Ile | Cle | Ilike | Clike | Inotlike
            | Cnotlike | Imatch | Cmatch | Inotmatch | Cnotmatch => self.compare_op(op, l, r),
            Icontains | Ccontains | Inotcontains | Cnotcontains => {
                let cs = matches!(op, Ccontains | Cnotcontains);
                let found = l.to_list().iter().any(|x| ops::eq_scalar(x, &r, cs));
                Ok(Value::Bool(if matches!(op, Icontains | Ccontains) { found } else { !found }))
            }
            Iin | Cin | Inotin | Cnotin => {
                let cs = matches!(op, Cin | Cnotin);
                let found = r.to_list().iter().any(|x| ops::eq_scalar(x, &l, cs));
                Ok(Value::Bool(if matches!(op, Iin | Cin) { found } else { !found }))
            }
            Ireplace | Creplace => self.replace_op(&l, &r, op == Creplace),
            Split | Isplit | Csplit => self.split_op(&l, &r, op == Csplit),
            _ => Err(Flow::runtime("NotSupported", format!("The operator '{}' is not supported.", op.text()))),
        }
    }

    fn compare_one(&mut self, op: TokenKind, l: &Value, r: &Value) -> R<bool> {
        use TokenKind::*;
        Ok(match op {
            Ieq => ops::eq_scalar(l, r, false),
            Ceq => ops::eq_scalar(l, r, true),
            Ine => !ops::eq_scalar(l, r, false),
            Cne => !ops::eq_scalar(l, r, true),
            Igt | Cgt => ops::compare(l, r, op == Cgt)? == Ordering::Greater,
            Ige | Cge => ops::compare(l, r, op == Cge)? != Ordering::Less,
            Ilt | Clt => ops::compare(l, r, op == Clt)? == Ordering::Less,
            Ile | Cle => ops::compare(l, r, op == Cle)? != Ordering::Greater,
            Ilike | Clike => text::wildcard_match(&to_string(r), &to_string(l), op == Clike),
            Inotlike | Cnotlike => !text::wildcard_match(&to_string(r), &to_string(l), op == Cnotlike),
            Imatch | Cmatch | Inotmatch | Cnotmatch => {
                let cs = matches!(op, Cmatch | Cnotmatch);
                let re = text::regex(&to_string(r), cs, false)?;
                let m = re.is_match(&to_string(l));
                if matches!(op, Imatch | Cmatch) { m } else { !m }
            }
            _ => false,
        })
    }

    fn compare_op(&mut self, op: TokenKind, l: Value, r: Value) -> R<Value> {
        use TokenKind::*;
        if l.is_enumerable() {
            let mut out = Vec::new();
            for x in l.to_list() {
                if self.compare_one(op, &x, &r)? {
                    out.push(x);
                }
            }
            return Ok(Value::array(out));
        }
        // Scalar -match sets $Matches.
        if matches!(op, Imatch | Cmatch | Inotmatch | Cnotmatch) {
            let cs = matches!(op, Cmatch | Cnotmatch);
            let m = text::regex_match_set(self, &to_string(&l), &to_string(&r), cs)?;
            return Ok(Value::Bool(if matches!(op, Imatch | Cmatch) { m } else { !m }));
        }
        Ok(Value::Bool(self.compare_one(op, &l, &r)?))
    }

    fn replace_op(&mut self, l: &Value, r: &Value, cs: bool) -> R<Value> {
        let (pat, rep) = match r {
            Value::Array(_) | Value::List(_) => {
                let items = r.to_list();
                (items.first().cloned().unwrap_or(Value::Null), items.get(1).cloned().unwrap_or(Value::str("")))
            }
            other => (other.clone(), Value::str("")),
        };
        let re = text::regex(&to_string(&pat), cs, false)?;
        let one = |cx: &mut Interp, s: &str| -> R<Value> {
            match &rep {
                Value::ScriptBlock(sb) => {
                    let mut out = String::new();
                    let mut last = 0;
                    for caps in re.captures_iter(s) {
                        let Some(m0) = caps.get(0) else { continue };
                        out.push_str(&s[last..m0.start()]);
                        let mv = super::members::match_object(&re, &caps);
                        let v = cx.invoke_sb_value(sb, vec![], Some(mv), false)?;
                        out.push_str(&to_string(&v));
                        last = m0.end();
                    }
                    out.push_str(&s[last..]);
                    Ok(Value::string(out))
                }
                other => {
                    let rs = text::translate_replacement(&to_string(other));
                    Ok(Value::string(re.replace_all(s, rs.as_str()).into_owned()))
                }
            }
        };
        if l.is_enumerable() {
            let mut out = Vec::new();
            for x in l.to_list() {
                out.push(one(self, &to_string(&x))?);
            }
            return Ok(Value::array(out));
        }
        one(self, &to_string(l))
    }

    fn split_op(&mut self, l: &Value, r: &Value, cs: bool) -> R<Value> {
        let parts = match r {
            Value::Array(_) | Value::List(_) => r.to_list(),
            other => vec![other.clone()],
        };
        let delim = parts.first().cloned().unwrap_or(Value::str(" "));
        let max = parts.get(1).and_then(convert::to_num).and_then(|n| n.as_i64()).unwrap_or(0);
        let opts = parts.get(2).map(|v| to_string(v).to_ascii_lowercase()).unwrap_or_default();
        let simple = opts.contains("simplematch");
        let multiline = opts.contains("multiline");
        let cs = cs && !opts.contains("ignorecase");
        let mut out = Vec::new();
        for item in l.to_list() {
            let s = to_string(&item);
            if let Value::ScriptBlock(sb) = &delim {
                let mut cur = String::new();
                let mut pieces = Vec::new();
                for ch in s.chars() {
                    let v =
                        self.invoke_sb_value(sb, vec![Value::Char(ch), Value::Int(0)], Some(Value::Char(ch)), false)?;
                    if to_bool(&v) && (max <= 0 || (pieces.len() as i64) < max - 1) {
                        pieces.push(std::mem::take(&mut cur));
                    } else {
                        cur.push(ch);
                    }
                }
                if !cur.is_empty() {
                    pieces.push(cur);
                }
                out.extend(pieces.into_iter().map(Value::string));
                continue;
            }
            let pat = if simple { regex::escape(&to_string(&delim)) } else { to_string(&delim) };
            let re = text::regex(&pat, cs, multiline)?;
            out.extend(split_regex(&re, &s, max).into_iter().map(Value::string));
        }
        Ok(Value::array(out))
    }

    /// `fmt -f args`.
    pub fn format_op(&mut self, l: &Value, r: &Value) -> R<Value> {
        let args = r.to_list();
        let fmt = to_string(l);
        super::format::composite(&fmt, &args).map(Value::string).map_err(|m| {
            Flow::error(ErrorRecord::new(
                Exception::new("System.FormatException", m),
                "FormatError",
                "InvalidOperation",
                Value::Null,
            ))
        })
    }
}

/// Splits with a regex as `-split` does: captures are kept, `max` limits pieces
/// (negative counts from the right).
pub fn split_regex(re: &regex::Regex, s: &str, max: i64) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut matches: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for caps in re.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() == m.end() && (m.start() == 0 || m.start() == s.len()) {
            // an empty match at the edges splits nothing
            if m.start() == 0 && !s.is_empty() {
                matches.push((0, 0, Vec::new()));
            }
            continue;
        }
        let groups: Vec<String> = (1..caps.len()).filter_map(|i| caps.get(i).map(|g| g.as_str().to_string())).collect();
        matches.push((m.start(), m.end(), groups));
    }
    let n = matches.len();
    let chosen: Vec<(usize, usize, Vec<String>)> = if max > 0 {
        matches.into_iter().take((max - 1) as usize).collect()
    } else if max < 0 {
        let keep = (-max - 1) as usize;
        matches.into_iter().skip(n.saturating_sub(keep)).collect()
    } else {
        matches
    };
    let mut last = 0;
    for (st, en, g) in chosen {
        pieces.push(s[last..st].to_string());
        pieces.extend(g);
        last = en;
    }
    pieces.push(s[last..].to_string());
    pieces
}

/// `l..r`.
pub fn range(l: &Value, r: &Value) -> R<Value> {
    if let (Value::String(a), Value::String(b)) = (l, r)
        && a.chars().count() == 1
        && b.chars().count() == 1
        && !a.chars().all(|c| c.is_ascii_digit())
    {
        let (x, y) = (a.chars().next().unwrap_or('a') as u32, b.chars().next().unwrap_or('a') as u32);
        let items: Vec<Value> = if x <= y {
            (x..=y).filter_map(char::from_u32).map(Value::Char).collect()
        } else {
            (y..=x).rev().filter_map(char::from_u32).map(Value::Char).collect()
        };
        return Ok(Value::array(items));
    }
    let to_i = |v: &Value| -> R<i64> {
        convert::convert_to(v, &PsType::Int)
            .map(|x| match x {
                Value::Int(i) => i64::from(i),
                _ => 0,
            })
            .map_err(|m| invalid_cast(&m))
    };
    let a = to_i(l)?;
    let b = to_i(r)?;
    let n = (a - b).unsigned_abs() + 1;
    if n > 50_000_000 {
        return Err(Flow::runtime("RangeTooBig", "The range is too big."));
    }
    let items: Vec<Value> = if a <= b {
        (a..=b).map(|i| Value::Int(i as i32)).collect()
    } else {
        (b..=a).rev().map(|i| Value::Int(i as i32)).collect()
    };
    Ok(Value::array(items))
}

/// A literal's value.
pub fn constant(c: &ConstantValue) -> Value {
    match c {
        ConstantValue::Int32(i) => Value::Int(*i),
        ConstantValue::Int64(i) => Value::Long(*i),
        ConstantValue::Double(d) => Value::Double(*d),
        ConstantValue::Decimal(s) => s.parse::<Decimal>().map(Value::Decimal).unwrap_or(Value::Null),
        ConstantValue::Byte(b) => Value::Byte(*b),
        ConstantValue::SByte(b) => Value::SByte(*b),
        ConstantValue::Int16(b) => Value::Int16(*b),
        ConstantValue::UInt16(b) => Value::UInt16(*b),
        ConstantValue::UInt32(b) => Value::UInt32(*b),
        ConstantValue::UInt64(b) => Value::UInt64(*b),
        ConstantValue::BigInteger(s) => s.parse::<num_bigint::BigInt>().map(Value::bigint).unwrap_or(Value::Null),
    }
}

/// Applies a comparison operator given by name (`EQ`, `CLike`, `NotIn` ...), as
/// Where-Object's simplified syntax does.
pub fn compare_by_name(cx: &mut Interp, op: &str, l: Value, r: Value) -> R<bool> {
    use TokenKind::*;
    let k = match op.to_ascii_lowercase().as_str() {
        "eq" => Ieq,
        "ne" => Ine,
        "gt" => Igt,
        "ge" => Ige,
        "lt" => Ilt,
        "le" => Ile,
        "like" => Ilike,
        "notlike" => Inotlike,
        "match" => Imatch,
        "notmatch" => Inotmatch,
        "contains" => Icontains,
        "notcontains" => Inotcontains,
        "in" => Iin,
        "notin" => Inotin,
        "is" => Is,
        "isnot" => IsNot,
        "ceq" => Ceq,
        "cne" => Cne,
        "cgt" => Cgt,
        "cge" => Cge,
        "clt" => Clt,
        "cle" => Cle,
        "clike" => Clike,
        "cnotlike" => Cnotlike,
        "cmatch" => Cmatch,
        "cnotmatch" => Cnotmatch,
        "ccontains" => Ccontains,
        "cnotcontains" => Cnotcontains,
        "cin" => Cin,
        _ => Cnotin,
    };
    let v = cx.binary_values(k, l, r)?;
    Ok(to_bool(&v))
}
