//! The triage's tables, as its Markdown shows them (and `--calls`, CSV and JSON the calls).

use super::*;

/// A time as its tables write it: RFC 3339, or empty.
fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(rfc3339).unwrap_or_default()
}

/// The triage's tables, as its Markdown shows them (and `--calls`, CSV and JSON the calls).
impl Triage {
    /// The focused keys, most records first, with what the catalogue says of each.
    pub fn totals_table(&self) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("code/subcode", Col::Text),
            ("category", Col::Text),
            ("outcome", Col::Text),
            ("match", Col::Text),
            ("description", Col::Catalogue),
            ("count", Col::Number),
            ("calls", Col::Number),
            ("first_seen", Col::Text),
            ("last_seen", Col::Text),
        ];
        Table::of(COLUMNS, &self.totals, |k| {
            row![
                key_label(k.key.0, k.key.1),
                k.category.as_str(),
                k.outcome.as_str(),
                k.matched.as_str(),
                k.description.as_str(),
                k.count,
                k.calls,
                time(k.first),
                time(k.last),
            ]
        })
    }

    /// The buckets the timeline's views run through: each of the span, empty ones too
    /// (without one, each that holds records).
    fn timeline_buckets(&self) -> Vec<i64> {
        let mut buckets: Vec<i64> = match self.timeline_span {
            Some((a, b)) => (a..=b).step_by(self.bucket_secs as usize).collect(),
            None => self.timeline.keys().map(|(b, _)| *b).collect(),
        };
        buckets.dedup();
        buckets
    }

    /// A focused key's count in a bucket, 0 where it has no records.
    fn count_in(&self, bucket: i64, key: Key) -> u64 {
        self.timeline.get(&(bucket, key)).copied().unwrap_or(0)
    }

    /// The rows of the JSON timeline, (bucket, key, count), the keys of a bucket in the
    /// totals' order: a row per bucket of [`Triage::timeline_table`] and key, zeros too, when
    /// they are at most [`MAX_TIMELINE_ROWS`]; past them, the rows with records only.
    pub fn timeline_counts(&self) -> Vec<(i64, Key, u64)> {
        let buckets = self.timeline_buckets();
        let rows = (buckets.len() as u64).saturating_mul(self.totals.len() as u64);
        if rows <= MAX_TIMELINE_ROWS as u64 {
            return (buckets.into_iter())
                .flat_map(|b| {
                    (self.totals.iter()).map(move |k| (b, k.key, self.count_in(b, k.key)))
                })
                .collect();
        }
        let rank: std::collections::HashMap<Key, usize> = (self.totals.iter().enumerate())
            .map(|(i, k)| (k.key, i))
            .collect();
        let mut rows: Vec<(i64, Key, u64)> = (self.timeline.iter())
            .map(|(&(b, k), &n)| (b, k, n))
            .collect();
        rows.sort_by_key(|&(b, k, _)| (b, rank.get(&k).copied().unwrap_or(usize::MAX)));
        rows
    }

    /// The focused keys' counts by bucket, a column per key of [`Triage::timeline_keys`] and
    /// one `N more keys` of the others' sum: a row per bucket of the span, empty ones too
    /// (without one, per bucket that holds any).
    pub fn timeline_table(&self) -> Table {
        let mut t = Table::new(&[("bucket", Col::Text)]);
        let shown = self.timeline_keys();
        let names = (shown.iter()).map(|k| Name::from(key_label(k.key.0, k.key.1)));
        t.columns.extend(names.map(|n| (n, Col::Number)));
        let (more, _) = self.more_keys_total();
        // The others' records by bucket, in one pass over the timeline.
        let mut others: BTreeMap<i64, u64> = BTreeMap::new();
        if more > 0 {
            t.columns
                .push((Name::from(more_keys_label(more)), Col::Number));
            let more = self.more_keys();
            for (&(b, k), &n) in &self.timeline {
                if more.contains(&k) {
                    *others.entry(b).or_default() += n;
                }
            }
        }
        for b in self.timeline_buckets() {
            let mut r = row![bucket_start(b)];
            r.extend((shown.iter()).map(|k| self.count_in(b, k.key).into()));
            if more > 0 {
                r.push(others.get(&b).copied().unwrap_or(0).into());
            }
            t.push(r);
        }
        t
    }

    /// What the SBC or carrier said about the focused records.
    pub fn diagnostics_table(&self) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("code/subcode", Col::Text),
            ("SIP code", Col::Number),
            ("SIP message", Col::Text),
            ("Q.850 cause", Col::Number),
            ("Q.850 message", Col::Text),
            ("count", Col::Number),
            ("calls", Col::Number),
        ];
        Table::of(COLUMNS, &self.diagnostics, |d| {
            let mut r = row![key_label(d.key.0, d.key.1)];
            r.extend(super::super::tables::diagnostic_cells(d));
            r
        })
    }

    /// The focused records split by resource, by SDK, by operation and by prompt kind.
    pub fn split_tables(&self) -> [Table; 4] {
        let count = ("count", Col::Number);
        // The column of records counted under their call's resource, when any are.
        let resources = match self.resources_inferred.0 {
            0 => Table::of(
                &[("resource", Col::Text), count, ("calls", Col::Number)],
                &self.resources,
                |(r, n, calls, _)| row![r.as_str(), *n, *calls],
            ),
            _ => Table::of(
                &[
                    ("resource", Col::Text),
                    count,
                    ("calls", Col::Number),
                    ("inferred", Col::Number),
                ],
                &self.resources,
                |(r, n, calls, inferred)| row![r.as_str(), *n, *calls, *inferred],
            ),
        };
        let sdks = Table::of(
            &[("SDK", Col::Text), ("version", Col::Text), count],
            &self.sdks,
            |(ty, v, n)| row![ty.as_str(), v.as_str(), *n],
        );
        let operations = Table::of(
            &[
                ("operation", Col::Text),
                ("kind", Col::Text),
                ("code/subcode", Col::Text),
                count,
            ],
            &self.operations,
            |(op, kind, k, n)| row![op.as_str(), kind.as_str(), key_label(k.0, k.1), *n],
        );
        let prompts = Table::of(&[("prompt", Col::Text), count], &self.prompts, |(p, n)| {
            row![p.as_str(), *n]
        });
        [resources, sdks, operations, prompts]
    }

    /// The first [`TOP_CALLS`] affected calls.
    pub fn top_calls_table(&self) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("CorrelationId", Col::Text),
            ("CallConnectionId", Col::Text),
            ("count", Col::Number),
            ("first", Col::Text),
            ("last", Col::Text),
        ];
        Table::of(COLUMNS, self.calls.iter().take(TOP_CALLS), |c| {
            row![
                c.correlation_id(),
                c.call_connection_id.as_str(),
                c.count,
                time(c.first),
                time(c.last),
            ]
        })
    }

    /// The first [`TOP_MESSAGES`] messages, most records first.
    pub fn messages_table(&self) -> Table {
        let columns = [("message", Col::Text), ("count", Col::Number)];
        Table::of(
            &columns,
            self.messages.iter().take(TOP_MESSAGES),
            |(m, n)| row![if m.is_empty() { "(none)" } else { m.as_str() }, *n],
        )
    }

    /// The affected calls, one row each, most records first, then the latest: what a support
    /// ticket asks for (`limit`: the first so many). In parts of [`CALL_ROWS`] rows, made as
    /// they are asked for, so that the rows of every call are never held at once (their
    /// cells and texts take several times what the calls do). At least one part, empty when
    /// no call is listed.
    pub fn calls_tables(&self, limit: Option<usize>) -> impl Iterator<Item = Table> + '_ {
        let n = self.calls.listed().min(limit.unwrap_or(usize::MAX));
        let parts = n.div_ceil(CALL_ROWS).max(1);
        (0..parts).map(move |p| {
            let from = p * CALL_ROWS;
            self.calls_part(self.calls.rows(from, n.min(from + CALL_ROWS)))
        })
    }

    /// The table of the calls' rows `calls`.
    fn calls_part(&self, calls: impl Iterator<Item = CallRow>) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("correlation_id", Col::Text),
            ("call_connection_id", Col::Text),
            ("server_call_id", Col::Text),
            ("first_seen", Col::Text),
            ("last_seen", Col::Text),
            ("count", Col::Number),
            ("codes", Col::List),
            ("sip_code", Col::List),
            ("q850_code", Col::List),
            ("target", Col::Text),
            ("messages", Col::Text),
        ];
        let join = |codes: &[u32]| {
            let texts: Vec<String> = codes.iter().map(u32::to_string).collect();
            texts.join(" ")
        };
        Table::of(COLUMNS, calls, |c| {
            let codes: Vec<String> = c.codes.iter().map(|k| key_label(k.0, k.1)).collect();
            row![
                c.correlation_id(),
                c.call_connection_id.as_str(),
                c.server_call_id.as_str(),
                time(c.first),
                time(c.last),
                c.count,
                codes.join(" "),
                join(&c.sip_codes),
                join(&c.q850_codes),
                c.target.as_str(),
                c.messages.join(" | "),
            ]
        })
    }
}
