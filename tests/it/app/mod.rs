//! The whole app across its panels: the UI language, and its flows under the simulator's
//! faults.

mod faults;
mod language;
