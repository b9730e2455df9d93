//! Tests of `catalogue/load.rs`.

use super::*;

fn page(body: &str) -> Result<Loaded, CatalogueError> {
    markdown(body, "p.md")
}

#[test]
fn links_keep_anchor_and_drop_md() {
    assert_eq!(
        absolute_url("../../../../../how-tos/call-automation/control-mid-call-media-actions.md#media-action-compatibility-table"),
        "https://learn.microsoft.com/azure/communication-services/how-tos/call-automation/control-mid-call-media-actions#media-action-compatibility-table"
    );
    assert_eq!(
        absolute_url("https://example.org/a.md"),
        "https://example.org/a.md"
    );
    assert_eq!(
        absolute_url("../concepts/x.md"),
        "https://learn.microsoft.com/azure/communication-services/concepts/x"
    );
}

#[test]
fn headers_in_any_order_and_case_with_extra_columns() {
    let l = page(
        "| MITIGATION | Extra | subcode | Description | code |\n|---|---|---|---|---|\n| fix it | x | 8522 | Not found | 404 |\n",
    )
    .unwrap();
    assert_eq!(
        (
            l.pairs[0].code,
            l.pairs[0].subcode,
            l.pairs[0].mitigation.as_str()
        ),
        (404, 8522, "fix it")
    );
    assert_eq!(l.pairs[0].tier, Tier::CallAutomation);
    assert_eq!(l.pairs[0].line, 3);
}

#[test]
fn the_hand_splitters_bugs_are_gone() {
    // Two links in one cell, a URL with a parenthesis, an escaped pipe.
    let l = page(concat!(
        "| Code | Subcode | Description | Mitigation |\n|---|---|---|---|\n",
        "| 400 | 1 | a \\| b | see [a] or [docs](https://x.example/a_(b)) |\n",
    ))
    .unwrap();
    assert_eq!(l.pairs[0].description, "a | b");
    assert_eq!(
        l.pairs[0].mitigation,
        "see [a] or [docs](https://x.example/a_(b))"
    );
}

