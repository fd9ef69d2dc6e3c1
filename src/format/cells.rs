//! Display cells: how many screen columns a string takes, as pwsh's
//! `DisplayCells` counts them, and the line helpers pwsh's writers share
//! (`StringManipulationHelper`: split on newlines, truncate at a newline,
//! word-wrap to a width).
//!
//! pwsh counts UTF-16 code units: two cells for the East Asian wide ranges
//! of the Basic Multilingual Plane (Hangul Jamo, CJK and Yi, Hangul
//! syllables, compatibility ideographs, vertical and compatibility forms,
//! fullwidth forms), one for every other unit. So a character outside the
//! BMP (an emoji, a CJK extension ideograph) is two units and two cells,
//! and a combining mark or a control character takes one cell.

/// The truncation mark pwsh 7 appends or prepends (U+2026, one cell).
pub const ELLIPSIS: char = '\u{2026}';

/// Screen cells of one character, as pwsh counts it.
pub fn char_cells(c: char) -> usize {
    let u = c as u32;
    if u > 0xffff {
        // a surrogate pair: two UTF-16 units of one cell each
        return 2;
    }
    let wide = u >= 0x1100
        && (u <= 0x115f
            || u == 0x2329
            || u == 0x232a
            || ((0x2e80..=0xa4cf).contains(&u) && u != 0x303f)
            || (0xac00..=0xd7a3).contains(&u)
            || (0xf900..=0xfaff).contains(&u)
            || (0xfe10..=0xfe19).contains(&u)
            || (0xfe30..=0xfe6f).contains(&u)
            || (0xff00..=0xff60).contains(&u)
            || (0xffe0..=0xffe6).contains(&u));
    1 + usize::from(wide)
}

/// Screen cells of a string (every character counts, newlines included,
/// the way pwsh measures a property value before it wraps it).
pub fn cells(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(char_cells).sum()
}

/// Byte length of the longest prefix of `s` that fits in `width` cells.
pub fn head_fit(s: &str, width: usize) -> usize {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = char_cells(c);
        if used + w > width {
            return i;
        }
        used += w;
    }
    s.len()
}

/// Byte offset where the longest suffix of `s` that fits in `width` cells starts.
pub fn tail_fit(s: &str, width: usize) -> usize {
    let mut used = 0;
    let mut start = s.len();
    for (i, c) in s.char_indices().rev() {
        let w = char_cells(c);
        if used + w > width {
            return start;
        }
        used += w;
        start = i;
    }
    start
}

/// Spaces.
pub fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// pwsh's `SplitLines`: drop every `\r`, split on `\n`.
pub fn split_lines(s: &str) -> Vec<String> {
    if s.contains('\r') {
        s.replace('\r', "").split('\n').map(str::to_owned).collect()
    } else {
        s.split('\n').map(str::to_owned).collect()
    }
}

/// pwsh's `TruncateAtNewLine`: a value shown on one table line keeps only
/// its first line, followed by `…` when more lines were cut.
pub fn truncate_at_newline(s: &str) -> String {
    match s.find(['\n', '\r']) {
        None => s.to_owned(),
        Some(i) => {
            let mut out = String::with_capacity(i + 3);
            out.push_str(&s[..i]);
            out.push(ELLIPSIS);
            out
        }
    }
}

