//! cmdlets layer (see ARCHITECTURE.md).
