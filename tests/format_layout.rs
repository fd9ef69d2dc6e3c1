//! pwsh 7 table/list/wide layout, checked against the exact stdout of the
//! conformance cases in ../shared/conformance/cases.jsonl (ids in each test
//! name). Those cases need the runtime to run as scripts; here the runtime's
//! part (which properties, which strings, which alignment) is written out by
//! hand, and the layout must reproduce pwsh's text byte for byte.

use exosh::format::{
    Align, Column, FORMAT_ENUMERATION_LIMIT, ListEntry, TableOptions, TableSpec, TableStream, format_enumeration,
    render_list, render_table, render_wide,
};

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn table(columns: Vec<Column>, rows: &[&[&str]]) -> TableSpec {
    TableSpec::new(columns).with_rows(rows.iter().map(|r| row(r)).collect())
}

/// The conformance runner's `rstrip` comparison: trailing blanks of every line.
fn rstrip(s: &str) -> String {
    s.split('\n').map(str::trim_end).collect::<Vec<_>>().join("\n")
}

#[test]
fn obj_001_implicit_autosize_first_column() {
    let t = table(vec![Column::new("abc"), Column::new("bcd")], &[&["1234", "123"], &["1", "1234"]]);
    assert_eq!(render_table(&t), "\nabc  bcd\n---  ---\n1234 123\n1    1234\n\n");
}

#[test]
fn obj_002_implicit_autosize_second_column() {
    let t = table(vec![Column::new("abc"), Column::new("bcd")], &[&["123", "1234"], &["1", "123"]]);
    assert_eq!(render_table(&t), "\nabc bcd\n--- ---\n123 1234\n1   123\n\n");
}

#[test]
fn obj_003_header_shorter_than_column_left_right() {
    let t = table(vec![Column::new("a"), Column::right("b")], &[&["abc", "123"]]);
    assert_eq!(render_table(&t), "\na     b\n-     -\nabc 123\n\n");
}

#[test]
fn obj_005_right_right_and_left_left() {
    let t1 = table(vec![Column::right("a"), Column::right("b")], &[&["123", "123"]]);
    let t2 = table(vec![Column::new("a"), Column::new("b")], &[&["abc", "abc"]]);
    let out = render_table(&t1) + &render_table(&t2);
    assert_eq!(out, "\n  a   b\n  -   -\n123 123\n\n\na   b\n-   -\nabc abc\n\n");
}

#[test]
fn obj_006_out_string_stream_lines() {
    let t = table(vec![Column::right("foo")], &[&["1"]]);
    assert_eq!(render_table(&t), "\nfoo\n---\n  1\n\n");
}

#[test]
fn obj_007_list_single_property() {
    let out = render_list(&[vec![ListEntry::new("testName", "testValue")]]);
    assert_eq!(out, "\ntestName : testValue\n\n");
}

#[test]
fn obj_009_numbers_right_aligned() {
    let t = table(
        vec![Column::right("double"), Column::right("float"), Column::right("decimal")],
        &[&["1234.57", "9876.54", "4567.12"]],
    );
    assert_eq!(render_table(&t), "\n double   float decimal\n ------   ----- -------\n1234.57 9876.54 4567.12\n\n");
}

#[test]
fn obj_010_double_width_characters() {
    let list =
        render_list(&[vec![ListEntry::new("哇", "62"), ListEntry::new("dbda", "KM"), ListEntry::new("消息", "千")]]);
    let t = table(vec![Column::new("哇"), Column::new("dbda"), Column::new("消息")], &[&["62", "KM", "千"]]);
    assert_eq!(
        list + &render_table(&t),
        "\n哇   : 62\ndbda : KM\n消息 : 千\n\n\n哇 dbda 消息\n-- ---- ----\n62 KM   千\n\n"
    );
}

#[test]
fn obj_011_wrap_multiline_cell() {
    let mut t = table(
        vec![Column::right("A"), Column::right("B"), Column::new("Name")],
        &[&["1", "2", "This\nIs some random\nmultiline content"]],
    );
    t.wrap = true;
    assert_eq!(render_table(&t), "\nA B Name\n- - ----\n1 2 This\n    Is some random\n    multiline content\n\n");
}

