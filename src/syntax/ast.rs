//! The abstract syntax tree. Type names follow PowerShell's
//! System.Management.Automation.Language classes so they grep straight to its
//! documentation. Every node carries `span`: byte offsets into the source, so the
//! runtime can slice the original text (e.g. a script block's `ToString()`).

#![allow(clippy::large_enum_variant)] // AST nodes are built once and moved rarely
use super::Span;
use serde::Serialize;

// ---------------------------------------------------------------------------
// Script blocks and blocks
// ---------------------------------------------------------------------------

/// A whole script, a function body or a `{ ... }` script block literal.
///
/// Without named blocks, statements go into `end_block` with `unnamed = true`,
/// as in PowerShell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScriptBlockAst {
    pub span: Span,
    /// `using namespace/module` statements are not supported (kept out on purpose).
    pub param_block: Option<ParamBlockAst>,
    pub begin_block: Option<NamedBlockAst>,
    pub process_block: Option<NamedBlockAst>,
    pub end_block: Option<NamedBlockAst>,
    pub dynamic_param_block: Option<NamedBlockAst>,
}

/// Which named block a `NamedBlockAst` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BlockKind {
    Begin,
    Process,
    End,
    DynamicParam,
}

/// `begin { }`, `process { }`, `end { }`, `dynamicparam { }` or the unnamed end block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedBlockAst {
    pub span: Span,
    pub block_kind: BlockKind,
    /// True for the implicit end block of a script without named blocks.
    pub unnamed: bool,
    /// The statements in source order; `trap` statements are among them
    /// (`StatementAst::Trap`), the runtime hoists them.
    pub statements: Vec<StatementAst>,
}

/// `{ statements }` of if/while/try/... bodies, `$( )` and `@( )`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementBlockAst {
    pub span: Span,
    pub statements: Vec<StatementAst>,
}

/// `[CmdletBinding()] param( ... )`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamBlockAst {
    pub span: Span,
    /// Attributes before `param`, e.g. `[CmdletBinding()]`, `[OutputType(...)]`.
    pub attributes: Vec<AttributeAst>,
    pub parameters: Vec<ParameterAst>,
}

/// One parameter: attributes and type constraints in source order, the variable,
/// an optional default value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterAst {
    pub span: Span,
    pub attributes: Vec<AttributeBaseAst>,
    pub name: VariableExpressionAst,
    pub default_value: Option<ExpressionAst>,
}

/// Either an attribute `[Parameter(...)]` or a type constraint `[string]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AttributeBaseAst {
    Attribute(AttributeAst),
    TypeConstraint(TypeConstraintAst),
}

/// `[Name(positional, Named = value, Switch)]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeAst {
    pub span: Span,
    pub type_name: TypeName,
    pub positional_arguments: Vec<ExpressionAst>,
    pub named_arguments: Vec<NamedAttributeArgumentAst>,
}

/// `Mandatory` (expression omitted: value is `$true`) or `ValueFromPipeline = $true`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedAttributeArgumentAst {
    pub span: Span,
    pub argument_name: String,
    /// When `expression_omitted`, a constant `$true` variable expression.
    pub argument: ExpressionAst,
    pub expression_omitted: bool,
}

/// `[string]` as a parameter or catch type, or the type of a cast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeConstraintAst {
    pub span: Span,
    pub type_name: TypeName,
}

/// A type name as written: `System.Collections.Generic.List[string]`, `int[]`,
/// `hashtable[,]`. `name` is the dotted name without generic arguments or ranks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeName {
    pub span: Span,
    pub name: String,
    pub generic_arguments: Vec<TypeName>,
    /// One entry per `[]` suffix, its rank (`[]` = 1, `[,]` = 2), innermost first.
    pub array_ranks: Vec<u32>,
}

impl TypeName {
    /// The full name as PowerShell prints it, e.g. `System.Collections.Generic.List[string][]`.
    pub fn full_name(&self) -> String {
        let mut s = self.name.clone();
        if !self.generic_arguments.is_empty() {
            s.push('[');
            for (i, g) in self.generic_arguments.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&g.full_name());
            }
            s.push(']');
        }
        for r in &self.array_ranks {
            s.push('[');
            for _ in 1..*r {
                s.push(',');
            }
            s.push(']');
        }
        s
    }
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

