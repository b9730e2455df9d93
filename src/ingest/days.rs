//! The UTC days of a file's accepted records ([`FileDays`]), and those of the files whose days
//! a history is to doubt ([`FilesDays`]): the files that look like copies of others, and those
//! whose dates were read in a guessed day/month order.

/// Distinct days a file's [`FileDays`] keeps: its records on any other day are counted apart.
pub const MAX_FILE_DAYS: usize = 366;

/// The UTC days of a file's accepted records, each with how many: the days a file that looks
/// like a copy of another, or whose dates were read in a guessed day/month order, puts records
/// on, which a history is not to take for whole days. A record on the day of the record before
/// it costs a comparison; a file of records on more than [`MAX_FILE_DAYS`] days keeps the first
/// ones met and counts the rest apart.
use super::FileReport;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDays {
    /// Each day (days since the epoch) with its records, in day order.
    each: Vec<(i64, u64)>,
    /// Records on days past the first [`MAX_FILE_DAYS`].
    other: u64,
    /// The date of the last record, and the records of that run of them not yet in `each`
    /// (none yet: any date, no record).
    run: (chrono::NaiveDate, u64),
}

impl FileDays {
    /// Counts a record of the UTC `date`: its date as the record holds it, compared whole,
    /// where its day number would be worked out from its time on every record.
    pub(super) fn count(&mut self, date: chrono::NaiveDate) {
        if self.run.0 == date {
            self.run.1 += 1;
            return;
        }
        self.flush();
        self.run = (date, 1);
    }

    /// Adds `n` records of `day` to `each`, or to `other` past its last place.
    fn put(&mut self, day: i64, n: u64) {
        match self.each.binary_search_by_key(&day, |e| e.0) {
            Ok(i) => self.each[i].1 += n,
            Err(_) if self.each.len() >= MAX_FILE_DAYS => self.other += n,
            Err(i) => self.each.insert(i, (day, n)),
        }
    }

    pub(super) fn flush(&mut self) {
        let (date, n) = std::mem::take(&mut self.run);
        if n > 0 {
            use chrono::Datelike;
            // Days from 0001-01-01 to 1970-01-01.
            const EPOCH_FROM_CE: i64 = 719_163;
            self.put(i64::from(date.num_days_from_ce()) - EPOCH_FROM_CE, n);
        }
    }

    /// Adds another part's days (another worker's of the same file).
    pub(super) fn add(&mut self, mut o: FileDays) {
        self.flush();
        o.flush();
        for (day, n) in o.each {
            self.put(day, n);
        }
        self.other += o.other;
    }

    /// Each day with its records, in day order, and the records on days not kept apart (a file
    /// of records on more than [`MAX_FILE_DAYS`] days): those may be on any day.
    pub fn each(&self) -> (&[(i64, u64)], u64) {
        debug_assert_eq!(self.run.1, 0, "days read before they were all counted");
        (&self.each, self.other)
    }
}

/// Some input files' accepted records and the days they fall on: those of the files that look
/// like copies of others (the same export twice), or those whose dates were read in a guessed
/// day/month order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilesDays {
    pub files: u64,
    pub records: u64,
    /// Each day, with how many of the files have records on it and how many records: none
    /// when a file's records fall on more days than it keeps apart ([`FileDays`]), which may
    /// then be any.
    pub days: Option<std::collections::BTreeMap<i64, (u64, u64)>>,
}

impl FilesDays {
    /// The files of `files` that `which` takes, with their days; none when it takes none.
    pub(super) fn of<'a>(
        files: impl Iterator<Item = &'a FileReport>,
        which: impl Fn(&FileReport) -> bool,
    ) -> Option<FilesDays> {
        let mut all = FilesDays {
            days: Some(Default::default()),
            ..FilesDays::default()
        };
        for f in files.filter(|f| which(f)) {
            all.files += 1;
            all.records += f.accepted;
            let (each, other) = f.days.each();
            if other > 0 {
                all.days = None;
            }
            if let Some(days) = &mut all.days {
                for &(day, n) in each {
                    let d = days.entry(day).or_default();
                    *d = (d.0 + 1, d.1 + n);
                }
            }
        }
        (all.files > 0).then_some(all)
    }
}

#[cfg(test)]
mod tests {
    use super::FileDays;

    /// Days are counted as numbers since the epoch, in order, whatever the order of the
    /// records and however parts are merged; past the days a file keeps, records are counted
    /// apart.
    #[test]
    fn a_file_s_days_are_counted_by_day_and_merged() {
        let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let day = |s: &str| crate::time::parse_day(s).unwrap();
        let mut a = FileDays::default();
        for d in [
            "1970-01-01",
            "2026-11-24",
            "2026-11-24",
            "2026-11-03",
            "1970-01-01",
        ] {
            a.count(date(d));
        }
        let mut b = FileDays::default();
        b.count(date("2026-11-03"));
        a.add(b);
        let want = [
            (day("1970-01-01"), 2),
            (day("2026-11-03"), 2),
            (day("2026-11-24"), 2),
        ];
        assert_eq!(a.each(), (&want[..], 0));
        let mut many = FileDays::default();
        let first = date("2026-01-01");
        for n in 0..400 {
            many.count(first + chrono::Days::new(n));
        }
        many.flush();
        let (each, other) = many.each();
        assert_eq!((each.len(), other), (366, 34));
    }
}
