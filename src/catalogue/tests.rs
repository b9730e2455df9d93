//! Tests of `catalogue/mod.rs`.

use super::*;

fn cat() -> Catalogue {
    Catalogue::shipped()
}

/// The old page (ms.date 7/22/2024, 14 pairs), as the first version shipped it.
const OLD_PAGE: &str = include_str!("../../tests/fixtures/catalogue/call-automation-2024-07-22.md");

fn old() -> Catalogue {
    let mut c = Catalogue::default();
    c.add(
        "old".into(),
        "file".into(),
        load_markdown(OLD_PAGE, "old").unwrap(),
    );
    c
}

/// Rows of a page's tables counted independently of the parser: table rows whose cells
/// in the given columns are numbers.
fn count_rows(page: &str, numeric: &[usize], cells: usize) -> usize {
    page.lines()
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .filter(|c| c.len() == cells && numeric.iter().all(|&i| c[i].parse::<u32>().is_ok()))
        .count()
}

#[test]
fn shipped_pages_have_every_pair() {
    let c = cat();
    let ca = &c.sources[0];
    let pstn = &c.sources[1];
    assert_eq!((ca.label.as_str(), ca.pairs), ("call-automation", 48));
    assert_eq!(pstn.label, "pstn");
    // One row of the Call Automation table has no closing pipe.
    assert_eq!(
        ca.pairs,
        count_rows(SHIPPED_CALL_AUTOMATION, &[1, 2], 5)
            + count_rows(SHIPPED_CALL_AUTOMATION, &[1, 2], 4)
    );
    assert_eq!(pstn.pairs, count_rows(SHIPPED_PSTN, &[0, 1], 5));
    assert_eq!(c.pairs.len(), ca.pairs + pstn.pairs);
    assert_eq!(
        c.codes.len(),
        count_rows(SHIPPED_CALL_AUTOMATION, &[0], 2) - c.subcodes.len()
    );
    assert!(c.codes.len() > 10 && c.subcodes.len() > 100);
}

#[test]
fn the_old_page_still_loads() {
    let o = old();
    assert_eq!(o.sources[0].pairs, 14);
    assert_eq!(o.codes.len(), cat().codes.len());
    assert!(o.warnings.is_empty() && cat().warnings.is_empty());
}

/// A page that gives a pair twice: the first row counts, as before, and a warning names both
/// lines (it was silent; a CSV catalogue refuses it).
#[test]
fn a_pair_given_twice_in_a_page_is_said() {
    let page = "| Code | Subcode | Message | Mitigation |\n|---|---|---|---|\n\
                | 400 | 8523 | First | Do this |\n| 404 | 8522 | Other | x |\n| 400 | 8523 | Second | Do that |\n";
    let mut c = Catalogue::default();
    c.add(
        "mine.md".into(),
        "file".into(),
        load_markdown(page, "mine.md").unwrap(),
    );
    assert_eq!(c.pair(400, 8523).unwrap().description, "First");
    assert_eq!(
        c.warnings,
        ["catalogue mine.md, line 5: pair 400/8523 is given twice (first on line 3); the first counts"]
    );
}

#[test]
fn exact_pairs_of_both_pages_resolve() {
    let c = cat();
    for (code, sub, source) in [
        (503, 560503, "call-automation"),
        (401, 71005, "call-automation"),
        (486, 560486, "pstn"),
        (403, 510403, "call-automation"),
        (560, 540000, ""),
    ] {
        let r = c.lookup(code, Some(sub));
        if source.is_empty() {
            assert_ne!(r.matched, Match::Exact, "{code}/{sub}");
        } else {
            assert_eq!(
                (r.matched, r.source),
                (Match::Exact, source),
                "{code}/{sub}"
            );
        }
    }
    // Both pages have 503/560503: the Call Automation page's wins, the PSTN one is listed.
    assert_eq!(
        c.lookup(503, Some(560503)).description,
        "Unexpected server error."
    );
    assert_eq!(
        c.pairs
            .iter()
            .filter(|p| (p.code, p.subcode) == (503, 560503))
            .count(),
        2
    );
    assert_eq!(
        c.effective_pairs()
            .filter(|p| (p.code, p.subcode) == (503, 560503))
            .count(),
        1
    );
    let r = c.lookup(404, Some(8522));
    assert_eq!(r.events(), "CreateCallFailed / AnswerFailed");
}

