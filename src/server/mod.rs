//! The HTTP service (`unbroadcast serve`).

pub mod settings;
