//! tenant layer (see ARCHITECTURE.md).
