//! Format-Table's text layout, as pwsh 7 writes it to a pipe or a file
//! (plain text, no colours).
//!
//! The rules, from pwsh's `TableWriter`, `ColumnWidthManager` and
//! `OutCommandInner`:
//!
//! - A table starts with one blank line and ends with one blank line.
//! - Header labels, then a line of dashes under each label: as many dashes as
//!   the label has cells, but never more than the column width; dashes take
//!   the column's alignment.
//! - One space between columns. A column is padded to its width, except the
//!   last one (a left-aligned last column gets no trailing blanks).
//! - Values longer than the column are cut and marked with `…` (U+2026): a
//!   left-aligned value keeps its head (`abc…`), a right-aligned one its tail
//!   (`…xyz`). A multi-line value keeps its first line plus `…`, unless the
//!   table wraps (`-Wrap`), where values wrap on words inside their column.
//! - Widths: when the first column has no declared width (no view width, no
//!   `Width` key), pwsh caches the objects that arrive within 300 ms of the
//!   first one and sizes every column to the widest of its label and those
//!   values; `-AutoSize` does the same over all objects. Otherwise declared
//!   widths are kept, undeclared columns share what is left of the screen
//!   one cell at a time from the left. When the total exceeds the screen,
//!   the rightmost columns shrink or disappear.
//!
//! Who does what: this module computes the layout above (widths, which
//! columns show, the text of each cell cut or wrapped to its column, its
//! alignment, where each screen line stops) as grid lines; comfy-table
//! assembles them (`write_group`): borderless style with one space between
//! columns, fixed widths, zero padding, per-cell alignment, the dashes as a
//! row. Each line is then cut where pwsh stops it (no padding after the last
//! column; wrapped lines lose their trailing blanks). Two adjustments keep
//! the bytes identical: comfy-table centres with the odd blank on the left
//! and pwsh on the right (the text handed over carries that blank), and
//! comfy-table measures with unicode-width where pwsh counts its own cells
//! (the column width of such a line is corrected, see `place`). Lines
//! comfy-table cannot lay out at all are written by hand with the same
//! geometry, and only those: a cell whose corrected width is 0 (text of
//! zero-width characters only, as wide as its column in pwsh's count;
//! comfy-table raises every width to at least 1 and would add a blank), a
//! width above `u16::MAX` (comfy-table's widths are `u16`; only with a
//! declared width or `-Width` beyond 65,535 cells), and a wrapped line wider
//! than its column (comfy-table would wrap it, pwsh lets it overflow).

use std::time::{Duration, Instant};

use comfy_table::{
    Cell, CellAlignment, ColumnConstraint, ContentArrangement, ContentLineStyle, Row, Table, TableStyle, Width,
};
use unicode_width::UnicodeWidthStr;

use super::cells::{ELLIPSIS, cells, head_fit, tail_fit, truncate_at_newline, wrap_lines};

/// Screen width pwsh assumes when the output is not a terminal.
pub const DEFAULT_WIDTH: usize = 120;

/// How long pwsh's Out-Default collects objects to size a table whose
/// columns have no declared width.
pub const GROUPING_WINDOW: Duration = Duration::from_millis(300);

/// Alignment of a column or a cell (`System.Management.Automation.Alignment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    /// Not stated: a cell takes its column's alignment; a column is left-aligned.
    #[default]
    Undefined,
    Left,
    Center,
    Right,
}

impl Align {
    /// The `Alignment` key of a calculated property: `left`, `center` or
    /// `right`, case-insensitive, any prefix (`l`, `cent`), tried in that
    /// order as pwsh does. `None` for anything else (pwsh reports an illegal
    /// value).
    pub fn from_name(name: &str) -> Option<Align> {
        let n = name.trim();
        if n.is_empty() {
            return None;
        }
        [("left", Align::Left), ("center", Align::Center), ("right", Align::Right)]
            .into_iter()
            .find(|(legal, _)| legal.len() >= n.len() && legal[..n.len()].eq_ignore_ascii_case(n))
            .map(|(_, a)| a)
    }
}

/// One table column: its label, alignment and declared width (`None` when
/// neither a view nor a calculated property's `Width` gave one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub align: Align,
    pub width: Option<usize>,
}

impl Column {
    /// A left-aligned column of unknown width.
    pub fn new(header: impl Into<String>) -> Self {
        Column { header: header.into(), align: Align::Undefined, width: None }
    }

    /// A right-aligned column of unknown width (numbers, booleans).
    pub fn right(header: impl Into<String>) -> Self {
        Column { align: Align::Right, ..Column::new(header) }
    }

    pub fn with_align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    pub fn with_width(mut self, width: usize) -> Self {
        self.width = Some(width);
        self
    }
}

/// The switches of Format-Table that change the layout, and the screen width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableOptions {
    pub hide_headers: bool,
    pub autosize: bool,
    pub wrap: bool,
    /// Screen width in cells: the terminal's, or [`DEFAULT_WIDTH`] when not a terminal.
    pub width: usize,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions { hide_headers: false, autosize: false, wrap: false, width: DEFAULT_WIDTH }
    }
}

/// A whole table: columns, rows of already formatted cell strings, options.
/// A row shorter than the columns is padded with empty cells; longer rows are cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSpec {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub hide_headers: bool,
    pub autosize: bool,
    pub wrap: bool,
    pub width: usize,
}

impl TableSpec {
    pub fn new(columns: Vec<Column>) -> Self {
        TableSpec { columns, rows: Vec::new(), hide_headers: false, autosize: false, wrap: false, width: DEFAULT_WIDTH }
    }

    pub fn with_rows(mut self, rows: Vec<Vec<String>>) -> Self {
        self.rows = rows;
        self
    }

    pub fn options(&self) -> TableOptions {
        TableOptions { hide_headers: self.hide_headers, autosize: self.autosize, wrap: self.wrap, width: self.width }
    }
}

/// Renders a whole table the way Out-Default prints it: a blank line, the
/// header, the rows, a blank line. All rows take part in sizing columns of
/// unknown width (what pwsh does when every object arrives within its
/// 300 ms window, which is the case for scripts). No rows: no output, as pwsh
/// prints nothing for an empty pipeline.
pub fn render_table(spec: &TableSpec) -> String {
    if spec.rows.is_empty() {
        return String::new();
    }
    let layout = TableLayout::new(&spec.columns, &spec.options(), &spec.rows);
    let mut out = String::with_capacity(64 + spec.rows.len() * 32);
    out.push('\n');
    layout.write_table(&mut out, &spec.rows);
    out.push('\n');
    out
}

