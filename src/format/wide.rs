//! Format-Wide's text layout (pwsh's `WideOutputContext`).
//!
//! One value per object, several per line. The number of columns is
//! `-Column N` when given; with `-AutoSize` as many as fit the widest value
//! (`n*w + (n-1) < width`); otherwise 2. The screen width is then shared out
//! like a table whose widths are all unknown (one separator blank between
//! columns, remaining cells given one at a time from the left); values are
//! left-aligned, cut with `…`, and the last column is not padded. Framed by
//! a blank line before and after.

use super::cells::cells;
use super::table::{Align, Column, TableLayout, TableOptions};

/// Items per line for a widest value of `widest` cells on a `width`-cell
/// screen (pwsh's `ComputeWideViewBestItemsPerRowFit`).
pub fn wide_columns_for(widest: usize, width: usize) -> usize {
    if widest == 0 || width < 1 || widest >= width {
        return 1;
    }
    // the largest k with widest*k + (k-1) < width, i.e. k*(widest+1) < width+1
    let room = width.saturating_add(1);
    let step = widest + 1;
    let k = if room.is_multiple_of(step) { room / step - 1 } else { room / step };
    k.max(1)
}

/// Renders values as Format-Wide does. `columns` is `-Column`, `autosize` is
/// `-AutoSize`, `width` the screen width. No items: no output.
pub fn render_wide(items: &[String], columns: Option<usize>, autosize: bool, width: usize) -> String {
    if items.is_empty() {
        return String::new();
    }
    // no screen is this wide; keeps the column count bounded
    let width = width.min(1 << 16);
    let per_row = match columns {
        Some(n) if n > 0 => n,
        _ if autosize => wide_columns_for(items.iter().map(|s| cells(s)).max().unwrap_or(0), width),
        _ => 2,
    };
    let cols: Vec<Column> = (0..per_row).map(|_| Column::new("").with_align(Align::Left).with_width(0)).collect();
    // declared width 0 on every column: the width manager shares the screen
    let layout = TableLayout::new(&cols, &TableOptions { width, ..TableOptions::default() }, &[]);
    let mut out = String::from("\n");
    let rows: Vec<Vec<String>> = items
        .chunks(per_row)
        .map(|chunk| {
            let mut row: Vec<String> = chunk.to_vec();
            row.resize(per_row, String::new());
            row
        })
        .collect();
    layout.write_rows(&mut out, &rows);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_fit() {
        assert_eq!(wide_columns_for(10, 120), 10);
        assert_eq!(wide_columns_for(11, 120), 10);
        assert_eq!(wide_columns_for(59, 120), 2);
        assert_eq!(wide_columns_for(60, 120), 1);
        assert_eq!(wide_columns_for(200, 120), 1);
        assert_eq!(wide_columns_for(1, usize::MAX), usize::MAX / 2);
        assert_eq!(wide_columns_for(4, 20), 4);
    }

    #[test]
    fn two_columns_by_default() {
        let items: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let out = render_wide(&items, None, false, 120);
        let first = format!("a{}b\n", " ".repeat(60));
        let second = format!("c{} \n", " ".repeat(59));
        assert_eq!(out, format!("\n{first}{second}\n"));
    }

    #[test]
    fn autosize_fits_as_many_as_possible() {
        let items: Vec<String> = (1..=5).map(|i| format!("item{i}")).collect();
        let out = render_wide(&items, None, true, 20);
        // 5-cell items: 3 fit in 20 cells (5*4+3 = 23 would not)
        assert_eq!(out, "\nitem1  item2  item3\nitem4  item5  \n\n");
    }
}
