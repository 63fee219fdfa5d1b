//! Spot checks of the settlements the second edition added for 1648-1815, each against the sources
//! the data cites.

#[allow(unused_imports)]
use super::{count, peace_ending, rows, signed};
