//! repl layer (see ARCHITECTURE.md).
