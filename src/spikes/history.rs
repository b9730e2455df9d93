//! The nightly history: per-UTC-day aggregates by (code, subcode), stored one Parquet file per
//! day in the `--history` directory and merged with the days the current input covers.

use std::borrow::Cow;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

use crate::aggregate::{Aggregator, Key};
use crate::output::OutputSet;
use crate::record::{cut, Kind};
use crate::text::path;
use crate::time::{day_text, parse_day, DAY, HOUR};

/// One UTC day of aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct DayAgg {
    /// Days since the Unix epoch.
    pub day: i64,
    /// Only part of the day was covered by the input it came from: never a baseline.
    pub partial: bool,
    /// Why the day is partial, when known: said where its absence turns a test off, with the
    /// fix that makes it whole. None of a whole day, and of a day stored before it was kept.
    pub partial_why: Option<PartialWhy>,
    /// All records of the day, all codes.
    pub exposure: u64,
    /// (count, calls) per key.
    pub keys: HashMap<Key, (u64, u64)>,
    /// The same, for each ACS resource the records named (by name); empty in a history
    /// written before resources were read. A run's own days hold each resource's keys only
    /// when its aggregates kept them ([`Aggregator::keeping_resource_days`]): the exposure is
    /// always there.
    pub resources: BTreeMap<String, ResourceDay>,
    /// Records by log kind (`media_summary`, `operations`, `callback`, `streaming`), for the
    /// volume test and the spike test's exposures; empty in a history written before kinds
    /// were kept.
    pub kinds: BTreeMap<String, u64>,
    /// The log kinds each key's records came from ([`crate::normalize::Kind::bit`]), and its
    /// records of each (in [`crate::normalize::Kind::ALL`]'s order): a run's own days only (a
    /// stored day does not keep them, and a day of one resource has none).
    pub key_kinds: HashMap<Key, (u8, [u64; 4])>,
    /// A day of one resource ([`History::for_resource`]) whose day holds callback records but
    /// counts none under a resource ([`DayAgg::callbacks_apart`]).
    pub callbacks_apart: bool,
    /// A complete day on which some resources' records stopped early and made all records
    /// low or a DROP, where each of those resources counted at its expected would have put all
    /// records within range ([`ResourceDay::partial`], `night::short_for_all`): no baseline of
    /// all records nor of a log kind (its short count would lower them for four weeks), while
    /// it stays complete for all else: stored and replaced as a complete day, the day an empty
    /// night follows, and each resource's baseline as its own mark says. Stored in the
    /// `short_for_all` column; a file written before it was kept reads as false.
    pub short_for_all: bool,
}

/// Why a day is stored partial, never a baseline: each cause has its own fix, and a note that
/// gives another cause's sends the reader to re-run nights that will be stored partial again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialWhy {
    /// The input's records, or its window, did not cover the whole UTC day.
    Uncovered,
    /// The day was not over by the clock when it was stored.
    NotOver,
    /// Its records stop early and all records were low or a DROP: an export that stopped.
    Stopped,
    /// The run that stored it rejected more records than `--max-bad` allows: `rejected` of
    /// `read`.
    Rejects { rejected: u64, read: u64 },
    /// The run that stored it read input files that look like copies of others read too (the
    /// same export twice): `records` accepted from `files` such files on the day, in its
    /// counts; `spread`: their records on more days than a file keeps apart
    /// ([`crate::ingest::MAX_FILE_DAYS`]), `records` then being all of theirs, on any day.
    Copies {
        files: u64,
        records: u64,
        spread: bool,
    },
    /// The run that stored it read input files whose dates could not tell the day/month order,
    /// read month-first: `records` of the day from `files` such files, which may be another
    /// day's (3 November read as 11 March); `spread` as for [`PartialWhy::Copies`].
    Guessed {
        files: u64,
        records: u64,
        spread: bool,
    },
}

/// What a stored reason of copies or a guessed order ends with when its files' records fall on
/// more days than a file keeps apart: its count is theirs, not the day's.
const SPREAD: &str = " on more than 366 days";

impl PartialWhy {
    /// As stored in a day's `partial_why` column.
    fn stored(self) -> String {
        match self {
            PartialWhy::Uncovered => "uncovered".to_string(),
            PartialWhy::NotOver => "not over".to_string(),
            PartialWhy::Stopped => "stopped".to_string(),
            PartialWhy::Rejects { rejected, read } => format!("rejects {rejected} of {read}"),
            PartialWhy::Copies {
                files,
                records,
                spread,
            } => {
                let spread = if spread { SPREAD } else { "" };
                format!("copies {records} records from {files} files{spread}")
            }
            PartialWhy::Guessed {
                files,
                records,
                spread,
            } => {
                let spread = if spread { SPREAD } else { "" };
                format!("guessed order {records} records from {files} files{spread}")
            }
        }
    }

    /// Read back from [`PartialWhy::stored`]; a text it did not write is no reason.
    fn parse(s: &str) -> Option<PartialWhy> {
        match s {
            "uncovered" => Some(PartialWhy::Uncovered),
            "not over" => Some(PartialWhy::NotOver),
            "stopped" => Some(PartialWhy::Stopped),
            _ if s.starts_with("copies ") || s.starts_with("guessed order ") => {
                let (copies, s) = match s.strip_prefix("copies ") {
                    Some(s) => (true, s),
                    None => (false, s.strip_prefix("guessed order ")?),
                };
                let (s, spread) = match s.strip_suffix(SPREAD) {
                    Some(s) => (s, true),
                    None => (s, false),
                };
                let s = s.strip_suffix(" files")?;
                let (records, files) = s.split_once(" records from ")?;
                let (files, records) = (files.parse().ok()?, records.parse().ok()?);
                Some(match copies {
                    true => PartialWhy::Copies {
                        files,
                        records,
                        spread,
                    },
                    false => PartialWhy::Guessed {
                        files,
                        records,
                        spread,
                    },
                })
            }
            _ => {
                let (rejected, read) = s.strip_prefix("rejects ")?.split_once(" of ")?;
                Some(PartialWhy::Rejects {
                    rejected: rejected.parse().ok()?,
                    read: read.parse().ok()?,
                })
            }
        }
    }
}

/// Records a day's file may count at most, in any of its numbers: 10^14 records a day is no
/// log's, and days of at most this many add up within a u64 over 65,536 of them, so that the
/// sums of days (the spike test's baseline, the volume test's, the sparklines') cannot
/// overflow. Past it, the file is damaged or made up.
pub const MAX_DAY_RECORDS: u64 = 1 << 48;

impl DayAgg {
    /// What of the day is past [`MAX_DAY_RECORDS`] (`the count of 500/8522 is
    /// 18446744073709551615, more than a day holds (281474976710656 at most)`); `None` when
    /// nothing is.
    pub fn implausible(&self) -> Option<String> {
        let over = |what: String, n: u64| (n > MAX_DAY_RECORDS).then_some((what, n));
        let label = |k: &Key| crate::catalogue::key_label(k.0, k.1);
        // The first key in key order, whatever the map's.
        let keys = |keys: &mut dyn Iterator<Item = (&Key, &(u64, u64))>| {
            keys.filter(|(_, &(n, calls))| n.max(calls) > MAX_DAY_RECORDS)
                .min_by_key(|(k, _)| **k)
                .and_then(|(k, &(n, calls))| {
                    over(format!("the count of {}", label(k)), n)
                        .or_else(|| over(format!("the call count of {}", label(k)), calls))
                })
        };
        let kinds = |kinds: &BTreeMap<String, u64>| {
            (kinds.iter()).find_map(|(kind, &n)| over(format!("its {kind} record count"), n))
        };
        let resource = |(name, r): (&String, &ResourceDay)| {
            (over("its record count".to_string(), r.exposure))
                .or_else(|| keys(&mut r.keys.iter()))
                .or_else(|| kinds(&r.kinds))
                .or_else(|| {
                    (r.joined.iter())
                        .filter(|(_, &n)| n > MAX_DAY_RECORDS)
                        .min_by_key(|(k, _)| **k)
                        .and_then(|(k, &n)| over(format!("the inferred count of {}", label(k)), n))
                })
                .map(|(what, n)| (format!("resource {name}: {what}"), n))
        };
        let (what, n) = (over("its record count".to_string(), self.exposure))
            .or_else(|| keys(&mut self.keys.iter()))
            .or_else(|| kinds(&self.kinds))
            .or_else(|| self.resources.iter().find_map(resource))?;
        Some(format!(
            "{what} is {n}, more than a day holds ({MAX_DAY_RECORDS} at most)"
        ))
    }

    /// Whether the two days are stored as the same file: all but the log kinds of each key,
    /// which are not stored. A partial day without its reason (a file written before reasons
    /// were kept, which lacks the `partial_why` column) is read as one whose records did not
    /// cover the day, and is alike a day of that reason: a re-run does not write it again for
    /// a column that would say what is read already.
    pub fn stored_alike(&self, other: &DayAgg) -> bool {
        let resources = (self.resources.iter())
            .zip(&other.resources)
            .all(|((a, r), (b, s))| {
                a == b
                    && r.exposure == s.exposure
                    && r.keys == s.keys
                    && r.kinds == s.kinds
                    && r.joined == s.joined
                    && r.partial == s.partial
            });
        self.day == other.day
            && self.partial == other.partial
            && self.short_for_all == other.short_for_all
            && self.partial_why.unwrap_or(PartialWhy::Uncovered)
                == other.partial_why.unwrap_or(PartialWhy::Uncovered)
            && self.exposure == other.exposure
            && self.keys == other.keys
            && self.kinds == other.kinds
            && self.resources.len() == other.resources.len()
            && resources
    }

    /// Whether a night read the day whole: complete, or partial for what was read of it and
    /// not for its span (an export that stopped, over `--max-bad`, copies), not a stub of
    /// records past midnight or a day not over ([`PartialWhy::Uncovered`],
    /// [`PartialWhy::NotOver`]), nor one a guessed date order may have made up. Such a day is
    /// kept over a stub of it (late files read the next night), and an empty night is the day
    /// after it.
    pub fn read_whole(&self) -> bool {
        !self.partial
            || matches!(
                self.partial_why,
                Some(PartialWhy::Stopped | PartialWhy::Rejects { .. } | PartialWhy::Copies { .. })
            )
    }

    /// Whether the day is a baseline of all records and of the log kinds: complete, and not
    /// short for all records ([`DayAgg::short_for_all`]).
    pub fn all_baseline(&self) -> bool {
        !self.partial && !self.short_for_all
    }

    /// Whether the day names resources and holds callback records, but counts none of them
    /// under a resource: a day stored before callback records were counted under their calls'
    /// resources, whose resources' days hold no callback record (or a day whose callback
    /// records are all of calls no other record of which names a resource). A day of some
    /// resources ([`History::for_resources`], [`History::for_resource`]) was told so when made
    /// ([`DayAgg::callbacks_apart`]): its kinds, the kept resources', no longer tell.
    pub fn callbacks_apart(&self) -> bool {
        let some = |kinds: &BTreeMap<String, u64>| kinds.get("callback").is_some_and(|&n| n > 0);
        self.callbacks_apart
            || !self.resources.is_empty()
                && some(&self.kinds)
                && (self.resources.values()).all(|r| r.joined.is_empty() && !some(&r.kinds))
    }
}

