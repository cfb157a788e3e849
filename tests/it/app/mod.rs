//! The whole app across its panels: the UI language, and its flows under the simulator's
//! faults, and on a simulator run elsewhere with an admin key.

mod faults;
mod language;
mod remote_simulator;