#[test]
fn obj_011b_without_wrap_a_multiline_cell_keeps_its_first_line() {
    let t = table(vec![Column::right("A"), Column::new("Name")], &[&["1", "This\nIs more"]]);
    // the width counts the whole value (12 cells), the cell shows `This…`
    assert_eq!(render_table(&t), "\nA Name\n- ----\n1 This…\n\n");
}

#[test]
fn obj_013_declared_width_and_center_alignment() {
    let t = table(vec![Column::new("one").with_width(10).with_align(Align::Center)], &[&["1"]]);
    assert_eq!(render_table(&t), "\n   one\n   ---\n    1\n\n");
}

#[test]
fn obj_014_no_trailing_whitespace() {
    let mut t = table(vec![Column::right("a"), Column::right("b")], &[&["1", "2"]]);
    t.hide_headers = true;
    assert_eq!(render_table(&t).replace('\n', ""), "1 2");

    let t = table(vec![Column::new("foo")], &[&[""]]);
    assert_eq!(render_table(&t).replace('\n', ""), "foo---");

    let t = table(vec![Column::new("fox"), Column::new("bar")], &[&["", ""], &["", ""]]);
    assert_eq!(render_table(&t).replace([' ', '\n'], ""), "foxbar------");
}

#[test]
fn obj_015_autosize_booleans_and_numbers_right() {
    let mut t = table(
        vec![Column::new("name"), Column::right("size"), Column::right("booleanValue")],
        &[&["Bob", "1234", "True"], &["Jim", "5678", "False"]],
    );
    t.autosize = true;
    assert_eq!(
        render_table(&t),
        "\nname size booleanValue\n---- ---- ------------\nBob  1234         True\nJim  5678        False\n\n"
    );
}

#[test]
fn obj_016b_selected_hashtable_properties() {
    let t = table(vec![Column::new("name"), Column::right("weight")], &[&["a", "7"]]);
    assert_eq!(render_table(&t), "\nname weight\n---- ------\na         7\n\n");
}

#[test]
fn obj_017_list_of_five_properties() {
    let out = render_list(&[vec![
        ListEntry::new("Name", "User1"),
        ListEntry::new("Age", "29"),
        ListEntry::new("StartDate", "5/5/2019 12:00:00 AM"),
        ListEntry::new("Position", "@{DepartmentName=IT; Role=Dev Manager}"),
        ListEntry::new("Title", "Dev Manager"),
    ]]);
    assert_eq!(
        out,
        "\nName      : User1\nAge       : 29\nStartDate : 5/5/2019 12:00:00 AM\nPosition  : @{DepartmentName=IT; Role=Dev Manager}\nTitle     : Dev Manager\n\n"
    );
}

#[test]
fn obj_021_later_objects_print_only_shared_columns() {
    let t = table(
        vec![Column::right("one"), Column::right("two"), Column::right("three")],
        &[&["1", "2", "3"], &["", "", "30"], &["", "", ""]],
    );
    let out = render_table(&t);
    assert_eq!(rstrip(&out), "\none two three\n--- --- -----\n  1   2     3\n           30\n\n\n");
}

#[test]
fn meas_002_list_with_empty_values() {
    let names = ["Count", "Average", "Sum", "Maximum", "Minimum", "StandardDeviation", "Property"];
    let values = ["3", "", "", "5", "", "", "num"];
    let entries: Vec<ListEntry> = names.iter().zip(values).map(|(n, v)| ListEntry::new(*n, v)).collect();
    let out = render_list(&[entries]);
    // pwsh writes `Average           : ` with the blank; the case compares rstripped
    assert!(out.contains("\nAverage           : \n"));
    assert_eq!(
        rstrip(&out),
        "\nCount             : 3\nAverage           :\nSum               :\nMaximum           : 5\nMinimum           :\nStandardDeviation :\nProperty          : num\n\n"
    );
}