/// Every statement. Pipelines, pipeline chains and assignments are PowerShell's
/// `PipelineBaseAst`s; places that take a "pipeline" (if conditions, `return`,
/// the right side of `=`) hold a `StatementAst`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StatementAst {
    Pipeline(PipelineAst),
    PipelineChain(PipelineChainAst),
    Assignment(AssignmentStatementAst),
    If(IfStatementAst),
    Switch(SwitchStatementAst),
    ForEach(ForEachStatementAst),
    For(ForStatementAst),
    While(WhileStatementAst),
    DoWhile(DoWhileStatementAst),
    DoUntil(DoUntilStatementAst),
    Break(BreakStatementAst),
    Continue(ContinueStatementAst),
    Return(ReturnStatementAst),
    Exit(ExitStatementAst),
    Throw(ThrowStatementAst),
    Try(TryStatementAst),
    Trap(TrapStatementAst),
    FunctionDefinition(FunctionDefinitionAst),
}

/// `a | b | c`, optionally ending in `&` (background job).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineAst {
    pub span: Span,
    pub pipeline_elements: Vec<CommandBaseAst>,
    pub background: bool,
}

/// `&&` or `||`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChainOperator {
    AndAnd,
    OrOr,
}

/// `lhs && rhs` / `lhs || rhs`; left-associative: `lhs` is a `Pipeline` or a
/// `PipelineChain` statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineChainAst {
    pub span: Span,
    pub lhs: Box<StatementAst>,
    pub rhs: PipelineAst,
    pub operator: ChainOperator,
    pub background: bool,
}

/// An element of a pipeline: a command or an expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum CommandBaseAst {
    Command(CommandAst),
    Expression(CommandExpressionAst),
}

/// `&` or `.` before a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InvocationOperator {
    Ampersand,
    Dot,
}

/// A command: element 0 is the name (a bare word, a string, a variable, a script
/// block ...), the rest are parameters and arguments in source order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandAst {
    pub span: Span,
    pub command_elements: Vec<CommandElementAst>,
    pub invocation_operator: Option<InvocationOperator>,
    pub redirections: Vec<RedirectionAst>,
}

impl CommandAst {
    /// The command name when element 0 is a constant string (bare word or quoted).
    pub fn command_name(&self) -> Option<&str> {
        match self.command_elements.first() {
            Some(CommandElementAst::Expression(ExpressionAst::StringConstant(s))) => Some(&s.value),
            _ => None,
        }
    }
}

/// A parameter or an argument of a command.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum CommandElementAst {
    Parameter(CommandParameterAst),
    Expression(ExpressionAst),
}

/// `-Name`, or `-Name:value` (then `argument` is set). Pairing `-Name value` is the
/// binder's job. `span` covers the parameter token and the `:argument` if any;
/// `parameter_span` covers only `-Name` / `-Name:` (what error messages point at).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandParameterAst {
    pub span: Span,
    /// The name without the dash (en-dash etc. already normalised) and without `:`.
    pub parameter_name: String,
    pub argument: Option<Box<ExpressionAst>>,
    pub parameter_span: Span,
}

/// An expression used as a pipeline element (e.g. `$x | ...`, `1 + 2`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandExpressionAst {
    pub span: Span,
    pub expression: ExpressionAst,
    pub redirections: Vec<RedirectionAst>,
}

/// Output streams of a redirection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RedirectionStream {
    All,
    Output,
    Error,
    Warning,
    Verbose,
    Debug,
    Information,
}

/// `> file`, `>> file`, `2> file`, `*> file`, or merging `2>&1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RedirectionAst {
    File(FileRedirectionAst),
    Merging(MergingRedirectionAst),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileRedirectionAst {
    pub span: Span,
    pub from_stream: RedirectionStream,
    pub append: bool,
    pub location: ExpressionAst,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergingRedirectionAst {
    pub span: Span,
    pub from_stream: RedirectionStream,
    pub to_stream: RedirectionStream,
}

/// `left op right` where op is `=`, `+=`, `-=`, `*=`, `/=`, `%=` or `??=`
/// (`TokenKind::Equals`, `PlusEquals`, `MinusEquals`, `MultiplyEquals`,
/// `DivideEquals`, `RemainderEquals`, `QuestionQuestionEquals`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignmentStatementAst {
    pub span: Span,
    pub left: ExpressionAst,
    pub operator: TokenKind,
    pub right: Box<StatementAst>,
    /// Span of the operator token.
    pub error_position: Span,
}

