//! Silent failures: actions the operations log accepted (a 2xx) that no outcome record
//! followed in their call. Microsoft documents where each action's outcome is written: the
//! media summary log holds a record for each Play and Recognize ("Every entry corresponds to
//! the result of a call to the Call Automation Media APIs (e.g. Play, Recognize)"), and the
//! callback events name the end of each action (PlayCompleted, PlayFailed, PlayCanceled;
//! RecognizeCompleted, RecognizeFailed, RecognizeCanceled; CallTransferAccepted,
//! CallTransferFailed; AddParticipantSucceeded, AddParticipantFailed). Only those pairs are
//! tested, and an action only where the input holds a log that carries its outcome: a Play or
//! Recognize of a resource with media summary records, any action of a call with a callback
//! event. An input of the operations log alone has none, and tests nothing; a webhook's log
//! of other calls than the operations log's does not make their actions silent.
//!
//! Counted per call (its CorrelationId, else CallConnectionId, numbered as the aggregator
//! numbers calls): 88 bytes a call, in a list by the call's number (calls are numbered densely
//! from 0), per worker and merged. An action's outcomes are its call's media summary records or its
//! callback events, whichever holds more (an input may hold both for the same action).
//!
//! The ServerCallId Microsoft support asks for, a token of about 150 bytes, is read from the
//! records of accepted actions and kept only while its call has an action accepted without an
//! outcome counted ([`Servers`]): the calls listed are of those, and most calls have their
//! outcomes. So are the call's CorrelationId and CallConnectionId when they are not GUIDs (a
//! GUID's text is the number the call is counted by; another id's, a hash), cut at
//! [`MAX_ID`] bytes.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use foldhash::HashMap;

use super::call_ids::{guid, CallIds, Words};
use super::focus::guid_text;
use super::interner::Interner;
use super::joins::CallResources;
use crate::record::{Kind, Record};

mod actions;
mod call_actions;
mod report;
mod servers;

pub(super) use actions::Mark;
pub use actions::ACTIONS;
use actions::{Actions, Side, N, NONE, WITH_SUMMARY};
use call_actions::{CallActions, CORRELATED, EVENTS, FLAGS, NO_SERVER};
pub use report::{SilentCall, SilentReport, SilentRow};
use servers::{id_text, Servers, Texts, SERVERS_ANEW};

/// Actions accepted this long before the input's last record whose outcome is not in it are
/// not judged: their outcome may be in the next export (a Recognize waits for the caller).
pub const LATE_SECS: i64 = 600;

/// Calls without an outcome listed at most, the earliest first.
pub const MAX_LISTED: usize = 1_000;

/// A worker's calls with actions, and which logs of outcomes the input holds.
#[derive(Debug, Clone, Default)]
pub struct Silent {
    /// By call number; a call with no such record has an empty one.
    calls: Vec<CallActions>,
    /// Whether a callback event was met (of any type).
    pub(super) callbacks: bool,
    /// The resources (interned) with media summary records: any met at all when one is set.
    summary_resources: Vec<bool>,
    /// Each operation's actions, by the aggregator's interned operation.
    actions: Actions,
    /// The CallConnectionIds (as the GUIDs they spell, zeros for none or another id) and the
    /// lengths of the [`Texts`] (0 for none) of the marks of accepted actions not yet added,
    /// in their order; the texts wait one after another in `queued`, from `queued_at`.
    connections: VecDeque<([u64; 2], [u32; 3])>,
    queued: String,
    queued_at: usize,
    /// The texts of the calls with an action accepted and no outcome counted for it.
    servers: Servers,
}

impl Silent {
    /// Notes the log a record of resource `resource` (interned) comes from, whatever it tells.
    pub(super) fn seen(&mut self, kind: Kind, resource: u32) {
        match kind {
            Kind::MediaSummary => self.has_summaries_of(resource),
            Kind::Callback => self.callbacks = true,
            _ => {}
        }
    }

    /// What `rec`, of a call (whose id is a GUID when `guid_call`) and with its operation
    /// interned as `op`, tells of an action of its call. Each mark is then added, in its
    /// order ([`Silent::add`]).
    pub(super) fn mark(&mut self, op: u32, rec: &Record<'_>, guid_call: bool) -> Option<Mark> {
        let side = Mark::side(rec)?;
        let mark = Mark::of(rec, side, self.actions.of(op, &rec.operation, side))?;
        if side == Side::Accepted {
            // The CallConnectionId and ServerCallId a listed call shows are its accepted
            // action's: read from those records only (most records are outcomes, and a GUID's
            // reading is measurable).
            let g = guid(&rec.call_connection_id);
            // Once the marks queued before are added, their text is let go (no allocation a
            // record).
            if self.connections.is_empty() || self.queued_at > SERVERS_ANEW {
                self.queued.drain(..self.queued_at);
                self.queued_at = 0;
            }
            // A CorrelationId or CallConnectionId that is not a GUID is kept as text: its
            // number is a hash.
            let correlation = match guid_call || mark.by_connection {
                true => "",
                false => &rec.correlation_id,
            };
            let connection = match g {
                Some(_) => "",
                None => &rec.call_connection_id,
            };
            let texts = [
                rec.server_call_id.trim().into(),
                id_text(correlation),
                id_text(connection),
            ];
            let lens = texts.map(|t| {
                self.queued.push_str(&t);
                u32::try_from(t.len()).unwrap_or(0)
            });
            (self.connections)
                .push_back((g.map_or([0; 2], |g| [(g >> 64) as u64, g as u64]), lens));
        }
        Some(mark)
    }

