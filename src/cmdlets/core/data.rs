//! Select-Object, Sort-Object, Group-Object, Measure-Object and the CSV cmdlets.

use crate::runtime::command::Registry;

pub fn register(_r: &mut Registry) {}
