//! The tokens the head of a document is read by in place, without parsing it: whitespace
//! passed, an expected byte, a key without escapes.

use super::super::structure::string_end;

/// `b[i..]` past whitespace.
pub(super) fn skip_space(b: &[u8], mut i: usize) -> Option<usize> {
    while b.get(i)?.is_ascii_whitespace() {
        i += 1;
    }
    Some(i)
}

/// Past whitespace and `c`.
pub(super) fn expect(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
    *i = skip_space(b, *i)?;
    (b[*i] == c).then(|| *i += 1)
}

/// A key without escapes, past whitespace.
pub(super) fn key<'b>(b: &'b [u8], i: &mut usize) -> Option<&'b [u8]> {
    *i = skip_space(b, *i)?;
    (b[*i] == b'"').then_some(())?;
    let end = string_end(b, *i + 1)?;
    let k = &b[*i + 1..end - 1];
    *i = end;
    (!k.contains(&b'\\')).then_some(k)
}