#[test]
fn meas_004_four_columns_mostly_empty() {
    let t = table(
        vec![Column::right("Lines"), Column::new("Words"), Column::new("Characters"), Column::new("Property")],
        &[&["3", "", "", ""]],
    );
    assert_eq!(
        rstrip(&render_table(&t)),
        "\nLines Words Characters Property\n----- ----- ---------- --------\n    3\n\n"
    );
}

#[test]
fn group_002_view_width_on_first_column() {
    let t = table(
        vec![Column::right("Count").with_width(5), Column::new("Name")],
        &[&["1", "1"], &["1", "3"], &["2", "7"]],
    );
    assert_eq!(render_table(&t), "\nCount Name\n----- ----\n    1 1\n    1 3\n    2 7\n\n");
}

#[test]
fn group_003_group_column_fills_the_rest() {
    let evens: Vec<String> = (1..=10).map(|i| (i * 2).to_string()).collect();
    let odds: Vec<String> = (0..10).map(|i| (i * 2 + 1).to_string()).collect();
    let e = format_enumeration(&evens, FORMAT_ENUMERATION_LIMIT);
    let o = format_enumeration(&odds, FORMAT_ENUMERATION_LIMIT);
    let t = table(
        vec![Column::right("Count").with_width(5), Column::new("Name").with_width(25), Column::new("Group")],
        &[&["10", "0", &e], &["10", "1", &o]],
    );
    assert_eq!(
        render_table(&t),
        "\nCount Name                      Group\n----- ----                      -----\n   10 0                         {2, 4, 6, 8…}\n   10 1                         {1, 3, 5, 7…}\n\n"
    );
}

#[test]
fn hash_005_dictionary_view_and_enumeration_limit() {
    let items: Vec<String> = (0..=255).map(|i: i32| i.to_string()).collect();
    let t = table(
        vec![Column::new("Name").with_width(30), Column::new("Value")],
        &[&["array", &format_enumeration(&items, FORMAT_ENUMERATION_LIMIT)]],
    );
    assert_eq!(
        render_table(&t),
        "\nName                           Value\n----                           -----\narray                          {0, 1, 2, 3…}\n\n"
    );
}

#[test]
fn csv_008_many_rows() {
    let t = table(
        vec![Column::new("time"), Column::new("cs-method"), Column::new("cs-uri")],
        &[
            &["00:34:23", "GET", "/foo/bar.html"],
            &["12:21:16", "GET", "/foo/bar.html"],
            &["12:45:52", "GET", "/foo/bar.html"],
            &["12:57:34", "GET", "/foo/bar.html"],
        ],
    );
    assert_eq!(
        render_table(&t),
        "\ntime     cs-method cs-uri\n----     --------- ------\n00:34:23 GET       /foo/bar.html\n12:21:16 GET       /foo/bar.html\n12:45:52 GET       /foo/bar.html\n12:57:34 GET       /foo/bar.html\n\n"
    );
}

#[test]
fn like_002_and_csv_006() {
    let t = table(vec![Column::new("LinkID"), Column::new("TopicTitle")], &[&["113207", "about_Aliases"]]);
    assert_eq!(render_table(&t), "\nLinkID TopicTitle\n------ ----------\n113207 about_Aliases\n\n");
    let t = table(vec![Column::new("Col1"), Column::new("Col2")], &[&["Val1", "Val2"]]);
    assert_eq!(render_table(&t), "\nCol1 Col2\n---- ----\nVal1 Val2\n\n");
}

#[test]
fn too_wide_last_column_is_cut_to_the_screen() {
    let long = "x".repeat(100);
    let t = table(vec![Column::new("Name"), Column::new("Value")], &[&[&"n".repeat(50), &long]]);
    let out = render_table(&t);
    let lines: Vec<&str> = out.lines().collect();
    // 50 + 1 + 69 = 120 cells: the value keeps 68 characters and the ellipsis
    assert_eq!(lines[3].chars().count(), 120);
    assert!(lines[3].ends_with(&format!("{}…", "x".repeat(68))));
    assert_eq!(lines[2], format!("{} -----", "-".repeat(4) + &" ".repeat(46)));
}

