//! The language runtime: values, conversions, scopes, binder, evaluator,
//! pipeline, errors, and the cmdlet registry.

pub mod dotnet;
pub mod host;