/// One resource on one day. Its maps are B-trees, 24 bytes each empty where a hash map takes
/// 48: a run's own day holds a value of it per resource, and an export of made-up resource ids
/// has them by the hundred thousand (rev64b F5: 50 MB of the day's resources at 168,549).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceDay {
    pub exposure: u64,
    pub keys: BTreeMap<Key, (u64, u64)>,
    /// Its records by log kind, as [`DayAgg::kinds`]: the spike test by resource measures a
    /// key against its resource's records of the key's kinds. Empty in a history written
    /// before kinds were kept by resource, and in a run's own days when its aggregates did
    /// not keep each resource's keys.
    pub kinds: BTreeMap<String, u64>,
    /// The log kinds each key's records came from, and its records of each, as
    /// [`DayAgg::key_kinds`].
    pub key_kinds: BTreeMap<Key, (u8, [u64; 4])>,
    /// Of each key's records, the callback records that name no resource and count here
    /// through their call's other records (by_resource.csv's `inferred`): in `keys`, `kinds`
    /// and `exposure` too. Empty in a history written before they were (its resources' days
    /// hold the records that name them only).
    pub joined: BTreeMap<Key, u64>,
    /// Its records stop early on a day stored whole, and its volume test found it low or a
    /// DROP (`night::stopped_short`): never its baseline. A partial day's resources are not
    /// marked (the whole day is no baseline).
    pub partial: bool,
}

impl ResourceDay {
    /// Adds the records of `other`, a resource whose name is equal to its up to the cut
    /// ([`crate::record::cut`]): as one resource, as a run counts them.
    fn absorb(&mut self, other: ResourceDay) {
        self.exposure += other.exposure;
        for (key, (count, calls)) in other.keys {
            let k = self.keys.entry(key).or_default();
            *k = (k.0 + count, k.1 + calls);
        }
        for (kind, n) in other.kinds {
            *self.kinds.entry(kind).or_default() += n;
        }
        for (key, (bits, counts)) in other.key_kinds {
            let k = self.key_kinds.entry(key).or_default();
            k.0 |= bits;
            for (sum, n) in k.1.iter_mut().zip(counts) {
                *sum += n;
            }
        }
        for (key, n) in other.joined {
            *self.joined.entry(key).or_default() += n;
        }
        self.partial |= other.partial;
    }

    /// The resource's day without the callback records counted under it through their calls
    /// (`joined`): as a run of `--resource`, whose records are those that name a resource it
    /// keeps, counts it. The calls of a key are left as they are.
    fn without_joined(mut self) -> ResourceDay {
        let all: u64 = self.joined.values().sum();
        self.exposure = self.exposure.saturating_sub(all);
        if let Some(n) = self.kinds.get_mut("callback") {
            *n = n.saturating_sub(all);
            if *n == 0 {
                self.kinds.remove("callback");
            }
        }
        for (key, n) in std::mem::take(&mut self.joined) {
            if let Some(k) = self.keys.get_mut(&key) {
                k.0 = k.0.saturating_sub(n);
                if k.0 == 0 {
                    self.keys.remove(&key);
                }
            }
        }
        self
    }
}

/// Days of aggregates, by day.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub days: BTreeMap<i64, DayAgg>,
    /// The resources its days are of, when not all (`--resource`'s globs, a resource of
    /// `--spikes-by resource`): a verdict's reasons name them (`2026-11-12 keeps no records by
    /// log kind for acs-prod`).
    pub scope: Option<String>,
    /// Stored days whose names were longer than a text is kept (days stored before names were
    /// cut as records are read): read with them cut, and stored again so with the run's days
    /// ([`History::stage`]), so that later runs do not read megabytes of names again.
    pub names_cut: Vec<i64>,
    /// Day files left out as no day of this tool's history (another schema, another day's
    /// rows), with why: a file the tool cannot read as its own is never replaced
    /// ([`History::stage`] refuses).
    pub foreign: BTreeMap<i64, String>,
}

/// Records dated further than this past the clock (seconds) are dated wrong: log pipelines
/// and clocks differ by seconds.
pub const FUTURE_SKEW: i64 = 15 * 60;

/// The span the input covered: the window where given, else the hours of its first and last
/// records, the last not dated after the clock (`now`, seconds since the epoch: [`last_dated`]),
/// or when every record is, its last. One record dated tomorrow (a device's wrong clock, a
/// mis-dated export) makes no day whole: the day an export stopped in stays partial.
pub fn coverage(agg: &Aggregator, now: i64) -> Option<(i64, i64)> {
    let first = agg.by_key.values().filter_map(|s| s.first).min()?;
    let last = last_dated(agg, now).or_else(|| last_record(agg))?;
    let start = agg
        .window
        .since
        .map(|t| t.timestamp())
        .unwrap_or_else(|| first.timestamp() - first.timestamp().rem_euclid(HOUR));
    let end = agg
        .window
        .until
        .map(|t| t.timestamp())
        .unwrap_or_else(|| last - last.rem_euclid(HOUR) + HOUR);
    Some((start, end))
}

/// The time of the input's last record, whatever its date, in seconds since the epoch.
pub fn last_record(agg: &Aggregator) -> Option<i64> {
    let last = agg.by_key.values().filter_map(|s| s.last).max()?;
    Some(last.timestamp())
}

/// The time of the input's last record not dated after the clock (`now`, seconds since the
/// epoch, plus [`FUTURE_SKEW`]): where its records stop, those the run calls dated after the
/// clock left out, as they make no whole day. A day of records on both sides of the clock (the
/// clock's own day) gives its first record: that day is not over, and its records only tell
/// that the days before it are covered. `None` when every record is after the clock.
pub fn last_dated(agg: &Aggregator, now: i64) -> Option<i64> {
    let bar = now + FUTURE_SKEW;
    (agg.day_spans.range(..=bar.div_euclid(DAY)).rev()).find_map(|(_, (first, last))| {
        let (first, last) = (first.timestamp(), last.timestamp());
        (last <= bar)
            .then_some(last)
            .or((first <= bar).then_some(first))
    })
}

impl History {
    /// The days of one run's aggregates. A day is complete when the covered span holds all of
    /// it ([`coverage`], by the clock).
    pub fn from_aggregator(agg: &Aggregator) -> History {
        let mut days: BTreeMap<i64, DayAgg> = BTreeMap::new();
        let cov = coverage(agg, super::now());
        for (&(day, key), s) in &agg.by_day {
            let d = days.entry(day).or_insert_with(|| {
                let partial = cov.is_none_or(|(a, b)| !(a <= day * DAY && (day + 1) * DAY <= b));
                DayAgg {
                    day,
                    partial,
                    partial_why: partial.then_some(PartialWhy::Uncovered),
                    exposure: 0,
                    keys: HashMap::new(),
                    resources: BTreeMap::new(),
                    kinds: BTreeMap::new(),
                    key_kinds: HashMap::new(),
                    callbacks_apart: false,
                    short_for_all: false,
                }
            });
            let count = s.count();
            d.exposure += count;
            d.keys.insert(key, (count, s.calls.len()));
            d.key_kinds
                .insert(key, (Kind::bits_of(&s.kind_counts), s.kind_counts));
        }
        for (&(day, kind), &n) in &agg.by_day_kind {
            if let Some(d) = days.get_mut(&day) {
                *d.kinds.entry(kind.to_string()).or_default() += n;
            }
        }
        for (&(day, res), &(n, _)) in &agg.by_day_of_resource {
            if let Some(d) = days.get_mut(&day) {
                let r = d
                    .resources
                    .entry(agg.resources.name(res).to_string())
                    .or_default();
                r.exposure += n;
            }
        }
        // Each resource's keys, when kept (the stored history, the spike test by resource).
        for (&(day, res, key), s) in &agg.by_day_resource {
            if let Some(r) =
                (days.get_mut(&day)).and_then(|d| d.resources.get_mut(agg.resources.name(res)))
            {
                r.keys.insert(key, (s.count, s.calls.len()));
                r.key_kinds
                    .insert(key, (Kind::bits_of(&s.kind_counts), s.kind_counts));
                if s.joined > 0 {
                    r.joined.insert(key, s.joined);
                }
            }
        }
        for (&(day, res, kind), &n) in &agg.by_day_resource_kind {
            if let Some(r) =
                (days.get_mut(&day)).and_then(|d| d.resources.get_mut(agg.resources.name(res)))
            {
                *r.kinds.entry(kind.to_string()).or_default() += n;
            }
        }
        History {
            days,
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        }
    }