/// A table whose column widths are fixed: writes the header and rows as lines
/// (each line ends with `\n`). Built from the columns, the options and the
/// rows that take part in sizing (all rows for `-AutoSize`, the first
/// window's rows otherwise; ignored when the first column's width is declared).
#[derive(Clone, Debug)]
pub struct TableLayout {
    headers: Vec<String>,
    /// Width of each column; 0 or less hides the column.
    widths: Vec<isize>,
    aligns: Vec<Align>,
    hide_headers: bool,
    wrap: bool,
}

impl TableLayout {
    pub fn new(columns: &[Column], options: &TableOptions, sample: &[Vec<String>]) -> Self {
        let widths = compute_widths(columns, options, sample);
        TableLayout {
            headers: columns.iter().map(|c| c.header.clone()).collect(),
            widths,
            aligns: columns
                .iter()
                .map(|c| match c.align {
                    Align::Undefined => Align::Left,
                    a => a,
                })
                .collect(),
            hide_headers: options.hide_headers,
            wrap: options.wrap,
        }
    }

    /// The resolved width of each column (`None` for a column that did not fit).
    pub fn widths(&self) -> Vec<Option<usize>> {
        self.widths.iter().map(|&w| if w > 0 { Some(w as usize) } else { None }).collect()
    }

    /// Header label lines and the dash line (nothing with `-HideTableHeaders`).
    pub fn write_header(&self, out: &mut String) {
        let mut lines = Vec::new();
        self.header_lines(&mut lines);
        self.render(out, lines);
    }

    /// One row; `align` overrides the column alignment per cell
    /// (`Align::Undefined` keeps the column's).
    pub fn write_row(&self, out: &mut String, row: &[String], align: Option<&[Align]>) {
        let mut lines = Vec::new();
        self.row_lines(&mut lines, row, align);
        self.render(out, lines);
    }

    /// The header (unless hidden) and `rows`, laid out as one grid: what
    /// [`TableLayout::write_header`] and [`TableLayout::write_row`] for each
    /// row write, in one pass.
    pub fn write_table(&self, out: &mut String, rows: &[Vec<String>]) {
        let mut lines = Vec::with_capacity(rows.len() + 2);
        self.header_lines(&mut lines);
        for row in rows {
            self.row_lines(&mut lines, row, None);
        }
        self.render(out, lines);
    }

    /// Rows without a header, laid out as one grid (Format-Wide).
    pub fn write_rows(&self, out: &mut String, rows: &[Vec<String>]) {
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            self.row_lines(&mut lines, row, None);
        }
        self.render(out, lines);
    }

    fn header_lines(&self, lines: &mut Vec<GridLine>) {
        if self.hide_headers || !self.any_visible() {
            return;
        }
        // labels can wrap when a column is narrower than its label
        self.multiline(lines, &self.headers, None);
        let dashes: Vec<String> = self
            .headers
            .iter()
            .zip(&self.widths)
            .map(|(h, &w)| {
                if w <= 0 {
                    return String::new();
                }
                let mut n = w as usize;
                if !h.is_empty() {
                    n = n.min(cells(h));
                }
                "-".repeat(n)
            })
            .collect();
        lines.push(self.single(&dashes, None));
    }

    fn row_lines(&self, lines: &mut Vec<GridLine>, row: &[String], align: Option<&[Align]>) {
        if !self.any_visible() {
            return;
        }
        if self.wrap {
            self.multiline(lines, row, align);
        } else {
            lines.push(self.single(row, align));
        }
    }

    fn any_visible(&self) -> bool {
        self.widths.iter().any(|&w| w > 0)
    }

    /// Indexes and widths of the columns that are shown.
    fn visible(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.widths.iter().enumerate().filter(|(_, w)| **w > 0).map(|(k, &w)| (k, w as usize))
    }

    fn align_of(&self, k: usize, align: Option<&[Align]>) -> Align {
        match align.and_then(|a| a.get(k)) {
            Some(Align::Undefined) | None => self.aligns[k],
            Some(&a) => a,
        }
    }

    /// A row on one screen line: each value cut to its column (pwsh's
    /// `GenerateRowField` without the padding, which the grid adds).
    fn single(&self, row: &[String], align: Option<&[Align]>) -> GridLine {
        let cells: Vec<(String, Align)> = self
            .visible()
            .map(|(k, w)| {
                let a = self.align_of(k, align);
                (fit(row.get(k).map(String::as_str).unwrap_or(""), w, a), a)
            })
            .collect();
        // pwsh pads every column but the table's last one, even when the
        // columns after it did not fit
        let pad_last = self.widths.last().is_some_and(|&w| w <= 0);
        GridLine { last: cells.len().saturating_sub(1), cells, trim: false, pad_last }
    }

    /// A row whose values wrap inside their columns (`-Wrap`, header labels):
    /// one grid line per screen line. A screen line stops at the last column
    /// that still has a line of text; when the row takes several screen lines
    /// that column's trailing blanks go too (pwsh's `GenerateTableRow`).
    fn multiline(&self, lines: &mut Vec<GridLine>, row: &[String], align: Option<&[Align]>) {
        let cols: Vec<(Vec<String>, Align)> = self
            .visible()
            .map(|(k, w)| {
                let value = row.get(k).map(String::as_str).unwrap_or("");
                (wrap_lines(value, w, w), self.align_of(k, align))
            })
            .collect();
        let rows = cols.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        for r in 0..rows {
            let last = cols.iter().rposition(|(l, _)| l.len() > r).unwrap_or(0);
            let cells = cols.iter().map(|(l, a)| (l.get(r).cloned().unwrap_or_default(), *a)).collect();
            lines.push(GridLine { cells, last, trim: rows > 1, pad_last: false });
        }
    }

    /// Writes grid lines through comfy-table: consecutive lines that need the
    /// same column widths form one `comfy_table::Table`.
    fn render(&self, out: &mut String, lines: Vec<GridLine>) {
        let widths: Vec<usize> = self.visible().map(|(_, w)| w).collect();
        // room for every line at full width (capped: a line can be 65,536 cells)
        let line_bytes = widths.iter().sum::<usize>() + widths.len();
        out.reserve(lines.len().saturating_mul(line_bytes.min(1024)));
        let mut group: Vec<(GridLine, Placement)> = Vec::with_capacity(lines.len().min(GRID_BLOCK));
        let mut group_widths: Vec<u16> = Vec::new();
        for line in lines {
            let mut placement = place(&line, &widths);
            match placement.comfy_widths.take() {
                Some(w) => {
                    if w != group_widths || group.len() == GRID_BLOCK {
                        write_group(out, &group_widths, std::mem::take(&mut group));
                        group_widths = w;
                    }
                    group.push((line, placement));
                }
                None => {
                    write_group(out, &group_widths, std::mem::take(&mut group));
                    write_by_hand(out, &line, &placement);
                }
            }
        }
        write_group(out, &group_widths, group);
    }
}

