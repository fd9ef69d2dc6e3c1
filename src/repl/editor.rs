//! reedline wiring: prompt, validator, highlighter, completer, hints, history, keys.
//! Only adapters: the logic lives in `validate`, `highlight` and `complete`.

use super::complete::complete;
use super::highlight::{TokenClass, highlight};
use super::signal::InterruptGuard;
use super::validate::{Validation, validate};
use super::{CompletionSource, ExecOutcome, NoticeSink, ReplHost, ReplOptions};
use nu_ansi_term::{Color, Style};
use reedline::{
    ColumnarMenu, CompletionResult, DefaultHinter, Emacs, ExternalPrinter, FileBackedHistory, IdeMenu, KeyCode,
    KeyModifiers, MenuBuilder, Prompt, PromptEditMode, PromptHistorySearch, PromptHistorySearchStatus, Reedline,
    ReedlineEvent, ReedlineMenu, Signal, StyledText, ValidationResult, default_emacs_keybindings,
};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

/// The prompt text pwsh shows: `PS <location>> `.
pub fn prompt_text(location: &str) -> String {
    format!("PS {location}> ")
}

/// pwsh's prompt for reedline: `PS <location>> `, and `>> ` on continuation lines.
pub struct ExosPrompt {
    location: String,
}

impl ExosPrompt {
    pub fn new(location: impl Into<String>) -> ExosPrompt {
        ExosPrompt { location: location.into() }
    }
}

impl Prompt for ExosPrompt {
    fn render_prompt_left(&self) -> Cow<'_, str> {
        Cow::Owned(format!("PS {}", self.location))
    }
    fn render_prompt_right(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }
    fn render_prompt_indicator(&self, _mode: PromptEditMode) -> Cow<'_, str> {
        Cow::Borrowed("> ")
    }
    fn render_prompt_multiline_indicator(&self) -> Cow<'_, str> {
        Cow::Borrowed(">> ")
    }
    fn render_prompt_history_search_indicator(&self, search: PromptHistorySearch) -> Cow<'_, str> {
        let failing = match search.status {
            PromptHistorySearchStatus::Passing => "",
            PromptHistorySearchStatus::Failing => "failing ",
        };
        Cow::Owned(format!("> ({failing}bck-i-search: {}) ", search.term))
    }
    fn get_prompt_color(&self) -> reedline::Color {
        reedline::Color::Default
    }
    fn get_indicator_color(&self) -> reedline::Color {
        reedline::Color::Default
    }
    fn get_prompt_multiline_color(&self) -> reedline::Color {
        reedline::Color::Default
    }
}

/// What the adapters share; refreshed from the host before each prompt.
struct Shared {
    source: Arc<dyn CompletionSource + Send + Sync>,
    known: HashSet<String>,
}

type SharedRef = Arc<Mutex<Shared>>;

fn refresh(shared: &SharedRef, source: Arc<dyn CompletionSource + Send + Sync>) {
    let known = source.command_names().into_iter().map(|n| n.to_lowercase()).collect();
    let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
    s.source = source;
    s.known = known;
}

struct PsValidator;

impl reedline::Validator for PsValidator {
    fn validate(&self, line: &str) -> ValidationResult {
        match validate(line) {
            Validation::Complete => ValidationResult::Complete,
            Validation::Incomplete => ValidationResult::Incomplete,
        }
    }
}

/// pwsh 7's default colours ($PSStyle / PSReadLine's defaults).
pub(crate) fn style_of(class: TokenClass) -> Style {
    match class {
        TokenClass::CommandKnown => Style::new().fg(Color::Yellow),
        TokenClass::CommandUnknown => Style::new().fg(Color::Red),
        TokenClass::Keyword => Style::new().fg(Color::Green),
        TokenClass::Parameter => Style::new().fg(Color::DarkGray),
        TokenClass::String => Style::new().fg(Color::Cyan),
        TokenClass::Variable => Style::new().fg(Color::LightGreen),
        TokenClass::Operator => Style::new().fg(Color::DarkGray),
        TokenClass::Comment => Style::new().fg(Color::DarkGray).italic(),
        TokenClass::Number => Style::new().fg(Color::White).bold(),
        TokenClass::Type => Style::new().fg(Color::LightGray),
        TokenClass::Member | TokenClass::Argument | TokenClass::Punctuation => Style::new(),
    }
}

