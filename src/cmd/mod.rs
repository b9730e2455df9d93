//! Subcommands: each `run()` wires the pipeline stages together and holds no logic of its own.

pub mod codes;
pub mod config;
pub mod kql;
pub mod report;
pub mod shell;
pub mod triage;
