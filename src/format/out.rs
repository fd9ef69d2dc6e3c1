//! Out-Default / Out-String decisions that do not need runtime values.
//!
//! - The shape of an object without a view: pwsh builds a table for up to
//!   4 properties and a list for more ([`default_shape`]).
//! - Out-String returns the same text Out-Default prints (the table/list
//!   writers here produce it); `-Stream` returns it line by line
//!   ([`stream_lines`]). Without `-Width`, Out-String sizes tables to the
//!   screen (120 when not a terminal) but does not wrap list values
//!   ([`out_string_widths`]), because pwsh gives its text writer an unlimited
//!   column count and only tables fall back to the console width.

use super::table::DEFAULT_WIDTH;
use super::views::{View, ViewShape};

/// The shape Out-Default uses for the first object of a run: its view's,
/// else a table for up to 4 properties and a list for more.
pub fn default_shape(view: Option<&View>, property_count: usize) -> ViewShape {
    match view {
        Some(v) => v.shape,
        None if property_count <= 4 => ViewShape::Table,
        None => ViewShape::List,
    }
}

/// Out-String -Stream: one string per line of the rendered text (the final
/// line break does not start another line).
pub fn stream_lines(text: &str) -> Vec<String> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    body.split('\n').map(str::to_owned).collect()
}

/// Screen widths Out-String uses: `(table width, list width)`. `width` is
/// `-Width`; `terminal` the terminal width when output goes to one.
pub fn out_string_widths(width: Option<usize>, terminal: Option<usize>) -> (usize, usize) {
    match width {
        Some(w) => (w, w),
        None => (terminal.filter(|w| *w > 0).unwrap_or(DEFAULT_WIDTH), usize::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::view_for;

    #[test]
    fn shapes() {
        assert_eq!(default_shape(None, 4), ViewShape::Table);
        assert_eq!(default_shape(None, 5), ViewShape::List);
        let test = view_for("TestMigrationServerAvailabilityOutcome");
        assert_eq!(default_shape(test, 2), ViewShape::List);
        let batch = view_for("MigrationBatch");
        assert_eq!(default_shape(batch, 60), ViewShape::Table);
    }

    #[test]
    fn stream_lines_keep_blank_lines() {
        assert_eq!(stream_lines("\nfoo\n---\n  1\n\n"), ["", "foo", "---", "  1", ""]);
        assert_eq!(stream_lines("a\n"), ["a"]);
        assert!(stream_lines("").is_empty());
    }

    #[test]
    fn widths() {
        assert_eq!(out_string_widths(Some(40), Some(200)), (40, 40));
        assert_eq!(out_string_widths(None, None), (120, usize::MAX));
        assert_eq!(out_string_widths(None, Some(80)), (80, usize::MAX));
    }
}