    /// Whether a call has an action accepted: only then are the calls' resources looked up
    /// for [`Silent::finish`].
    pub(super) fn has_calls(&self) -> bool {
        (self.calls.iter()).any(|c| c.accepted.iter().any(|&n| n > 0))
    }

    /// [`Silent::mark`] of an event's record met apart from the records counted in cells (a
    /// PlayCanceled without a result), to be added at once: its operation looked up on its
    /// own. None for an action accepted, whose marks are added in their order.
    pub(super) fn mark_apart(&mut self, rec: &Record<'_>) -> Option<Mark> {
        let side = Mark::side(rec).filter(|&s| s != Side::Accepted)?;
        Mark::of(rec, side, Actions::look_up(&rec.operation)[side as usize])
    }

    /// Counts `mark` for call `call`, of resource `resource` (interned in `names`), at `time`.
    pub(super) fn add(
        &mut self,
        call: u32,
        mark: Mark,
        (resource, names): (u32, &Interner),
        time: DateTime<Utc>,
    ) {
        let at = call as usize;
        if at >= self.calls.len() {
            self.calls.resize(at + 1, CallActions::default());
        }
        let c = &mut self.calls[at];
        let flags = match (mark.by_connection, mark.side) {
            (false, Side::Callback) => CORRELATED | EVENTS,
            (false, _) => CORRELATED,
            (true, Side::Callback) => EVENTS,
            (true, _) => 0,
        };
        c.name(resource, flags, names);
        let mut texts = None;
        if mark.side == Side::Accepted {
            let (connection, lens) = self.connections.pop_front().unwrap_or_default();
            if c.connection == [0; 2] {
                c.connection = connection;
            }
            let ranges = lens.map(|len| {
                let from = self.queued_at;
                self.queued_at += len as usize;
                from..self.queued_at
            });
            texts = (lens != [0; 3]).then_some(ranges);
        }
        let i = usize::from(mark.action);
        if mark.action == NONE {
            return;
        }
        let n = match mark.side {
            Side::Accepted => {
                c.last = c.last.max(time.timestamp_millis());
                c.accepted_at(i, u32::try_from(time.timestamp()).unwrap_or(0));
                &mut c.accepted[i]
            }
            Side::Summary => &mut c.summaries[i],
            Side::Callback => &mut c.callbacks[i],
        };
        *n = n.saturating_add(1);
        match texts {
            Some(at) => self.servers.keep(c, at.map(|r| &self.queued[r])),
            // An outcome: the call's ServerCallId goes once every action has its own.
            None if c.server != NO_SERVER => {
                self.servers.release(c);
                self.servers.tidy(&mut self.calls);
            }
            None => {}
        }
    }

    /// Notes that resource `resource` (interned) has media summary records.
    fn has_summaries_of(&mut self, resource: u32) {
        let at = resource as usize;
        if at >= self.summary_resources.len() {
            self.summary_resources.resize(at + 1, false);
        }
        self.summary_resources[at] = true;
    }

    /// Adds another worker's calls, numbered here by `calls` (ours for its) and their
    /// resources by `resources`, in `names`.
    pub(super) fn absorb(
        &mut self,
        o: Silent,
        calls: &[u32],
        (resources, names): (&[u32], &Interner),
    ) {
        self.callbacks |= o.callbacks;
        for (r, _) in o.summary_resources.iter().enumerate().filter(|(_, &s)| s) {
            self.has_summaries_of(resources[r]);
        }
        let len = (o.calls.iter().enumerate())
            .filter(|(_, c)| !c.is_empty())
            .map(|(id, _)| calls[id] as usize + 1)
            .max()
            .unwrap_or(0);
        if len > self.calls.len() {
            self.calls.resize(len, CallActions::default());
        }
        let theirs = o.servers;
        for (id, mut c) in o.calls.into_iter().enumerate() {
            if c.is_empty() {
                continue;
            }
            c.resource = (c.resource & FLAGS) | resources[c.resource() as usize];
            let mine = &mut self.calls[calls[id] as usize];
            mine.add(&c, names);
            match c.server {
                NO_SERVER => self.servers.release(mine),
                at => self.servers.keep(mine, theirs.texts(at)),
            }
        }
        self.servers.tidy(&mut self.calls);
    }

    /// Whether the input holds a log of the outcome of action `i` of call `c`: the call's
    /// callback events, or for a Play or Recognize the media summary log of its resource (of
    /// any, when media summary records name none).
    fn covers(&self, c: &CallActions, i: usize) -> bool {
        let summary = |r: u32| self.summary_resources.get(r as usize) == Some(&true);
        c.resource & EVENTS != 0 || (i < WITH_SUMMARY && (summary(c.resource()) || summary(0)))
    }

    /// Counts action `i` of call `c` into `row`: whether some are without an outcome (and
    /// were accepted before `line`, in seconds since the epoch).
    fn count(&self, row: &mut SilentRow, c: &CallActions, i: usize, line: u32) -> bool {
        let accepted = u64::from(c.accepted[i]);
        let missing = u64::from(c.missing()[i]);
        row.accepted += accepted;
        if accepted > 0 && !self.covers(c, i) {
            row.untested += accepted;
            return false;
        }
        row.tested |= accepted > 0;
        row.with_outcome += accepted - missing;
        if missing == 0 {
            return false;
        }
        let late = u64::from(c.late(i, line));
        row.late += late;
        if missing == late {
            return false;
        }
        row.without_outcome += missing - late;
        row.calls += 1;
        true
    }

