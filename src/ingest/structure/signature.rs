//! The shape of an array element, its opener and first key or cell ([`Signature`]), and where
//! the next element of that shape starts after a damaged one ([`next_element`]).

use super::string_end;

/// The first bytes of an array element: its opening bracket, then the first key of an object
/// (with its quotes) or the first bytes of an array's first value. The elements of one
/// array share them (`{"TableName"`, `{"time"`, `["7c1e4d2a`), which is what finds where the
/// next element starts when a damaged one hides it.
#[derive(Clone)]
pub(in crate::ingest) struct Signature<'a> {
    open: u8,
    head: std::borrow::Cow<'a, [u8]>,
}

impl Signature<'_> {
    /// Its opening bracket.
    pub(in crate::ingest) fn opener(&self) -> u8 {
        self.open
    }

    /// The signature of a row whose first cell is a string (a query API row's `TimeGenerated`):
    /// where no row around a damaged one shows a shape (its first cell lost a quote and it is
    /// the first of its array or block), the next row is where one so starts.
    pub(in crate::ingest) fn string_row() -> Signature<'static> {
        Signature {
            open: b'[',
            head: std::borrow::Cow::Borrowed(b"\""),
        }
    }

    /// The same signature, owning its bytes.
    pub(in crate::ingest) fn into_owned(self) -> Signature<'static> {
        Signature {
            open: self.open,
            head: std::borrow::Cow::Owned(self.head.into_owned()),
        }
    }
}

pub(in crate::ingest) fn signature(b: &[u8], i: usize) -> Option<Signature<'_>> {
    let open = *b.get(i)?;
    let j = i
        + 1
        + b.get(i + 1..)?
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    let head = match open {
        b'{' if b.get(j) == Some(&b'"') => &b[j..string_end(b, j + 1)?],
        b'[' => {
            let rest = b.get(j..)?;
            let n = rest
                .iter()
                .take(6)
                .take_while(|c| !matches!(c, b',' | b']') && !c.is_ascii_whitespace())
                .count();
            &rest[..n]
        }
        _ => return None,
    };
    (!head.is_empty() && head.len() <= 64).then_some(Signature {
        open,
        head: head.into(),
    })
}

/// The first comma in `b[from..to]` that is followed by an element with `sig`'s first bytes,
/// or newline followed by one at the line's start: in an array of an element a line, a
/// damaged element whose line lost its comma as well (a record cut short, then the next one on
/// its own line) must not take that next one in with it. (A pretty-printed array indents its
/// elements, and an object inside one deeper still.)
pub(in crate::ingest) fn next_element(
    b: &[u8],
    from: usize,
    to: usize,
    sig: &Signature<'_>,
) -> Option<usize> {
    let to = to.min(b.len());
    memchr::memchr2_iter(b',', b'\n', b.get(from..to)?)
        .map(|p| from + p)
        .find(|&p| match b[p] {
            b',' => sig.starts(b, p + 1),
            _ => b.get(p + 1) == Some(&sig.open) && sig.starts(b, p + 1),
        })
}

impl Signature<'_> {
    /// Whether an element with these first bytes starts at `b[k]`, past whitespace.
    pub(in crate::ingest) fn starts(&self, b: &[u8], k: usize) -> bool {
        let skip = |k: usize| {
            k + b.get(k..).map_or(0, |r| {
                r.iter().take_while(|c| c.is_ascii_whitespace()).count()
            })
        };
        let k = skip(k);
        b.get(k) == Some(&self.open)
            && b.get(skip(k + 1)..)
                .is_some_and(|r| r.starts_with(&self.head))
    }
}