/// `if (c) { } elseif (c) { } else { }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IfStatementAst {
    pub span: Span,
    pub clauses: Vec<IfClause>,
    pub else_clause: Option<StatementBlockAst>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IfClause {
    pub condition: StatementAst,
    pub body: StatementBlockAst,
}

/// `switch` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SwitchFlags {
    pub regex: bool,
    pub wildcard: bool,
    pub exact: bool,
    pub case_sensitive: bool,
    pub file: bool,
    pub parallel: bool,
}

/// `:label switch -Regex ($x) { 'a' { } default { } }`. With `-File`, `condition`
/// is the file path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchStatementAst {
    pub span: Span,
    pub label: Option<String>,
    pub flags: SwitchFlags,
    pub condition: Box<StatementAst>,
    pub clauses: Vec<SwitchClause>,
    pub default: Option<StatementBlockAst>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchClause {
    /// A bare word pattern is a `StringConstant` with `BareWord`; `{ $_ -gt 1 }` is a
    /// script block expression.
    pub pattern: ExpressionAst,
    pub body: StatementBlockAst,
}

/// `foreach ($v in pipeline) { }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForEachStatementAst {
    pub span: Span,
    pub label: Option<String>,
    pub variable: VariableExpressionAst,
    pub condition: Box<StatementAst>,
    pub body: StatementBlockAst,
}

/// `for (init; cond; iter) { }`; each part optional.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForStatementAst {
    pub span: Span,
    pub label: Option<String>,
    pub initializer: Option<Box<StatementAst>>,
    pub condition: Option<Box<StatementAst>>,
    pub iterator: Option<Box<StatementAst>>,
    pub body: StatementBlockAst,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhileStatementAst {
    pub span: Span,
    pub label: Option<String>,
    pub condition: Box<StatementAst>,
    pub body: StatementBlockAst,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoWhileStatementAst {
    pub span: Span,
    pub label: Option<String>,
    pub condition: Box<StatementAst>,
    pub body: StatementBlockAst,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoUntilStatementAst {
    pub span: Span,
    pub label: Option<String>,
    pub condition: Box<StatementAst>,
    pub body: StatementBlockAst,
}

/// `break` / `break outer` / `break $label`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakStatementAst {
    pub span: Span,
    pub label: Option<Box<ExpressionAst>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContinueStatementAst {
    pub span: Span,
    pub label: Option<Box<ExpressionAst>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnStatementAst {
    pub span: Span,
    pub pipeline: Option<Box<StatementAst>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExitStatementAst {
    pub span: Span,
    pub pipeline: Option<Box<StatementAst>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThrowStatementAst {
    pub span: Span,
    pub pipeline: Option<Box<StatementAst>>,
}

/// `try { } catch [T1], [T2] { } catch { } finally { }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TryStatementAst {
    pub span: Span,
    pub body: StatementBlockAst,
    pub catch_clauses: Vec<CatchClauseAst>,
    pub finally: Option<StatementBlockAst>,
}

/// A catch clause; no types means catch-all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatchClauseAst {
    pub span: Span,
    pub catch_types: Vec<TypeConstraintAst>,
    pub body: StatementBlockAst,
}

/// `trap [T] { }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrapStatementAst {
    pub span: Span,
    pub trap_type: Option<TypeConstraintAst>,
    pub body: StatementBlockAst,
}

/// `function Name($a, $b) { body }` / `filter Name { }`. Parameters written after
/// the name are in `parameters`; a `param()` block is in `body.param_block`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionDefinitionAst {
    pub span: Span,
    pub is_filter: bool,
    pub name: String,
    pub name_span: Span,
    pub parameters: Vec<ParameterAst>,
    pub body: ScriptBlockAst,
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

/// Every expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExpressionAst {
    Binary(BinaryExpressionAst),
    Unary(UnaryExpressionAst),
    Ternary(TernaryExpressionAst),
    Convert(ConvertExpressionAst),
    TypeExpression(TypeExpressionAst),
    Constant(ConstantExpressionAst),
    StringConstant(StringConstantExpressionAst),
    ExpandableString(ExpandableStringExpressionAst),
    Variable(VariableExpressionAst),
    Member(MemberExpressionAst),
    InvokeMember(InvokeMemberExpressionAst),
    Index(IndexExpressionAst),
    ArrayLiteral(ArrayLiteralAst),
    ArrayExpression(ArrayExpressionAst),
    SubExpression(SubExpressionAst),
    Paren(ParenExpressionAst),
    Hashtable(HashtableAst),
    ScriptBlock(ScriptBlockExpressionAst),
    Using(UsingExpressionAst),
}

/// Operators and other tokens, named as PowerShell's `TokenKind`. Comparison
/// operators: `-eq` is `Ieq` (case-insensitive by default), `-ceq` is `Ceq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TokenKind {
    // assignment
    Equals,
    PlusEquals,
    MinusEquals,
    MultiplyEquals,
    DivideEquals,
    RemainderEquals,
    QuestionQuestionEquals,
    // arithmetic
    Plus,
    Minus,
    Multiply,
    Divide,
    Rem,
    DotDot,
    Format,
    QuestionQuestion,
    // logical
    And,
    Or,
    Xor,
    Not,
    Exclaim,
    // bitwise
    Band,
    Bor,
    Bxor,
    Bnot,
    Shl,
    Shr,
    // string
    Join,
    Split,
    Isplit,
    Csplit,
    Ireplace,
    Creplace,
    // comparison, case-insensitive
    Ieq,
    Ine,
    Ige,
    Igt,
    Ilt,
    Ile,
    Ilike,
    Inotlike,
    Imatch,
    Inotmatch,
    Icontains,
    Inotcontains,
    Iin,
    Inotin,
    // comparison, case-sensitive
    Ceq,
    Cne,
    Cge,
    Cgt,
    Clt,
    Cle,
    Clike,
    Cnotlike,
    Cmatch,
    Cnotmatch,
    Ccontains,
    Cnotcontains,
    Cin,
    Cnotin,
    // type
    Is,
    IsNot,
    As,
    // unary increment / decrement / comma
    PlusPlus,
    MinusMinus,
    PostfixPlusPlus,
    PostfixMinusMinus,
    Comma,
}