/// GFM splits a table's row at every `|` not escaped, in a code span too, and drops the cells
/// past the header's: the row is read as GFM reads it, and a warning names its line (rev71a F3:
/// the mitigation was dropped without a word). An escaped `\|` stays in its cell, unwarned.
#[test]
fn a_row_with_more_cells_than_its_header_is_said() {
    let l = page(concat!(
        "# Troubleshooting\n\n",
        "| Code | Subcode | Message | Mitigation |\n|---|---|---|---|\n",
        "| 400 | 8536 | check `prompt|tts` setting | Make sure the file URL is reachable. |\n",
        "| 400 | 8535 | check `prompt\\|tts` setting | Use a WAV file. |\n",
        "400 | 8534 | no outer pipes | x | y\n",
        "| 400 | 8533 | a | b |\n",
    ))
    .unwrap();
    assert_eq!(
        (
            l.pairs[0].description.as_str(),
            l.pairs[0].mitigation.as_str()
        ),
        ("check `prompt", "tts` setting")
    );
    assert_eq!(l.pairs[1].description, "check `prompt|tts` setting");
    assert_eq!(l.pairs[1].mitigation, "Use a WAV file.");
    assert_eq!(
        l.warnings,
        [
            "catalogue p.md, line 5: 5 cells for 4 columns, read as the first 4 (the rest dropped): a `|` inside the text, a code span's too, splits a cell unless written `\\|`",
            "catalogue p.md, line 7: 5 cells for 4 columns, read as the first 4 (the rest dropped): a `|` inside the text, a code span's too, splits a cell unless written `\\|`",
        ]
    );
    // A table of something else is not read, nor warned of.
    let l = page(concat!(
        "| Code | Subcode | Message |\n|---|---|---|\n| 400 | 1 | a |\n\n",
        "| Property | Type |\n|---|---|\n| a | b | c |\n",
    ))
    .unwrap();
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

#[test]
fn breaks_and_bullets_become_lines() {
    let l = page(concat!(
        "| SubCode | Code | Message | Result Categories | Advice |\n|--- |--- |--- |--- |--- |\n",
        "| 560403 | 403 | - Call forbidden.<br/> - Call canceled.<br/> - Call rejected. |  | See <https://en.wikipedia.org/wiki/E.164>. |\n",
    ))
    .unwrap();
    let p = &l.pairs[0];
    assert_eq!(
        p.description,
        "Call forbidden.\nCall canceled.\nCall rejected."
    );
    assert_eq!(
        p.mitigation,
        "See [https://en.wikipedia.org/wiki/E.164](https://en.wikipedia.org/wiki/E.164)."
    );
    assert_eq!(p.tier, Tier::Pstn);
}

#[test]
fn generic_tables_and_callback_events() {
    let l = page(concat!(
        "| Callback Event | Code | Subcode | Description | Mitigation |\n|--|--|--|--|--|\n",
        "| CreateCallFailed / AnswerFailed | 404 | 8522 | Not found | Check |\n\n",
        "| Status Code | Description |\n| --- | --- |\n| 603 | Declined |\n\n",
        "| Subcode | Description |\n| --- | --- |\n| 0 | Success |\n",
    ))
    .unwrap();
    assert_eq!(
        l.pairs[0].callback_events,
        ["CreateCallFailed", "AnswerFailed"]
    );
    assert_eq!(l.codes, [(603, "Declined".to_string(), String::new())]);
    assert_eq!(l.subcodes, [(0, "Success".to_string(), String::new())]);
}

#[test]
fn errors_name_the_file_and_line() {
    let e = page("# nothing here\n").unwrap_err();
    assert!(matches!(e, CatalogueError::NoCodeTable { .. }), "{e}");
    let e = page("| Code | Subcode | Description | Mitigation |\n| --- | --- | --- | --- |\n| 404 | 8522 | a | b |\n| 4o4 | 1 | a | b |\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "catalogue p.md, line 4: code \"4o4\" is not a number"
    );
    let e = page("text\n\n| Error | Sub | Text |\n|---|---|---|\n| 404 | 1 | x |\n").unwrap_err();
    assert!(
        e.to_string().starts_with("catalogue p.md, line 3: a table of codes whose columns are not known (Error | Sub | Text)"),
        "{e}"
    );
    let e = page("| Code | Description |\n|---|---|\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "catalogue p.md, line 1: a code table with no entries"
    );
    // A table of something else is not a code table.
    let e = page("| Property | Type | Description |\n|---|---|---|\n| `Code` | Integer | x |\n")
        .unwrap_err();
    assert!(matches!(e, CatalogueError::NoCodeTable { .. }));
}

#[test]
fn csv_form_and_its_errors() {
    let l = csv("code,subcode,description,mitigation\n404,8522,Not found,Check the call\n418,,Teapot,\n,9100,New subcode,\n", "c.csv").unwrap();
    assert_eq!(l.pairs.len(), 1);
    assert_eq!(l.codes, [(418, "Teapot".to_string(), String::new())]);
    assert_eq!(
        l.subcodes,
        [(9100, "New subcode".to_string(), String::new())]
    );
    let err = |t: &str| csv(t, "c.csv").unwrap_err().to_string();
    assert_eq!(
        err("code,subcode,description,mitigation\n404,8522,a,b\n404,x1,a,b\n"),
        "catalogue c.csv, line 3: subcode \"x1\" is not a number"
    );
    assert_eq!(
        err("code,subcode,description,mitigation\n404,8522,a\n"),
        "catalogue c.csv, line 2: 3 fields for 4 columns"
    );
    assert_eq!(
        err("code,subcode,description,mitigation\n404,8522,a,b\n\n404,8522,c,d\n"),
        "catalogue c.csv, line 4: pair 404/8522 is given twice (first on line 2)"
    );
    // Its header and no row: said so, not sent to look for the header it has (rev71a F8).
    assert_eq!(
        err("code,subcode,description,mitigation\n"),
        "catalogue c.csv, line 1: a CSV catalogue with its header and no rows"
    );
    assert_eq!(
        err("code,subcode,description,mitigation\n\n,,,\n"),
        "catalogue c.csv, line 1: a CSV catalogue with its header and no rows"
    );
}

#[test]
fn a_large_page_loads_in_linear_time() {
    let mut page = String::from("| Code | Subcode | Description |\n|---|---|---|\n");
    for i in 0..100_000 {
        page.push_str(&format!("| 400 | {i} | d |\n"));
    }
    // Not a timing assertion: the result, with 100,000 lines numbered right.
    let l = markdown(&page, "big.md").unwrap();
    assert_eq!(l.pairs.len(), 100_000);
    assert_eq!(l.pairs[99_999].line, 100_002);
}

#[test]
fn utf16_is_decoded() {
    let text = "code,subcode,description,mitigation\n404,1,a,b\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(decode(le, "x").unwrap(), text);
    assert_eq!(decode(be, "x").unwrap(), text);
    assert!(decode(b"\xff\x00abc".to_vec(), "x").is_err());
}

#[test]
fn utf8_becomes_text_in_its_own_buffer() {
    // A large catalogue is held once: the text is the bytes read, not a copy of them.
    let text = "code,subcode,description,mitigation\n404,1,a,b\n";
    for bom in [&b""[..], b"\xEF\xBB\xBF"] {
        let bytes = [bom, text.as_bytes()].concat();
        let buffer = bytes.as_ptr();
        let decoded = decode(bytes, "x").unwrap();
        assert_eq!(decoded, text);
        assert_eq!(decoded.as_ptr(), buffer);
    }
    assert!(decode(b"\xEF\xBB\xBFa\xff".to_vec(), "x")
        .unwrap_err()
        .to_string()
        .contains("offset 1"));
}