/// pwsh's `GenerateLines` for an English culture: break `val` on newlines,
/// then word-wrap each line to `first` cells (first line) and `following`
/// cells (later lines). A word keeps the blank that follows it, so wrapped
/// lines can end with a space, exactly as pwsh prints them; a word wider
/// than a line is cut by characters.
pub fn wrap_lines(val: &str, first: usize, following: usize) -> Vec<String> {
    let mut out = Vec::new();
    if val.is_empty() {
        out.push(String::new());
        return out;
    }
    for line in split_lines(val) {
        if cells(&line) <= first {
            out.push(line);
            continue;
        }
        let mut spaces_left = first;
        let mut line_width = first;
        let mut first_line = true;
        let mut current = String::new();
        for word in words(&line) {
            let word_cells = cells(&word);
            if line_width == 0 {
                if first_line {
                    first_line = false;
                    line_width = following;
                }
                if line_width == 0 {
                    break;
                }
                spaces_left = line_width;
            }
            if word_cells > line_width {
                for c in word.chars() {
                    let (c, w) = if char_cells(c) > line_width { ('?', 1) } else { (c, char_cells(c)) };
                    if w > spaces_left {
                        out.push(std::mem::take(&mut current));
                        current.push(c);
                        if first_line {
                            first_line = false;
                            line_width = following;
                        }
                        spaces_left = line_width.saturating_sub(w);
                    } else {
                        current.push(c);
                        spaces_left -= w;
                    }
                }
            } else if word_cells > spaces_left {
                out.push(std::mem::take(&mut current));
                current.push_str(&word);
                if first_line {
                    first_line = false;
                    line_width = following;
                }
                spaces_left = line_width.saturating_sub(word_cells);
            } else {
                current.push_str(&word);
                spaces_left -= word_cells;
            }
        }
        out.push(current);
    }
    out
}

/// Words with their trailing delimiter (space, tab, soft hyphen); a
/// non-breaking space or non-breaking hyphen ends a word and is dropped,
/// as in pwsh's `GetWords`.
fn words(s: &str) -> Vec<String> {
    const SOFT_HYPHEN: char = '\u{ad}';
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            ' ' | '\t' => {
                cur.push(c);
                out.push(std::mem::take(&mut cur));
            }
            SOFT_HYPHEN => {
                // pwsh adds a visible hyphen only when it lands exactly at a
                // line end; keeping the word unmarked is the common case.
                out.push(std::mem::take(&mut cur));
            }
            '\u{2011}' | '\u{a0}' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_cells() {
        assert_eq!(cells("abc"), 3);
        assert_eq!(cells("哇"), 2);
        assert_eq!(cells("消息"), 4);
        assert_eq!(cells("a…"), 2);
        assert_eq!(cells("한글"), 4);
        assert_eq!(cells("ＡＢ"), 4);
        // outside the BMP: a surrogate pair, two cells
        assert_eq!(cells("\u{2B758}"), 2);
        assert_eq!(cells("😀"), 2);
        // pwsh's table: a BMP emoji, a combining mark, a tab take one cell
        assert_eq!(cells("\u{2705}"), 1);
        assert_eq!(cells("e\u{301}"), 2);
        assert_eq!(cells("\t"), 1);
        assert_eq!(cells("\u{303f}"), 1);
    }

    #[test]
    fn head_and_tail_fit_respect_cells() {
        assert_eq!(head_fit("abcdef", 3), 3);
        assert_eq!(head_fit("消息x", 3), "消".len());
        assert_eq!(&"abcdef"[tail_fit("abcdef", 2)..], "ef");
        assert_eq!(&"x消息"[tail_fit("x消息", 3)..], "息");
    }

    #[test]
    fn truncate_at_newline_marks_the_cut() {
        assert_eq!(truncate_at_newline("one"), "one");
        assert_eq!(truncate_at_newline("one\ntwo"), "one…");
        assert_eq!(truncate_at_newline("one\r\ntwo"), "one…");
    }

    #[test]
    fn wrap_keeps_short_lines_and_splits_on_newlines() {
        assert_eq!(
            wrap_lines("This\nIs some random\nmultiline content", 37, 37),
            vec!["This", "Is some random", "multiline content"]
        );
        assert_eq!(wrap_lines("", 5, 5), vec![""]);
    }

    #[test]
    fn wrap_breaks_after_words_and_keeps_the_blank() {
        assert_eq!(wrap_lines("the quick brown fox", 10, 10), vec!["the quick ", "brown fox"]);
        // a word longer than the line is cut by characters
        assert_eq!(wrap_lines("abcdefghij", 4, 4), vec!["abcd", "efgh", "ij"]);
        // first line and following lines can differ
        assert_eq!(wrap_lines("aa bb cc dd", 3, 6), vec!["aa ", "bb cc ", "dd"]);
    }
}