impl TokenKind {
    /// The operator as written in source (`-ieq` is printed `-ieq`, `-eq` as `-eq`
    /// is not distinguishable after parsing; `Ieq` prints `-eq`).
    pub fn text(self) -> &'static str {
        use TokenKind::*;
        match self {
            Equals => "=",
            PlusEquals => "+=",
            MinusEquals => "-=",
            MultiplyEquals => "*=",
            DivideEquals => "/=",
            RemainderEquals => "%=",
            QuestionQuestionEquals => "??=",
            Plus => "+",
            Minus => "-",
            Multiply => "*",
            Divide => "/",
            Rem => "%",
            DotDot => "..",
            Format => "-f",
            QuestionQuestion => "??",
            And => "-and",
            Or => "-or",
            Xor => "-xor",
            Not => "-not",
            Exclaim => "!",
            Band => "-band",
            Bor => "-bor",
            Bxor => "-bxor",
            Bnot => "-bnot",
            Shl => "-shl",
            Shr => "-shr",
            Join => "-join",
            Split => "-split",
            Isplit => "-isplit",
            Csplit => "-csplit",
            Ireplace => "-replace",
            Creplace => "-creplace",
            Ieq => "-eq",
            Ine => "-ne",
            Ige => "-ge",
            Igt => "-gt",
            Ilt => "-lt",
            Ile => "-le",
            Ilike => "-like",
            Inotlike => "-notlike",
            Imatch => "-match",
            Inotmatch => "-notmatch",
            Icontains => "-contains",
            Inotcontains => "-notcontains",
            Iin => "-in",
            Inotin => "-notin",
            Ceq => "-ceq",
            Cne => "-cne",
            Cge => "-cge",
            Cgt => "-cgt",
            Clt => "-clt",
            Cle => "-cle",
            Clike => "-clike",
            Cnotlike => "-cnotlike",
            Cmatch => "-cmatch",
            Cnotmatch => "-cnotmatch",
            Ccontains => "-ccontains",
            Cnotcontains => "-cnotcontains",
            Cin => "-cin",
            Cnotin => "-cnotin",
            Is => "-is",
            IsNot => "-isnot",
            As => "-as",
            PlusPlus | PostfixPlusPlus => "++",
            MinusMinus | PostfixMinusMinus => "--",
            Comma => ",",
        }
    }
}

/// `left op right`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryExpressionAst {
    pub span: Span,
    pub left: Box<ExpressionAst>,
    pub operator: TokenKind,
    pub right: Box<ExpressionAst>,
    /// Span of the operator token.
    pub error_position: Span,
}

