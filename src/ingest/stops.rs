//! Stop bytes found 64 at a time: a window of the input classified once into a bit per byte
//! (is it one of a few given values?), and each next stop taken from its bits, not by a search
//! each. The CSV splitter's field ends and the structure walker's strings and brackets use it.

/// The stop bytes (any of `values`) of a slice, one after another: a 64-byte window classified
/// at a time, each next stop the lowest bit left of its mask.
pub(super) struct Stops<'b, const N: usize> {
    b: &'b [u8],
    values: [u8; N],
    /// Where the window starts.
    base: usize,
    /// Bit k: `b[base + k]` is a stop byte not given yet.
    mask: u64,
}

impl<'b, const N: usize> Stops<'b, N> {
    /// The stops of `b` from `b[from]` on.
    #[inline]
    pub(super) fn new(b: &'b [u8], values: [u8; N], from: usize) -> Stops<'b, N> {
        let mask = match b.get(from..) {
            Some(rest) if !rest.is_empty() => mask(&rest[..rest.len().min(64)], values),
            _ => 0,
        };
        Stops {
            b,
            values,
            base: from,
            mask,
        }
    }

    /// The next stop byte's index, past the one given last; `None` at the end of `b`.
    #[inline(always)]
    pub(super) fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            let rest = self.b.get(self.base..).filter(|r| !r.is_empty())?;
            self.mask = mask(&rest[..rest.len().min(64)], self.values);
        }
        let k = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + k)
    }
}

/// The bytes of `b` (at most 64) equal to one of `values`, as bits.
#[inline]
pub(super) fn mask<const N: usize>(b: &[u8], values: [u8; N]) -> u64 {
    let [m] = masks(b, [values]);
    m
}

/// For each set of values, the bytes of `b` (at most 64) equal to one of them, as bits: each
/// sixteen bytes loaded once for all the sets, with SSE2 (baseline on x86_64), a compare per
/// value, then the mask of the matches. A short `b` is padded to 64 bytes, so that every
/// window takes the same unrolled path; a whole one is read where it lies (zeroing the pad
/// for each had cost five stores a window).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn masks<const S: usize, const N: usize>(b: &[u8], sets: [[u8; N]; S]) -> [u64; S] {
    match b.try_into() {
        Ok(w) => window_masks(w, sets),
        Err(_) => {
            let mut pad = [0; 64];
            let w = padded(b, &mut pad);
            // The padding's bits (a set may hold the zero byte).
            window_masks(w, sets).map(|m| m & ((1 << b.len()) - 1))
        }
    }
}

/// [`masks`] of a whole window.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn window_masks<const S: usize, const N: usize>(w: &[u8; 64], sets: [[u8; N]; S]) -> [u64; S] {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, zeroed_m128i,
    };
    let splats = sets.map(|set| set.map(|c| set_splat_i8_m128i(c as i8)));
    let mut out = [0; S];
    for (k, chunk) in w.chunks_exact(16).enumerate() {
        let v = load_unaligned_m128i(chunk.try_into().expect("16 bytes"));
        for (m, set) in out.iter_mut().zip(&splats) {
            let hits = set.iter().fold(zeroed_m128i(), |hits, &s| {
                bitor_m128i(hits, cmp_eq_mask_i8_m128i(v, s))
            });
            *m |= u64::from(move_mask_i8_m128i(hits) as u16) << (16 * k);
        }
    }
    out
}

/// `b` (at most 64 bytes) as a whole window: itself, or copied into `pad` (zeros after it).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn padded<'w>(b: &'w [u8], pad: &'w mut [u8; 64]) -> &'w [u8; 64] {
    match b.try_into() {
        Ok(w) => w,
        Err(_) => {
            pad[..b.len()].copy_from_slice(b);
            pad
        }
    }
}

/// The same on other targets.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(super) fn masks<const S: usize, const N: usize>(b: &[u8], sets: [[u8; N]; S]) -> [u64; S] {
    masks_scalar(b, sets)
}

/// The same eight bytes at a time in a register.
#[cfg(any(test, not(target_arch = "x86_64")))]
pub(super) fn masks_scalar<const S: usize, const N: usize>(
    b: &[u8],
    sets: [[u8; N]; S],
) -> [u64; S] {
    const LO: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // The high bit of each byte that is zero, exactly (no carry crosses a byte).
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x) & !LOW7;
    let mut chunks = b.chunks_exact(8);
    let mut out = [0; S];
    let mut k = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        for (m, set) in out.iter_mut().zip(&sets) {
            let hits = set
                .iter()
                .fold(0, |hits, &c| hits | zero(w ^ (LO * u64::from(c))));
            // One bit per byte, gathered into the top byte by one multiplication.
            *m |= ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << k;
        }
        k += 8;
    }
    for c in chunks.remainder() {
        for (m, set) in out.iter_mut().zip(&sets) {
            *m |= u64::from(set.contains(c)) << k;
        }
        k += 1;
    }
    out
}

