//! The workers that read the pieces of one file (blocks, batches) in parallel, each into a sink
//! of its own, and how their parts come back to the file's context; and how many worker threads
//! run.

use std::sync::Arc;

use rayon::prelude::*;

use super::file_ctx::{place, Counts, FileCtx, LEFT_OUT, MAX_WARNINGS};
use super::{ledger, Sink};
use crate::normalize::TimeRules;

/// Hands the pieces of one file (blocks, batches) to one worker per thread, each with its own
/// sink, and merges them into `ctx`. One sink per thread, whatever the number of pieces, keeps
/// memory flat however large the file.
pub(crate) fn in_parallel<T, I, S, M, W>(pieces: I, ctx: &mut FileCtx<'_, S>, make: &M, work: W)
where
    I: Iterator<Item = T> + Send,
    S: Sink,
    M: Fn() -> S + Sync,
    W: Fn(T, &mut FileCtx<'_, S>) + Sync,
{
    let parts = run_parallel(pieces, ctx, make, work);
    merge_parts(parts, ctx);
}

/// [`in_parallel`] with one worker, the one that reads the file: what it makes of the pieces
/// comes to `ctx` as one worker's part does.
pub(crate) fn in_order<T, S, M, W>(
    mut pieces: impl Iterator<Item = T>,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    work: W,
) where
    S: Sink,
    M: Fn() -> S,
    W: Fn(T, &mut FileCtx<'_, S>),
{
    let seed = Seed::of(ctx);
    let part = worker(|| pieces.next(), &seed, make, &work);
    merge_parts(vec![part], ctx);
}

/// What a worker's context starts with, of the context of the file it reads a piece of.
struct Seed {
    name: Arc<str>,
    rules: TimeRules,
    /// [`FileCtx::logged_time`]: the pieces may be those of a body logged after a prefix (an
    /// array of more than 32 KiB, read in blocks), whose records without a time it dates as
    /// it dates those of a smaller one.
    logged_time: Option<(String, bool)>,
}

impl Seed {
    fn of<S>(ctx: &FileCtx<'_, S>) -> Seed {
        Seed {
            name: ctx.name.clone(),
            rules: ctx.rules,
            logged_time: ctx.logged_time.clone(),
        }
    }
}

/// One worker of [`run_parallel`]: the pieces `next` gives, into a sink of its own.
fn worker<T, S, M, W>(
    mut next: impl FnMut() -> Option<T>,
    seed: &Seed,
    make: &M,
    work: &W,
) -> Part<S>
where
    S: Sink,
    M: Fn() -> S,
    W: Fn(T, &mut FileCtx<'_, S>),
{
    let mut sink = make();
    let mut c = FileCtx::new(seed.name.clone(), seed.rules, &mut sink);
    c.logged_time.clone_from(&seed.logged_time);
    while let Some(piece) = next() {
        work(piece, &mut c);
    }
    let (counts, warnings, parked) = (c.counts, c.warnings, c.parked);
    Part {
        sink,
        counts,
        warnings,
        parked,
    }
}

/// What one worker of [`run_parallel`] made of the pieces it took.
pub(crate) struct Part<S> {
    sink: S,
    pub(super) counts: Counts,
    warnings: Vec<String>,
    parked: ledger::Parked,
}

/// The work of [`in_parallel`], its parts not yet merged: a caller that finds them wrong
/// (pieces cut on a guess that proved false) drops them and reads the file another way.
pub(crate) fn run_parallel<T, I, S, M, W>(
    pieces: I,
    ctx: &FileCtx<'_, S>,
    make: &M,
    work: W,
) -> Vec<Part<S>>
where
    I: Iterator<Item = T> + Send,
    S: Sink,
    M: Fn() -> S + Sync,
    W: Fn(T, &mut FileCtx<'_, S>) + Sync,
{
    let pieces = std::sync::Mutex::new(pieces);
    let next = || pieces.lock().ok().and_then(|mut p| p.next());
    let seed = Seed::of(ctx);
    (0..rayon::current_num_threads())
        .into_par_iter()
        .map(|_| worker(next, &seed, make, &work))
        .collect()
}

/// Worker threads a core, at most, that `RAYON_NUM_THREADS` may ask for ([`cap_threads`]).
pub const THREADS_PER_CORE: usize = 4;

/// The worker threads to run on when `RAYON_NUM_THREADS` asks for `asked` on `cores` cores and
/// that is more than [`THREADS_PER_CORE`] a core: threads past that only wait on each other,
/// and rayon's work queues make each wait cost more the more threads there are (2,048 threads
/// took 23 s on a one-line file on 2 cores, 1,024 took 4.9 s, 2 took 0.08 s). `None` when
/// `asked` is not more (or is no number, which rayon reads as its default).
pub fn threads_capped(asked: Option<&str>, cores: usize) -> Option<usize> {
    // As rayon reads it: a number as it is, no blanks.
    let asked: usize = asked?.parse().ok()?;
    let cap = cores.max(1).saturating_mul(THREADS_PER_CORE);
    (asked > cap).then_some(cap)
}

/// Caps the worker threads `RAYON_NUM_THREADS` asks for ([`threads_capped`]) before any work
/// starts, and says so: the warning, when it caps them.
pub fn cap_threads() -> Option<String> {
    let asked = std::env::var("RAYON_NUM_THREADS").ok();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = threads_capped(asked.as_deref(), cores)?;
    // Fails only when the pool is already built, which nothing before this does.
    rayon::ThreadPoolBuilder::new()
        .num_threads(cap)
        .build_global()
        .ok()?;
    Some(format!(
        "RAYON_NUM_THREADS={} is more than {THREADS_PER_CORE} threads a core ({cores} cores here): running on {cap}",
        crate::text::line(asked.as_deref().unwrap_or_default())
    ))
}

/// Merges the parts of [`run_parallel`] into `ctx`.
pub(crate) fn merge_parts<S: Sink>(parts: Vec<Part<S>>, ctx: &mut FileCtx<'_, S>) {
    // Rejects still held are those of pieces parsed while one before them was still being
    // counted by another worker: every piece is counted now.
    let mut held = Vec::new();
    let mut warnings = Vec::new();
    for part in parts {
        ctx.sink.merge(part.sink);
        ctx.counts.add(part.counts);
        warnings.extend(part.warnings);
        held.push(part.parked);
    }
    for placed in held.into_iter().flat_map(ledger::Parked::all) {
        place(&mut *ctx.sink, &mut warnings, placed);
    }
    // Which worker met a warning first depends on timing: the same run says them in the same
    // order (numbers in them, such as lines, compared as numbers). A worker that left some out
    // says so after them all.
    let left_out = warnings.iter().any(|w| w == LEFT_OUT);
    warnings.retain(|w| w != LEFT_OUT);
    warnings.sort_by_cached_key(|w| natural_key(w));
    for w in warnings {
        ctx.warn(w);
    }
    if left_out && ctx.warnings.len() <= MAX_WARNINGS {
        ctx.warnings.push(LEFT_OUT.into());
    }
}

/// `s` as runs of text and numbers, so that `line 900` sorts before `line 1000`.
pub(super) fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let text = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let digits = rest[text..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |n| text + n);
        let number = rest[text..digits].parse().unwrap_or(u64::MAX);
        key.push((rest[..text].to_string(), number));
        rest = &rest[digits..];
    }
    key
}

#[cfg(test)]
mod tests {
    /// RAYON_NUM_THREADS past four threads a core is capped there (rev70a F14: 2,048 threads
    /// took 23 s on a one-line file on 2 cores).
    #[test]
    fn threads_asked_past_four_a_core_are_capped() {
        use super::threads_capped;
        assert_eq!(threads_capped(Some("2048"), 2), Some(8));
        assert_eq!(threads_capped(Some("9"), 2), Some(8));
        assert_eq!(threads_capped(Some("8"), 2), None);
        assert_eq!(threads_capped(Some("1"), 2), None);
        assert_eq!(threads_capped(Some("100000"), 64), Some(256));
        // Values rayon reads as its default (one thread a core) are left to it.
        for v in ["abc", "0", "-1", "", " 9 "] {
            assert_eq!(threads_capped(Some(v), 2), None, "{v}");
        }
        assert_eq!(threads_capped(None, 2), None);
        assert_eq!(threads_capped(Some("5"), 0), Some(4), "no core count: one");
    }
}