/// `-not x`, `!x`, `-x`, `+x`, `++x`, `x++`, `-bnot x`, `-split x`, `-join x`,
/// `,x` (`TokenKind::Comma`: a one-element array).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnaryExpressionAst {
    pub span: Span,
    pub token_kind: TokenKind,
    pub child: Box<ExpressionAst>,
}

/// `cond ? a : b` (PowerShell 7).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TernaryExpressionAst {
    pub span: Span,
    pub condition: Box<ExpressionAst>,
    pub if_true: Box<ExpressionAst>,
    pub if_false: Box<ExpressionAst>,
}

/// `[type]child`; `[ordered]@{}` is a convert over a hashtable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConvertExpressionAst {
    pub span: Span,
    pub type_constraint: TypeConstraintAst,
    pub child: Box<ExpressionAst>,
}

/// `[type]` alone, e.g. the target of `[Math]::Round`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeExpressionAst {
    pub span: Span,
    pub type_name: TypeName,
}

/// A number with PowerShell's literal typing: `1` Int32, `3000000000` Int64,
/// `1.5` Double, `1d` Decimal, `1kb` Int32 1024, `0x10` Int32, `1l` Int64.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ConstantValue {
    Int32(i32),
    Int64(i64),
    Double(f64),
    /// The decimal as its canonical text (e.g. `1.50`), no float rounding.
    Decimal(String),
    Byte(u8),
    SByte(i8),
    Int16(i16),
    UInt16(u16),
    UInt32(u32),
    UInt64(u64),
    /// A `n`-suffixed BigInteger as decimal digits.
    BigInteger(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConstantExpressionAst {
    pub span: Span,
    pub value: ConstantValue,
}

/// How a string constant was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StringConstantType {
    BareWord,
    SingleQuoted,
    DoubleQuoted,
    SingleQuotedHereString,
    DoubleQuotedHereString,
}

/// A string without expansions: bare word, `'single'`, `"double"` with only escapes.
/// `value` is the final text (escapes processed, `''` collapsed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StringConstantExpressionAst {
    pub span: Span,
    pub value: String,
    pub string_const_type: StringConstantType,
}

/// A piece of an expandable string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExpandablePart {
    /// Literal text, escapes already processed.
    Literal(String),
    /// `$var`, `${var}`, `$env:X`, `$(...)` (a `SubExpression`), already parsed.
    Expression(ExpressionAst),
}

/// `"Hello $name, $($x.Count) items"` or a double-quoted here-string (or a bare
/// word argument with `$var` inside, like `$dir\file.txt`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpandableStringExpressionAst {
    pub span: Span,
    /// The text between the quotes, unprocessed.
    pub value: String,
    pub string_const_type: StringConstantType,
    pub parts: Vec<ExpandablePart>,
}

/// `$name`, `$script:name`, `$env:PATH`, `${any name}`, `@splat`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableExpressionAst {
    pub span: Span,
    /// The path as written without `$`/`@` and braces: `env:PATH`, `script:x`, `_`.
    pub user_path: String,
    /// The scope or drive before `:` (`global`, `local`, `script`, `private`,
    /// `using`, `env`, `function`, `variable`, ...), as written.
    pub qualifier: Option<String>,
    /// The name after the qualifier.
    pub name: String,
    pub splatted: bool,
    pub braced: bool,
}

/// `expr.Member`, `expr?.Member`, `[T]::Member`; the member may be an expression
/// (`$x.$name`, `$x.'a b'`, `$x.($y)`). A plain name is a bare-word `StringConstant`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberExpressionAst {
    pub span: Span,
    pub expression: Box<ExpressionAst>,
    pub member: Box<ExpressionAst>,
    pub is_static: bool,
    pub null_conditional: bool,
}

/// `expr.Method(args)`, `[T]::Method(args)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvokeMemberExpressionAst {
    pub span: Span,
    pub expression: Box<ExpressionAst>,
    pub member: Box<ExpressionAst>,
    pub arguments: Vec<ExpressionAst>,
    pub is_static: bool,
    pub null_conditional: bool,
}

/// `target[index]`, `target?[index]`; `$a[1,2]` has an `ArrayLiteral` index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexExpressionAst {
    pub span: Span,
    pub target: Box<ExpressionAst>,
    pub index: Box<ExpressionAst>,
    pub null_conditional: bool,
}

/// `1, 2, 3` (the comma operator with two or more elements).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrayLiteralAst {
    pub span: Span,
    pub elements: Vec<ExpressionAst>,
}