#[test]
fn columns_that_do_not_fit_are_dropped_from_the_right() {
    let t = table(
        vec![Column::new("A"), Column::new("B"), Column::new("C")],
        &[&[&"a".repeat(100), &"b".repeat(30), &"c".repeat(30)]],
    );
    let out = render_table(&t);
    let lines: Vec<&str> = out.lines().collect();
    // A 100, B shrinks to 19, C is hidden
    assert_eq!(lines[1], format!("A{}B", " ".repeat(100)));
    assert_eq!(lines[3], format!("{} {}…", "a".repeat(100), "b".repeat(18)));
}

#[test]
fn header_wraps_when_the_declared_width_is_narrower() {
    let t = table(vec![Column::new("LongHeader").with_width(4), Column::new("B").with_width(1)], &[&["x", "y"]]);
    // the label wraps inside its column; the dashes stop at the column width
    assert_eq!(render_table(&t), "\nLong B\nHead\ner\n---- -\nx    y\n\n");
}

#[test]
fn hidden_headers_and_streaming_agree_with_render_table() {
    let cols = vec![Column::new("Identity"), Column::new("Status")];
    let rows = [["LPF1", "Synced"], ["MPF", "Failed"]];
    let mut stream =
        TableStream::new(cols.clone(), TableOptions::default()).with_window(std::time::Duration::from_secs(60));
    let mut streamed = String::new();
    for r in rows {
        streamed.push_str(&stream.push_row(row(&r)));
    }
    streamed.push_str(&stream.finish());
    let whole = table(cols, &[&rows[0], &rows[1]]);
    assert_eq!(streamed, render_table(&whole));
}

#[test]
fn wide_two_columns_default_and_explicit_count() {
    let items: Vec<String> = ["alpha", "beta", "gamma", "delta"].iter().map(|s| s.to_string()).collect();
    let out = render_wide(&items, Some(4), false, 40);
    // 40 - 3 separators = 37 cells: 10, 9, 9, 9
    assert_eq!(out, "\nalpha      beta      gamma     delta\n\n");
}

// ---------------------------------------------------------------------------
// PowerShell's own Format-Table.Tests.ps1 ("Format-Table should correctly
// render rows", "...when wrapped", "should have correct alignment"): views
// with declared widths, labels that wrap, cells cut or wrapped. Those tests
// read `... | Out-String`, which ends with one more newline than what
// Out-Default prints; `*` stands for a blank as in the Pester expectations.

fn stars(s: &str) -> String {
    s.replace('*', " ")
}

/// The Pester view: LongLongHeader (left), Header2 (right), Header3 (center).
fn pester_view(widths: [usize; 3], values: [&str; 3], wrap: bool) -> String {
    let columns = vec![
        Column::new("LongLongHeader").with_align(Align::Left).with_width(widths[0]),
        Column::new("Header2").with_align(Align::Right).with_width(widths[1]),
        Column::new("Header3").with_align(Align::Center).with_width(widths[2]),
    ];
    let mut t = TableSpec::new(columns).with_rows(vec![row(&values)]);
    t.wrap = wrap;
    render_table(&t) + "\n"
}

/// The one-column Pester view "One".
fn pester_one(width: usize, value: &str, wrap: bool) -> String {
    let mut t = TableSpec::new(vec![Column::new("LongLongHeader").with_width(width)]).with_rows(vec![row(&[value])]);
    t.wrap = wrap;
    render_table(&t) + "\n"
}

#[test]
fn pester_render_rows_narrow_values() {
    let expected =
        stars("\nLong*Header2*Heade\nLong**********r3\nHead\ner\n----*-------*-----\n1**********2***3\n\n\n");
    assert_eq!(pester_view([4, 7, 5], ["1", "2", "3"], false), expected);
    assert_eq!(pester_view([4, 7, 5], ["1", "2", "3"], true), expected);
}

#[test]
fn pester_render_rows_wide_values_cut() {
    assert_eq!(
        pester_view([4, 7, 5], ["12345", "12345678", "123456"], false),
        stars("\nLong*Header2*Heade\nLong**********r3\nHead\ner\n----*-------*-----\n123…*…345678*1234…\n\n\n")
    );
    assert_eq!(pester_one(3, "12345", false), "\nLon\ngLo\nngH\nead\ner\n---\n12…\n\n\n");
}