    /// The texts call `c` keeps ([`Servers::texts`]), all empty for none.
    fn texts(&self, c: &CallActions) -> Texts<'_> {
        match c.server {
            NO_SERVER => [""; 3],
            at => self.servers.texts(at),
        }
    }

    /// Call `id`'s own id, as silent_calls.csv names it and orders calls accepted at once by
    /// it: its GUID, else the text its records named (its CorrelationId's, or its
    /// CallConnectionId's for a call known by that alone).
    fn own_id(&self, ids: &CallIds, id: u32) -> (Option<Words>, &str) {
        let c = &self.calls[id as usize];
        let at = match c.resource & CORRELATED {
            0 => 2,
            _ => 1,
        };
        (ids.guid_of(id), self.texts(c)[at])
    }

    /// The finished counts: each action's row, and the first [`MAX_LISTED`] calls without
    /// an outcome, named by `ids` and `resources`. `end` is the input's last record.
    pub(super) fn finish(
        mut self,
        ids: &CallIds,
        resources: &Interner,
        of: Option<&CallResources>,
        end: Option<DateTime<Utc>>,
    ) -> SilentReport {
        // Each call's resource from all its records, where its actions' records are a few
        // (a call answered by one resource's app and played to by another's is the first's).
        if let Some(of) = of {
            for (id, c) in self.calls.iter_mut().enumerate() {
                c.name(of.get(id as u32), 0, resources);
            }
        }
        let summaries = self.summary_resources.contains(&true);
        let mut rows: Vec<SilentRow> = ACTIONS
            .iter()
            .map(|a| SilentRow {
                action: a.name,
                outcomes_from: match (a.summary, summaries, self.callbacks) {
                    (Some(_), true, true) => "media summary, callbacks",
                    (Some(_), true, false) => "media summary",
                    (_, _, true) => "callbacks",
                    _ => "",
                },
                ..SilentRow::default()
            })
            .collect();
        let line = end.map_or(u32::MAX, |e| {
            u32::try_from(e.timestamp() - LATE_SECS).unwrap_or(0)
        });
        // The calls without an outcome, as (last accepted, id): the earliest are listed.
        let mut silent: Vec<(i64, u32)> = Vec::new();
        // The same rows for each resource (interned) of the calls.
        let mut by_resource: HashMap<u32, Vec<SilentRow>> = HashMap::default();
        let empty = rows.clone();
        for (id, c) in self.calls.iter().enumerate() {
            if c.accepted.iter().all(|&n| n == 0) {
                continue;
            }
            let own = by_resource
                .entry(c.resource())
                .or_insert_with(|| empty.clone());
            let mut any = false;
            for i in 0..N {
                any |= self.count(&mut rows[i], c, i, line);
                self.count(&mut own[i], c, i, line);
            }
            if any {
                silent.push((c.last, id as u32));
            }
        }
        // The resources with actions without an outcome, the most first.
        let mut by_resource: Vec<(String, Vec<SilentRow>)> = (by_resource.into_iter())
            .map(|(r, rows)| (resources.name(r).to_string(), rows))
            .filter(|(_, rows)| rows.iter().any(|r| r.without_outcome > 0))
            .collect();
        let without = |rows: &[SilentRow]| rows.iter().map(|r| r.without_outcome).sum::<u64>();
        by_resource.sort_by(|a, b| without(&b.1).cmp(&without(&a.1)).then(a.0.cmp(&b.0)));
        for (_, rows) in &mut by_resource {
            rows.retain(|r| r.accepted > 0);
        }
        rows.retain(|r| r.accepted > 0);
        let calls_total = silent.len() as u64;
        // Calls accepted in the same millisecond are taken in the order of their own ids (the
        // GUID, else the text their records named), not of their numbers here, which follow
        // the order the workers met them: the same bytes list the same calls, in the same
        // order, from a file, a pipe or one thread.
        let order = |a: &(i64, u32), b: &(i64, u32)| {
            (a.0.cmp(&b.0))
                .then_with(|| self.own_id(ids, a.1).cmp(&self.own_id(ids, b.1)))
                .then(a.1.cmp(&b.1))
        };
        if silent.len() > MAX_LISTED {
            silent.select_nth_unstable_by(MAX_LISTED, order);
            silent.truncate(MAX_LISTED);
        }
        silent.sort_unstable_by(order);
        let calls = silent
            .into_iter()
            .map(|(last, id)| {
                let c = &self.calls[id as usize];
                let by_connection = c.resource & CORRELATED == 0;
                let texts = self.texts(c);
                let own = match self.own_id(ids, id) {
                    (Some(g), _) => guid_text(g),
                    (None, text) => text.to_string(),
                };
                let connection = match c.connection {
                    [0, 0] => None,
                    [hi, lo] => Some(Words::from(u128::from(hi) << 64 | u128::from(lo))),
                };
                let missing: [u16; N] = std::array::from_fn(|i| c.missing()[i] - c.late(i, line));
                let actions = (0..N)
                    .filter(|&i| missing[i] > 0 && self.covers(c, i))
                    .map(|i| format!("{} {} of {}", ACTIONS[i].name, missing[i], c.accepted[i]))
                    .collect::<Vec<_>>()
                    .join("; ");
                SilentCall {
                    resource: resources.name(c.resource()).to_string(),
                    correlation_id: if by_connection {
                        String::new()
                    } else {
                        own.clone()
                    },
                    call_connection_id: match connection {
                        Some(w) => guid_text(w),
                        None if by_connection => own,
                        None => texts[2].to_string(),
                    },
                    server_call_id: texts[0].to_string(),
                    last_accepted: DateTime::from_timestamp_millis(last).unwrap_or_default(),
                    without_outcome: actions,
                }
            })
            .collect();
        SilentReport {
            kept: true,
            rows,
            calls,
            calls_total,
            by_resource,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::servers::MAX_ID;
    use super::*;
    use crate::aggregate::{Aggregator, Window};
    use crate::ingest::Sink;

    const RES: &str = "/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD";

    /// A record of `kind` and `op` of call number `call` (its CorrelationId a GUID), at minute
    /// `minute` of 2026-12-03.
    fn rec(kind: Kind, op: &str, code: u32, call: u32, minute: i64) -> Record<'static> {
        let t = DateTime::from_timestamp(1_764_720_000 + minute * 60, 0).unwrap();
        let corr = format!("00000000-0000-0000-0000-{call:012x}");
        Record {
            kind,
            operation: Cow::Owned(op.into()),
            correlation_id: Cow::Owned(corr),
            call_connection_id: Cow::Owned(format!("11111111-0000-0000-0000-{call:012x}")),
            resource_id: Cow::Borrowed(if kind == Kind::Callback { "" } else { RES }),
            ..crate::aggregate::tests::rec(&t.to_rfc3339(), code, Some(0), "")
        }
    }

    /// The test's report of `records`, dealt to `workers` sinks in turn and merged.
    fn report(records: &[Record<'static>], workers: usize) -> SilentReport {
        let sink = || Aggregator::new(Window::default(), 3600).keeping_silent(true);
        let mut sinks: Vec<Aggregator> = (0..workers).map(|_| sink()).collect();
        for (i, r) in records.iter().enumerate() {
            sinks[i % workers].record(r);
        }
        let mut all = sinks.pop().unwrap();
        for s in sinks {
            all.merge(s);
        }
        all.done();
        all.silent_report
    }

    /// 400 calls each accept a Play and a Recognize; 80 Plays have no media summary record.
    fn night(callbacks: bool) -> Vec<Record<'static>> {
        let mut v = Vec::new();
        for call in 0..400u32 {
            let m = i64::from(call);
            v.push(rec(Kind::Operations, "Play", 202, call, m));
            v.push(rec(Kind::Operations, "Recognize", 202, call, m));
            if call % 5 != 0 {
                v.push(rec(Kind::MediaSummary, "Play", 200, call, m));
            }
            v.push(rec(Kind::MediaSummary, "Recognize", 200, call, m));
            if callbacks && call % 5 == 1 {
                v.push(rec(Kind::Callback, "PlayCompleted", 200, call, m));
            }
        }
        // The input runs on past the calls, so that none is too late to judge.
        v.push(rec(Kind::Operations, "HangUp", 204, 9_999, 1_000));
        v
    }

    /// `--resource` leaves callback events out of the counts (they name no resource), but a
    /// kept resource's Play that a PlayFailed event ended is not silent.
    #[test]
    fn a_resource_kept_has_its_calls_callbacks_as_outcomes() {
        let mut v = Vec::new();
        for call in 0..10u32 {
            let m = i64::from(call);
            v.push(rec(Kind::Operations, "Play", 202, call, m));
            v.push(match call % 2 {
                0 => rec(Kind::MediaSummary, "Play", 200, call, m),
                _ => rec(Kind::Callback, "PlayFailed", 500, call, m),
            });
        }
        v.push(rec(Kind::Operations, "HangUp", 204, 9_999, 1_000));
        for workers in [1, 3] {
            let keep = [glob::Pattern::new("acs-prod").unwrap()];
            let sink = || {
                (Aggregator::new(Window::default(), 3600).keeping_silent(true))
                    .with_resources(&keep)
            };
            let mut sinks: Vec<Aggregator> = (0..workers).map(|_| sink()).collect();
            for (i, r) in v.iter().enumerate() {
                sinks[i % workers].record(r);
            }
            let mut all = sinks.pop().unwrap();
            for s in sinks {
                all.merge(s);
            }
            all.done();
            assert_eq!(
                (all.accepted, all.outside, all.callbacks_left_out),
                (16, 5, 5),
                "{workers} workers"
            );
            let play = &all.silent_report.rows[0];
            assert_eq!(
                (play.action, play.accepted, play.with_outcome),
                ("Play", 10, 10),
                "{workers} workers"
            );
            assert_eq!(play.without_outcome, 0, "{workers} workers");
        }
    }

    /// More calls than are listed, all accepted in the same minute and none with an outcome:
    /// the same calls are listed, in the same order, whatever order the records come in and
    /// however many workers read them (their ids, not the order met, break the tie).
    #[test]
    fn calls_accepted_at_once_are_listed_by_their_ids_whatever_the_order_read() {
        let calls = MAX_LISTED as u32 + 200;
        let mut v: Vec<Record<'static>> = (0..calls)
            .map(|call| rec(Kind::Operations, "Play", 202, call * 7919 % calls, 10))
            .collect();
        v.push(rec(Kind::MediaSummary, "Play", 200, calls + 1, 11));
        v.push(rec(Kind::Operations, "HangUp", 204, 9_999, 1_000));
        let listed = |r: &SilentReport| -> Vec<String> {
            r.calls.iter().map(|c| c.correlation_id.clone()).collect()
        };
        let first = listed(&report(&v, 1));
        assert_eq!(first.len(), MAX_LISTED);
        assert_eq!(first[0], "00000000-0000-0000-0000-000000000000");
        assert!(
            first.windows(2).all(|w| w[0] < w[1]),
            "in the order of their ids"
        );
        let mut reversed = v.clone();
        reversed[..calls as usize].reverse();
        for (records, workers) in [(&v, 3), (&reversed, 1), (&reversed, 2)] {
            assert_eq!(
                listed(&report(records, workers)),
                first,
                "{workers} workers"
            );
        }
    }

    #[test]
    fn accepted_plays_without_an_outcome_are_counted_and_listed() {
        for workers in [1, 3] {
            let r = report(&night(true), workers);
            let play = &r.rows[0];
            assert_eq!(
                (
                    play.action,
                    play.accepted,
                    play.with_outcome,
                    play.without_outcome
                ),
                ("Play", 400, 320, 80),
                "{workers} workers"
            );
            assert_eq!((play.calls, play.untested, play.late), (80, 0, 0));
            assert_eq!(play.outcomes_from, "media summary, callbacks");
            assert_eq!(r.rows[1].without_outcome, 0);
            assert_eq!(r.rows.len(), 2, "only actions accepted have a row");
            assert_eq!((r.calls_total, r.calls.len()), (80, 80));
            let first = &r.calls[0];
            assert_eq!(first.correlation_id, "00000000-0000-0000-0000-000000000000");
            assert_eq!(
                first.call_connection_id,
                "11111111-0000-0000-0000-000000000000"
            );
            assert_eq!(first.resource, "acs-prod");
            assert_eq!(first.without_outcome, "Play 1 of 1");
            assert!(r
                .calls
                .windows(2)
                .all(|w| w[0].last_accepted <= w[1].last_accepted));
        }
    }

    #[test]
    fn an_input_without_a_log_of_outcomes_tests_nothing() {
        let ops: Vec<Record<'static>> = (night(false).into_iter())
            .filter(|r| r.kind == Kind::Operations)
            .collect();
        let r = report(&ops, 2);
        assert!(r
            .rows
            .iter()
            .all(|row| !row.tested && row.without_outcome == 0));
        assert_eq!(r.rows[0].untested, 400);
        assert_eq!(r.calls_total, 0);
    }

    /// A transfer is tested in a call whose callback events the input holds, not in one whose
    /// events are not in it (the webhook's log of other calls).
    #[test]
    fn a_call_without_events_in_the_input_is_not_tested_for_an_event_s_outcome() {
        let v = vec![
            rec(Kind::Operations, "TransferCallToParticipant", 202, 1, 0),
            rec(Kind::Operations, "TransferCallToParticipant", 202, 2, 0),
            rec(Kind::Operations, "TransferCallToParticipant", 202, 3, 0),
            rec(Kind::Callback, "CallTransferAccepted", 200, 1, 1),
            rec(Kind::Callback, "CallDisconnected", 200, 2, 2),
            rec(Kind::Callback, "CallDisconnected", 200, 4, 100),
        ];
        let r = report(&v, 2);
        let t = &r.rows[0];
        assert_eq!(t.action, "Transfer");
        assert_eq!(
            (t.accepted, t.with_outcome, t.without_outcome, t.untested),
            (3, 1, 1, 1)
        );
        assert_eq!(r.calls[0].without_outcome, "Transfer 1 of 1");
    }

    #[test]
    fn an_action_accepted_near_the_input_s_end_is_not_judged() {
        let v = vec![
            rec(Kind::Operations, "Play", 202, 1, 0),
            rec(Kind::Operations, "Play", 202, 2, 100),
            rec(Kind::MediaSummary, "Recognize", 200, 3, 105),
        ];
        let r = report(&v, 1);
        let play = &r.rows[0];
        assert_eq!((play.without_outcome, play.late), (1, 1));
    }

    /// A GUID in upper case is the GUID in lower case (one call, listed lower case), and a
    /// call's ids that are not GUIDs are listed as its accepted actions' records name them
    /// (the first in text order of two, cut past [`MAX_ID`] bytes), by CorrelationId or by
    /// CallConnectionId, whichever worker reads them.
    #[test]
    fn a_listed_call_shows_its_ids_in_any_case_and_those_that_are_not_guids() {
        let ids = |mut r: Record<'static>, corr: &str, conn: &str, server: &str| {
            r.correlation_id = Cow::Owned(corr.into());
            r.call_connection_id = Cow::Owned(conn.into());
            r.server_call_id = Cow::Owned(server.into());
            r
        };
        let upper = "ABCDEF01-2345-4678-9ABC-DEF012345678";
        let long = format!("{}é{}", "c".repeat(MAX_ID - 1), "d".repeat(100));
        let v = vec![
            // Its outcome names it in lower case: not silent.
            ids(rec(Kind::Operations, "Play", 202, 1, 1), upper, "", "s1"),
            ids(
                rec(Kind::MediaSummary, "Play", 200, 1, 2),
                &upper.to_lowercase(),
                "",
                "",
            ),
            ids(
                rec(Kind::Operations, "Play", 202, 2, 3),
                &upper.replace("ABC", "FED"),
                "AAAAAAAA-0000-4000-8000-00000000000A",
                "s2",
            ),
            ids(
                rec(Kind::Operations, "Play", 202, 3, 4),
                "call-3",
                "conn-3b",
                "s3",
            ),
            ids(
                rec(Kind::Operations, "Play", 202, 3, 5),
                "call-3",
                "conn-3a",
                "",
            ),
            ids(rec(Kind::Operations, "Play", 202, 4, 6), "", "conn-4", "s4"),
            ids(rec(Kind::Operations, "Play", 202, 5, 7), &long, &long, ""),
            rec(Kind::Operations, "HangUp", 204, 9_999, 1_000),
        ];
        let cut = format!("{}…", "c".repeat(MAX_ID - 1));
        for workers in [1, 2, 3] {
            let r = report(&v, workers);
            assert_eq!(r.rows[0].accepted, 6);
            let listed: Vec<[&str; 3]> = (r.calls.iter())
                .map(|c| {
                    [
                        &c.correlation_id[..],
                        &c.call_connection_id,
                        &c.server_call_id,
                    ]
                })
                .collect();
            assert_eq!(
                listed,
                [
                    [
                        "feddef01-2345-4678-9fed-def012345678",
                        "aaaaaaaa-0000-4000-8000-00000000000a",
                        "s2"
                    ],
                    ["call-3", "conn-3a", "s3"],
                    ["", "conn-4", "s4"],
                    [&cut[..], &cut[..], ""],
                ],
                "{workers} workers"
            );
        }
    }

    /// Of a call's one action accepted both before and in the input's last 10 minutes, all
    /// but the first are taken as late (the logs do not pair an outcome with its action):
    /// three Plays, two before and one in them, none with an outcome, are one without an
    /// outcome and two late; a fourth in them makes three late; with an outcome, the one
    /// without it is late too; all in them, all late.
    #[test]
    fn of_one_action_before_and_in_the_last_minutes_all_but_the_first_are_late() {
        let plays = |call: u32, minutes: &[i64]| -> Vec<Record<'static>> {
            (minutes.iter())
                .map(|&m| rec(Kind::Operations, "Play", 202, call, m))
                .collect()
        };
        // The input ends at minute 120: the line is minute 110 (to the second).
        let mut v = [
            plays(1, &[0, 50, 115]),
            plays(2, &[0, 50, 115, 118]),
            plays(3, &[0, 50, 115]),
            plays(4, &[111, 115, 119]),
            plays(5, &[0, 50, 110]),
        ]
        .concat();
        v.push(rec(Kind::MediaSummary, "Play", 200, 3, 60));
        v.push(rec(Kind::MediaSummary, "Recognize", 200, 9, 120));
        for workers in [1, 2, 3] {
            let r = report(&v, workers);
            let play = &r.rows[0];
            assert_eq!(
                (
                    play.accepted,
                    play.with_outcome,
                    play.without_outcome,
                    play.late,
                    play.calls
                ),
                (16, 1, 1 + 1 + 3, 2 + 3 + 2 + 3, 3),
                "{workers} workers"
            );
            let listed: Vec<(&str, &str)> = (r.calls.iter())
                .map(|c| (&c.correlation_id[33..], c.without_outcome.as_str()))
                .collect();
            assert_eq!(
                listed,
                [
                    ("005", "Play 3 of 3"),
                    ("001", "Play 1 of 3"),
                    ("002", "Play 1 of 4")
                ],
                "{workers} workers"
            );
        }
    }

    /// Late is an action's: a call's Play accepted long before the input's end without an
    /// outcome is counted, its Play of the last minutes is not.
    #[test]
    fn a_call_s_late_action_leaves_its_earlier_ones_judged() {
        let v = vec![
            rec(Kind::Operations, "Play", 202, 1, 0),
            rec(Kind::Operations, "Play", 202, 1, 100),
            rec(Kind::Operations, "Play", 202, 2, 100),
            rec(Kind::MediaSummary, "Recognize", 200, 3, 105),
        ];
        for workers in [1, 2] {
            let r = report(&v, workers);
            let play = &r.rows[0];
            assert_eq!(
                (play.accepted, play.without_outcome, play.late, play.calls),
                (3, 1, 2, 1)
            );
            assert_eq!(r.calls.len(), 1);
            assert_eq!(r.calls[0].without_outcome, "Play 1 of 2");
        }
    }

    /// A worker that moves its cells to the spill starts its operations anew: an action looked
    /// up under an operation's number before the move is not taken for another's after it,
    /// and each accepted action keeps its own CallConnectionId.
    #[test]
    fn actions_are_looked_up_anew_after_a_move_to_the_spill() {
        let spill = crate::aggregate::Spill::with_budget(100);
        let mut a = Aggregator::new(Window::default(), 3600)
            .keeping_silent(true)
            .sharing_cells(&spill);
        a.max_cells = 1;
        let v = [
            rec(Kind::Operations, "Play", 202, 1, 0),
            rec(Kind::Operations, "Recognize", 202, 2, 1),
            rec(Kind::Operations, "Transfer", 202, 3, 2),
            rec(Kind::Callback, "CallDisconnected", 200, 3, 3),
            rec(Kind::MediaSummary, "Recognize", 200, 4, 100),
        ];
        for r in &v {
            a.record(r);
        }
        a.done();
        let r = a.silent_report;
        let rows: Vec<(&str, u64, u64)> = (r.rows.iter())
            .map(|r| (r.action, r.accepted, r.without_outcome))
            .collect();
        assert_eq!(
            rows,
            [("Play", 1, 1), ("Recognize", 1, 1), ("Transfer", 1, 1)]
        );
        let ids: Vec<&str> = r.calls.iter().map(|c| &c.call_connection_id[..]).collect();
        assert_eq!(
            ids,
            [1, 2, 3].map(|n| format!("11111111-0000-0000-0000-{n:012x}"))
        );
    }

    /// Two calls each with a Play accepted (the operations log naming its ServerCallId) and a
    /// CallDisconnected event (naming another, later), the first with a PlayCanceled without
    /// `resultInformation` too (the Java SDK's test event: `data` holds the call's ids only),
    /// read into a report's aggregator: the aggregator and what the files were read for.
    fn two_calls_read() -> (
        Aggregator,
        crate::ingest::IngestReport,
        crate::config::IngestSettings,
        tempfile::TempDir,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let call = |n: u32| format!("00000000-0000-0000-0000-{n:012x}");
        let op = |n: u32, time: &str, op: &str, code: u32| {
            format!(
                "{{\"time\":\"2026-12-03T{time}Z\",\"resourceId\":\"{RES}\",\"category\":\"CallAutomationOperational\",\"operationName\":\"{op}\",\"resultSignature\":{code},\"correlationId\":\"{}\",\"properties\":{{\"serverCallId\":\"server-{n}\"}}}}\n",
                call(n)
            )
        };
        let ops = [
            op(1, "10:00:01", "Play", 202),
            op(2, "10:00:02", "Play", 202),
            op(9, "12:00:00", "HangUp", 204),
        ];
        let event = |n: u32, ty: &str, result: &str| {
            format!(
                "{{\"type\":\"Microsoft.Communication.{ty}\",\"time\":\"2026-12-03T10:01:0{n}+00:00\",\"data\":{{{result}\"callConnectionId\":\"{}\",\"serverCallId\":\"later-{n}\",\"correlationId\":\"{}\"}}}}",
                call(100 + n),
                call(n)
            )
        };
        let done = "\"resultInformation\":{\"code\":200,\"subCode\":7000,\"message\":\"m\"},";
        let events = [
            event(1, "PlayCanceled", ""),
            event(1, "CallDisconnected", done),
            event(2, "CallDisconnected", done),
        ];
        std::fs::write(dir.path().join("ops.json"), ops.concat()).unwrap();
        std::fs::write(
            dir.path().join("events.json"),
            format!("[{}]", events.join(",")),
        )
        .unwrap();
        let settings = crate::config::IngestSettings::of(vec![
            dir.path().join("ops.json"),
            dir.path().join("events.json"),
        ]);
        let sink = || Aggregator::new(Window::default(), 3600).keeping_silent(true);
        let (all, ingested) = crate::ingest::ingest(&settings, None, sink).unwrap();
        (all, ingested, settings, dir)
    }

    /// A PlayCanceled without `resultInformation` is skipped as before, and ends its call's
    /// Play: of the two calls, only the one without it is silent.
    #[test]
    fn a_play_canceled_without_a_result_is_its_play_s_outcome() {
        let (all, ingested, _, _dir) = two_calls_read();
        let skipped: u64 = ingested.files.iter().map(|f| f.skipped).sum();
        assert_eq!(skipped, 1, "the event is still skipped");
        let play = &all.silent_report.rows[0];
        assert_eq!(
            (
                play.accepted,
                play.with_outcome,
                play.without_outcome,
                play.calls
            ),
            (2, 1, 1, 1)
        );
        let listed: Vec<&str> = (all.silent_report.calls.iter())
            .map(|c| c.correlation_id.as_str())
            .collect();
        assert_eq!(listed, ["00000000-0000-0000-0000-000000000002"]);
    }

    /// A call listed has the ServerCallId its accepted action's record names (not its
    /// events'), read with the records counted.
    #[test]
    fn a_call_listed_gets_its_server_call_id_from_its_accepted_action() {
        let (all, _, _, _dir) = two_calls_read();
        assert_eq!(all.silent_report.calls[0].server_call_id, "server-2");
    }

    /// A ServerCallId is kept while its call waits for an outcome, whichever worker reads the
    /// outcome or the action, and of those the call's accepted actions name, the first in text
    /// order is listed.
    #[test]
    fn a_server_call_id_is_kept_while_its_call_waits_for_an_outcome() {
        let with = |mut r: Record<'static>, id: &str| {
            r.server_call_id = Cow::Owned(id.into());
            r
        };
        let v = vec![
            with(rec(Kind::Operations, "Play", 202, 1, 2), "late"),
            with(rec(Kind::Operations, "Play", 202, 1, 1), "b"),
            with(rec(Kind::Operations, "Play", 202, 1, 1), "a"),
            rec(Kind::MediaSummary, "Play", 200, 1, 3),
            with(rec(Kind::Operations, "Play", 202, 2, 1), "two"),
            rec(Kind::MediaSummary, "Play", 200, 2, 3),
            rec(Kind::Operations, "Recognize", 202, 3, 1),
            rec(Kind::Operations, "HangUp", 204, 9_999, 1_000),
        ];
        for workers in [1, 2, 3, 4] {
            let r = report(&v, workers);
            let ids: Vec<(&str, &str)> = (r.calls.iter())
                .map(|c| (&c.correlation_id[33..], &c.server_call_id[..]))
                .collect();
            assert_eq!(ids, [("003", ""), ("001", "a")], "{workers} workers");
        }
        // The calls with their outcomes keep none.
        let sink = || Aggregator::new(Window::default(), 3600).keeping_silent(true);
        let mut a = sink();
        for r in &v[..6] {
            a.record(r);
        }
        a.flush();
        let kept = |a: &Aggregator| {
            (a.silent.calls.iter())
                .filter(|c| c.server != NO_SERVER)
                .count()
        };
        assert_eq!(kept(&a), 1);
        a.record(&rec(Kind::MediaSummary, "Play", 200, 1, 4));
        a.record(&rec(Kind::MediaSummary, "Play", 200, 1, 5));
        a.flush();
        assert_eq!(kept(&a), 0);
        // Nor once a worker's outcome meets another's action.
        let (mut a, mut b) = (sink(), sink());
        a.record(&v[4]);
        b.record(&v[5]);
        a.flush();
        assert_eq!(kept(&a), 1);
        a.merge(b);
        assert_eq!(kept(&a), 0);
    }

    /// The ServerCallIds let go leave the buffer once they take more than half of it, and
    /// those kept read the same after.
    #[test]
    fn server_call_ids_let_go_leave_their_buffer() {
        let mut servers = Servers::default();
        let mut calls = vec![CallActions::default(); 10_000];
        let id = |n: usize| format!("{n:0>150}");
        for (n, c) in calls.iter_mut().enumerate() {
            c.accepted[0] = 1;
            servers.keep(c, [&id(n), "", ""]);
        }
        let full = servers.bytes.len();
        assert_eq!(full, 10_000 * 156);
        for (_, c) in calls.iter_mut().enumerate().filter(|(n, _)| n % 3 != 0) {
            c.summaries[0] = 1;
            servers.release(c);
        }
        servers.tidy(&mut calls);
        assert!(servers.bytes.len() < full / 2, "{}", servers.bytes.len());
        for (n, c) in calls.iter().enumerate() {
            match c.server {
                NO_SERVER => assert_eq!(c.summaries[0], 1),
                at => assert_eq!(servers.text(at), id(n)),
            }
        }
        // The first in text order of two is kept.
        let mut c = CallActions::default();
        c.accepted[0] = 2;
        servers.keep(&mut c, ["b", "", ""]);
        servers.keep(&mut c, ["c", "", ""]);
        servers.keep(&mut c, ["a", "", ""]);
        assert_eq!(servers.text(c.server), "a");
    }

    /// The calls' resources split the counts: each resource with actions without an outcome,
    /// the most first, by the resource of the call (its callback events name none).
    #[test]
    fn actions_without_an_outcome_are_split_by_the_resource_of_their_call() {
        let stage = RES.replace("ACS-PROD", "ACS-STAGE");
        let mut v = night(true);
        for r in v.iter_mut().filter(|r| r.kind != Kind::Callback) {
            let call = r.correlation_id.rsplit('-').next().unwrap();
            if u32::from_str_radix(call, 16).unwrap() % 10 == 0 {
                r.resource_id = Cow::Owned(stage.clone());
            }
        }
        for workers in [1, 3] {
            let r = report(&v, workers);
            let split: Vec<(&str, u64, u64, u64)> = (r.by_resource.iter())
                .map(|(res, rows)| {
                    (
                        res.as_str(),
                        rows[0].accepted,
                        rows[0].without_outcome,
                        rows[0].calls,
                    )
                })
                .collect();
            assert_eq!(
                split,
                [("acs-prod", 360, 40, 40), ("acs-stage", 40, 40, 40)],
                "{workers} workers"
            );
            assert!(r.by_resource.iter().all(|(_, rows)| rows.len() == 2));
        }
        assert!(report(&night(true), 2).by_resource.len() == 1);
    }

    /// A call whose records name two resources (one CorrelationId in two resources' logs) is
    /// of the first by name, whatever worker read which record and in what order, as the
    /// callback join gives its callback records to it (rev60a F3: the resource of the record
    /// read first, so that a file and a pipe listed it under either).
    #[test]
    fn a_call_of_two_resources_is_of_the_first_by_name_however_read() {
        let stage = RES.replace("ACS-PROD", "ACS-STAGE");
        let mut v = Vec::new();
        for call in 0..40u32 {
            let m = i64::from(call);
            let mut first = rec(Kind::Operations, "Play", 202, call, m);
            first.resource_id = Cow::Owned(stage.clone());
            v.push(first);
            v.push(rec(Kind::Operations, "Play", 202, call, m + 300));
            v.push(rec(Kind::MediaSummary, "Recognize", 200, call, m));
        }
        let mut reversed = v.clone();
        reversed.reverse();
        for (records, workers) in [(&v, 1), (&v, 2), (&v, 3), (&reversed, 1), (&reversed, 2)] {
            let r = report(records, workers);
            assert_eq!(r.calls.len(), 40, "{workers} workers");
            assert!(
                r.calls.iter().all(|c| c.resource == "acs-prod"),
                "{workers} workers: {:?}",
                r.calls.iter().map(|c| &c.resource).collect::<Vec<_>>()
            );
            let names: Vec<&str> = r.by_resource.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["acs-prod"], "{workers} workers");
        }
    }
}