/// Splits `line` into styled pieces that cover it exactly.
pub(crate) fn styled(line: &str, is_known: &dyn Fn(&str) -> bool, color: bool) -> StyledText {
    let mut out = StyledText::new();
    if !color {
        out.push((Style::new(), line.to_string()));
        return out;
    }
    let mut at = 0;
    for (range, class) in highlight(line, is_known) {
        if range.start < at || range.end > line.len() {
            continue;
        }
        if range.start > at {
            out.push((Style::new(), line[at..range.start].to_string()));
        }
        out.push((style_of(class), line[range.clone()].to_string()));
        at = range.end;
    }
    if at < line.len() {
        out.push((Style::new(), line[at..].to_string()));
    }
    out
}

struct PsHighlighter {
    shared: SharedRef,
    color: bool,
}

impl reedline::Highlighter for PsHighlighter {
    fn highlight(&self, line: &str, _cursor: usize) -> StyledText {
        let s = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let known = |name: &str| s.known.contains(&name.to_lowercase());
        styled(line, &known, self.color)
    }
}

struct PsCompleter {
    shared: SharedRef,
}

impl reedline::Completer for PsCompleter {
    fn complete(&mut self, line: &str, pos: usize) -> CompletionResult {
        let source = self.shared.lock().unwrap_or_else(PoisonError::into_inner).source.clone();
        let c = complete(line, pos, source.as_ref());
        let span = reedline::Span { start: c.replace.start, end: c.replace.end.max(c.replace.start) };
        let suggestions: Vec<reedline::Suggestion> = c
            .suggestions
            .into_iter()
            .map(|s| reedline::Suggestion {
                append_whitespace: false,
                description: s.description,
                style: None,
                extra: None,
                span,
                match_indices: None,
                display_override: None,
                value: s.value,
            })
            .collect();
        CompletionResult::fresh(suggestions)
    }
}

fn build_editor(opts: &ReplOptions, shared: &SharedRef, printer: ExternalPrinter<String>) -> Reedline {
    let mut keys = default_emacs_keybindings();
    // Tab completes, and cycles on the next press (PSReadLine's TabCompleteNext, as a menu).
    keys.add_binding(
        KeyModifiers::NONE,
        KeyCode::Tab,
        ReedlineEvent::UntilFound(vec![ReedlineEvent::Menu("completion_menu".into()), ReedlineEvent::MenuNext]),
    );
    keys.add_binding(KeyModifiers::SHIFT, KeyCode::BackTab, ReedlineEvent::MenuPrevious);
    // Ctrl-Space lists every candidate with its help (PSReadLine's MenuComplete).
    keys.add_binding(
        KeyModifiers::CONTROL,
        KeyCode::Char(' '),
        ReedlineEvent::UntilFound(vec![ReedlineEvent::Menu("list_menu".into()), ReedlineEvent::MenuNext]),
    );
    let completion_menu = ColumnarMenu::default().with_name("completion_menu");
    let list_menu = IdeMenu::default().with_name("list_menu").with_default_border();

    let mut editor = Reedline::create()
        .with_edit_mode(Box::new(Emacs::new(keys)))
        .with_validator(Box::new(PsValidator))
        .with_highlighter(Box::new(PsHighlighter { shared: shared.clone(), color: opts.color }))
        .with_completer(Box::new(PsCompleter { shared: shared.clone() }))
        .with_menu(ReedlineMenu::EngineCompleter(Box::new(completion_menu)))
        .with_menu(ReedlineMenu::EngineCompleter(Box::new(list_menu)))
        .with_quick_completions(true)
        .with_partial_completions(true)
        .with_ansi_colors(opts.color)
        .with_external_printer(printer)
        .use_bracketed_paste(true);
    let hint_style = if opts.color { Style::new().fg(Color::DarkGray) } else { Style::new() };
    editor = editor.with_hinter(Box::new(DefaultHinter::default().with_style(hint_style)));
    let history = opts.history_path.as_ref().and_then(|p| {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        match FileBackedHistory::with_file(opts.history_capacity, p.clone()) {
            Ok(h) => Some(h),
            Err(e) => {
                eprintln!("exosh: history is not saved: {}: {e}", p.display());
                None
            }
        }
    });
    match history.map(Ok).unwrap_or_else(|| FileBackedHistory::new(opts.history_capacity)) {
        Ok(h) => editor.with_history(Box::new(h)),
        Err(_) => editor,
    }
}

