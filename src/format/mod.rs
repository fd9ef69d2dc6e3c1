//! Output as pwsh 7 prints it: the text layout of Format-Table, Format-List
//! and Format-Wide (plain text, not a terminal, width 120, en-US), the
//! display strings of Exchange value types, and the default views of the
//! Exchange object types.
//!
//! This layer knows strings, not runtime values: the runtime turns each
//! object into rows of cell strings (or `Name : value` entries) and picks a
//! view; everything here is pure and tested without a shell.
//!
//! - `table`: `TableSpec` / `render_table` for a whole table, `TableStream`
//!   for rows as they arrive, `TableLayout` for fixed widths.
//! - `list`: `ListEntry` / `render_list`.
//! - `wide`: `render_wide`.
//! - `values`: `Unlimited`, `format_enumeration`, and `ByteQuantifiedSize` re-exported
//!   from `tenant::types` (its one implementation).
//! - `group`: `-GroupBy` labels and per-group tables/lists.
//! - `out`: Out-Default's shape rule, Out-String `-Stream`/`-Width`.
//! - `views`: `view_for(type_name)`, the default view of each Exchange type.
//! - `cells`: display widths and line wrapping shared by the writers.
//!
//! How part 2 (the cmdlets) is expected to call it:
//!
//! ```
//! use exosh::format::{view_for, render_table, render_list, TableSpec, TableStream, TableOptions};
//!
//! // Out-Default of Get-MigrationBatch objects: the view's columns, one row per object
//! let view = view_for("Microsoft.Exchange.Migration.MigrationBatch").expect("a view");
//! let get = |p: &str| match p {
//!     "Identity" => Some("LPF1".to_string()),
//!     "Status" => Some("Synced".to_string()),
//!     "MigrationType" => Some("PublicFolder".to_string()),
//!     "TotalCount" => Some("1".to_string()),
//!     _ => None,
//! };
//! let spec = TableSpec::new(view.table_columns()).with_rows(vec![view.table_row(get)]);
//! assert_eq!(
//!     render_table(&spec),
//!     "\nIdentity Status Type         TotalCount\n-------- ------ ----         ----------\nLPF1     Synced PublicFolder 1\n\n"
//! );
//!
//! // the same rows as they arrive: print what each call returns
//! let mut stream = TableStream::new(view.table_columns(), TableOptions::default());
//! let mut printed = stream.push_row(view.table_row(get));
//! printed += &stream.finish();
//! assert_eq!(printed, render_table(&spec));
//!
//! // Format-List in the view's order
//! let list = render_list(&[view.list_entries(get)]);
//! assert!(list.starts_with("\nIdentity      : LPF1\nStatus        : Synced\n"));
//! ```

pub mod cells;
pub mod group;
pub mod list;
pub mod out;
pub mod table;
pub mod values;
pub mod views;
pub mod wide;

pub use group::{Group, group_consecutive, render_grouped_list, render_grouped_table, write_group_label};
pub use list::{ListEntry, render_list, render_list_width, write_list_entry};
pub use out::{MAX_DEFAULT_TABLE_COLUMNS, default_alignment, default_shape, out_string_widths, stream_lines};
pub use table::{
    Align, Column, DEFAULT_WIDTH, GROUPING_WINDOW, TableLayout, TableOptions, TableSpec, TableStream, render_table,
};
pub use values::{ByteQuantifiedSize, FORMAT_ENUMERATION_LIMIT, Unlimited, format_enumeration, group_thousands};
pub use views::{View, ViewColumn, ViewShape, view_for, view_for_cmdlet, views};
pub use wide::{render_wide, wide_columns_for};
