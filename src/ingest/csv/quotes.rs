//! The one quote rule of the CSV reader (RFC 4180), and where a physical line ends: what the
//! block cuts, the row splitter, the look for a row that took in the next one and the
//! day/month look-ahead all count by.

/// Where the physical line starting at `b[p]` ends: after its newline, or at the end of `b`.
pub(super) fn line_end(b: &[u8], p: usize) -> usize {
    memchr::memchr(b'\n', &b[p..]).map_or(b.len(), |n| p + n + 1)
}

/// The one quote rule of this reader (RFC 4180): a `"` only opens or closes a quoted field, and
/// `""` inside one is two of them, so text is outside quotes where the quotes before it are even
/// in number. The block cut, the check for a row that took in the next one, the end of a file
/// inside quotes, the splitting of rows ([`split_row`]) and the quoted fields of one line
/// ([`quoted_end`]) all follow it, counting the quotes with [`quotes`].
pub(super) fn quotes_balanced(b: &[u8]) -> bool {
    quotes(b).is_multiple_of(2)
}

/// The quotes in `b`: what [`quotes_balanced`] counts.
pub(super) fn quotes(b: &[u8]) -> usize {
    memchr::memchr_iter(b'"', b).count()
}

/// Whether the physical line at `b[p]`, read as the csv crate reads a row, ends inside a quoted
/// field: a quote that starts a field has no closing one on the line (a quote inside a field
/// that does not start with one is text, and a CR outside quotes, lone or not, ends the row).
pub(super) fn line_ends_inside_quotes(b: &[u8], p: usize, delim: u8) -> bool {
    let line = &b[p..line_end(b, p)];
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            match quoted_end(line, i + 1) {
                Some((close, 0, _)) => i = close + 1,
                _ => return true,
            }
        }
        match memchr::memchr3(delim, b'\n', b'\r', &line[i..]) {
            Some(k) if line[i + k] == delim => i += k + 1,
            _ => return false,
        }
    }
}

/// The closing quote of a quoted field whose content starts at `b[from]`, past any `""`, with
/// the newlines inside it and whether it had any `""`; `None` when `b` ends first.
fn quoted_end(b: &[u8], from: usize) -> Option<(usize, u64, bool)> {
    let (mut j, mut lines, mut doubled) = (from, 0, false);
    loop {
        let q = j + memchr::memchr2(b'"', b'\n', &b[j..])?;
        if b[q] == b'\n' {
            lines += 1;
            j = q + 1;
        } else if b.get(q + 1) == Some(&b'"') {
            doubled = true;
            j = q + 2;
        } else {
            return Some((q, lines, doubled));
        }
    }
}
