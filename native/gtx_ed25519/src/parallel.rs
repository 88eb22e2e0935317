//! Splitting a run of items into contiguous ranges, one per thread.

use std::ops::Range;
use std::thread;

/// `work`'s results for `count` items cut into at most `threads` contiguous ranges whose
/// lengths are multiples of `grain` (the last excepted), one result per range, in item order.
///
/// The first range runs on the calling thread, so one thread (or a small input) spawns none.
pub fn map_ranges<T, F>(count: usize, threads: usize, grain: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(Range<usize>) -> T + Sync,
{
    let ranges = split(count, threads, grain);
    let Some((first, rest)) = ranges.split_first() else {
        return Vec::new();
    };
    thread::scope(|scope| {
        let spawned: Vec<_> = rest
            .iter()
            .map(|range| {
                let work = &work;
                let range = range.clone();
                scope.spawn(move || work(range))
            })
            .collect();
        let mut results = vec![work(first.clone())];
        for handle in spawned {
            // A panicking worker re-panics here; PyO3 turns that into a Python exception.
            results.push(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    })
}

fn split(count: usize, threads: usize, grain: usize) -> Vec<Range<usize>> {
    let grains = count.div_ceil(grain);
    let parts = threads.clamp(1, grains.max(1));
    let per_part = grains.div_ceil(parts) * grain;
    (0..count)
        .step_by(per_part.max(1))
        .map(|start| start..(start + per_part).min(count))
        .collect()
}
