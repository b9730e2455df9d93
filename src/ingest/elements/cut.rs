//! Where a block of array elements is cut: after the last element whole in it, at a comma
//! between elements or the array's `]` ([`last_element_end`] and the others of
//! [`element_end`]), passing a damaged element as it will be read.

use super::super::structure::value_end;
use super::closers::stray_closer;
use super::damaged::stray_quote_end;
use super::lost::{closer_before, lost_walk, Lost};
use super::pretty::{opens, past_pretty_debris};

/// The cut of a block of array elements that starts between two of them: the last comma
/// between elements, or the array's closing `]`, with the number of elements before it.
pub(super) fn last_element_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, false, false)
}

/// [`last_element_end`] of a top-level array, which another document may follow directly.
pub(super) fn last_element_end_top(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, true, false, false)
}

/// [`last_element_end`] of a query API table's rows: a scalar where a row should start may be
/// the first cell of a row that lost its `[` (in an array of records, a string there may be an
/// element of its own).
pub(super) fn last_row_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, false, true)
}

/// [`last_element_end`] of a part ([`read_array`]'s `parts`) that the input goes on after: a
/// `]` with nothing after it yet may be a stray one, which what follows would show, so the
/// part ends at the comma before it (none: the part is read on).
pub(super) fn part_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, true, false)
}

/// [`part_end`] of a top-level array.
pub(super) fn part_end_top(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, true, true, false)
}

/// [`part_end`] of a query API table's rows.
pub(super) fn part_row_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, true, true)
}

/// The cuts above: of a top-level array (`top`), of a part (`part`), of a table's `rows`.
fn element_end(b: &[u8], top: bool, part: bool, rows: bool) -> Option<(usize, u64)> {
    let mut i = 0;
    let mut count = 0u64;
    let mut last = None;
    // The end of the last element, a cut when no comma comes between elements (JSON Lines
    // after an array's `[`, whose `]` was lost): such an array is read block by block, as a
    // missing comma costs nothing, and not as one element over the cap. Only once two
    // elements were seen without a comma between them.
    let mut ended = None;
    let mut after_value = false;
    // Where the last value starts: its shape shows where a stray quote's string runs into
    // the next element, and the walk goes on there, as the elements are read
    // ([`stray_quote_end`]), not inside the strings after it.
    let mut prev = None;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match b.get(i) {
            None => return last.or(ended),
            Some(b',') => {
                last = Some((i, count));
                after_value = false;
                i += 1;
            }
            Some(b']') if !stray_closer(b, i, top) => {
                if part && b[i + 1..].iter().all(u8::is_ascii_whitespace) {
                    return last.or(ended);
                }
                return Some((i, count));
            }
            Some(b']') => i += 1,
            Some(&c) => {
                let Some(end) = value_end(b, i) else {
                    return last.or(ended);
                };
                // Damage that closed an element early: on where the next one starts.
                if matches!(c, b'{' | b'[') {
                    if let Some((j, _)) = past_pretty_debris(b, (i, end), top) {
                        prev = Some(i);
                        i = j;
                        count += 1;
                        after_value = false;
                        continue;
                    }
                }
                if c == b'"' {
                    if let Some(next) = stray_quote_end(b, i, prev, &None) {
                        count += 1;
                        i = next;
                        continue;
                    }
                }
                // An element that lost its opener (line), where an element should start (a
                // record's first key, a row's first cell), or right after the closer of the
                // one before (its comma lost too): one element up to its closer, as it is read
                // ([`lost_opener`]), not a cut among its members nor one element for each of
                // them; when its end is not in `b`, the cut goes before it.
                let lost = (c == b'"' || rows && !opens(c))
                    .then(|| (!after_value || closer_before(b, i)).then(|| lost_walk(b, i, !rows)))
                    .flatten();
                match lost {
                    Some(Lost::Ends(j, bare)) => {
                        count += 1;
                        if ended.is_some() {
                            ended = Some((j - 1, count));
                        }
                        prev = None;
                        after_value = !bare;
                        i = j;
                        continue;
                    }
                    Some(Lost::RunsOff) => return last.or(ended),
                    Some(Lost::Not) | None => {}
                }
                prev = Some(i);
                i = end;
                count += 1;
                if after_value || ended.is_some() {
                    ended = Some((end - 1, count));
                }
                after_value = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_blocks_end_between_elements() {
        let b = br#"{"a":"x,]}"},
  {"b":[1,{"c":2}]} ,
 3, "s\"]" ,{"#;
        let (p, n) = last_element_end(b).unwrap();
        assert_eq!((&b[p..p + 1], n), (&b","[..], 4));
        // The closing bracket ends the document.
        assert_eq!(last_element_end(b" {} , {} ]\n"), Some((9, 2)));
        assert_eq!(last_element_end(b" ]"), Some((1, 0)));
        // An element longer than the block: no cut.
        assert_eq!(last_element_end(br#"{"a": "#), None);
        // A stray quote's string, which runs into the next element, is passed as the elements
        // are read: not inside the strings after it (at the comma in `"z, w"`).
        assert_eq!(
            last_element_end(br#"{"a":"x, y"}", {"a":"z, w"}]}"#),
            Some((27, 3))
        );
    }

    /// A part ends at a `]` only when what follows it shows it is not a stray one: with
    /// nothing after it yet, at the comma before it, or nowhere.
    #[test]
    fn a_part_ends_before_a_bracket_nothing_follows_yet() {
        assert_eq!(last_element_end(b"{},{} ]\n"), Some((6, 2)));
        assert_eq!(part_end(b"{},{} ]\n"), Some((2, 1)));
        assert_eq!(part_end(b"{} ]"), None);
        assert_eq!(part_end(b"{},{} ] }"), Some((6, 2)));
        // A stray one, shown by the comma after it, is passed as in a block.
        assert_eq!(part_end(b"{},{} ], {}"), Some((7, 2)));
        // A top-level array that another document follows.
        assert_eq!(part_end_top(b"{},{}][{}"), Some((5, 2)));
        assert_eq!(part_end_top(b"{},{}]"), Some((2, 1)));
    }
}