/// Runs the interactive shell on the terminal until `exit` or Ctrl-D; returns the exit
/// code. Ctrl-C while editing clears the line; while input runs, it sets the host's
/// interrupt flag (the pipeline stops, the shell stays).
///
/// When standard input is not a terminal, it reads it with [`super::run_lines`] instead:
/// no prompt, no history, no colours.
pub fn run(host: &mut dyn ReplHost, opts: &ReplOptions) -> i32 {
    if !super::stdin_is_terminal() {
        return super::run_lines(host, &mut std::io::stdin().lock());
    }
    let source = host.completion_source();
    let shared: SharedRef = Arc::new(Mutex::new(Shared { source: source.clone(), known: HashSet::new() }));
    let printer = ExternalPrinter::<String>::new(256);
    host.attach_notices(NoticeSink::channel(printer.sender()));
    let mut editor = build_editor(opts, &shared, printer);
    if let Some(banner) = &opts.banner {
        println!("{banner}");
    }
    let flag = host.interrupt_flag();
    loop {
        let source = host.completion_source();
        refresh(&shared, source.clone());
        for notice in host.take_notices() {
            println!("{notice}");
        }
        let prompt = ExosPrompt::new(source.location());
        match editor.read_line(&prompt) {
            Ok(Signal::Success(text)) => {
                if text.trim().is_empty() {
                    continue;
                }
                flag.store(false, Ordering::SeqCst);
                let outcome = {
                    let _guard = InterruptGuard::install(flag.clone());
                    host.execute(&text)
                };
                if flag.swap(false, Ordering::SeqCst) {
                    // pwsh prints nothing for a cancelled pipeline but a fresh line.
                    println!();
                }
                if let ExecOutcome::Exit(code) = outcome {
                    return code;
                }
            }
            Ok(Signal::CtrlC) => continue,
            Ok(Signal::CtrlD) => return 0,
            Ok(_) => continue,
            Err(e) => {
                eprintln!("exosh: the line editor failed: {e}");
                return 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_is_pwsh_shaped() {
        let p = ExosPrompt::new("/home/admin");
        assert_eq!(
            format!("{}{}", p.render_prompt_left(), p.render_prompt_indicator(PromptEditMode::Default)),
            "PS /home/admin> "
        );
        assert_eq!(p.render_prompt_multiline_indicator(), ">> ");
        assert_eq!(prompt_text("/"), "PS /> ");
    }

    #[test]
    fn styled_text_covers_the_line_exactly() {
        let known = |n: &str| n.eq_ignore_ascii_case("Get-MigrationBatch");
        for line in ["Get-MigrationBatch -Identity 'x' | Nope  # c", "", "  $a.b = @{ k = 1 }", "é \"ü"] {
            let s = styled(line, &known, true);
            let joined: String = s.buffer.iter().map(|(_, t)| t.as_str()).collect();
            assert_eq!(joined, line);
        }
        let s = styled("Get-MigrationBatch Nope", &known, true);
        assert_eq!(s.buffer[0].0, style_of(TokenClass::CommandKnown));
        // Without colours, one plain piece.
        let s = styled("Get-MigrationBatch | Nope", &known, false);
        assert_eq!(s.buffer.len(), 1);
        assert_eq!(s.buffer[0].0, Style::new());
    }

    #[test]
    fn reedline_completer_maps_spans() {
        use reedline::Completer;
        let shared: SharedRef = Arc::new(Mutex::new(Shared {
            source: Arc::new(super::super::fake::FakeSource::new()),
            known: HashSet::new(),
        }));
        let mut c = PsCompleter { shared };
        let r = c.complete("x | Get-MigB", 12);
        let s = r.suggestions();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].value, "Get-MigrationBatch");
        assert_eq!((s[0].span.start, s[0].span.end), (4, 12));
    }
}