    /// The resources any day names.
    pub fn resources(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .days
            .values()
            .flat_map(|d| d.resources.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The history of the resources `--resource` keeps, as if they were all the records: the
    /// days a filtered run (whose own days are `input`) is compared with. A stored resource is
    /// kept when a pattern matches its name, or when the run kept its records (a pattern over
    /// whole ids: the history holds names, so a resource such a glob keeps that sent nothing
    /// tonight is not in it). A day stored before resources were read cannot tell, and is left
    /// out; so are the kinds of a day not kept whole, which are not stored by resource. No
    /// patterns: the whole history. `joined`: whether the run counted the callback records of
    /// its resources' calls, as the stored days count them ([`ResourceDay::joined`]); a run that
    /// could not (standard input, read once) takes the days without them.
    pub fn for_resources(
        self,
        patterns: &[glob::Pattern],
        input: &History,
        joined: bool,
    ) -> History {
        if patterns.is_empty() {
            return self;
        }
        let kept = input.resources();
        let keep =
            |name: &str| patterns.iter().any(|p| p.matches(name)) || kept.iter().any(|k| k == name);
        let days = self
            .days
            .into_iter()
            .filter(|(_, d)| !d.resources.is_empty())
            .map(|(day, d)| {
                // A day stored before callback records were joined holds none of a resource's.
                let callbacks_apart = joined && d.callbacks_apart();
                // A run of some resources that could not read its resources' calls first keeps
                // the records that name them, not the callback records of their calls, which
                // name none: their days are taken without them.
                let resources: BTreeMap<String, ResourceDay> = d
                    .resources
                    .into_iter()
                    .filter(|(name, _)| keep(name))
                    .map(|(name, r)| match joined {
                        true => (name, r),
                        false => (name, r.without_joined()),
                    })
                    .collect();
                let mut keys: HashMap<Key, (u64, u64)> = HashMap::new();
                for (&key, &(count, calls)) in resources.values().flat_map(|r| &r.keys) {
                    let k = keys.entry(key).or_default();
                    // A call belongs to one resource: the calls of each add up.
                    *k = (k.0 + count, k.1 + calls);
                }
                let exposure = resources.values().map(|r| r.exposure).sum();
                // A day whose every record is kept keeps its kinds (a glob that matches all);
                // else its kinds are those of the resources kept, when each keeps its own.
                let (kinds, key_kinds) = if exposure == d.exposure {
                    (d.kinds, d.key_kinds)
                } else if resources.values().all(|r| !r.kinds.is_empty()) {
                    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
                    let mut key_kinds: HashMap<Key, (u8, [u64; 4])> = HashMap::new();
                    for r in resources.values() {
                        for (k, n) in &r.kinds {
                            *kinds.entry(k.clone()).or_default() += n;
                        }
                        for (&key, &(bits, counts)) in &r.key_kinds {
                            let k = key_kinds.entry(key).or_default();
                            k.0 |= bits;
                            for (sum, n) in k.1.iter_mut().zip(counts) {
                                *sum += n;
                            }
                        }
                    }
                    (kinds, key_kinds)
                } else {
                    (BTreeMap::new(), HashMap::new())
                };
                // Short for all records when a resource kept is one whose stop made it so.
                let short_for_all = d.short_for_all && resources.values().any(|r| r.partial);
                let day_agg = DayAgg {
                    day,
                    partial: d.partial,
                    partial_why: d.partial_why,
                    exposure,
                    keys,
                    resources,
                    kinds,
                    key_kinds,
                    callbacks_apart,
                    short_for_all,
                };
                (day, day_agg)
            })
            .collect();
        let globs: Vec<&str> = patterns.iter().map(|p| p.as_str()).collect();
        History {
            days,
            scope: Some(globs.join(", ")),
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        }
    }

    /// The history of one resource: its records on each day, as if it were alone. A day on
    /// which the resource's records stop early ([`ResourceDay::partial`]) is partial in it.
    pub fn for_resource(&self, name: &str) -> History {
        let days = self
            .days
            .iter()
            .filter_map(|(&day, d)| {
                let r = d.resources.get(name)?;
                Some((
                    day,
                    DayAgg {
                        day,
                        partial: d.partial || r.partial,
                        // A resource's own early stop is its volume test's finding.
                        partial_why: match d.partial {
                            true => d.partial_why,
                            false => r.partial.then_some(PartialWhy::Stopped),
                        },
                        exposure: r.exposure,
                        keys: r.keys.iter().map(|(k, v)| (*k, *v)).collect(),
                        resources: BTreeMap::new(),
                        kinds: r.kinds.clone(),
                        key_kinds: r.key_kinds.iter().map(|(k, v)| (*k, *v)).collect(),
                        callbacks_apart: d.callbacks_apart(),
                        short_for_all: false,
                    },
                ))
            })
            .collect();
        History {
            days,
            scope: Some(name.to_string()),
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        }
    }

    /// Whether [`History::merge`] keeps the stored `day` over `new`, a day of the same date: a
    /// partial day never replaces a complete one, and a stub of a day (its late files read the
    /// next night) never one a night read whole ([`DayAgg::read_whole`]: acs-prod's export cut
    /// at 14:00, stored partial, had been replaced by its 14:00-24:00 records alone).
    pub fn keeps_stored(&self, day: i64, new: &DayAgg) -> bool {
        (self.days.get(&day)).is_some_and(|old| match old.partial {
            false => new.partial,
            true => old.read_whole() && !new.read_whole(),
        })
    }

    /// Adds `newer` days: each replaces the stored day, except that a partial day never
    /// replaces a complete one. Returns the days that were taken.
    pub fn merge(&mut self, newer: History) -> Vec<i64> {
        let mut taken = Vec::new();
        for (day, d) in newer.days {
            if !self.keeps_stored(day, &d) {
                self.days.insert(day, d);
                // Stored only if this run stores it (see [`History::stage`]).
                self.names_cut.retain(|&c| c != day);
                taken.push(day);
            }
        }
        taken
    }

    /// What the complete stored day `old` loses to `new`, a complete day of the same date
    /// that replaces it, when `new` has fewer records in all, or in a resource both name: a
    /// re-run from part of a day's export (files left out, one resource's missing) is a
    /// baseline for the next four weeks. A resource is compared only when both days name
    /// resources: records that name none (an export without `resourceId`) are in none.
    pub fn fewer_records(old: &DayAgg, new: &DayAgg) -> Option<String> {
        if old.partial || new.partial {
            return None;
        }
        let both = !old.resources.is_empty() && !new.resources.is_empty();
        let resources: Vec<String> = (old.resources.iter())
            .filter(|_| both)
            .filter_map(|(name, r)| {
                let now = new.resources.get(name).map_or(0, |n| n.exposure);
                (now < r.exposure).then(|| format!("{name}: {now} where it had {}", r.exposure))
            })
            .collect();
        if new.exposure >= old.exposure && resources.is_empty() {
            return None;
        }
        let each = match resources.is_empty() {
            true => String::new(),
            false => format!(" ({})", resources.join(", ")),
        };
        Some(format!(
            "history {}: replaced by this run's {} records, where the stored complete day had {}{each}; a day re-run from part of its export is a baseline for the next four weeks",
            day_text(new.day),
            new.exposure,
            old.exposure
        ))
    }

    /// The history stored in `dir` ([`History::load`]), or none without `--history`; a day
    /// that counts more than [`MAX_DAY_RECORDS`] of anything is left out with a warning, as
    /// an unreadable one is.
    pub fn stored(dir: Option<&Path>) -> Result<(History, Vec<String>)> {
        let Some(dir) = dir else {
            return Ok((History::default(), Vec::new()));
        };
        let (mut h, mut warnings) = History::load(dir)?;
        h.days.retain(|day, d| {
            let Some(why) = d.implausible() else {
                return true;
            };
            warnings.push(format!(
                "history file {} is damaged and was left out: {why}",
                path(&dir.join(format!("{}.parquet", day_text(*day))))
            ));
            false
        });
        Ok((h, warnings))
    }

    /// Reads every `YYYY-MM-DD.parquet` of `dir`, the name its day, with a warning for each
    /// file left out; a missing directory is an empty history. Other `.parquet` files (a copy
    /// kept before a re-run, `old-2026-11-17.parquet`) are not read, and one warning names
    /// them: read, a copy of a day replaced the day's own file, whichever sorted last. A file
    /// whose rows are of another day than its name is left out: its name is what a re-run
    /// replaces, so as its rows' day it would stand beside that day's own file.
    pub fn load(dir: &Path) -> Result<(History, Vec<String>)> {
        let mut h = History::default();
        let mut warnings = Vec::new();
        // One that cannot be looked for (a directory above it without search permission) is
        // not a missing one: the run would go on without its days, and fail at storing the
        // night's saying it cannot create it.
        let there = (dir.try_exists())
            .with_context(|| format!("cannot read history directory {}", path(dir)))?;
        if !there {
            return Ok((h, warnings));
        }
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read history directory {}", path(dir)))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .collect();
        paths.sort();
        let mut others = Vec::new();
        for p in paths {
            let Some(named) = day_of_name(&p) else {
                others.push(
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                );
                continue;
            };
            match read_day_guarded(&p, MAX_DAY_TEXT) {
                Ok((d, _)) if d.day != named => {
                    let why = format!("it holds the records of {}", day_text(d.day));
                    warnings.push(format!(
                        "history file {} holds the records of {}, not of the day its name says, and was left out",
                        path(&p),
                        day_text(d.day)
                    ));
                    h.foreign.insert(named, why);
                }
                Ok((d, cut)) => {
                    if cut {
                        h.names_cut.push(d.day);
                    }
                    h.days.insert(d.day, d);
                }
                Err(e) if e.is::<OtherSchema>() => {
                    warnings.push(format!(
                        "history file {} is unreadable and was left out: {e:#}",
                        path(&p)
                    ));
                    h.foreign.insert(named, format!("{e:#}"));
                }
                Err(e) => warnings.push(format!(
                    "history file {} is unreadable and was left out: {e:#}",
                    path(&p)
                )),
            }
        }
        if !others.is_empty() {
            warnings.push(format!(
                "history {}: {} not read, as a history file is named YYYY-MM-DD.parquet (its day): {}",
                path(dir),
                match others.len() {
                    1 => "1 file was".to_string(),
                    n => format!("{n} files were"),
                },
                others.join(", ")
            ));
        }
        Ok((h, warnings))
    }

    /// Stages the given days for `dir`, one Parquet file each, in `set`, and the stored days
    /// read with their names cut ([`History::names_cut`]). A day whose file holds the same
    /// bytes already (a night re-reading archives stored before, a backfill run again) is left
    /// as it is: rewriting it would change nothing, and cost a synced file.
    pub fn stage(&self, dir: &Path, days: &[i64], set: &mut OutputSet) -> Result<()> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create history directory {}", path(dir)))?;
        // A file of another schema or of another day's rows, named as a day this run stores:
        // another tool's, another version's (a rollback), a user's; replaced, it would be lost.
        if let Some((day, why)) = (days.iter()).find_map(|d| self.foreign.get_key_value(d)) {
            let file = dir.join(format!("{}.parquet", day_text(*day)));
            bail!(
                "--history {} would replace {}, which is no day of this tool's history ({why}): move it, or use another --history",
                path(dir),
                path(&file)
            );
        }
        let cut = self.names_cut.iter().filter(|d| !days.contains(d));
        for day in days.iter().chain(cut) {
            if let Some(d) = self.days.get(day) {
                let mut df = day_frame(d)?;
                let mut bytes = Vec::new();
                ParquetWriter::new(&mut bytes).finish(&mut df)?;
                set.add_stored(&dir.join(format!("{}.parquet", day_text(*day))), &bytes)?;
            }
        }
        Ok(())
    }

    /// Writes the given days to `dir`, one Parquet file each, atomically.
    #[cfg(test)]
    pub fn store(&self, dir: &Path, days: &[i64]) -> Result<()> {
        let mut set = OutputSet::new();
        self.stage(dir, days, &mut set)?;
        set.commit()
    }
}

/// The stored form of a day: one row per key of the whole day (`resource` empty), then one
/// per key of each resource, each with its exposure; in key order so re-runs write the same
/// file. Then, for each resource, a row per key of the callback records counted under it
/// through their calls ([`ResourceDay::joined`]: kind `callback` and a code), and a row per log
/// kind of each resource, and last a row per log kind of the whole day: a reader that keeps
/// kinds for the whole day only (written before kinds were kept by resource) takes each kind's
/// last row, the whole day's, and one that knows no joined rows takes them for the resource's
/// `callback` kind, which its kind row, after them, sets again. `partial` is the day's, or on a
/// resource's rows the resource's ([`ResourceDay::partial`]); a reader that knows only the
/// day's reads it from the first row, the whole day's. `short_for_all` is the day's
/// ([`DayAgg::short_for_all`]) on every row: a reader that does not know it reads the day as
/// complete, as it was stored before.
fn day_frame(d: &DayAgg) -> PolarsResult<DataFrame> {
    let sorted = |keys: &mut dyn Iterator<Item = (&Key, &(u64, u64))>| {
        let mut keys: Vec<(Key, (u64, u64))> = keys.map(|(k, v)| (*k, *v)).collect();
        keys.sort();
        keys
    };
    // (resource, kind, key, count, calls, exposure, (partial, why))
    type Why = (bool, Option<PartialWhy>);
    type Row<'r> = (&'r str, Option<&'r str>, Option<Key>, u64, u64, u64, Why);
    let day_why = (d.partial, d.partial_why);
    // A resource's rows say the whole day's reason, or its own early stop's (rev68a F11: its
    // `partial_why` had been the day's, NULL, read back as a day its records did not cover).
    let why_of = |r: &ResourceDay| match d.partial {
        true => day_why,
        false => (r.partial, r.partial.then_some(PartialWhy::Stopped)),
    };
    let mut rows: Vec<Row> = sorted(&mut d.keys.iter())
        .into_iter()
        .map(|(k, v)| ("", None, Some(k), v.0, v.1, d.exposure, day_why))
        .collect();
    for (name, r) in &d.resources {
        let why = why_of(r);
        rows.extend(
            sorted(&mut r.keys.iter())
                .into_iter()
                .map(|(k, v)| (name.as_str(), None, Some(k), v.0, v.1, r.exposure, why)),
        );
    }
    for (name, r) in &d.resources {
        let why = why_of(r);
        let mut joined: Vec<(Key, u64)> = r.joined.iter().map(|(k, n)| (*k, *n)).collect();
        joined.sort();
        rows.extend(
            (joined.into_iter())
                .map(|(k, n)| (name.as_str(), Some("callback"), Some(k), n, 0, 0, why)),
        );
    }
    // Then one row per log kind, with no code: its records that day.
    for (name, r) in &d.resources {
        let why = why_of(r);
        rows.extend(
            (r.kinds.iter()).map(|(k, n)| (name.as_str(), Some(k.as_str()), None, *n, 0, 0, why)),
        );
    }
    rows.extend((d.kinds.iter()).map(|(k, n)| ("", Some(k.as_str()), None, *n, 0, 0, day_why)));
    df!(
        "day" => vec![day_text(d.day); rows.len()],
        "resource" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "kind" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "code" => rows.iter().map(|r| r.2.map(|k| k.0)).collect::<Vec<_>>(),
        "subcode" => rows.iter().map(|r| r.2.and_then(|k| k.1)).collect::<Vec<_>>(),
        "count" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        "calls" => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
        "exposure" => rows.iter().map(|r| r.5).collect::<Vec<_>>(),
        "partial" => rows.iter().map(|&(.., (partial, _))| partial).collect::<Vec<_>>(),
        "partial_why" => rows.iter().map(|&(.., (_, why))| why.map(PartialWhy::stored)).collect::<Vec<_>>(),
        "short_for_all" => vec![d.short_for_all; rows.len()]
    )
}

/// Rows of a day's file, at most: a day keeps far fewer keys (a file of more, which this
/// tool did not write, would take its memory; 20 million rows fit in half a megabyte).
const MAX_DAY_ROWS: usize = 1_000_000;

/// Bytes of text a day's file holds, at most, in all its columns of text together (resource
/// and kind names, the day, why it is partial), decoded: a day this tool stores holds far
/// less (its rows are under [`MAX_DAY_ROWS`], each name cut to [`crate::record::TEXT_BYTES`]).
/// A file of more (one 1 MB name on each of 999,999 rows, 31 KB stored as one value and
/// indices to it) would be read for hours, a name's bytes on each row it is on (rev66a F2).
const MAX_DAY_TEXT: usize = 1 << 30;

/// The day a history file's name says, `YYYY-MM-DD.parquet` as [`History::stage`] writes it.
fn day_of_name(p: &Path) -> Option<i64> {
    let stem = p.file_stem()?.to_str()?;
    parse_day(stem).filter(|&d| day_text(d) == stem)
}

/// [`read_day`] of a file that may be anything: not a regular file (a FIFO would never end),
/// too many rows, or damage that the Parquet reader panics on rather than returning an error
/// (a flipped byte in a page header) are errors too.
fn read_day_guarded(p: &Path, max_text: usize) -> Result<(DayAgg, bool)> {
    if !std::fs::metadata(p)?.is_file() {
        bail!("not a regular file");
    }
    // The reader's panic is caught and worded as its error; its message is not printed.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let read = std::panic::catch_unwind(|| {
        let mut reader = ParquetReader::new(File::open(p)?);
        let rows = reader.num_rows()?;
        if rows > MAX_DAY_ROWS {
            bail!("{rows} rows, more than a day's file holds ({MAX_DAY_ROWS} at most)");
        }
        read_day(reader, max_text)
    });
    std::panic::set_hook(hook);
    read.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the Parquet reader failed".into());
        Err(anyhow!(
            "damaged: {}",
            why.chars().take(200).collect::<String>()
        ))
    })
}

