//! A key's records by hour of one UTC day, held in as few bytes as its hours allow.

/// Records by hour of one UTC day, of a key. A day of records in one or two hours holds them
/// and their counts in itself, and one of up to `FEW_HOURS` holds them in 24 bytes on the
/// heap: in an input of made-up keys by the hundred thousand, each key's day is a record or a
/// few, and its hours then take 16 or 48 bytes, not 128 (a box of 24 counts; for 200,000 keys
/// of three records in three hours of one day, 17 MB), both where the aggregator counts them
/// (`KeyDays`) and in `by_day`. A day of more hours holds its 24 on the heap, 4 bytes
/// each, 8 once one of them would pass `u32::MAX`.
#[derive(Debug, Clone)]
pub enum Hours {
    /// `count` records at `hour` (none: an empty day).
    One {
        hour: u8,
        count: u32,
    },
    /// `counts[i]` records at `hours[i]`, two distinct hours.
    Two {
        hours: [u8; 2],
        counts: [u32; 2],
    },
    /// `len` distinct hours (3 to `FEW_HOURS`), each its hour and its count in one word
    /// (`few`), in the order met.
    Few {
        len: u8,
        hours: Box<[u32; FEW_HOURS]>,
    },
    Narrow(Box<[u32; 24]>),
    Wide(Box<[u64; 24]>),
}

/// Distinct hours a day holds as [`Hours::Few`], at most.
pub const FEW_HOURS: usize = 6;

/// Bits of an hour's count in a word of [`Hours::Few`]; its hour is above them.
const FEW_BITS: u32 = 27;

/// An hour and its count as a word of [`Hours::Few`], if the count fits.
fn few(hour: usize, count: u64) -> Option<u32> {
    let count = u32::try_from(count).ok().filter(|&c| c < 1 << FEW_BITS)?;
    Some((hour as u32) << FEW_BITS | count)
}

/// A word of [`Hours::Few`]'s hour and count.
fn of_few(word: u32) -> (usize, u64) {
    (
        (word >> FEW_BITS) as usize,
        u64::from(word & ((1 << FEW_BITS) - 1)),
    )
}

impl Default for Hours {
    fn default() -> Self {
        Hours::One { hour: 0, count: 0 }
    }
}

impl Hours {
    pub(super) fn add(&mut self, hour: usize, n: u64) {
        debug_assert!(hour < 24, "hour {hour}");
        // A busy key's day, counted record by record, on the path every record takes: the
        // rest out of it (with four code-generation units, the whole of it inlined here ran the
        // bench's JSON Lines at 5% more CPU, this at 2%, for the same instructions).
        if let Hours::Narrow(h) = self {
            if let Some(sum) = u32::try_from(n).ok().and_then(|n| h[hour].checked_add(n)) {
                h[hour] = sum;
                return;
            }
        }
        self.add_rest(hour, n);
    }

    /// [`Hours::add`] of a day that is not of 24 narrow hours, or whose hour would pass them.
    #[cold]
    #[inline(never)]
    fn add_rest(&mut self, hour: usize, n: u64) {
        if n == 0 || self.add_few(hour, n) {
            return;
        }
        if !matches!(self, Hours::Narrow(_) | Hours::Wide(_)) {
            // At most a few hours' counts, each within `u32`.
            let mut all = Box::new([0; 24]);
            for (h, count) in self.iter().enumerate() {
                all[h] = u32::try_from(count).expect("a few hours' counts fit in u32");
            }
            *self = Hours::Narrow(all);
        }
        if let Hours::Narrow(h) = self {
            match u32::try_from(n).ok().and_then(|n| h[hour].checked_add(n)) {
                Some(sum) => {
                    h[hour] = sum;
                    return;
                }
                None => *self = Hours::Wide(Box::new(h.map(u64::from))),
            }
        }
        if let Hours::Wide(h) = self {
            h[hour] += n;
        }
    }

    /// Adds `n` records at `hour` to a day of a few hours (one, two or up to [`FEW_HOURS`]),
    /// as the same shape or the next one; false, and the day unchanged, when the hours or
    /// the counts do not fit in them, or the day is of 24 hours already. One step of
    /// [`Hours::add_rest`], inlined into it.
    #[inline(always)]
    fn add_few(&mut self, hour: usize, n: u64) -> bool {
        let small = u32::try_from(n).ok();
        match self {
            Hours::One { hour: h, count } if *count == 0 || usize::from(*h) == hour => {
                if let Some(sum) = small.and_then(|n| count.checked_add(n)) {
                    (*h, *count) = (hour as u8, sum);
                    return true;
                }
            }
            Hours::One { hour: h, count } => {
                if let Some(n) = small {
                    *self = Hours::Two {
                        hours: [*h, hour as u8],
                        counts: [*count, n],
                    };
                    return true;
                }
            }
            Hours::Two { hours, counts } => {
                if let Some(i) = hours.iter().position(|&h| usize::from(h) == hour) {
                    if let Some(sum) = small.and_then(|n| counts[i].checked_add(n)) {
                        counts[i] = sum;
                        return true;
                    }
                } else {
                    let words = [
                        few(usize::from(hours[0]), u64::from(counts[0])),
                        few(usize::from(hours[1]), u64::from(counts[1])),
                        few(hour, n),
                    ];
                    if let [Some(a), Some(b), Some(c)] = words {
                        let mut hours = Box::new([0; FEW_HOURS]);
                        hours[..3].copy_from_slice(&[a, b, c]);
                        *self = Hours::Few { len: 3, hours };
                        return true;
                    }
                }
            }
            Hours::Few { len, hours } => {
                let held = &mut hours[..usize::from(*len)];
                match held.iter().position(|&w| of_few(w).0 == hour) {
                    Some(i) => {
                        if let Some(w) = few(hour, of_few(held[i]).1 + n) {
                            held[i] = w;
                            return true;
                        }
                    }
                    None if usize::from(*len) < FEW_HOURS => {
                        if let Some(w) = few(hour, n) {
                            hours[usize::from(*len)] = w;
                            *len += 1;
                            return true;
                        }
                    }
                    None => {}
                }
            }
            Hours::Narrow(_) | Hours::Wide(_) => {}
        }
        false
    }

    /// Adds `other`'s counts, hour by hour.
    pub(super) fn add_all(&mut self, other: &Hours) {
        for (h, n) in other.iter().enumerate() {
            self.add(h, n);
        }
    }

    /// The 24 hours' counts, from 00:00.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        (0..24).map(|h| match self {
            Hours::One { hour, count } if usize::from(*hour) == h => u64::from(*count),
            Hours::One { .. } => 0,
            Hours::Two { hours, counts } => {
                let at = hours.iter().position(|&at| usize::from(at) == h);
                at.map_or(0, |i| u64::from(counts[i]))
            }
            Hours::Few { len, hours } => (hours[..usize::from(*len)].iter())
                .map(|&w| of_few(w))
                .find(|&(at, _)| at == h)
                .map_or(0, |(_, count)| count),
            Hours::Narrow(n) => u64::from(n[h]),
            Hours::Wide(w) => w[h],
        })
    }
}