#[test]
fn pstn_text_keeps_its_lines() {
    let c = cat();
    let p = c.pair(403, 560403).unwrap();
    assert_eq!(p.tier, Tier::CallAutomation);
    let pstn = c
        .pairs
        .iter()
        .find(|p| (p.code, p.subcode, p.tier) == (403, 560403, Tier::Pstn))
        .unwrap();
    assert_eq!(
        pstn.description,
        "Call forbidden.\nCall canceled.\nCall rejected."
    );
    assert_eq!(
        one_line(&pstn.description),
        "Call forbidden. Call canceled. Call rejected."
    );
    assert_eq!(
        one_line("Normal PSTN call end:\nUser ended the call.\nCall ended by media agent."),
        "Normal PSTN call end: User ended the call. Call ended by media agent."
    );
    assert_eq!(
        one_line("see [https://x.example/a](https://x.example/a) and [b](https://y.example)"),
        "see https://x.example/a and [b](https://y.example)"
    );
}

#[test]
fn subcode_0_never_calls_a_failure_a_success() {
    for c in [cat(), old()] {
        let r = c.lookup(603, Some(0));
        assert_eq!((r.matched, r.description), (Match::Code, "Declined"));
        let r = c.lookup(500, Some(0));
        assert_eq!(
            (r.matched, r.description),
            (Match::Code, "Internal server error")
        );
        // A success subcode on a failure code, with no generic code: nothing.
        assert_eq!(c.lookup(499, Some(8569)).matched, Match::None);
        // Nor the other way round: 200/8522 is not "Not Found" (it reads the 2xx section,
        // which the old page has too).
        let r = c.lookup(200, Some(8522));
        assert_eq!(r.matched, Match::Code);
        assert!(r.description.starts_with("A 2xx code"), "{}", r.description);
        assert_eq!(c.lookup(200, Some(8531)).matched, Match::Subcode);
        assert_eq!(c.lookup(487, Some(7000)).matched, Match::Subcode);
    }
    // 487/0 is a pair of the current page, 200/0 a row of CallDisconnected's only; the old page
    // falls back.
    let (new, old) = (cat(), old());
    let r = new.lookup(487, Some(0));
    assert_eq!((r.matched, r.category), (Match::Exact, Category::Client));
    assert_eq!(
        r.description,
        "Call ended successfully as caller canceled the call."
    );
    let r = old.lookup(487, Some(0));
    assert_eq!((r.matched, r.description), (Match::Code, "Canceled"));
    let r = new.lookup(200, Some(0));
    assert_eq!((r.matched, r.description), (Match::Subcode, "Success"));
    let r = old.lookup(200, Some(0));
    assert_eq!((r.matched, r.description), (Match::Subcode, "Success"));
}

#[test]
fn subcode_0_is_a_success_whatever_a_file_calls_it() {
    let mut c = Catalogue::default();
    let csv = "code,subcode,description,mitigation\n603,,Declined,\n,0,Success.,\n,0,x,\n";
    assert!(load_csv(csv, "s.csv").is_err(), "a subcode given twice");
    let csv = "code,subcode,description,mitigation\n603,,Declined,\n,0,Call ended.,\n";
    c.add(
        "s.csv".into(),
        "file".into(),
        load_csv(csv, "s.csv").unwrap(),
    );
    assert_eq!(c.lookup(603, Some(0)).description, "Declined");
}

/// A CSV row of a code alone or of a subcode alone gives its mitigation to the keys it
/// describes, in the lookup, `codes` and the KQL queries (rev63a F3: only a pair's row kept
/// it, and the others' records fell into `(no documented mitigation)`, silently).
#[test]
fn a_csv_row_of_a_code_or_a_subcode_keeps_its_mitigation() {
    let mut c = cat();
    let csv = "code,subcode,description,mitigation\n999,,Weird code,Ask support about 999\n,8536,File fetch failed,Check the blob SAS token\n";
    c.add(
        "mine.csv".into(),
        "file".into(),
        load_csv(csv, "mine.csv").unwrap(),
    );
    let r = c.lookup(400, Some(8536));
    assert_eq!(
        (r.matched, r.description, r.mitigation),
        (
            Match::Subcode,
            "File fetch failed",
            Some("Check the blob SAS token")
        )
    );
    let r = c.lookup(999, Some(1));
    assert_eq!(
        (r.matched, r.mitigation),
        (Match::Code, Some("Ask support about 999"))
    );
    // The pages' generic rows have none.
    assert_eq!(c.lookup(500, Some(1)).mitigation, None);
    let (entries, _) = query::lookup(&c, &[parse_query("8536").unwrap()]);
    let subcode = entries.iter().find(|e| e.entry == "subcode").unwrap();
    assert_eq!(subcode.mitigation, "Check the blob SAS token");
}

