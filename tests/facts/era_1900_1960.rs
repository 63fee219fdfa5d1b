//! Spot checks of the settlements the second edition added for 1900-1960, each against the sources
//! the data cites.

#[allow(unused_imports)]
use super::{count, peace_ending, rows, signed};