/// Lines per comfy-table: a long table goes through several tables of fixed
/// widths, which lay out the same lines as one and keep the intermediate
/// data comfy-table builds small.
const GRID_BLOCK: usize = 256;

/// One screen line of a table before it is laid out: the text of each shown
/// column (already cut to the column, not padded) with its alignment.
struct GridLine {
    cells: Vec<(String, Align)>,
    /// The last column printed on this line (index among the shown columns).
    last: usize,
    /// The line belongs to a row spread over several screen lines: the last
    /// column printed loses its trailing blanks (and its separator if it is
    /// left with nothing).
    trim: bool,
    /// The last column printed is padded to its width (on one-line rows
    /// when the table's last columns did not fit).
    pad_last: bool,
}

/// Where one cell's text sits in its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    left: usize,
    right: usize,
    /// Center alignment with an odd number of blanks: pwsh puts the extra
    /// blank on the right, comfy-table on the left, so the text handed to
    /// comfy-table carries that blank itself.
    center_pad: bool,
}

/// The geometry of one grid line as pwsh prints it.
struct Placement {
    pieces: Vec<Piece>,
    /// Byte length of the line with every column padded to its width.
    full: usize,
    /// Byte length pwsh prints: the last column is not padded on the right,
    /// and wrapped lines lose the blanks after their last text.
    keep: usize,
    /// The width of each column as comfy-table must be told it, or `None`
    /// when comfy-table cannot lay out this line (see [`place`]).
    comfy_widths: Option<Vec<u16>>,
}

/// pwsh's padding of each cell, and the widths that make comfy-table pad the
/// same way. comfy-table measures text with `unicode-width`, while pwsh
/// counts cells its own way ([`cells`]: a combining mark or `✅` is one cell,
/// a control character one): a cell whose two counts differ gets a column
/// width corrected by the difference, so comfy-table adds exactly pwsh's
/// blanks. Lines comfy-table cannot lay out are written by hand, with the
/// same geometry: a text wider than its column (comfy-table would wrap it,
/// pwsh lets it overflow), a corrected width of 0 (comfy-table raises it to
/// 1: a cell only of zero-width characters exactly as wide as its column in
/// pwsh's count) or above `u16::MAX`.
fn place(line: &GridLine, widths: &[usize]) -> Placement {
    let mut pieces = Vec::with_capacity(line.cells.len());
    let mut comfy_widths = Some(Vec::with_capacity(line.cells.len()));
    let mut start = 0;
    let mut keep = 0;
    for (c, ((text, align), &width)) in line.cells.iter().zip(widths).enumerate() {
        if c > 0 {
            start += 1;
        }
        let ascii = text.bytes().all(|b| (0x20..0x7f).contains(&b));
        let pw = if ascii { text.len() } else { cells(text) };
        let uw = if ascii { text.len() } else { text.width() };
        let blanks = width.saturating_sub(pw);
        let piece = match align {
            Align::Right => Piece { left: blanks, right: 0, center_pad: false },
            Align::Center => Piece { left: blanks / 2, right: blanks - blanks / 2, center_pad: blanks % 2 == 1 },
            _ => Piece { left: 0, right: blanks, center_pad: false },
        };
        if c == line.last {
            let text_end = start + piece.left;
            keep = if line.pad_last {
                text_end + text.len() + piece.right
            } else if !line.trim {
                text_end + text.len()
            } else {
                let kept = text.trim_end();
                if !kept.is_empty() { text_end + kept.len() } else { start.saturating_sub(1) }
            };
        }
        start += piece.left + text.len() + piece.right;
        comfy_widths = comfy_widths.and_then(|mut v: Vec<u16>| {
            if pw > width {
                return None;
            }
            let w = u16::try_from(width - pw + uw).ok().filter(|&w| w > 0)?;
            v.push(w);
            Some(v)
        });
        pieces.push(piece);
    }
    Placement { pieces, full: start, keep, comfy_widths }
}

fn comfy_align(a: Align) -> CellAlignment {
    match a {
        Align::Right => CellAlignment::Right,
        Align::Center => CellAlignment::Center,
        _ => CellAlignment::Left,
    }
}

/// pwsh's table grid as a comfy-table style: no borders, no horizontal
/// lines, one space between columns.
fn pwsh_style() -> TableStyle {
    TableStyle::new()
        .header_lines(ContentLineStyle::none().junction(' '))
        .content_lines(ContentLineStyle::none().junction(' '))
}

