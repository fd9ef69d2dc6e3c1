//! Property tests: the writers never panic on any cell text, label or
//! screen width, and keep their layout invariants.

use exosh::format::cells::cells;
use exosh::format::{
    Align, Column, ListEntry, TableOptions, TableSpec, TableStream, render_list_width, render_table, render_wide,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // ASCII, blanks, newlines, tabs, wide CJK, combining marks, emoji
    proptest::string::string_regex("[a-z 0-9\\n\\r\\t…消息哇é\\u{301}😀-]{0,30}").unwrap()
}

fn align() -> impl Strategy<Value = Align> {
    prop_oneof![Just(Align::Undefined), Just(Align::Left), Just(Align::Right), Just(Align::Center)]
}

/// Screen widths: ordinary ones, and the extremes (Out-String's unlimited width).
fn screen() -> impl Strategy<Value = usize> {
    prop_oneof![8 => 0usize..150, 1 => Just(usize::MAX), 1 => Just(1usize << 31)]
}

fn column() -> impl Strategy<Value = Column> {
    let width = prop_oneof![8 => 0usize..40, 1 => Just(usize::MAX), 1 => Just(i32::MAX as usize)];
    (text(), align(), proptest::option::of(width)).prop_map(|(h, a, w)| Column { header: h, align: a, width: w })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn tables_never_panic_and_fit_the_screen(
        columns in proptest::collection::vec(column(), 1..6),
        rows in proptest::collection::vec(proptest::collection::vec(text(), 0..7), 0..6),
        width in screen(),
        autosize in any::<bool>(),
        wrap in any::<bool>(),
        hide in any::<bool>(),
    ) {
        // huge declared widths on a huge screen would only pad millions of blanks
        let columns: Vec<Column> = columns
            .into_iter()
            .map(|mut c| {
                if width > 1000 {
                    c.width = c.width.map(|w| w % 40);
                }
                c
            })
            .collect();
        let mut spec = TableSpec::new(columns.clone()).with_rows(rows.clone());
        spec.width = width;
        spec.autosize = autosize;
        spec.wrap = wrap;
        spec.hide_headers = hide;
        let out = render_table(&spec);
        if rows.is_empty() {
            prop_assert_eq!(out.as_str(), "");
        } else {
            prop_assert!(out.starts_with('\n') && out.ends_with('\n'));
            if (5..1000).contains(&width) {
                for line in out.lines() {
                    // wrapped or cut lines stay within the screen (tabs and
                    // carriage returns in values count one cell, as in pwsh)
                    prop_assert!(cells(line) <= width.max(1), "{line:?} > {width}");
                }
            }
        }
        // streaming gives the same text when everything falls in one window
        let mut stream = TableStream::new(columns, TableOptions { hide_headers: hide, autosize, wrap, width })
            .with_window(std::time::Duration::from_secs(3600));
        let mut streamed = String::new();
        for r in rows {
            streamed.push_str(&stream.push_row(r));
        }
        streamed.push_str(&stream.finish());
        prop_assert_eq!(streamed, out);
    }

    #[test]
    fn lists_never_panic(
        objects in proptest::collection::vec(
            proptest::collection::vec((text(), text()), 0..5), 0..4),
        width in screen(),
    ) {
        let objects: Vec<Vec<ListEntry>> = objects
            .into_iter()
            .map(|o| o.into_iter().map(|(n, v)| ListEntry::new(n, v)).collect())
            .collect();
        let out = render_list_width(&objects, width);
        prop_assert_eq!(out.is_empty(), objects.is_empty());
    }

    #[test]
    fn wide_never_panics(
        items in proptest::collection::vec(text(), 0..12),
        columns in proptest::option::of(0usize..6),
        autosize in any::<bool>(),
        width in 0usize..150,
    ) {
        let out = render_wide(&items, columns, autosize, width);
        prop_assert_eq!(out.is_empty(), items.is_empty());
    }
}
