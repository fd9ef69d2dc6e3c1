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

use super::table::{Align, DEFAULT_WIDTH};
use super::views::{View, ViewShape};

/// At most this many columns in a table built without a view and without
/// `-Property` (pwsh's `FilterActiveAssociationList`).
pub const MAX_DEFAULT_TABLE_COLUMNS: usize = 10;

/// Alignment of a column in a table built without a view (pwsh's
/// `ComputeDefaultAlignment`), from the .NET type name of the first object's
/// value (`Deserialized.` prefix ignored): right for numbers, `Char`,
/// `Boolean`, `IntPtr`, `SecureString` and enumerations; left for strings,
/// `$null`, dates and everything else. View columns never use this: a view
/// column without an alignment is left-aligned.
pub fn default_alignment(type_name: Option<&str>, is_enum: bool) -> Align {
    let Some(t) = type_name else {
        return Align::Left;
    };
    let t = t.strip_prefix("Deserialized.").unwrap_or(t);
    if t.eq_ignore_ascii_case("System.String") {
        return Align::Left;
    }
    if is_enum {
        return Align::Right;
    }
    const RIGHT: [&str; 15] = [
        "System.SByte",
        "System.Byte",
        "System.Int16",
        "System.UInt16",
        "System.Int32",
        "System.UInt32",
        "System.Int64",
        "System.UInt64",
        "System.Char",
        "System.Single",
        "System.Double",
        "System.Boolean",
        "System.Decimal",
        "System.IntPtr",
        "System.Security.SecureString",
    ];
    if RIGHT.iter().any(|r| r.eq_ignore_ascii_case(t)) { Align::Right } else { Align::Left }
}

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
    fn alignment_from_the_first_value() {
        assert_eq!(default_alignment(Some("System.Int32"), false), Align::Right);
        assert_eq!(default_alignment(Some("Deserialized.System.Int64"), false), Align::Right);
        assert_eq!(default_alignment(Some("System.Boolean"), false), Align::Right);
        assert_eq!(default_alignment(Some("System.Decimal"), false), Align::Right);
        assert_eq!(default_alignment(Some("System.String"), false), Align::Left);
        assert_eq!(default_alignment(Some("System.DateTime"), false), Align::Left);
        assert_eq!(default_alignment(Some("System.DayOfWeek"), true), Align::Right);
        assert_eq!(default_alignment(None, false), Align::Left);
    }

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