/// Lays out grid lines with one comfy-table (fixed widths, no padding, no
/// arrangement) and writes each line cut to what pwsh prints.
fn write_group(out: &mut String, widths: &[u16], group: Vec<(GridLine, Placement)>) {
    if group.is_empty() {
        return;
    }
    let mut table = Table::new();
    table.force_no_tty().load_style(pwsh_style()).set_content_arrangement(ContentArrangement::Disabled);
    let mut placements = Vec::with_capacity(group.len());
    for (line, placement) in group {
        let row: Vec<Cell> = line
            .cells
            .into_iter()
            .zip(&placement.pieces)
            .map(|((mut text, a), piece)| {
                if piece.center_pad {
                    text.push(' ');
                }
                Cell::new_owned(text).set_alignment(comfy_align(a))
            })
            .collect();
        table.add_row(Row::from(row));
        placements.push(placement);
    }
    for (column, &w) in table.column_iter_mut().zip(widths) {
        column.set_padding((0, 0));
        column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w)));
    }
    let mut rendered = table.lines();
    for (i, placement) in placements.iter().enumerate() {
        // the geometry was computed for comfy-table's layout: check it holds
        match rendered.next() {
            Some(text) if text.len() == placement.full && text.is_char_boundary(placement.keep) => {
                out.push_str(&text[..placement.keep]);
                out.push('\n');
            }
            _ => {
                // not expected: write the line from the cells handed over
                let cells = table
                    .row(i)
                    .map(|row| {
                        row.cell_iter()
                            .zip(&placement.pieces)
                            .map(|(cell, piece)| {
                                let mut text = cell.content();
                                if piece.center_pad {
                                    text.pop();
                                }
                                (text, Align::Undefined)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let line = GridLine { cells, last: 0, trim: false, pad_last: false };
                write_by_hand(out, &line, placement);
            }
        }
    }
}

/// Writes one grid line with the geometry of [`place`], for the lines
/// comfy-table cannot lay out.
fn write_by_hand(out: &mut String, line: &GridLine, placement: &Placement) {
    #[cfg(test)]
    tests::HAND_LINES.with(|n| n.set(n.get() + 1));
    let mut text = String::with_capacity(placement.full);
    for (c, ((t, _), piece)) in line.cells.iter().zip(&placement.pieces).enumerate() {
        if c > 0 {
            text.push(' ');
        }
        push_spaces(&mut text, piece.left);
        text.push_str(t);
        push_spaces(&mut text, piece.right);
    }
    out.push_str(text.get(..placement.keep).unwrap_or(&text));
    out.push('\n');
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// pwsh's `GenerateRowField` without the padding: a value on one table line
/// keeps its first line (marked `…` when more were cut) and is cut to
/// `width` cells, with `…` when there is room for it: a left-aligned value
/// keeps its head, a right-aligned one its tail. A wide character cut in
/// half leaves the text one cell short; the padding fills it.
fn fit(value: &str, width: usize, align: Align) -> String {
    let owned;
    let s: &str = if value.contains(['\n', '\r']) {
        owned = truncate_at_newline(value);
        &owned
    } else {
        value
    };
    if cells(s) <= width {
        return s.to_owned();
    }
    if width > 1 {
        let keep = width - 1;
        match align {
            Align::Right => {
                let mut t = String::with_capacity(s.len());
                t.push(ELLIPSIS);
                t.push_str(&s[tail_fit(s, keep)..]);
                t
            }
            _ => {
                let mut t = s[..head_fit(s, keep)].to_owned();
                t.push(ELLIPSIS);
                t
            }
        }
    } else {
        match align {
            Align::Right => s[tail_fit(s, width)..].to_owned(),
            _ => s[..head_fit(s, width)].to_owned(),
        }
    }
}

/// Column widths: the cached-group hint (autosize, or first column of unknown
/// width), then pwsh's `ColumnWidthManager`.
fn compute_widths(columns: &[Column], options: &TableOptions, sample: &[Vec<String>]) -> Vec<isize> {
    let n = columns.len();
    // pwsh disables the table writer below 5 screen columns
    if options.width < 5 {
        return vec![-1; n];
    }
    let mut widths: Vec<isize> = vec![0; n];
    let hinted = options.autosize || columns.first().is_some_and(|c| c.width.is_none());
    if hinted {
        for (k, c) in columns.iter().enumerate() {
            widths[k] = clamp_width(cells(&c.header));
        }
        for row in sample {
            for (k, v) in row.iter().take(n).enumerate() {
                let l = clamp_width(cells(v));
                if widths[k] < l {
                    widths[k] = l;
                }
            }
        }
    } else {
        for (k, c) in columns.iter().enumerate() {
            widths[k] = clamp_width(c.width.unwrap_or(0));
        }
    }
    let screen = clamp_width(options.width);
    // a column wider than the screen ends up as wide as the screen with every
    // column on its right hidden, whatever its width: cap it there first
    for w in widths.iter_mut() {
        *w = (*w).min(screen);
    }
    fit_widths(&mut widths, screen);
    widths
}

/// Widths beyond any screen (a `Width` of 2147483647, `Out-String -Width`
/// 2147483647) are capped at 65,536 cells: sums cannot overflow and padding
/// stays bounded (pwsh would try to pad to two billion cells); layouts on any
/// real screen are unchanged.
fn clamp_width(w: usize) -> isize {
    const CAP: usize = 1 << 16;
    w.min(CAP) as isize
}

/// pwsh's `ColumnWidthManager.CalculateColumnWidths` (minimum width 1,
/// separator 1): give unassigned (0) columns the remaining room one cell at a
/// time from the left; when too wide, shrink or hide columns from the right.
fn fit_widths(widths: &mut [isize], table_width: isize) {
    const MIN: isize = 1;
    const SEP: isize = 1;
    if widths.is_empty() {
        return;
    }
    let all_specified = widths.iter().all(|&w| w > 0);
    let fits = if all_specified {
        let sum: isize = widths.iter().sum::<isize>() + SEP * (widths.len() as isize - 1);
        sum <= table_width
    } else {
        let fixed: Vec<bool> = widths.iter().map(|&w| w > 0).collect();
        for w in widths.iter_mut() {
            if *w == 0 {
                *w = MIN;
            }
        }
        let available = table_width - current_width(widths);
        if available < 0 {
            false
        } else {
            let free = fixed.iter().filter(|f| !**f).count() as isize;
            if free > 0 && available > 0 {
                // the round-robin of pwsh, done in closed form
                let each = available / free;
                let mut extra = available % free;
                for (w, f) in widths.iter_mut().zip(&fixed) {
                    if !*f {
                        *w += each;
                        if extra > 0 {
                            *w += 1;
                            extra -= 1;
                        }
                    }
                }
            }
            true
        }
    };
    if fits {
        return;
    }
    loop {
        let excess = current_width(widths) - table_width;
        if excess <= 0 {
            return;
        }
        let last = match widths.iter().position(|&w| w < 0) {
            Some(0) => return,
            Some(i) => i - 1,
            None => widths.len() - 1,
        };
        let shrunk = widths[last] - excess;
        if shrunk < MIN {
            widths[last] = -1;
        } else {
            widths[last] = shrunk;
        }
    }
}

fn current_width(widths: &[isize]) -> isize {
    let visible: Vec<isize> = widths.iter().copied().filter(|&w| w > 0).collect();
    visible.iter().sum::<isize>() + (visible.len() as isize - 1)
}

/// A table written as its rows arrive (Format-Table / Out-Default streaming).
///
/// - Declared width on the first column, no `-AutoSize`: the header and every
///   row are written at once.
/// - Otherwise without `-AutoSize`: rows are held until the grouping window
///   (300 ms from the first row, as pwsh) has passed, or [`TableStream::flush`]
///   is called; they size the columns, and later rows are written at once
///   (and cut when wider).
/// - `-AutoSize`: every row is held until [`TableStream::finish`].
///
/// The first row always gives the table's leading blank line at once (pwsh
/// writes it before its window closes, so host output printed meanwhile
/// comes after it). Each call returns the text to print now (possibly empty).
#[derive(Debug)]
pub struct TableStream {
    columns: Vec<Column>,
    options: TableOptions,
    window: Option<Duration>,
    started: Option<Instant>,
    pending: Vec<(Vec<String>, Option<Vec<Align>>)>,
    layout: Option<TableLayout>,
}

impl TableStream {
    pub fn new(columns: Vec<Column>, options: TableOptions) -> Self {
        let window = if options.autosize {
            None
        } else if columns.first().is_some_and(|c| c.width.is_none()) {
            Some(GROUPING_WINDOW)
        } else {
            Some(Duration::ZERO)
        };
        TableStream { columns, options, window, started: None, pending: Vec::new(), layout: None }
    }

    /// Changes the grouping window (tests and hosts that size on a row count).
    /// Has no effect with `-AutoSize` or when widths are declared.
    pub fn with_window(mut self, window: Duration) -> Self {
        if self.window.is_some_and(|w| !w.is_zero()) {
            self.window = Some(window);
        }
        self
    }

    /// Adds a row; returns what to print now.
    pub fn push_row(&mut self, row: Vec<String>) -> String {
        self.push(row, None)
    }

    /// Adds a row whose cells override the column alignment.
    pub fn push_row_aligned(&mut self, row: Vec<String>, align: Vec<Align>) -> String {
        self.push(row, Some(align))
    }

    fn push(&mut self, row: Vec<String>, align: Option<Vec<Align>>) -> String {
        let mut out = String::new();
        if let Some(layout) = &self.layout {
            layout.write_row(&mut out, &row, align.as_deref());
            return out;
        }
        let now = Instant::now();
        let started = match self.started {
            Some(t) => t,
            None => {
                // pwsh prints the table's leading blank line (its format
                // start) at once; only the header and rows wait for the window
                out.push('\n');
                self.started = Some(now);
                now
            }
        };
        self.pending.push((row, align));
        if let Some(window) = self.window
            && now.duration_since(started) >= window
        {
            out.push_str(&self.flush());
        }
        out
    }

    /// Ends the grouping window now: fixes the widths from the held rows and
    /// returns the header and those rows (the leading blank line came with
    /// the first row). Nothing when no row came.
    pub fn flush(&mut self) -> String {
        let mut out = String::new();
        if self.layout.is_some() || self.pending.is_empty() {
            return out;
        }
        let sample: Vec<Vec<String>> = self.pending.iter().map(|(r, _)| r.clone()).collect();
        let layout = TableLayout::new(&self.columns, &self.options, &sample);
        // the header and the held rows go through one grid
        let mut lines = Vec::with_capacity(self.pending.len() + 2);
        layout.header_lines(&mut lines);
        for (row, align) in self.pending.drain(..) {
            layout.row_lines(&mut lines, &row, align.as_deref());
        }
        layout.render(&mut out, lines);
        self.layout = Some(layout);
        out
    }

    /// Whether the header has been written (the widths are fixed).
    pub fn started(&self) -> bool {
        self.layout.is_some()
    }

    /// Ends the table: held rows, then the closing blank line.
    pub fn finish(mut self) -> String {
        let mut out = self.flush();
        if self.layout.is_some() {
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Lines written by hand (not through comfy-table) on this thread.
        pub(super) static HAND_LINES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// The hand writer this module used before comfy-table assembled the
    /// grid, kept as the oracle the comfy-table output must equal byte for byte.
    mod reference {
        use super::super::{Align, TableLayout};
        use crate::format::cells::{ELLIPSIS, cells, head_fit, pad, tail_fit, truncate_at_newline, wrap_lines};

        pub(super) struct Old<'a>(pub(super) &'a TableLayout);

        impl Old<'_> {
            /// Header label lines and the dash line (nothing with `-HideTableHeaders`).
            pub(super) fn write_header(&self, out: &mut String) {
                if self.0.hide_headers || !self.any_visible() {
                    return;
                }
                // labels can wrap when a column is narrower than its label
                self.write_multiline(out, &self.0.headers, None);
                let dashes: Vec<String> = self
                    .0
                    .headers
                    .iter()
                    .zip(&self.0.widths)
                    .map(|(h, &w)| {
                        if w <= 0 {
                            return String::new();
                        }
                        let mut n = w as usize;
                        if !h.is_empty() {
                            n = n.min(cells(h));
                        }
                        "-".repeat(n)
                    })
                    .collect();
                self.write_single(out, &dashes, None);
            }

            /// One row; `align` overrides the column alignment per cell
            /// (`Align::Undefined` keeps the column's).
            pub(super) fn write_row(&self, out: &mut String, row: &[String], align: Option<&[Align]>) {
                if !self.any_visible() {
                    return;
                }
                if self.0.wrap {
                    self.write_multiline(out, row, align);
                } else {
                    self.write_single(out, row, align);
                }
            }

            fn any_visible(&self) -> bool {
                self.0.widths.iter().any(|&w| w > 0)
            }

            fn align_of(&self, k: usize, align: Option<&[Align]>) -> Align {
                match align.and_then(|a| a.get(k)) {
                    Some(Align::Undefined) | None => self.0.aligns[k],
                    Some(&a) => a,
                }
            }

            fn write_single(&self, out: &mut String, row: &[String], align: Option<&[Align]>) {
                let n = self.0.widths.len();
                let mut first = true;
                for k in 0..n {
                    let w = self.0.widths[k];
                    if w <= 0 {
                        continue;
                    }
                    if !first {
                        out.push(' ');
                    }
                    first = false;
                    let value = row.get(k).map(String::as_str).unwrap_or("");
                    let last = k == n - 1;
                    field(out, value, w as usize, self.align_of(k, align), !last);
                }
                out.push('\n');
            }

            fn write_multiline(&self, out: &mut String, row: &[String], align: Option<&[Align]>) {
                let visible: Vec<usize> = (0..self.0.widths.len()).filter(|&k| self.0.widths[k] > 0).collect();
                if visible.is_empty() {
                    return;
                }
                let count = visible.len();
                let mut cols: Vec<Vec<String>> = Vec::with_capacity(count);
                for (i, &k) in visible.iter().enumerate() {
                    let add_padding = i != count - 1;
                    let width = self.0.widths[k] as usize;
                    let a = self.align_of(k, align);
                    let value = row.get(k).map(String::as_str).unwrap_or("");
                    let mut lines = wrap_lines(value, width, width);
                    if add_padding || a == Align::Right || a == Align::Center {
                        for l in lines.iter_mut() {
                            if cells(l) < width {
                                let mut s = String::new();
                                field(&mut s, l, width, a, add_padding);
                                *l = s;
                            }
                        }
                    }
                    if i > 0 {
                        for l in lines.iter_mut() {
                            l.insert(0, ' ');
                        }
                    }
                    cols.push(lines);
                }
                let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
                // the last column with content on each screen row
                let mut last_with_content = vec![0usize; rows];
                for (r, slot) in last_with_content.iter_mut().enumerate() {
                    for (c, col) in cols.iter().enumerate() {
                        if col.len() > r {
                            *slot = c;
                        }
                    }
                }
                for (c, col) in cols.iter_mut().enumerate() {
                    let blanks =
                        if c < count - 1 { self.0.widths[visible[c]] as usize + usize::from(c > 0) } else { 0 };
                    for &last in &last_with_content[col.len()..rows] {
                        if c > last {
                            col.push(String::new());
                        } else {
                            col.push(pad(blanks));
                        }
                    }
                }
                for (r, &last) in last_with_content.iter().enumerate() {
                    for (c, col) in cols.iter().enumerate() {
                        let v = &col[r];
                        if c == last && rows > 1 {
                            out.push_str(v.trim_end());
                        } else {
                            out.push_str(v);
                        }
                    }
                    out.push('\n');
                }
            }
        }

        fn push_spaces(out: &mut String, n: usize) {
            out.extend(std::iter::repeat_n(' ', n));
        }

        /// pwsh's `GenerateRowField`: fit one value into `width` cells.
        pub(super) fn field(out: &mut String, value: &str, width: usize, align: Align, add_padding: bool) {
            let owned;
            let s: &str = if value.contains(['\n', '\r']) {
                owned = truncate_at_newline(value);
                &owned
            } else {
                value
            };
            let len = cells(s);
            if len == width {
                out.push_str(s);
                return;
            }
            if len < width {
                let pad_count = width - len;
                match align {
                    Align::Right => {
                        push_spaces(out, pad_count);
                        out.push_str(s);
                    }
                    Align::Center => {
                        let left = pad_count / 2;
                        push_spaces(out, left);
                        out.push_str(s);
                        if add_padding {
                            push_spaces(out, pad_count - left);
                        }
                    }
                    _ => {
                        out.push_str(s);
                        if add_padding {
                            push_spaces(out, pad_count);
                        }
                    }
                }
                return;
            }
            // too long: cut and mark with the ellipsis when there is room for it
            let cut = if width > 1 {
                let keep = width - 1;
                match align {
                    Align::Right => {
                        let mut t = String::new();
                        t.push(ELLIPSIS);
                        t.push_str(&s[tail_fit(s, keep)..]);
                        t
                    }
                    _ => {
                        let mut t = s[..head_fit(s, keep)].to_owned();
                        t.push(ELLIPSIS);
                        t
                    }
                }
            } else {
                match align {
                    Align::Right => s[tail_fit(s, width)..].to_owned(),
                    _ => s[..head_fit(s, width)].to_owned(),
                }
            };
            // a wide character cut in half leaves one cell to fill
            let short = cells(&cut) < width;
            match align {
                Align::Right if short => {
                    out.push(' ');
                    out.push_str(&cut);
                }
                _ => {
                    out.push_str(&cut);
                    if short && add_padding {
                        out.push(' ');
                    }
                }
            }
        }
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn alignment_names_match_by_prefix() {
        assert_eq!(Align::from_name("center"), Some(Align::Center));
        assert_eq!(Align::from_name("L"), Some(Align::Left));
        assert_eq!(Align::from_name("Ri"), Some(Align::Right));
        assert_eq!(Align::from_name("c"), Some(Align::Center));
        assert_eq!(Align::from_name("middle"), None);
        assert_eq!(Align::from_name(""), None);
        assert_eq!(Align::from_name("lefty"), None);
    }

    #[test]
    fn fit_assigns_the_rest_round_robin() {
        let mut w = vec![5, 25, 0];
        fit_widths(&mut w, 120);
        assert_eq!(w, vec![5, 25, 88]);
        let mut w = vec![0, 0];
        fit_widths(&mut w, 120);
        assert_eq!(w, vec![60, 59]);
        let mut w = vec![0, 0, 0];
        fit_widths(&mut w, 10);
        assert_eq!(w, vec![3, 3, 2]);
    }

    #[test]
    fn fit_shrinks_then_hides_from_the_right() {
        let mut w = vec![50, 50, 30];
        fit_widths(&mut w, 120);
        assert_eq!(w, vec![50, 50, 18]);
        let mut w = vec![100, 30, 30];
        fit_widths(&mut w, 120);
        assert_eq!(w, vec![100, 19, -1]);
    }

    #[test]
    fn field_truncates_with_ellipsis_by_alignment() {
        let mut o = String::new();
        reference::field(&mut o, "abcdef", 4, Align::Left, true);
        assert_eq!(o, "abc…");
        let mut o = String::new();
        reference::field(&mut o, "abcdef", 4, Align::Right, true);
        assert_eq!(o, "…def");
        let mut o = String::new();
        reference::field(&mut o, "abcdef", 1, Align::Left, true);
        assert_eq!(o, "a");
        let mut o = String::new();
        reference::field(&mut o, "ab", 5, Align::Center, true);
        assert_eq!(o, " ab  ");
        let mut o = String::new();
        reference::field(&mut o, "消息消息", 4, Align::Left, true);
        assert_eq!(o, "消… ");
    }

    #[test]
    fn stream_with_declared_width_writes_at_once() {
        let mut t =
            TableStream::new(vec![Column::right("Count").with_width(5), Column::new("Name")], TableOptions::default());
        assert_eq!(t.push_row(s(&["1", "a"])), "\nCount Name\n----- ----\n    1 a\n");
        assert_eq!(t.push_row(s(&["22", "b"])), "   22 b\n");
        assert_eq!(t.finish(), "\n");
    }

    #[test]
    fn stream_holds_rows_for_the_window() {
        let mut t = TableStream::new(vec![Column::new("abc"), Column::new("bcd")], TableOptions::default())
            .with_window(Duration::from_secs(3600));
        // the leading blank line comes at once, the header waits
        assert_eq!(t.push_row(s(&["1234", "123"])), "\n");
        assert_eq!(t.push_row(s(&["1", "1234"])), "");
        assert!(!t.started());
        let head = t.flush();
        assert_eq!(head, "abc  bcd\n---  ---\n1234 123\n1    1234\n");
        // later rows keep the widths and are cut
        assert_eq!(t.push_row(s(&["123456", "x"])), "123… x\n");
        assert_eq!(t.finish(), "\n");
    }

    #[test]
    fn stream_with_zero_window_sizes_on_the_first_row() {
        let mut t = TableStream::new(vec![Column::new("a")], TableOptions::default()).with_window(Duration::ZERO);
        assert_eq!(t.push_row(s(&["x"])), "\na\n-\nx\n");
        // a one-cell column has no room for the ellipsis
        assert_eq!(t.push_row(s(&["yy"])), "y\n");
    }

    #[test]
    fn stream_autosize_waits_for_finish() {
        let mut t =
            TableStream::new(vec![Column::new("a")], TableOptions { autosize: true, ..TableOptions::default() });
        assert_eq!(t.push_row(s(&["x"])), "\n");
        assert_eq!(t.push_row(s(&["long"])), "");
        assert_eq!(t.finish(), "a\n-\nx\nlong\n\n");
    }

    #[test]
    fn huge_widths_do_not_overflow() {
        let mut t =
            TableSpec::new(vec![Column::new("a").with_width(usize::MAX), Column::new("b").with_width(usize::MAX)])
                .with_rows(vec![s(&["x", "y"])]);
        let out = render_table(&t);
        // the first column takes the screen, the second is dropped
        assert_eq!(out.lines().nth(3).map(str::len), Some(120));
        t.width = usize::MAX;
        t.columns = vec![Column::new("a"), Column::new("b")];
        assert_eq!(render_table(&t), "\na b\n- -\nx y\n\n");
    }

    #[test]
    fn too_narrow_screen_disables_the_table() {
        let t = TableSpec { width: 4, ..TableSpec::new(vec![Column::new("a")]).with_rows(vec![s(&["x"])]) };
        assert_eq!(render_table(&t), "\n\n");
    }

    #[test]
    fn empty_table_prints_nothing() {
        assert_eq!(render_table(&TableSpec::new(vec![Column::new("a")])), "");
        let t = TableStream::new(vec![Column::new("a")], TableOptions::default());
        assert_eq!(t.finish(), "");
    }

    #[test]
    fn fit_cuts_without_padding() {
        assert_eq!(fit("abcdef", 4, Align::Left), "abc…");
        assert_eq!(fit("abcdef", 4, Align::Right), "…def");
        assert_eq!(fit("abcdef", 1, Align::Left), "a");
        assert_eq!(fit("ab", 5, Align::Center), "ab");
        assert_eq!(fit("one\ntwo", 10, Align::Left), "one…");
        // a wide character cut in half: one cell short, the grid pads it
        assert_eq!(fit("消息消息", 4, Align::Left), "消…");
    }

    fn layout(columns: &[Column], options: &TableOptions, rows: &[Vec<String>]) -> TableLayout {
        TableLayout::new(columns, options, rows)
    }

    #[test]
    fn comfy_widths_correct_for_cells_counted_differently() {
        let l =
            layout(&[Column::new("a").with_width(5), Column::new("b").with_width(5)], &TableOptions::default(), &[]);
        let widths = [5, 5];
        // ASCII and CJK: comfy-table and pwsh agree, the widths are the columns'
        let line = l.single(&s(&["ab", "消息"]), None);
        assert_eq!(place(&line, &widths).comfy_widths, Some(vec![5, 5]));
        // `é` as e + combining mark: pwsh 2 cells, unicode-width 1; `✅`: pwsh 1, unicode-width 2
        let line = l.single(&s(&["e\u{301}", "\u{2705}"]), None);
        assert_eq!(place(&line, &widths).comfy_widths, Some(vec![4, 6]));
        let mut out = String::new();
        l.write_row(&mut out, &s(&["e\u{301}", "\u{2705}"]), None);
        assert_eq!(out, "e\u{301}    \u{2705}\n");
        // a lone combining mark filling its column: comfy-table would need width 0
        let one =
            layout(&[Column::new("a").with_width(1), Column::new("b").with_width(2)], &TableOptions::default(), &[]);
        let line = one.single(&s(&["\u{301}", "x"]), None);
        assert_eq!(place(&line, &[1, 2]).comfy_widths, None);
        let mut out = String::new();
        one.write_row(&mut out, &s(&["\u{301}", "x"]), None);
        assert_eq!(out, "\u{301} x\n");
    }

    #[test]
    fn comfy_table_lays_out_every_ordinary_line() {
        HAND_LINES.with(|n| n.set(0));
        let mut t = TableSpec::new(vec![
            Column::new("Identity"),
            Column::right("Count").with_width(4),
            Column::new("Note").with_align(Align::Center).with_width(9),
            Column::new("消息"),
        ])
        .with_rows(vec![
            s(&["user1@contoso.edu", "12345", "a long note to cut", "千"]),
            s(&["e\u{301}t\u{e9}", "1", "\u{2705} ok", "line\nnext"]),
        ]);
        let whole = render_table(&t);
        // pwsh counts e + U+0301 as 2 cells (17 - 4 = 13 blanks after `été`)
        // and ✅ as 1 (14 blanks around `✅ ok`: 7 and 7)
        let expected = format!(
            "\ne\u{301}t\u{e9}{}1 {}\u{2705} ok{}line…\n",
            " ".repeat(13 + 1 + 4),
            " ".repeat(7),
            " ".repeat(7 + 1)
        );
        assert!(whole.contains(&expected), "{whole}");
        let aligns = vec![Vec::new(); 2];
        assert_eq!(whole, format!("\n{}\n", old_render(&t.columns, &t.options(), &t.rows, &aligns)));
        t.wrap = true;
        t.columns[0] = Column::new("Identity").with_width(8);
        let wrapped = render_table(&t);
        assert!(
            wrapped.contains("\nuser1@co 1234  a long   千\nntoso.ed    5 note to\nu                cut\n"),
            "{wrapped}"
        );
        assert_eq!(wrapped, format!("\n{}\n", old_render(&t.columns, &t.options(), &t.rows, &aligns)));
        assert_eq!(HAND_LINES.with(|n| n.get()), 0);
        // the one case comfy-table cannot lay out is written by hand
        let one = layout(&[Column::new("a").with_width(1)], &TableOptions::default(), &[]);
        one.write_row(&mut String::new(), &s(&["\u{301}"]), None);
        assert_eq!(HAND_LINES.with(|n| n.get()), 1);
    }

    #[test]
    fn widths_beyond_comfy_tables_u16_are_written_by_hand() {
        HAND_LINES.with(|n| n.set(0));
        let t = TableSpec {
            width: usize::MAX,
            ..TableSpec::new(vec![Column::new("a").with_width(70_000), Column::new("b").with_width(3)])
                .with_rows(vec![s(&["x", "y"])])
        };
        let out = render_table(&t);
        let lines: Vec<(usize, usize)> = out.lines().map(|l| (l.len(), l.trim_end().len())).collect();
        // `a` takes the whole 65,536-cell screen (the cap) and `b` is dropped,
        // so `a` is padded to its width on one-line rows (the label goes
        // through the wrapping writer, which pads by shown columns)
        assert_eq!(lines, vec![(0, 0), (1, 1), (65_536, 1), (65_536, 1), (0, 0)]);
        let none = vec![Vec::new()];
        assert_eq!(out, format!("\n{}\n", old_render(&t.columns, &t.options(), &t.rows, &none)));
        // header, dashes, row
        assert_eq!(HAND_LINES.with(|n| n.get()), 3);
    }

    #[test]
    fn long_tables_span_several_comfy_tables() {
        let columns = vec![Column::new("Name"), Column::right("N"), Column::new("Note").with_align(Align::Center)];
        let rows: Vec<Vec<String>> = (0..3 * GRID_BLOCK + 7)
            .map(|i| {
                vec![format!("user{i}"), i.to_string(), if i % 5 == 0 { "消息\u{2705}" } else { "ok" }.to_string()]
            })
            .collect();
        let out = render_table(&TableSpec::new(columns.clone()).with_rows(rows.clone()));
        let none = vec![Vec::new(); rows.len()];
        let options = TableOptions::default();
        assert_eq!(out, format!("\n{}\n", old_render(&columns, &options, &rows, &none)));
        assert_eq!(out.lines().count(), rows.len() + 4);
    }

    #[test]
    fn center_puts_the_odd_blank_on_the_right() {
        let l = layout(
            &[Column::new("a").with_width(6).with_align(Align::Center), Column::new("b").with_width(1)],
            &TableOptions::default(),
            &[],
        );
        let mut out = String::new();
        l.write_row(&mut out, &s(&["abc", "x"]), None);
        // 3 blanks: 1 left, 2 right (comfy-table alone would put 2 on the left)
        assert_eq!(out, " abc   x\n");
    }

    /// What the hand writer printed for a whole table.
    fn old_render(columns: &[Column], options: &TableOptions, rows: &[Vec<String>], aligns: &[Vec<Align>]) -> String {
        let l = layout(columns, options, rows);
        let old = reference::Old(&l);
        let mut out = String::new();
        old.write_header(&mut out);
        for (row, a) in rows.iter().zip(aligns) {
            old.write_row(&mut out, row, Some(a));
        }
        out
    }

    fn new_render(columns: &[Column], options: &TableOptions, rows: &[Vec<String>], aligns: &[Vec<Align>]) -> String {
        let l = layout(columns, options, rows);
        let mut out = String::new();
        l.write_header(&mut out);
        for (row, a) in rows.iter().zip(aligns) {
            l.write_row(&mut out, row, Some(a));
        }
        out
    }

    mod agreement {
        use proptest::prelude::*;

        use super::super::*;
        use super::{new_render, old_render};

        /// Text with what pwsh and unicode-width count differently: combining
        /// marks, `✅`, zero-width space, soft hyphen, tab, U+303F; CJK,
        /// emoji, newlines, blanks that wrapping keeps or trims.
        fn text() -> impl Strategy<Value = String> {
            proptest::string::string_regex(
                "[a-c 0-9\\n\\r\\t…消息哇é\\u{301}\\u{2705}\\u{200b}\\u{ad}\\u{303f}\\u{a0}😀ｱＡ한-]{0,24}",
            )
            .unwrap_or_else(|e| panic!("{e}"))
        }

        fn align() -> impl Strategy<Value = Align> {
            prop_oneof![Just(Align::Undefined), Just(Align::Left), Just(Align::Center), Just(Align::Right)]
        }

        fn column() -> impl Strategy<Value = Column> {
            (text(), align(), proptest::option::of(0usize..30)).prop_map(|(h, a, w)| Column {
                header: h,
                align: a,
                width: w,
            })
        }

        type Case = (Vec<Column>, TableOptions, Vec<Vec<String>>, Vec<Vec<Align>>);

        fn table() -> impl Strategy<Value = Case> {
            (1usize..5).prop_flat_map(|n| {
                (
                    proptest::collection::vec(column(), n),
                    (any::<bool>(), any::<bool>(), any::<bool>(), 1usize..90).prop_map(
                        |(hide_headers, autosize, wrap, width)| TableOptions { hide_headers, autosize, wrap, width },
                    ),
                    proptest::collection::vec(proptest::collection::vec(text(), 0..=n + 1), 0..5),
                    proptest::collection::vec(proptest::collection::vec(align(), 0..=n), 5),
                )
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(600))]

            /// comfy-table's grid is byte for byte the hand writer's.
            #[test]
            fn comfy_grid_equals_the_hand_writer((columns, options, rows, aligns) in table()) {
                prop_assert_eq!(
                    new_render(&columns, &options, &rows, &aligns),
                    old_render(&columns, &options, &rows, &aligns)
                );
                // the whole table in one grid (render_table, -GroupBy), and rows only (Format-Wide)
                let none = vec![Vec::new(); rows.len()];
                let l = TableLayout::new(&columns, &options, &rows);
                let mut whole = String::new();
                l.write_table(&mut whole, &rows);
                prop_assert_eq!(&whole, &old_render(&columns, &options, &rows, &none));
                let mut body = String::new();
                l.write_rows(&mut body, &rows);
                let no_header = TableOptions { hide_headers: true, ..options.clone() };
                prop_assert_eq!(body, old_render(&columns, &no_header, &rows, &none));
            }
        }
    }
}