#[test]
fn later_files_win_within_their_tier() {
    let mut c = cat();
    let csv = "code,subcode,description,mitigation\n486,560486,Mine,Do this\n503,560503,Override,Do that\n";
    c.add(
        "mine.csv".into(),
        "file".into(),
        load_csv(csv, "mine.csv").unwrap(),
    );
    assert_eq!(c.lookup(486, Some(560486)).description, "Mine");
    assert_eq!(c.lookup(503, Some(560503)).source, "mine.csv");
    // A PSTN page given again does not win over the Call Automation tier.
    c.add(
        "pstn2".into(),
        "file".into(),
        load_markdown(SHIPPED_PSTN, "pstn2").unwrap(),
    );
    assert_eq!(c.lookup(503, Some(560503)).source, "mine.csv");
    assert_eq!(c.lookup(480, Some(560480)).source, "call-automation");
    assert_eq!(c.lookup(408, Some(560408)).source, "pstn2");
}

#[test]
fn subcode_8522_means_two_things() {
    let c = cat();
    let a = c.lookup(404, Some(8522));
    let b = c.lookup(405, Some(8522));
    assert_eq!(a.matched, Match::Exact);
    assert_eq!(b.matched, Match::Exact);
    assert!(a
        .mitigation
        .unwrap()
        .starts_with("Double check call status"));
    assert!(b.mitigation.unwrap().contains("AnswerCall"));
    assert_eq!(b.description, "Missing configuration");
}

#[test]
fn pair_not_in_table_falls_back_to_generic_subcode() {
    let c = cat();
    let r = c.lookup(400, Some(8522));
    assert_eq!(r.matched, Match::Subcode);
    assert_eq!(r.description, "Not Found");
    assert_eq!(r.mitigation, None);
    assert_eq!(r.category, Category::Client);
}

#[test]
fn unknown_subcode_falls_back_to_code_then_none() {
    let c = cat();
    // (560486 under 503 reads the SBC rule: 561486 starts with no prefix the rule reads.)
    let r = c.lookup(503, Some(561486));
    assert_eq!(
        (r.matched, r.description),
        (Match::Code, "Service Unavailable")
    );
    let r = c.lookup(499, Some(99999));
    assert_eq!(
        (r.matched, r.description, r.source),
        (Match::None, UNCATALOGUED, "")
    );
}

#[test]
fn lookup_without_subcode_uses_the_code() {
    let c = cat();
    let r = c.lookup(404, None);
    assert_eq!((r.matched, r.description), (Match::Code, "Not found"));
    let r = c.lookup(200, None);
    assert_eq!(r.matched, Match::Code);
    assert_eq!(r.category, Category::Success);
    let r = c.lookup(700, None);
    assert_eq!((r.matched, r.category), (Match::None, Category::Unknown));
}

#[test]
fn recognize_success_subcodes_are_successes() {
    let c = cat();
    for sub in [8514, 8531, 8533, 8545, 8569] {
        let r = c.lookup(200, Some(sub));
        assert_eq!(r.category, Category::Success, "200/{sub}");
        assert_eq!(r.matched, Match::Subcode);
    }
}

#[test]
fn out_of_order_8571_is_found() {
    assert_eq!(
        cat().subcodes.get(&8571).map(|g| g.description.as_str()),
        Some("Recording Operation Conflict")
    );
}

#[test]
fn six_digit_subcodes_fit() {
    let c = cat();
    let r = c.lookup(408, Some(301005));
    assert_eq!((r.matched, r.description), (Match::Code, "Timed out"));
    assert_eq!(key_label(486, Some(560486)), "486/560486");
}

