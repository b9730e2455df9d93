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

#[test]
fn completions_and_the_man_page_come_from_the_same_definition() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = bin().args(["completions", shell]).assert().success();
        let text = stdout(&out);
        for word in ["acs-triage", "report", "triage", "fail-on-spike"] {
            assert!(text.contains(word), "{shell}: no {word}");
        }
    }
    bin().args(["completions", "tcsh"]).assert().code(2);
    let out = bin().arg("man").assert().success();
    let page = stdout(&out);
    assert!(page.contains(".TH acs-triage 1"), "{page}");
    assert!(page.contains("report"), "{page}");
}