/// `@( statements )`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrayExpressionAst {
    pub span: Span,
    pub sub_expression: StatementBlockAst,
}

/// `$( statements )`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubExpressionAst {
    pub span: Span,
    pub sub_expression: StatementBlockAst,
}

/// `( pipeline )`; the pipeline may be an assignment, e.g. `($x = 1)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParenExpressionAst {
    pub span: Span,
    pub pipeline: Box<StatementAst>,
}

/// `@{ key = value; ... }` with pairs in source order. Keys are expressions (a
/// bare key is a bare-word `StringConstant`); values are statements
/// (`@{ e = { $_.x } }`, `@{ a = if ($x) { 1 } }`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HashtableAst {
    pub span: Span,
    pub key_value_pairs: Vec<(ExpressionAst, StatementAst)>,
}

/// `{ ... }` as a value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScriptBlockExpressionAst {
    pub span: Span,
    pub script_block: ScriptBlockAst,
}

/// `$using:name`: `sub_expression` is the variable (with qualifier `using`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsingExpressionAst {
    pub span: Span,
    pub sub_expression: Box<ExpressionAst>,
}

// ---------------------------------------------------------------------------
// Span accessors
// ---------------------------------------------------------------------------

impl ExpressionAst {
    /// The node's byte span.
    pub fn span(&self) -> Span {
        match self {
            ExpressionAst::Binary(x) => x.span,
            ExpressionAst::Unary(x) => x.span,
            ExpressionAst::Ternary(x) => x.span,
            ExpressionAst::Convert(x) => x.span,
            ExpressionAst::TypeExpression(x) => x.span,
            ExpressionAst::Constant(x) => x.span,
            ExpressionAst::StringConstant(x) => x.span,
            ExpressionAst::ExpandableString(x) => x.span,
            ExpressionAst::Variable(x) => x.span,
            ExpressionAst::Member(x) => x.span,
            ExpressionAst::InvokeMember(x) => x.span,
            ExpressionAst::Index(x) => x.span,
            ExpressionAst::ArrayLiteral(x) => x.span,
            ExpressionAst::ArrayExpression(x) => x.span,
            ExpressionAst::SubExpression(x) => x.span,
            ExpressionAst::Paren(x) => x.span,
            ExpressionAst::Hashtable(x) => x.span,
            ExpressionAst::ScriptBlock(x) => x.span,
            ExpressionAst::Using(x) => x.span,
        }
    }
}

impl StatementAst {
    /// The node's byte span.
    pub fn span(&self) -> Span {
        match self {
            StatementAst::Pipeline(x) => x.span,
            StatementAst::PipelineChain(x) => x.span,
            StatementAst::Assignment(x) => x.span,
            StatementAst::If(x) => x.span,
            StatementAst::Switch(x) => x.span,
            StatementAst::ForEach(x) => x.span,
            StatementAst::For(x) => x.span,
            StatementAst::While(x) => x.span,
            StatementAst::DoWhile(x) => x.span,
            StatementAst::DoUntil(x) => x.span,
            StatementAst::Break(x) => x.span,
            StatementAst::Continue(x) => x.span,
            StatementAst::Return(x) => x.span,
            StatementAst::Exit(x) => x.span,
            StatementAst::Throw(x) => x.span,
            StatementAst::Try(x) => x.span,
            StatementAst::Trap(x) => x.span,
            StatementAst::FunctionDefinition(x) => x.span,
        }
    }
}

impl CommandBaseAst {
    /// The node's byte span.
    pub fn span(&self) -> Span {
        match self {
            CommandBaseAst::Command(x) => x.span,
            CommandBaseAst::Expression(x) => x.span,
        }
    }
}

impl CommandElementAst {
    /// The node's byte span.
    pub fn span(&self) -> Span {
        match self {
            CommandElementAst::Parameter(x) => x.span,
            CommandElementAst::Expression(x) => x.span(),
        }
    }
}

impl RedirectionAst {
    /// The node's byte span.
    pub fn span(&self) -> Span {
        match self {
            RedirectionAst::File(x) => x.span,
            RedirectionAst::Merging(x) => x.span,
        }
    }
}

impl ScriptBlockAst {
    /// All statements of the end block (the common case for scripts without named blocks).
    pub fn end_statements(&self) -> &[StatementAst] {
        match &self.end_block {
            Some(b) => &b.statements,
            None => &[],
        }
    }
}