/// Windows drawn from `alphabet` by a fixed xorshift, `len(round)` bytes in each round.
#[cfg(test)]
pub(super) fn random_windows<'a>(
    alphabet: &'a [u8],
    rounds: usize,
    len: impl Fn(usize) -> usize + 'a,
) -> impl Iterator<Item = Vec<u8>> + 'a {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    (0..rounds).map(move |round| {
        (0..len(round))
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                alphabet[(seed % alphabet.len() as u64) as usize]
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stop sets in use: a CSV row's (each delimiter), the structure walker's.
    const SETS: [&[u8]; 5] = [b",\"\n\r", b";\"\n\r", b"\t\"\n\r", b"\"\\", b"\"{[}]"];

    fn bytewise(w: &[u8], values: &[u8]) -> u64 {
        w.iter()
            .enumerate()
            .fold(0, |m, (k, c)| m | u64::from(values.contains(c)) << k)
    }

    /// Both masks of `w` against the byte-by-byte one, for a set given as a slice.
    fn check_masks(w: &[u8], values: &[u8]) {
        let want = bytewise(w, values);
        let (got, [scalar]) = match *values {
            [a, b] => (mask(w, [a, b]), masks_scalar(w, [[a, b]])),
            [a, b, c, d] => (mask(w, [a, b, c, d]), masks_scalar(w, [[a, b, c, d]])),
            [a, b, c, d, e] => (mask(w, [a, b, c, d, e]), masks_scalar(w, [[a, b, c, d, e]])),
            _ => unreachable!("the sets above"),
        };
        assert_eq!(got, want, "{w:?} {values:?}");
        assert_eq!(scalar, want, "{w:?} {values:?}");
    }

    /// The first stop at or after each of `froms` ([`Stops::new`], then [`Stops::next`]; the
    /// end of `b` for none), for a set given as a slice.
    fn next_from(b: &[u8], values: &[u8], froms: impl Iterator<Item = usize>) -> Vec<usize> {
        fn run<const N: usize>(
            b: &[u8],
            v: [u8; N],
            froms: impl Iterator<Item = usize>,
        ) -> Vec<usize> {
            froms
                .map(|i| Stops::new(b, v, i).next().unwrap_or(b.len()))
                .collect()
        }
        match *values {
            [a, b2] => run(b, [a, b2], froms),
            [a, b2, c, d] => run(b, [a, b2, c, d], froms),
            [a, b2, c, d, e] => run(b, [a, b2, c, d, e], froms),
            _ => unreachable!("the sets above"),
        }
    }

    /// Every stop of `b` from `from` on, one after another.
    fn all_from(b: &[u8], values: &[u8], from: usize) -> Vec<usize> {
        fn run<const N: usize>(b: &[u8], v: [u8; N], from: usize) -> Vec<usize> {
            let mut stops = Stops::new(b, v, from);
            std::iter::from_fn(|| stops.next()).collect()
        }
        match *values {
            [a, b2] => run(b, [a, b2], from),
            [a, b2, c, d] => run(b, [a, b2, c, d], from),
            [a, b2, c, d, e] => run(b, [a, b2, c, d, e], from),
            _ => unreachable!("the sets above"),
        }
    }

    #[test]
    fn gives_every_stop_in_order_from_any_start() {
        // Windows of stops and their neighbours, walked from every start: each stop at or after
        // it once, in order, across windows, as a byte-by-byte search finds them.
        let alphabet = [b',', b'"', b'\n', b'\r', b'a', b'{', b']', 0, 0xc3, 0xa9];
        for b in random_windows(&alphabet, 300, |round| round % 200) {
            for values in SETS {
                for from in 0..=b.len() + 1 {
                    let want: Vec<usize> = (from..b.len())
                        .filter(|&i| values.contains(&b[i]))
                        .collect();
                    assert_eq!(all_from(&b, values, from), want, "{b:?} {values:?} {from}");
                }
            }
        }
    }

    #[test]
    fn finds_each_stop_byte_at_every_place() {
        // Each stop byte at every place of a block of 150 bytes (windows of 64 and a short
        // last one), after fillers that include other sets' stops and a multi-byte character,
        // found from every start before it; the SSE2 masks (on x86_64) against the scalar ones.
        for values in SETS {
            for filler in [b'a', b' ', b'|', 0xc3, 0xa9, b',', b';', b'\t', b'{', b'\\'] {
                if values.contains(&filler) {
                    continue;
                }
                for len in 0..150 {
                    for &stop in values {
                        let mut b = vec![filler; 150];
                        b[len] = stop;
                        assert_eq!(next_from(&b, values, [0].into_iter()), [len]);
                        let got = next_from(&b, values, (0..=len + 1).chain([len + 1]));
                        let mut want = vec![len; len + 1];
                        want.extend([b.len(), b.len()]);
                        assert_eq!(got, want, "{len} {stop}");
                        for at in (0..150).step_by(7) {
                            check_masks(&b[at..b.len().min(at + 64)], values);
                        }
                    }
                    let b = vec![filler; len];
                    assert_eq!(next_from(&b, values, [0].into_iter()), [len]);
                }
            }
        }
    }

    #[test]
    fn masks_are_exact_with_many_stops_in_a_word() {
        // Windows of every length up to 64 drawn from stop bytes and their neighbours (a byte
        // one above or below a stop, zero, high bytes), against a byte-by-byte mask.
        let alphabet = [
            b',',
            b';',
            b'"',
            b'\n',
            b'\r',
            b'a',
            0,
            1,
            b'-',
            b'#',
            0x0b,
            0x80,
            0xff,
            b'\\',
            b'[',
            b'{',
            b'}',
            b']',
            b'\\' + 1,
            b'|',
            b'Y',
            b'y',
        ];
        for w in random_windows(&alphabet, 4000, |round| round % 65) {
            for values in SETS {
                check_masks(&w, values);
            }
            // Several sets at once, as the structure walker asks.
            let sets = [[b'\\'; 2], [b'"'; 2], [b'{', b'['], [b'}', b']']];
            let want = sets.map(|set| bytewise(&w, &set));
            assert_eq!(masks(&w, sets), want, "{w:?}");
            assert_eq!(masks_scalar(&w, sets), want, "{w:?}");
        }
    }
}