#[test]
fn categories_from_code_ranges() {
    let cases = [
        (199, Category::Unknown),
        (200, Category::Success),
        (299, Category::Success),
        (300, Category::Unknown),
        (400, Category::Client),
        (499, Category::Client),
        (500, Category::Server),
        (599, Category::Server),
        (600, Category::Global),
        (699, Category::Global),
        (700, Category::Unknown),
    ];
    for (code, want) in cases {
        assert_eq!(Category::of(code), want, "{code}");
    }
}

#[test]
fn relative_links_become_absolute() {
    let p = cat();
    let e = p.pair(412, 8583).unwrap();
    assert!(e.mitigation.contains(
        "](https://learn.microsoft.com/azure/communication-services/how-tos/call-automation/control-mid-call-media-actions#media-action-compatibility-table)"
    ), "{}", e.mitigation);
    assert!(!p.pairs.iter().any(|e| e.mitigation.contains("../")));
}

#[test]
fn code_0_the_pstn_normal_call_end_is_a_success() {
    assert_eq!(Category::of(0), Category::Success);
    assert!(!Category::of(0).is_failure());
    assert_eq!(Category::of(1), Category::Unknown);
    let cat = Catalogue::load(&[], true).unwrap();
    let l = cat.lookup(0, Some(560_000));
    assert_eq!(l.category, Category::Success);
    assert_eq!(l.matched, Match::Exact);
}

/// A subcode the pages give only within a pair, met under another code of the same class, has
/// the pair's text as a subcode match (a real-shapes review, /tmp/rev50b §10: the docs' own
/// SipDetails example, 500/560503, had fallen to the generic code's "Internal server error"; the
/// PSTN page prints 560487's pair as 497, so a real 487/560487 had been "Canceled").
#[test]
fn a_subcode_of_a_pair_under_another_code_of_its_class_is_a_subcode_match() {
    let c = cat();
    let r = c.lookup(500, Some(560503));
    assert_eq!(
        (r.matched, r.description),
        (Match::Subcode, "Unexpected server error.")
    );
    assert!(
        r.mitigation
            .is_some_and(|m| m.contains("open support ticket")),
        "{:?}",
        r.mitigation
    );
    let r = c.lookup(487, Some(560487));
    assert_eq!(r.matched, Match::Subcode);
    assert!(
        r.description
            .contains("The caller terminated the call request."),
        "{}",
        r.description
    );
    // Not under a code of another class: a success is not told it was a server error (it
    // reads the 2xx section).
    let r = c.lookup(200, Some(560503));
    assert_eq!(r.matched, Match::Code);
    assert!(r.description.starts_with("A 2xx code"), "{}", r.description);
    // Under a failure code of another class, the SBC rule reads it.
    assert_eq!(c.lookup(400, Some(560503)).matched, Match::Prefix);
}

#[test]
fn a_page_cut_inside_a_row_is_an_error_naming_the_row() {
    // An interrupted download of the old page, cut inside the mitigation of 400/8559: its last
    // row had won over the whole page's, with a mitigation stopped mid-sentence.
    let at = OLD_PAGE.find("Double check recording status").unwrap() + 20;
    let line = OLD_PAGE[..at].lines().count();
    let err = load_markdown(&OLD_PAGE[..at], "cut.md")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "catalogue cut.md, line {line}: the page ends inside this row"
        )),
        "{err}"
    );
    // Cut after a cell's border: a row with fewer cells than its header.
    let row_end = OLD_PAGE[at..].find('\n').unwrap() + at;
    let border = OLD_PAGE[..row_end]
        .trim_end()
        .trim_end_matches('|')
        .rfind('|')
        .unwrap()
        + 1;
    assert!(load_markdown(&OLD_PAGE[..border], "cut.md").is_err());
    // The same row whole, at the end of the text with or without its newline, loads.
    for end in [row_end, row_end + 1] {
        let loaded = load_markdown(&OLD_PAGE[..end], "whole.md").unwrap();
        assert!(loaded
            .pairs
            .iter()
            .any(|p| (p.code, p.subcode) == (400, 8559)));
    }
    // An escaped border in a cell is not a border.
    let page = "| Code | Subcode | Description |\n|---|---|---|\n| 400 | 1 | a \\| b |";
    assert_eq!(
        load_markdown(page, "p.md").unwrap().pairs[0].description,
        "a | b"
    );
    let cut = "| Code | Subcode | Description |\n|---|---|---|\n| 400 | 1 | a \\| b";
    assert!(load_markdown(cut, "p.md").is_err());
}

