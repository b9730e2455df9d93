//! Each key's records by hour of each UTC day, counted apart from the cells: a cell (a day, an
//! operation, a log kind, a key, a resource and a prompt kind) holds its count and calls, and the
//! place of its key's day, which holds the hours and the first and last times. A month of a handful
//! of keys has tens of thousands of cells, each worker a table of them, but a few hundred days of a
//! key: the 24 hours are held once for the day, not once a cell.

use chrono::{DateTime, Timelike, Utc};
use foldhash::HashMap;

use super::targets::Targets;
use super::{Hours, Key};

/// One key on one UTC day.
#[derive(Debug, Clone)]
pub struct KeyDay {
    pub hours: Hours,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    /// The targets its callback records name.
    pub targets: Targets,
}

/// The days of keys a sink counted, each at a place a cell points to.
#[derive(Debug, Clone, Default)]
pub struct KeyDays {
    places: HashMap<(i64, Key), u32>,
    days: Vec<((i64, Key), KeyDay)>,
}

impl KeyDays {
    /// The place of `key` on `day` (days since the epoch), made empty at `t` if new.
    pub fn place(&mut self, day: i64, key: Key, t: DateTime<Utc>) -> u32 {
        let days = &mut self.days;
        *self.places.entry((day, key)).or_insert_with(|| {
            let place = u32::try_from(days.len()).expect("fewer days of keys than u32::MAX");
            let hours = Hours::default();
            days.push((
                (day, key),
                KeyDay {
                    hours,
                    first: t,
                    last: t,
                    targets: Targets::default(),
                },
            ));
            place
        })
    }

    /// Counts a record at `t` on the day at `place`.
    pub fn count(&mut self, place: u32, t: DateTime<Utc>) {
        let (_, d) = &mut self.days[place as usize];
        d.hours.add(t.hour() as usize, 1);
        d.first = d.first.min(t);
        d.last = d.last.max(t);
    }

    /// A callback record of `key` on `day`, at `t`, naming `target` (trimmed, not empty): its
    /// hour is counted with its cell's ([`KeyDays::count`]).
    pub fn target(&mut self, day: i64, key: Key, t: DateTime<Utc>, target: &str) {
        let place = self.place(day, key, t);
        self.days[place as usize].1.targets.add(target);
    }

    /// Adds another sink's days; returns where each of its places is now.
    pub fn absorb(&mut self, o: KeyDays) -> Vec<u32> {
        (o.days.into_iter())
            .map(|((day, key), d)| {
                let place = self.place(day, key, d.first);
                let (_, mine) = &mut self.days[place as usize];
                mine.hours.add_all(&d.hours);
                mine.first = mine.first.min(d.first);
                mine.last = mine.last.max(d.last);
                mine.targets.absorb(d.targets);
                place
            })
            .collect()
    }

    /// The first and last times counted.
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let first = self.days.iter().map(|(_, d)| d.first).min();
        let last = self.days.iter().map(|(_, d)| d.last).max();
        first.zip(last)
    }

    /// The days of keys, taken, each once.
    pub fn take(&mut self) -> Vec<((i64, Key), KeyDay)> {
        self.places = HashMap::default();
        std::mem::take(&mut self.days)
    }
}
