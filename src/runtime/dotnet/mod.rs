//! .NET text semantics that PowerShell exposes: composite and numeric formats, DateTime and TimeSpan, regex dialect, wildcards.
