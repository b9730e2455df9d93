//! The real binary, run as a user would: on `samples/` (compared against the generator's ground
//! truth in `tests/fixtures/samples_expected.json`) and on small files written here. One module
//! per command or concern.

mod browser;
mod codes;
mod common;
mod config;
mod input;
mod kql;
mod report;
mod spikes;
mod triage;

use common::*;

#[test]
fn help_documents_exit_codes() {
    let out = bin().arg("--help").assert().success();
    insta::assert_snapshot!("help", stdout(&out));
    let out = bin().args(["report", "--help"]).assert().success();
    insta::assert_snapshot!("report_help", stdout(&out));
}