/// The PSTN page's rule (its lines 19-23): a subcode starting with 560 is an outbound call, 540
/// an inbound one, whose final SIP response (the last three digits) came from the user's SBC.
/// It reads the subcodes no pair documents, before the generic code (500/560410 had been
/// "Internal server error").
#[test]
fn the_sbc_rule_reads_560_and_540_subcodes_no_pair_documents() {
    let c = cat();
    let r = c.lookup(500, Some(560_410));
    assert_eq!((r.matched, r.source), (Match::Prefix, "pstn"));
    assert!(
        r.description.contains("an outbound call"),
        "{}",
        r.description
    );
    assert!(
        r.description.ends_with("from the SBC was 410."),
        "{}",
        r.description
    );
    assert!(r
        .mitigation
        .is_some_and(|m| m.contains("checking your SBC logs")));
    let r = c.lookup(500, Some(540_486));
    assert_eq!(r.matched, Match::Prefix);
    assert!(r.description.contains("an inbound call") && r.description.contains("was 486."));
    // Pairs keep winning, exact or through their subcode.
    assert_eq!(c.lookup(403, Some(560_403)).matched, Match::Exact);
    assert_eq!(c.lookup(486, Some(540_486)).matched, Match::Exact);
    assert_eq!(
        c.lookup(500, Some(560_503)).description,
        "Unexpected server error."
    );
    // A pair's subcode under a code of another class, which the pair does not describe.
    assert_eq!(c.lookup(503, Some(560_486)).matched, Match::Prefix);
    // Not a SIP code, not the prefixes, or a success code with a failed SIP code: no rule.
    for (code, sub) in [
        (500, 560_099),
        (500, 560_700),
        (500, 561_410),
        (500, 5_604_100),
    ] {
        assert_eq!(
            c.lookup(code, Some(sub)).matched,
            Match::Code,
            "{code}/{sub}"
        );
    }
    assert_ne!(c.lookup(200, Some(560_410)).matched, Match::Prefix);
    assert_eq!(c.lookup(200, Some(560_202)).matched, Match::Prefix);
    // Only a page that states it gives the rule: not the Call Automation page alone, and the
    // PSTN page loaded as a file names that file.
    let mut ca = Catalogue::default();
    let ca_page = load_markdown(SHIPPED_CALL_AUTOMATION, "ca").unwrap();
    assert!(!ca_page.prose.sbc_rule);
    ca.add("ca".into(), "file".into(), ca_page);
    assert_eq!(ca.lookup(500, Some(560_410)).matched, Match::Code);
    let mut pstn = Catalogue::default();
    pstn.add(
        "p.md".into(),
        "file".into(),
        load_markdown(SHIPPED_PSTN, "p.md").unwrap(),
    );
    assert_eq!(pstn.lookup(500, Some(560_410)).source, "p.md");
}

/// The "2xx codes" section lists no code: every 2xx code without a row of its own reads its
/// paragraph, as a generic code (202 had been `uncatalogued`). The sections that list codes
/// (4xx, 5xx, 6xx) give no such text to a code they leave out.
#[test]
fn a_2xx_code_without_a_row_reads_the_2xx_section() {
    let c = cat();
    for code in [200, 202, 204, 299] {
        let r = c.lookup(code, None);
        assert_eq!(
            (r.matched, r.source),
            (Match::Code, "call-automation"),
            "{code}"
        );
        assert_eq!(
            r.description,
            "A 2xx code represents a successful response. The subcode for successful responses will be 0."
        );
    }
    assert_eq!(c.classes.keys().collect::<Vec<_>>(), vec![&2]);
    assert_eq!(c.lookup(404, None).description, "Not found");
    assert_eq!(c.lookup(402, None).matched, Match::None);
    assert_eq!(c.lookup(2000, None).matched, Match::None);
    assert_eq!(c.lookup(200, Some(0)).matched, Match::Subcode);
    assert_eq!(c.lookup(202, Some(0)).matched, Match::Subcode);
}

