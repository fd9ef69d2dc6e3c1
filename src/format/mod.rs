//! format layer (see ARCHITECTURE.md).