#[test]
fn pester_render_rows_wide_values_wrapped() {
    let v = ["12345", "12345678", "123456"];
    assert_eq!(
        pester_view([4, 8, 6], v, true),
        stars(
            "\nLong**Header2*Header\nLong************3\nHead\ner\n----**-------*------\n1234*12345678*123456\n5\n\n\n"
        )
    );
    assert_eq!(
        pester_view([5, 7, 6], v, true),
        stars(
            "\nLongL*Header2*Header\nongHe***********3\nader\n-----*-------*------\n12345*1234567*123456\n************8\n\n\n"
        )
    );
    assert_eq!(
        pester_view([5, 8, 5], v, true),
        stars(
            "\nLongL**Header2*Heade\nongHe***********r3\nader\n-----**-------*-----\n12345*12345678*12345\n*****************6\n\n\n"
        )
    );
    assert_eq!(
        pester_view([4, 7, 5], v, true),
        stars(
            "\nLong*Header2*Heade\nLong**********r3\nHead\ner\n----*-------*-----\n1234*1234567*12345\n5**********8***6\n\n\n"
        )
    );
    assert_eq!(pester_one(3, "12345", true), "\nLon\ngLo\nngH\nead\ner\n---\n123\n45\n\n\n");
}

#[test]
fn pester_wrapped_multiline_cell_left_and_middle() {
    let content = "This\nIs some random\nmultiline content";
    let mut left = table(vec![Column::new("Name"), Column::right("A"), Column::right("B")], &[&[content, "1", "2"]]);
    left.wrap = true;
    assert_eq!(
        render_table(&left) + "\n",
        "\nName                                  A B\n----                                  - -\nThis                                  1 2\nIs some random\nmultiline content\n\n\n"
    );
    let mut middle = table(vec![Column::right("A"), Column::new("Name"), Column::right("B")], &[&["1", content, "2"]]);
    middle.wrap = true;
    assert_eq!(
        render_table(&middle) + "\n",
        "\nA Name                                  B\n- ----                                  -\n1 This                                  2\n  Is some random\n  multiline content\n\n\n"
    );
}

#[test]
fn pester_view_alignment_without_widths() {
    let t = table(
        vec![
            Column::new("Left").with_align(Align::Left),
            Column::new("Center").with_align(Align::Center),
            Column::new("Right").with_align(Align::Right),
        ],
        &[&["1", "2", "3"]],
    );
    assert_eq!(render_table(&t), "\nLeft Center Right\n---- ------ -----\n1      2        3\n\n");
}

#[test]
fn pester_both_columns_wider_than_headers() {
    let t = table(vec![Column::new("abc"), Column::new("bcd")], &[&["1234", "1234"], &["1", "1"]]);
    assert_eq!(render_table(&t), "\nabc  bcd\n---  ---\n1234 1234\n1    1\n\n");
}

#[test]
fn pester_right_left_header_justification() {
    let t = table(vec![Column::right("a"), Column::new("b")], &[&["123", "abc"]]);
    assert_eq!(render_table(&t), "\n  a b\n  - -\n123 abc\n\n");
}

#[test]
fn host_005_leading_blank_line_before_the_window_closes() {
    // ../shared/conformance/uncertain.jsonl host-005: pwsh prints the
    // table's blank line at once and the header when the 300 ms window ends,
    // so Write-Host text written meanwhile lands between them.
    let mut out = String::from("-- before A\n");
    let mut t = TableStream::new(
        vec![Column::right("one"), Column::right("two"), Column::right("three")],
        TableOptions::default(),
    )
    .with_window(std::time::Duration::from_secs(60));
    out.push_str(&t.push_row(row(&["1", "2", "3"])));
    out.push_str("-- after A\n");
    out.push_str(&t.finish());
    assert_eq!(out, "-- before A\n\n-- after A\none two three\n--- --- -----\n  1   2     3\n\n");
}