/// What the page says of each success key, and nothing it says of another (rev54b §5): 200/0
/// is every successful action's key (a Play's media summary, a PlayCompleted), which the
/// CallDisconnected row of 200/0 ("Call ended successfully by the local participant.") does
/// not describe: it reads the generic subcode 0, and the row is listed as its event's, not
/// used. 200/5001 and 200/5002, which the page does not list, read what the 2xx section says
/// of every 2xx code, without its sentence that the subcode will be 0. The other rows of 2xx
/// codes, 487/0, and a file's own 200/0 without callback events stay the keys' readings.
#[test]
fn a_success_key_reads_what_the_page_says_of_it() {
    let c = cat();
    let r = c.lookup(200, Some(0));
    assert_eq!(
        (r.matched, r.description, r.source, r.mitigation, r.events()),
        (
            Match::Subcode,
            "Success",
            "call-automation",
            None,
            String::new()
        )
    );
    assert!(c.pair(200, 0).is_none());
    assert!(c.effective_pairs().all(|p| (p.code, p.subcode) != (200, 0)));
    let row = (c.pairs.iter()).find(|p| (p.code, p.subcode) == (200, 0));
    assert!(row.is_some_and(|p| p.for_its_events_only() && p.events() == "CallDisconnected"));
    for sub in [5001, 5002] {
        let r = c.lookup(200, Some(sub));
        assert_eq!(
            (r.matched, r.description),
            (Match::Code, "A 2xx code represents a successful response."),
            "{sub}"
        );
    }
    for (code, sub, text) in [
        (200, 4521, "Participant abruptly disconnected"),
        (
            200,
            7015,
            "Call ended by service after successful transfer.",
        ),
        (
            487,
            0,
            "Call ended successfully as caller canceled the call.",
        ),
    ] {
        let r = c.lookup(code, Some(sub));
        assert_eq!(r.matched, Match::Exact, "{code}/{sub}");
        assert!(r.description.starts_with(text), "{}", r.description);
    }
    let file = load_csv(
        "code,subcode,description,mitigation\n200,0,Our success.,\n",
        "f",
    );
    let mut f = cat();
    f.add("f".into(), "file".into(), file.unwrap());
    let r = f.lookup(200, Some(0));
    assert_eq!((r.matched, r.description), (Match::Exact, "Our success."));
    // `codes 200/0` gives the key's reading, then the row as its event's, not used.
    let found = super::query::find(&c, &super::query::Query::Pair(200, 0));
    let kinds: Vec<(&str, bool, &str)> = (found.iter())
        .map(|e| {
            (
                e.entry,
                super::query::used(e, &c),
                e.callback_event.as_str(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("resolved", true, ""), ("pair", false, "CallDisconnected")]
    );
}

/// A page's `<br/>` items on one line keep the page's own punctuation (rev53 item 10: "retry
/// the call.<br/> - Ensure" had been "retry the call; Ensure"): an item that ends a sentence
/// is followed by a space, any other by `; `.
#[test]
fn items_on_one_line_keep_the_pages_full_stops() {
    let c = cat();
    let declined = c.pair(603, 560_603).unwrap();
    assert_eq!(
        one_line(&declined.description),
        "Call declined by the recipient. Call declined due to fraud detection."
    );
    let m = one_line(&declined.mitigation);
    assert!(
        m.starts_with("If declined by the recipient, retry the call. Ensure that you aren't"),
        "{m}"
    );
    assert_eq!(one_line("a\nb?\nc!\nd"), "a; b? c! d");
    assert_eq!(
        one_line("Phone number not found\nResource used"),
        "Phone number not found; Resource used"
    );
    assert_eq!(one_line("Wait...\nthen"), "Wait... then");
}

/// [`Catalogue::subcode_pair`] as a scan of every pair that counts: the first that holds the
/// subcode, when all that hold it say the same.
fn subcode_pair_by_scan(c: &Catalogue, subcode: u32) -> Option<&PairEntry> {
    let mut holding = c.effective_pairs().filter(|p| p.subcode == subcode);
    let first = holding.next()?;
    holding
        .all(|p| p.description == first.description)
        .then_some(first)
}

#[test]
fn the_subcode_index_answers_as_a_scan_of_the_pairs() {
    let same = |c: &Catalogue| {
        let mut subs: Vec<u32> = c.pairs.iter().map(|p| p.subcode).collect();
        subs.extend([0, 1, 7, 999_999, u32::MAX]);
        for s in subs {
            let (a, b) = (c.subcode_pair(s), subcode_pair_by_scan(c, s));
            assert!(
                a.map(|p| p as *const _) == b.map(|p| p as *const _),
                "subcode {s}"
            );
        }
    };
    same(&cat());
    same(&old());
    // A generated file over the built-in pages: subcodes held by one pair, by several that
    // agree, by several that disagree, and pairs that override the built-in ones.
    let mut c = cat();
    let mut csv = String::from("code,subcode,description,mitigation\n");
    for i in 0..2_000u32 {
        let (code, sub) = (400 + i % 7, 70_000 + i / 3);
        let text = if i % 5 == 0 {
            format!("odd {i}")
        } else {
            format!("text {}", i / 3)
        };
        csv += &format!("{code},{sub},{text},\n");
    }
    for p in cat().effective_pairs().step_by(3) {
        let text: String = (p.description.chars())
            .filter(|c| c.is_alphanumeric() || *c == ' ')
            .collect();
        csv += &format!("{},{},{text} again,\n", p.code, p.subcode);
    }
    c.add(
        "gen.csv".into(),
        "file".into(),
        load_csv(&csv, "gen.csv").unwrap(),
    );
    same(&c);
    assert!(c.subcode_pair(70_002).is_some() && c.subcode_pair(70_001).is_none());
}

/// The older page (no Callback Event column) given over the built-in pages wins its pairs but
/// keeps their callback events where it says the same of them (rev70b F4: it blanked them
/// for its 14 pairs); a saved copy of a built-in page lists no pair twice as another reading.
#[test]
fn an_older_copy_keeps_the_callback_events_and_a_same_copy_is_no_other_reading() {
    let mut c = Catalogue::shipped();
    let shipped = Catalogue::shipped();
    c.add(
        "old".into(),
        "file".into(),
        load_markdown(OLD_PAGE, "old").unwrap(),
    );
    let p = c.pair(404, 8522).unwrap();
    assert_eq!(c.sources[p.source].label, "old");
    let was = shipped.pair(404, 8522).unwrap();
    assert!(!was.callback_events.is_empty());
    assert_eq!(p.callback_events, was.callback_events);
    let page = include_str!("call-automation-sdk.md");
    let mut c = Catalogue::shipped();
    c.add(
        "copy.md".into(),
        "file".into(),
        load_markdown(page, "copy.md").unwrap(),
    );
    let found = query::find(&c, &Query::Pair(404, 8522));
    assert_eq!(found.len(), 1, "{found:?}");
    let found = query::find(&c, &Query::Number(8522));
    let pairs = found.iter().filter(|e| e.entry == "pair").count();
    assert_eq!(pairs, 2, "{found:?}");
}

/// A pair both pages give with other words: the PSTN page's row is the other reading of the
/// Call Automation page's (rev70b's note: the reports showed one only); a row with the same
/// words, or a key of one page only, has none.
#[test]
fn a_pair_the_pstn_page_reads_otherwise_has_that_reading() {
    let c = cat();
    let other = c.other_readings(403, 510403);
    assert_eq!(other.len(), 1, "{other:?}");
    assert_eq!(c.sources[other[0].source].label, "pstn");
    assert!(
        other[0].description.contains("Alternate ID not supplied"),
        "{other:?}"
    );
    assert!(c.other_readings(404, 8522).is_empty());
    assert!(c.other_readings(404, 1).is_empty());
    // The same pair given again by a file with the same words is no other reading.
    let mut again = cat();
    let row = c.pair(403, 510403).unwrap().clone();
    let page = format!(
        "| Code | Subcode | Message | Mitigation |\n|---|---|---|---|\n| 403 | 510403 | {} | {} |\n",
        row.description, row.mitigation
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("same.md");
    std::fs::write(&file, page).unwrap();
    again.add(
        "same.md".into(),
        "a copy".into(),
        Catalogue::read_file(&file).unwrap(),
    );
    let labels: Vec<&str> = (again.other_readings(403, 510403).iter())
        .map(|p| again.sources[p.source].label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["pstn"],
        "the copy's row is the one used, pstn's differs"
    );
}