/// The error of a day's file of another schema ([`check_columns`]): no file of this tool's,
/// which a run leaves as it is.
#[derive(Debug)]
struct OtherSchema(String);

impl std::fmt::Display for OtherSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OtherSchema {}

/// The columns of a day's file as [`day_frame`] writes them, with their types, and whether a
/// file may lack the column: `resource` and `kind` came later, and a file written before them
/// holds the whole day's keys only.
const COLUMNS: [(&str, DataType, bool); 11] = [
    ("day", DataType::String, false),
    ("resource", DataType::String, true),
    ("kind", DataType::String, true),
    ("code", DataType::UInt32, false),
    ("subcode", DataType::UInt32, false),
    ("count", DataType::UInt64, false),
    ("calls", DataType::UInt64, false),
    ("exposure", DataType::UInt64, false),
    ("partial", DataType::Boolean, false),
    ("partial_why", DataType::String, true),
    ("short_for_all", DataType::Boolean, true),
];

/// The file's columns against [`COLUMNS`]: a required one missing, or one of another type, is
/// a file of another schema (another tool's, another version's), whose rows would be read as
/// nulls and zeros: every key absent from its day. A column counts as present only when the
/// file holds its data: the reader takes its names from the Arrow schema kept in the file's
/// metadata, which can name a column the file does not hold, and reads that column as nulls.
fn check_columns(held: &[String], df: &DataFrame) -> Result<()> {
    let other = |why: String| Err(OtherSchema(format!("a file of another schema: {why}")).into());
    for (name, dtype, optional) in &COLUMNS {
        let column = df
            .column(name)
            .ok()
            .filter(|_| held.iter().any(|h| h == name));
        match column {
            None if *optional && df.column(name).is_err() => {}
            None => {
                return other(format!(
                    "it has no column `{name}` (a day's file has {})",
                    COLUMNS.map(|c| c.0).join(", ")
                ))
            }
            Some(c) if c.dtype() != dtype => {
                return other(format!(
                    "its column `{name}` is of type {}, not {dtype}",
                    c.dtype()
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The file's column types as its metadata stores them, against [`COLUMNS`], before a column
/// is read: polars here builds no column of a type whose feature this crate leaves out (a
/// `day` of date or timestamp type, as pyarrow and pandas write a date; a uint16 `code`; an int8
/// `partial`; a decimal `calls`), and that error had been "unreadable", the file replaced by
/// the night's day (rev71a F6). Any column of another type is a file of another schema, kept.
fn check_stored_types(schema: &ArrowSchema) -> Result<()> {
    use ArrowDataType as A;
    for (name, dtype, _) in &COLUMNS {
        let Some(field) = schema.get(name) else {
            continue;
        };
        let stored = field.dtype();
        let ours = match dtype {
            DataType::String => matches!(stored, A::Utf8 | A::LargeUtf8 | A::Utf8View),
            DataType::UInt32 => matches!(stored, A::UInt32),
            DataType::UInt64 => matches!(stored, A::UInt64),
            DataType::Boolean => matches!(stored, A::Boolean),
            _ => true,
        };
        if !ours {
            // Named as polars names its types where it has one (`i64`), as the check of the
            // columns read says them.
            let named = match stored {
                A::Int8 => "i8".to_string(),
                A::Int16 => "i16".to_string(),
                A::Int32 => "i32".to_string(),
                A::Int64 => "i64".to_string(),
                A::UInt8 => "u8".to_string(),
                A::UInt16 => "u16".to_string(),
                A::UInt32 => "u32".to_string(),
                A::UInt64 => "u64".to_string(),
                A::Float32 => "f32".to_string(),
                A::Float64 => "f64".to_string(),
                A::Boolean => "bool".to_string(),
                A::Utf8 | A::LargeUtf8 | A::Utf8View => "str".to_string(),
                other => format!("{other:?}").to_lowercase(),
            };
            let why = format!("its column `{name}` is of type {named}, not {dtype}");
            return Err(OtherSchema(format!("a file of another schema: {why}")).into());
        }
    }
    Ok(())
}

/// A day's file, read; and whether names in it were cut ([`crate::record::cut`]): a day
/// stored before names were cut as records are read has them whole, and its resources are
/// those a run counts now, names equal up to the cut as one. One of more than `max_text`
/// bytes of text ([`MAX_DAY_TEXT`]) is refused before its rows are read: as its metadata says
/// before it is decoded (text stored as it is), then as decoded (a value stored once, each of
/// its rows a view of it, which costs the reading of its rows its whole length each).
fn read_day(mut reader: ParquetReader<File>, max_text: usize) -> Result<(DayAgg, bool)> {
    let meta = reader.get_metadata()?;
    let held: Vec<String> = (meta.schema().fields().iter())
        .map(|f| f.name().to_string())
        .collect();
    let stored: usize = (meta.row_groups.iter()).map(|g| g.total_byte_size()).sum();
    if stored > max_text {
        bail!("its columns hold {stored} bytes uncompressed, more than a day's file holds ({max_text} at most)");
    }
    check_stored_types(&*reader.schema()?)?;
    let df = reader.finish()?;
    check_columns(&held, &df)?;
    let text: usize = (df.columns().iter())
        .filter_map(|c| c.str().ok())
        .flat_map(|c| c.downcast_iter().map(|a| a.total_bytes_len()))
        .sum();
    if text > max_text {
        bail!("its text (resource and kind names) adds up to {text} bytes, more than a day's file holds ({max_text} at most)");
    }
    let days = df.column("day")?.str()?;
    if df.height() == 0 {
        bail!("empty file");
    }
    let day_s = days.get(0).context("no day")?;
    let day = parse_day(day_s).with_context(|| format!("bad day {:?}", cut(day_s)))?;
    let codes = df.column("code")?.u32()?;
    let subs = df.column("subcode")?.u32()?;
    let counts = df.column("count")?.u64()?;
    let calls = df.column("calls")?.u64()?;
    let exposures = df.column("exposure")?.u64()?;
    // Every row this tool writes has all three: a null one is damage, which read as 0 would
    // make a key absent from its day (a spike said `NEW`) or a day of no records.
    for (name, column) in [("count", counts), ("calls", calls), ("exposure", exposures)] {
        if column.null_count() > 0 {
            let row = column.iter().position(|v| v.is_none()).unwrap_or(0);
            bail!(
                "its column `{name}` is null on {} of its {} rows (row {} first), where every row holds a number",
                column.null_count(),
                column.len(),
                row + 1
            );
        }
    }
    let partials = df.column("partial")?.bool()?;
    // A history written before resources were read has no `resource` column: all its rows
    // are the whole day's.
    let resources = match df.column("resource") {
        Ok(c) => Some(c.str()?.clone()),
        Err(_) => None,
    };
    let resource_of = |i: usize| {
        (resources.as_ref())
            .and_then(|r| r.get(i))
            .filter(|r| !r.is_empty())
    };
    // The day's `partial` is its own rows' (a resource's rows may say the resource's).
    let whole = (0..df.height()).find(|&i| resource_of(i).is_none());
    let partial = partials.get(whole.unwrap_or(0)).unwrap_or(true);
    // Why, in a file written since it was kept: the whole day's, on each of its rows.
    let partial_why = match df.column("partial_why") {
        Ok(c) => (c.str()?.get(whole.unwrap_or(0))).and_then(PartialWhy::parse),
        Err(_) => None,
    };
    // Short for all records, in a file written since it was kept: the whole day's.
    let short_for_all = match df.column("short_for_all") {
        Ok(c) => c.bool()?.get(whole.unwrap_or(0)) == Some(true),
        Err(_) => false,
    };
    // Kinds came later still: rows with a kind and no code.
    let kinds = match df.column("kind") {
        Ok(c) => Some(c.str()?.clone()),
        Err(_) => None,
    };
    let mut d = DayAgg {
        day,
        partial,
        partial_why: partial_why.filter(|_| partial),
        exposure: 0,
        keys: HashMap::new(),
        resources: BTreeMap::new(),
        kinds: BTreeMap::new(),
        key_kinds: HashMap::new(),
        callbacks_apart: false,
        short_for_all: short_for_all && !partial,
    };
    // Each resource by its name as stored, cut below.
    let mut named: HashMap<&str, ResourceDay> = HashMap::new();
    let mut was_cut = false;
    for i in 0..df.height() {
        let resource = resource_of(i);
        if let Some(name) = resource.filter(|_| partials.get(i) == Some(true)) {
            named.entry(name).or_default().partial = true;
        }
        let kind = kinds.as_ref().and_then(|k| k.get(i));
        // A kind and a code: a resource's callback records of the key joined to it.
        if let (Some("callback"), Some(name), Some(code)) = (kind, resource, codes.get(i)) {
            let r = named.entry(name).or_default();
            r.joined
                .insert((code, subs.get(i)), counts.get(i).unwrap_or(0));
            continue;
        }
        if let Some(kind) = kind {
            let of = match resource {
                None => &mut d.kinds,
                Some(name) => &mut named.entry(name).or_default().kinds,
            };
            let kind = cut(kind);
            was_cut |= matches!(kind, Cow::Owned(_));
            of.insert(kind.into_owned(), counts.get(i).unwrap_or(0));
            continue;
        }
        let key = (codes.get(i).context("null code")?, subs.get(i));
        let v = (counts.get(i).unwrap_or(0), calls.get(i).unwrap_or(0));
        let e = exposures.get(i).unwrap_or(0);
        match resource {
            None => {
                d.exposure = e;
                d.keys.insert(key, v);
            }
            Some(name) => {
                let r = named.entry(name).or_default();
                r.exposure = e;
                r.keys.insert(key, v);
            }
        }
    }
    for (name, r) in named {
        let name = cut(name);
        was_cut |= matches!(name, Cow::Owned(_));
        match d.resources.entry(name.into_owned()) {
            Entry::Vacant(e) => {
                e.insert(r);
            }
            Entry::Occupied(mut e) => e.get_mut().absorb(r),
        }
    }
    // A partial day's resources are partial with it: only a whole day's are marked.
    if d.partial {
        d.resources.values_mut().for_each(|r| r.partial = false);
    }
    Ok((d, was_cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: i64, partial: bool, keys: &[(Key, u64)]) -> DayAgg {
        DayAgg {
            day: d,
            partial,
            partial_why: None,
            exposure: keys.iter().map(|k| k.1).sum(),
            keys: keys.iter().map(|(k, n)| (*k, (*n, 1))).collect(),
            resources: BTreeMap::new(),
            kinds: BTreeMap::new(),
            key_kinds: HashMap::new(),
            callbacks_apart: false,
            short_for_all: false,
        }
    }

    /// A run's own day holds a resource's day for each resource, by the hundred thousand in
    /// an export of made-up resource ids (rev64b F5), most of them its exposure alone: its
    /// empty maps are B-trees of 24 bytes, where hash maps took 48 (184 bytes a resource).
    #[test]
    fn a_resource_s_day_is_small() {
        assert!(std::mem::size_of::<ResourceDay>() <= 112);
    }

    /// Where the input's records stop leaves out those dated after the clock (plus its 15
    /// minutes): one dated in 2099 had made 2026-12-04, stopped at 13:54, a whole day (rev68a
    /// F1). On the clock's own day, records on both sides of it tell that the days before are
    /// covered; with every record after the clock, the span ends after the last.
    #[test]
    fn records_dated_after_the_clock_do_not_extend_the_coverage() {
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let now = t("2026-12-05T12:00:00Z").timestamp();
        let agg = |spans: &[(&str, &str)]| {
            let mut agg = Aggregator::new(crate::aggregate::Window::default(), 3600);
            for &(first, last) in spans {
                let (first, last) = (t(first), t(last));
                let day = first.timestamp().div_euclid(DAY);
                agg.day_spans.insert(day, (first, last));
                let k = agg.by_key.entry((200, None)).or_default();
                k.first = k.first.min(Some(first)).or(Some(first));
                k.last = k.last.max(Some(last));
            }
            agg
        };
        let stopped = agg(&[
            ("2026-12-03T00:10:00Z", "2026-12-03T23:50:00Z"),
            ("2026-12-04T00:00:00Z", "2026-12-04T13:54:00Z"),
            ("2099-01-06T03:00:00Z", "2099-01-06T03:00:00Z"),
        ]);
        assert_eq!(
            last_record(&stopped),
            Some(t("2099-01-06T03:00:00Z").timestamp())
        );
        assert_eq!(
            last_dated(&stopped, now),
            Some(t("2026-12-04T13:54:00Z").timestamp())
        );
        let span = |a: &str, b: &str| Some((t(a).timestamp(), t(b).timestamp()));
        assert_eq!(
            coverage(&stopped, now),
            span("2026-12-03T00:00:00Z", "2026-12-04T14:00:00Z")
        );
        // The clock's day: 06:00 and 12:10 (within the skew) before it, 20:00 after.
        let today = agg(&[
            ("2026-12-04T00:00:00Z", "2026-12-04T22:30:00Z"),
            ("2026-12-05T06:00:00Z", "2026-12-05T20:00:00Z"),
        ]);
        assert_eq!(
            last_dated(&today, now),
            Some(t("2026-12-05T06:00:00Z").timestamp())
        );
        assert_eq!(
            coverage(&today, now),
            span("2026-12-04T00:00:00Z", "2026-12-05T07:00:00Z")
        );
        let skew = agg(&[("2026-12-05T06:00:00Z", "2026-12-05T12:10:00Z")]);
        assert_eq!(
            last_dated(&skew, now),
            Some(t("2026-12-05T12:10:00Z").timestamp())
        );
        let ahead = agg(&[("2099-01-06T03:00:00Z", "2099-01-06T05:00:00Z")]);
        assert_eq!(last_dated(&ahead, now), None);
        assert_eq!(
            coverage(&ahead, now),
            span("2099-01-06T03:00:00Z", "2099-01-06T06:00:00Z")
        );
    }

    #[test]
    fn days_round_trip_through_parquet() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::default();
        let d = parse_day("2026-11-24").unwrap();
        h.days.insert(
            d,
            day(d, false, &[((404, Some(8522)), 37), ((200, None), 5)]),
        );
        h.store(dir.path(), &[d]).unwrap();
        assert!(dir.path().join("2026-11-24.parquet").exists());
        let (back, w) = History::load(dir.path()).unwrap();
        assert!(w.is_empty());
        assert_eq!(back.days[&d], h.days[&d]);
    }

    /// A day that counts more than a day holds (a count near u64::MAX, as a damaged or made-up
    /// file's) is left out with a warning, as an unreadable one: its sums would overflow
    /// (rev63b F8: triage panicked in a debug build, and a release one tested wrapped sums).
    #[test]
    fn a_day_that_counts_more_than_a_day_holds_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::default();
        let days = ["2026-11-10", "2026-11-17", "2026-11-24"].map(|d| parse_day(d).unwrap());
        let key = (404, Some(8522));
        // At the bound, a day is read.
        h.days
            .insert(days[0], day(days[0], false, &[(key, MAX_DAY_RECORDS)]));
        let mut counted = day(days[1], false, &[(key, 37)]);
        counted.keys.insert((500, Some(8522)), (u64::MAX, 1));
        h.days.insert(days[1], counted);
        let mut resource = day(days[2], false, &[(key, 37)]);
        let r = ResourceDay {
            exposure: MAX_DAY_RECORDS + 1,
            keys: BTreeMap::from([(key, (37, 1))]),
            ..ResourceDay::default()
        };
        resource.resources.insert("acs-a".into(), r);
        h.days.insert(days[2], resource);
        h.store(dir.path(), &days).unwrap();
        // Read as they were stored.
        assert_eq!(History::load(dir.path()).unwrap().0.days.len(), 3);
        let (back, w) = History::stored(Some(dir.path())).unwrap();
        assert_eq!(back.days.keys().collect::<Vec<_>>(), [&days[0]]);
        let file = |d: &str| {
            dir.path()
                .join(format!("{d}.parquet"))
                .display()
                .to_string()
        };
        assert_eq!(
            w,
            [
                format!("history file {} is damaged and was left out: the count of 500/8522 is 18446744073709551615, more than a day holds (281474976710656 at most)", file("2026-11-17")),
                format!("history file {} is damaged and was left out: resource acs-a: its record count is 281474976710657, more than a day holds (281474976710656 at most)", file("2026-11-24")),
            ]
        );
    }

    #[test]
    fn partial_never_replaces_complete() {
        let mut h = History::default();
        h.days.insert(1, day(1, false, &[((400, Some(1)), 9)]));
        let mut newer = History::default();
        newer.days.insert(1, day(1, true, &[((400, Some(1)), 2)]));
        newer.days.insert(2, day(2, true, &[((400, Some(1)), 2)]));
        assert_eq!(h.merge(newer), vec![2]);
        assert_eq!(h.days[&1].exposure, 9);
        let mut newer = History::default();
        newer.days.insert(1, day(1, false, &[((400, Some(1)), 3)]));
        assert_eq!(h.merge(newer), vec![1]);
        assert_eq!(h.days[&1].exposure, 3);
        // A day stored partial as its export stopped is kept over a stub of its late files,
        // replaced by a day read whole; a stub replaces a stub.
        for why in [
            PartialWhy::Stopped,
            PartialWhy::Rejects {
                rejected: 1,
                read: 9,
            },
            PartialWhy::Copies {
                files: 1,
                records: 2,
                spread: false,
            },
        ] {
            let mut h = History::default();
            let mut stopped = day(1, true, &[((400, Some(1)), 9)]);
            stopped.partial_why = Some(why);
            h.days.insert(1, stopped);
            let mut stub = day(1, true, &[((400, Some(1)), 2)]);
            stub.partial_why = Some(PartialWhy::Uncovered);
            let newer = History {
                days: BTreeMap::from([(1, stub.clone())]),
                ..History::default()
            };
            assert_eq!(h.merge(newer), Vec::<i64>::new(), "{why:?}");
            assert_eq!(h.days[&1].exposure, 9, "{why:?}");
            let mut again = day(1, true, &[((400, Some(1)), 5)]);
            again.partial_why = Some(why);
            let newer = History {
                days: BTreeMap::from([(1, again)]),
                ..History::default()
            };
            assert_eq!(h.merge(newer), vec![1], "{why:?}");
            assert_eq!(h.days[&1].exposure, 5, "{why:?}");
        }
        let mut h = History::default();
        h.days.insert(1, day(1, true, &[((400, Some(1)), 9)]));
        let newer = History {
            days: BTreeMap::from([(1, day(1, true, &[((400, Some(1)), 2)]))]),
            ..History::default()
        };
        assert_eq!(h.merge(newer), vec![1]);
    }

    /// A complete day replaced by one of fewer records, in all or in a resource both name, is
    /// said with both counts; more records, a partial day, or a day whose records name no
    /// resource (nothing to compare a resource with) say nothing of resources.
    #[test]
    fn a_complete_day_replaced_by_fewer_records_is_said() {
        let res = |pairs: &[(&str, u64)]| -> BTreeMap<String, ResourceDay> {
            (pairs.iter())
                .map(|(n, e)| {
                    (
                        n.to_string(),
                        ResourceDay {
                            exposure: *e,
                            ..Default::default()
                        },
                    )
                })
                .collect()
        };
        let d = parse_day("2026-11-17").unwrap();
        let mut old = day(d, false, &[((200, None), 530)]);
        old.resources = res(&[("acs-a", 353), ("acs-b", 177)]);
        let mut new = day(d, false, &[((200, None), 353)]);
        new.resources = res(&[("acs-a", 353)]);
        assert_eq!(
            History::fewer_records(&old, &new).as_deref(),
            Some("history 2026-11-17: replaced by this run's 353 records, where the stored complete day had 530 (acs-b: 0 where it had 177); a day re-run from part of its export is a baseline for the next four weeks")
        );
        // More in all, fewer in one resource: still said.
        let mut more = day(d, false, &[((200, None), 600)]);
        more.resources = res(&[("acs-a", 500), ("acs-b", 100)]);
        let said = History::fewer_records(&old, &more).unwrap();
        assert!(
            said.contains(
                "600 records, where the stored complete day had 530 (acs-b: 100 where it had 177)"
            ),
            "{said}"
        );
        // As many everywhere, or as many records naming no resource: nothing said.
        assert_eq!(History::fewer_records(&old, &old), None);
        let unnamed = day(d, false, &[((200, None), 530)]);
        assert_eq!(History::fewer_records(&old, &unnamed), None);
        let mut partial = new.clone();
        partial.partial = true;
        assert_eq!(History::fewer_records(&old, &partial), None);
    }

    /// Each reason a day is partial reads back as it was stored; a text it did not write is
    /// none.
    #[test]
    fn a_partial_day_s_reason_reads_back() {
        for why in [
            PartialWhy::Uncovered,
            PartialWhy::NotOver,
            PartialWhy::Stopped,
            PartialWhy::Rejects {
                rejected: 41,
                read: 3148,
            },
            PartialWhy::Copies {
                files: 14,
                records: 2959,
                spread: false,
            },
            PartialWhy::Guessed {
                files: 1,
                records: 200,
                spread: false,
            },
            PartialWhy::Copies {
                files: 2,
                records: 900,
                spread: true,
            },
            PartialWhy::Guessed {
                files: 1,
                records: 432,
                spread: true,
            },
        ] {
            assert_eq!(PartialWhy::parse(&why.stored()), Some(why));
        }
        assert_eq!(
            PartialWhy::Copies {
                files: 1,
                records: 5,
                spread: false,
            }
            .stored(),
            "copies 5 records from 1 files"
        );
        assert_eq!(PartialWhy::parse("copies 5 records"), None);
        assert_eq!(
            PartialWhy::Guessed {
                files: 2,
                records: 7,
                spread: false,
            }
            .stored(),
            "guessed order 7 records from 2 files"
        );
        // A file of records on more than 366 days: the count is the file's (rev67c F1).
        assert_eq!(
            PartialWhy::Guessed {
                files: 1,
                records: 432,
                spread: true,
            }
            .stored(),
            "guessed order 432 records from 1 files on more than 366 days"
        );
        assert!(SPREAD.ends_with(&format!(" {} days", crate::ingest::MAX_FILE_DAYS)));
        assert_eq!(PartialWhy::parse("guessed order 7 records"), None);
    }

    /// A history directory holding one complete day, 2026-11-24, of two keys.
    fn one_stored_day() -> (tempfile::TempDir, i64, History) {
        let dir = tempfile::tempdir().unwrap();
        let d = parse_day("2026-11-24").unwrap();
        let mut h = History::default();
        h.days.insert(
            d,
            day(d, false, &[((404, Some(8522)), 37), ((200, None), 5)]),
        );
        h.store(dir.path(), &[d]).unwrap();
        (dir, d, h)
    }

    /// A day stored again as it is stored is left as it is: the same file, not a copy renamed
    /// over it. A day whose content changed, or a partial day become whole, is replaced.
    #[test]
    fn an_unchanged_day_is_left_as_it_is() {
        use std::os::unix::fs::MetadataExt;
        let (dir, d, h) = one_stored_day();
        let file = dir.path().join("2026-11-24.parquet");
        let inode = || std::fs::metadata(&file).unwrap().ino();
        let stored = inode();
        h.store(dir.path(), &[d]).unwrap();
        assert_eq!(inode(), stored, "rewritten unchanged");
        let mut more = h.clone();
        more.days.insert(
            d,
            day(d, false, &[((404, Some(8522)), 38), ((200, None), 5)]),
        );
        more.store(dir.path(), &[d]).unwrap();
        assert_ne!(inode(), stored, "not rewritten changed");
        assert_eq!(History::load(dir.path()).unwrap().0.days[&d], more.days[&d]);
        let mut partial = more.clone();
        partial.days.get_mut(&d).unwrap().partial = true;
        partial.store(dir.path(), &[d]).unwrap();
        let was_partial = inode();
        more.store(dir.path(), &[d]).unwrap();
        assert_ne!(
            inode(),
            was_partial,
            "a partial day become whole not rewritten"
        );
        assert!(!History::load(dir.path()).unwrap().0.days[&d].partial);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporaries left");
    }

    /// A history in a folder whose name is not UTF-8 is named by its bytes in the warnings (as
    /// every output names a file, `text::path`), not by U+FFFD, which two such folders share.
    #[test]
    fn a_history_warning_names_a_folder_that_is_not_utf8_by_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join(std::ffi::OsStr::from_bytes(b"hist\xff"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("2026-11-24.parquet"), b"PAR1 not a day PAR1").unwrap();
        let (back, w) = History::load(&dir).unwrap();
        assert!(back.days.is_empty(), "{w:?}");
        assert!(
            w.len() == 1
                && w[0].contains("hist\\xFF/2026-11-24.parquet")
                && !w[0].contains('\u{fffd}'),
            "{w:?}"
        );
    }

    /// What the Parquet reader panics on (a byte of a page header set to zero, which would end
    /// the run with exit 101), a file of the schema with no rows, one of far more rows than a
    /// day holds, and a FIFO (which would hang the run) are each a warning.
    #[test]
    fn damaged_history_files_are_warnings() {
        let (dir, d, _) = one_stored_day();
        let good = std::fs::read(dir.path().join("2026-11-24.parquet")).unwrap();
        let bad = tempfile::tempdir().unwrap();
        let file = bad.path().join("2026-11-24.parquet");
        let mut left_out = 0;
        for i in 0..good.len() {
            let mut b = good.clone();
            b[i] = if b[i] == 0 { 0xff } else { 0 };
            std::fs::write(&file, &b).unwrap();
            let (back, w) = History::load(bad.path()).unwrap();
            assert_eq!(back.days.len() + w.len(), 1, "byte {i}");
            left_out += w.len();
        }
        assert!(left_out > 0);
        let empty = day_frame(&day(d, false, &[])).unwrap();
        let mut none = empty.head(Some(0));
        ParquetWriter::new(std::fs::File::create(&file).unwrap())
            .finish(&mut none)
            .unwrap();
        let (back, w) = History::load(bad.path()).unwrap();
        assert!(back.days.is_empty() && w[0].contains("empty file"), "{w:?}");
        std::fs::remove_file(&file).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&file).status();
        assert!(made.unwrap().success());
        let (back, w) = History::load(bad.path()).unwrap();
        assert!(
            back.days.is_empty() && w[0].contains("not a regular file"),
            "{w:?}"
        );
    }

    /// Only files named by their day are read: a copy kept before a re-run
    /// (`old-2026-11-17.parquet`, which sorts after the day's own file) does not replace it;
    /// a file whose rows are of another day than its name is left out, said.
    #[test]
    fn only_files_named_by_their_day_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let d17 = parse_day("2026-11-17").unwrap();
        let mut h = History::default();
        h.days
            .insert(d17, day(d17, false, &[((404, Some(8522)), 9)]));
        h.store(dir.path(), &[d17]).unwrap();
        let old = History {
            days: BTreeMap::from([(d17, day(d17, false, &[((404, Some(8522)), 3)]))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        let copy = tempfile::tempdir().unwrap();
        old.store(copy.path(), &[d17]).unwrap();
        let file = copy.path().join("2026-11-17.parquet");
        std::fs::copy(&file, dir.path().join("old-2026-11-17.parquet")).unwrap();
        std::fs::copy(&file, dir.path().join("2026-11-17.parquet.parquet")).unwrap();
        // A day's file under another day's name.
        std::fs::copy(&file, dir.path().join("2026-11-10.parquet")).unwrap();
        let (back, w) = History::load(dir.path()).unwrap();
        assert_eq!(back.days.keys().copied().collect::<Vec<_>>(), [d17]);
        assert_eq!(back.days[&d17].exposure, 9);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].ends_with("2026-11-10.parquet holds the records of 2026-11-17, not of the day its name says, and was left out"),
            "{w:?}"
        );
        // Kept: a run that would store 2026-11-10 over it is refused (rev70a F9).
        let d10 = parse_day("2026-11-10").unwrap();
        assert_eq!(back.foreign[&d10], "it holds the records of 2026-11-17");
        assert!(
            w[1].ends_with(": 2 files were not read, as a history file is named YYYY-MM-DD.parquet (its day): 2026-11-17.parquet.parquet, old-2026-11-17.parquet"),
            "{w:?}"
        );
    }

    /// A file of another schema is left out with a warning that names the column: one whose
    /// column is renamed in place (the Arrow schema in its metadata still names it, and the
    /// reader would give its rows nulls: every key absent, every day partial), one without a
    /// column, and one whose column is of another type.
    #[test]
    fn a_file_of_another_schema_is_left_out_naming_the_column() {
        let (dir, d, h) = one_stored_day();
        let file = dir.path().join("2026-11-24.parquet");
        let good = std::fs::read(&file).unwrap();
        let renamed = |from: &[u8], to: &[u8]| -> Vec<u8> {
            let mut b = good.clone();
            for i in 0..=b.len() - from.len() {
                if &b[i..i + from.len()] == from {
                    b[i..i + from.len()].copy_from_slice(to);
                }
            }
            b
        };
        let warning = |bytes: &[u8]| {
            std::fs::write(&file, bytes).unwrap();
            let (back, w) = History::load(dir.path()).unwrap();
            assert!(back.days.is_empty(), "{w:?}");
            assert_eq!(w.len(), 1, "{w:?}");
            // Kept: a run that would store the day over it is refused (rev70a F9).
            let mut stored = back.clone();
            stored.days.insert(d, h.days[&d].clone());
            let e = (stored.stage(dir.path(), &[d], &mut OutputSet::new())).unwrap_err();
            assert!(
                format!("{e}")
                    .contains("which is no day of this tool's history (a file of another schema: "),
                "{e}"
            );
            assert_eq!(std::fs::read(&file).unwrap(), bytes);
            w[0].clone()
        };
        for (from, to) in [
            ("count", "cnt_x"),
            ("subcode", "subcodX"),
            ("partial", "partiaX"),
            ("kind", "kinX"),
        ] {
            let w = warning(&renamed(from.as_bytes(), to.as_bytes()));
            assert!(w.contains(&format!("no column `{from}`")), "{w}");
        }
        let write = |mut df: DataFrame| {
            let mut bytes = Vec::new();
            ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
            bytes
        };
        let frame = day_frame(&h.days[&d]).unwrap();
        let w = warning(&write(frame.drop("count").unwrap()));
        assert!(w.contains("no column `count`"), "{w}");
        let signed = frame.column("count").unwrap().cast(&DataType::Int64);
        let mut signed_count = frame.clone();
        signed_count.with_column(signed.unwrap()).unwrap();
        let w = warning(&write(signed_count));
        assert!(w.contains("column `count` is of type i64, not u64"), "{w}");
    }

    /// A day whose `count`, `calls` or `exposure` is null on a row (a file this tool did not
    /// write as it is) is damaged, and left out with a warning: read as 0, a null count made
    /// its key absent from the day, and a run said it `NEW` (rev66a F3).
    #[test]
    fn a_day_with_null_counts_is_left_out() {
        let (dir, d, h) = one_stored_day();
        let file = dir.path().join("2026-11-24.parquet");
        let frame = day_frame(&h.days[&d]).unwrap();
        for (name, row) in [("count", 1), ("calls", 2), ("exposure", 1)] {
            let mut damaged = frame.clone();
            let n = frame.height();
            let values: Vec<Option<u64>> = (0..n).map(|i| (i + 1 != row).then_some(1)).collect();
            damaged
                .with_column(Column::new(name.into(), values))
                .unwrap();
            let mut bytes = Vec::new();
            ParquetWriter::new(&mut bytes).finish(&mut damaged).unwrap();
            std::fs::write(&file, bytes).unwrap();
            let (back, w) = History::load(dir.path()).unwrap();
            assert!(back.days.is_empty(), "{name}: {w:?}");
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(
                w[0].ends_with(&format!("2026-11-24.parquet is unreadable and was left out: its column `{name}` is null on 1 of its {n} rows (row {row} first), where every row holds a number")),
                "{w:?}"
            );
        }
    }

    /// A day whose text adds up to more than a day's file holds is left out before its rows
    /// are read: a name stored once and on every row had cost its whole length on each (a
    /// 31 KB file of a 1 MB name on 999,999 rows kept a run busy for hours: rev66a F2). So is
    /// one whose columns are that much before they are decoded. Under the budget, it is read.
    #[test]
    fn a_day_of_more_text_than_a_day_holds_is_left_out_before_its_rows_are_read() {
        let d = parse_day("2026-11-24").unwrap();
        let name = format!("acs-{}", "a".repeat(10_000));
        let resource = ResourceDay {
            exposure: 50,
            keys: (0..50).map(|s| ((500, Some(s)), (1, 1))).collect(),
            kinds: BTreeMap::from([("operations".to_string(), 50)]),
            ..ResourceDay::default()
        };
        let day = DayAgg {
            day: d,
            partial: false,
            partial_why: None,
            exposure: 0,
            keys: HashMap::new(),
            resources: BTreeMap::from([(name, resource)]),
            kinds: BTreeMap::new(),
            key_kinds: HashMap::new(),
            callbacks_apart: false,
            short_for_all: false,
        };
        let dir = tempfile::tempdir().unwrap();
        let h = History {
            days: BTreeMap::from([(d, day)]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        h.store(dir.path(), &[d]).unwrap();
        let file = dir.path().join("2026-11-24.parquet");
        // 51 rows of the name (10,004 bytes), of the day (10) and one kind (`operations`).
        let e = read_day_guarded(&file, 200_000).unwrap_err();
        assert_eq!(
            format!("{e:#}"),
            "its text (resource and kind names) adds up to 510724 bytes, more than a day's file holds (200000 at most)"
        );
        let e = format!("{:#}", read_day_guarded(&file, 1_000).unwrap_err());
        assert!(
            e.starts_with("its columns hold ")
                && e.ends_with(" bytes uncompressed, more than a day's file holds (1000 at most)"),
            "{e}"
        );
        let (back, was_cut) = read_day_guarded(&file, MAX_DAY_TEXT).unwrap();
        assert!(was_cut);
        assert_eq!(back.resources.len(), 1);
    }

    /// A history directory that cannot be looked for is not read as a missing one (no days,
    /// then "cannot create history directory" at the end of the run): it cannot be read. As
    /// root, whom no permission stops, a path through a file shows it.
    #[test]
    fn a_history_directory_that_cannot_be_looked_for_cannot_be_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let e = History::load(&file.join("history")).unwrap_err();
        let e = format!("{e:#}");
        assert!(e.starts_with("cannot read history directory"), "{e}");
        assert!(History::load(&dir.path().join("none")).is_ok());
    }

    #[test]
    fn unreadable_history_file_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2026-11-24.parquet"), b"not parquet").unwrap();
        let (h, w) = History::load(dir.path()).unwrap();
        assert!(h.days.is_empty());
        assert_eq!(w.len(), 1);
    }
}

#[cfg(test)]
mod resource_tests {
    use super::*;

    #[test]
    fn resources_round_trip_and_a_history_without_them_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let d = parse_day("2026-11-24").unwrap();
        let mut day = DayAgg {
            day: d,
            partial: false,
            partial_why: None,
            exposure: 30,
            keys: HashMap::from([((404, Some(8522)), (20, 7)), ((200, None), (10, 4))]),
            resources: BTreeMap::new(),
            kinds: BTreeMap::from([
                ("media_summary".to_string(), 30),
                ("streaming".to_string(), 5),
            ]),
            key_kinds: HashMap::new(),
            callbacks_apart: false,
            short_for_all: false,
        };
        day.resources.insert(
            "acs-a".into(),
            ResourceDay {
                exposure: 12,
                keys: BTreeMap::from([((404, Some(8522)), (12, 3))]),
                kinds: BTreeMap::from([("media_summary".to_string(), 12)]),
                key_kinds: BTreeMap::new(),
                joined: BTreeMap::new(),
                partial: false,
            },
        );
        let mut h = History::default();
        h.days.insert(d, day.clone());
        h.store(dir.path(), &[d]).unwrap();
        let (back, w) = History::load(dir.path()).unwrap();
        assert!(w.is_empty());
        assert_eq!(back.days[&d], day);
        assert_eq!(back.resources(), ["acs-a"]);
        assert_eq!(back.for_resource("acs-a").days[&d].exposure, 12);

        // Read back, it is stored alike, whatever its keys' kinds (not stored); another
        // count of a resource's kind, or a day become partial, is not.
        let mut run = day.clone();
        run.key_kinds.insert((404, Some(8522)), (1, [1, 0, 0, 0]));
        run.resources
            .get_mut("acs-a")
            .unwrap()
            .key_kinds
            .insert((404, Some(8522)), (1, [1, 0, 0, 0]));
        assert!(back.days[&d].stored_alike(&run) && run.stored_alike(&back.days[&d]));
        let mut other = run.clone();
        *other
            .resources
            .get_mut("acs-a")
            .unwrap()
            .kinds
            .get_mut("media_summary")
            .unwrap() += 1;
        assert!(!back.days[&d].stored_alike(&other));
        other = run.clone();
        other.partial = true;
        assert!(!back.days[&d].stored_alike(&other));
        other = run.clone();
        other
            .resources
            .insert("acs-b".into(), ResourceDay::default());
        assert!(!back.days[&d].stored_alike(&other) && !other.stored_alike(&back.days[&d]));

        // Each kind's last row is the whole day's: a reader that keeps kinds for the whole
        // day only takes the day's counts.
        let frame = day_frame(&day).unwrap();
        let (res, kind) = (
            frame.column("resource").unwrap(),
            frame.column("kind").unwrap(),
        );
        let (res, kind) = (res.str().unwrap(), kind.str().unwrap());
        let rows: Vec<(Option<&str>, Option<&str>)> = (0..frame.height())
            .map(|i| (res.get(i), kind.get(i)))
            .filter(|(_, k)| k.is_some())
            .collect();
        assert_eq!(
            rows,
            [
                (Some("acs-a"), Some("media_summary")),
                (Some(""), Some("media_summary")),
                (Some(""), Some("streaming"))
            ]
        );
        // Under `--resource`, a day not kept whole has the kinds of the resources kept, when
        // each keeps them; one stored before kinds were kept by resource has none.
        let mut two = day.clone();
        two.exposure = 42;
        two.resources.insert(
            "acs-b".into(),
            ResourceDay {
                exposure: 30,
                ..Default::default()
            },
        );
        let one = |h: History| {
            let kept = h.for_resources(
                &[glob::Pattern::new("acs-a").unwrap()],
                &History::default(),
                true,
            );
            kept.days[&d].kinds.clone()
        };
        let h = History {
            days: BTreeMap::from([(d, two.clone())]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        assert_eq!(one(h), BTreeMap::from([("media_summary".to_string(), 12)]));
        two.resources.get_mut("acs-a").unwrap().kinds.clear();
        let h = History {
            days: BTreeMap::from([(d, two)]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        assert!(one(h).is_empty());

        // A file of the schema before resources: day, code, subcode, count, calls, exposure,
        // partial.
        let old = tempfile::tempdir().unwrap();
        let mut df = df!(
            "day" => ["2026-11-17", "2026-11-17"],
            "code" => [404u32, 200],
            "subcode" => [Some(8522u32), None],
            "count" => [9u64, 50],
            "calls" => [4u64, 20],
            "exposure" => [59u64, 59],
            "partial" => [false, false]
        )
        .unwrap();
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
        std::fs::write(old.path().join("2026-11-17.parquet"), bytes).unwrap();
        let (back, w) = History::load(old.path()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let d17 = parse_day("2026-11-17").unwrap();
        assert_eq!(back.days[&d17].exposure, 59);
        assert_eq!(back.days[&d17].keys[&(404, Some(8522))], (9, 4));
        assert!(back.days[&d17].resources.is_empty());
    }
}

#[cfg(test)]
mod joined_tests {
    use super::*;

    /// A day of two resources, acs-a's callback records of 400/8536 joined to it (20 of its 30
    /// callback records) and acs-b's day stopped early.
    fn joined_day(d: i64) -> DayAgg {
        let mut day = DayAgg {
            day: d,
            partial: false,
            partial_why: None,
            exposure: 130,
            keys: HashMap::from([((400, Some(8536)), (25, 25)), ((202, None), (105, 90))]),
            resources: BTreeMap::new(),
            kinds: BTreeMap::from([("callback".into(), 30), ("operations".into(), 100)]),
            key_kinds: HashMap::new(),
            callbacks_apart: false,
            short_for_all: false,
        };
        day.resources.insert(
            "acs-a".into(),
            ResourceDay {
                exposure: 90,
                keys: BTreeMap::from([((400, Some(8536)), (25, 25)), ((202, None), (65, 60))]),
                kinds: BTreeMap::from([("callback".into(), 30), ("operations".into(), 60)]),
                key_kinds: BTreeMap::new(),
                joined: BTreeMap::from([((400, Some(8536)), 20)]),
                partial: false,
            },
        );
        day.resources.insert(
            "acs-b".into(),
            ResourceDay {
                exposure: 40,
                keys: BTreeMap::from([((202, None), (40, 30))]),
                kinds: BTreeMap::from([("operations".into(), 40)]),
                partial: true,
                ..Default::default()
            },
        );
        day
    }

    /// A resource's joined callback records and its partial mark are stored and read back; a
    /// reader that knows only the day's `partial` reads the day's from the first row.
    #[test]
    fn joined_records_and_a_resource_s_partial_day_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let d = parse_day("2026-11-24").unwrap();
        let h = History {
            days: BTreeMap::from([(d, joined_day(d))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        h.store(dir.path(), &[d]).unwrap();
        let (back, w) = History::load(dir.path()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(back.days[&d], h.days[&d]);
        let frame = day_frame(&h.days[&d]).unwrap();
        assert!(!frame
            .column("partial")
            .unwrap()
            .bool()
            .unwrap()
            .get(0)
            .unwrap());
        // acs-b's rows say why it is partial, the day's say nothing (rev68a F11: acs-b's
        // were NULL, read by another reader as a day its records did not cover).
        let (resources, whys) = (
            frame.column("resource").unwrap().str().unwrap(),
            frame.column("partial_why").unwrap().str().unwrap(),
        );
        for (resource, why) in resources.iter().zip(whys.iter()) {
            let want = (resource == Some("acs-b")).then_some("stopped");
            assert_eq!(why, want, "{resource:?}");
        }
        assert_eq!(
            back.for_resource("acs-b").days[&d].partial_why,
            Some(PartialWhy::Stopped)
        );
        // Another count joined is stored otherwise.
        let mut other = h.days[&d].clone();
        other.resources.get_mut("acs-a").unwrap().joined.clear();
        assert!(!back.days[&d].stored_alike(&other));
        // acs-b's day is partial in its own history only.
        assert!(h.for_resource("acs-b").days[&d].partial);
        assert!(!h.for_resource("acs-a").days[&d].partial);
        assert!(!h.days[&d].callbacks_apart());
    }

    /// A day short for all records (acs-b's stop made all records low) is stored so on its
    /// rows and read back, complete; a file written before the column reads as no short day;
    /// each resource's day is as its own mark says, short only in a run of some resources that
    /// keeps acs-b; a day whose mark alone changed is stored again.
    #[test]
    fn a_day_short_for_all_records_reads_back_complete() {
        let dir = tempfile::tempdir().unwrap();
        let d = parse_day("2026-11-24").unwrap();
        let mut day = joined_day(d);
        day.short_for_all = true;
        let h = History {
            days: BTreeMap::from([(d, day)]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        h.store(dir.path(), &[d]).unwrap();
        let (back, w) = History::load(dir.path()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(back.days[&d], h.days[&d]);
        let back = &back.days[&d];
        assert!(back.short_for_all && !back.partial && !back.all_baseline());
        assert!(!back.stored_alike(&joined_day(d)));
        let frame = day_frame(&h.days[&d]).unwrap();
        let short = frame.column("short_for_all").unwrap().bool().unwrap();
        assert!(short.iter().all(|s| s == Some(true)));
        // Written before the column: no day is short.
        let mut bytes = Vec::new();
        let mut old = frame.drop("short_for_all").unwrap();
        ParquetWriter::new(&mut bytes).finish(&mut old).unwrap();
        std::fs::write(dir.path().join("2026-11-24.parquet"), bytes).unwrap();
        let (old, w) = History::load(dir.path()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert!(!old.days[&d].short_for_all && old.days[&d].all_baseline());
        for name in ["acs-a", "acs-b"] {
            assert!(!h.for_resource(name).days[&d].short_for_all, "{name}");
        }
        let some = |glob: &str| {
            let p = [glob::Pattern::new(glob).unwrap()];
            let of = h.clone().for_resources(&p, &History::default(), true);
            of.days[&d].short_for_all
        };
        assert!(!some("acs-a"));
        assert!(some("acs-b"));
        assert!(some("acs-*"));
    }

    /// A run of some resources that read their calls first counts the callback records of
    /// those calls, as the stored days count them under their resources: the days are taken
    /// with them. One that could not (standard input, read once) counts none (they name no
    /// resource): their stored days are taken without those joined to them.
    #[test]
    fn a_run_of_some_resources_takes_their_days_with_joined_callbacks_when_it_counts_them() {
        let d = parse_day("2026-11-24").unwrap();
        let h = History {
            days: BTreeMap::from([(d, joined_day(d))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        let acs_a = [glob::Pattern::new("acs-a").unwrap()];
        let kept = h.clone().for_resources(&acs_a, &History::default(), true);
        let a = &kept.days[&d].resources["acs-a"];
        assert_eq!(a.exposure, 90);
        assert_eq!(a.keys[&(400, Some(8536))], (25, 25));
        assert_eq!(a.kinds["callback"], 30);
        assert_eq!(a.joined[&(400, Some(8536))], 20);
        assert_eq!(kept.days[&d].exposure, 90);
        assert_eq!(kept.days[&d].keys[&(400, Some(8536))], (25, 25));
        assert!(!kept.days[&d].callbacks_apart);

        // A day stored before the join holds none of acs-a's callback records: said so.
        let mut before = joined_day(d);
        let a = before.resources.get_mut("acs-a").unwrap();
        (a.joined, a.exposure) = (BTreeMap::new(), 60);
        a.kinds.remove("callback");
        let old = History {
            days: BTreeMap::from([(d, before)]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        let some = old.clone().for_resources(&acs_a, &History::default(), true);
        assert!(some.days[&d].callbacks_apart);
        // And so is each of its resources' (`--resource acs-a --spikes-by resource`), whose
        // kinds no longer tell (rev60b F1: tested as a SPIKE against two days of four).
        assert!(some.for_resource("acs-a").days[&d].callbacks_apart);
        // The volume test asks the day (rev60b F3: it compared joined nights with these).
        assert!(some.days[&d].callbacks_apart());
        assert!(!old.for_resources(&acs_a, &History::default(), false).days[&d].callbacks_apart);

        let kept = h.for_resources(&acs_a, &History::default(), false);
        let a = &kept.days[&d].resources["acs-a"];
        assert_eq!(a.exposure, 70);
        assert_eq!(a.keys[&(400, Some(8536))], (5, 25));
        assert_eq!(a.kinds["callback"], 10);
        assert!(a.joined.is_empty());
        assert_eq!(kept.days[&d].exposure, 70);
    }

    /// A day whose callback records name no resource though its other records do (stored
    /// before they were joined) keeps them apart: its resources' days say so.
    /// rev62c F11: a day stored before names were cut as records are read (resource names of
    /// megabytes) is read with them cut, as a run counts them now (two equal up to the cut are
    /// one resource), and is stored again so by the next run that stores the history, whatever
    /// days it covers: later runs no longer read megabytes of names.
    #[test]
    fn a_day_stored_with_names_of_megabytes_is_read_cut_and_stored_again_so() {
        let d = parse_day("2026-11-24").unwrap();
        let long = |i: u32| format!("acs-{}{i}", "a".repeat(1 << 20));
        let resource = |n: u64, calls: u64| ResourceDay {
            exposure: n,
            keys: BTreeMap::from([((404, Some(8522)), (n, calls))]),
            kinds: BTreeMap::from([("operations".to_string(), n)]),
            ..ResourceDay::default()
        };
        let old = DayAgg {
            day: d,
            partial: false,
            partial_why: None,
            exposure: 6,
            keys: HashMap::from([((404, Some(8522)), (6, 4))]),
            resources: BTreeMap::from([
                (long(1), resource(3, 2)),
                (long(2), resource(2, 1)),
                ("acs-short".to_string(), resource(1, 1)),
            ]),
            kinds: BTreeMap::from([("operations".to_string(), 6)]),
            key_kinds: HashMap::new(),
            callbacks_apart: false,
            short_for_all: false,
        };
        let dir = tempfile::tempdir().unwrap();
        let h = History {
            days: BTreeMap::from([(d, old)]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        h.store(dir.path(), &[d]).unwrap();
        let file = dir.path().join("2026-11-24.parquet");
        let (back, w) = History::load(dir.path()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(back.names_cut, vec![d]);
        let name = cut(&long(1)).into_owned();
        assert!(name.len() <= crate::record::TEXT_BYTES);
        let names: Vec<&str> = back.days[&d].resources.keys().map(String::as_str).collect();
        assert_eq!(names, vec![name.as_str(), "acs-short"]);
        let mut both = resource(5, 3);
        both.kinds = BTreeMap::from([("operations".to_string(), 5)]);
        assert_eq!(back.days[&d].resources[&name], both);
        // A day a run replaces is stored as the run decides, not as read.
        let again_day = back.days[&d].clone();
        let mut replaced = back.clone();
        replaced.merge(History {
            days: BTreeMap::from([(
                d,
                DayAgg {
                    exposure: 1,
                    ..again_day.clone()
                },
            )]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        });
        assert!(replaced.names_cut.is_empty());
        // Stored again by a run that stores no day of its own: as read.
        back.store(dir.path(), &[]).unwrap();
        assert!(std::fs::metadata(&file).unwrap().len() < 10_000);
        let (again, _) = History::load(dir.path()).unwrap();
        assert!(again.names_cut.is_empty());
        assert_eq!(again.days[&d], back.days[&d]);
    }

    #[test]
    fn a_day_stored_before_the_join_keeps_callbacks_apart() {
        let d = parse_day("2026-11-24").unwrap();
        let mut day = joined_day(d);
        let a = day.resources.get_mut("acs-a").unwrap();
        a.joined.clear();
        a.kinds.remove("callback");
        assert!(day.callbacks_apart());
        let h = History {
            days: BTreeMap::from([(d, day)]),
            scope: None,
            names_cut: Vec::new(),
            foreign: BTreeMap::new(),
        };
        assert!(h.for_resource("acs-a").days[&d].callbacks_apart);
    }
}
