//! A global allocator that counts heap allocations and bytes, for the benchmarks that report
//! them. Counting is off while timing: a relaxed load is all the timed code pays.
//!
//! It also tracks the peak of live heap bytes (allocated minus freed) while [`Peak::start`]
//! asks it to, for the whole process and for the threads marked with [`mark_thread`] (a
//! bench's own runtime, not the embedded server's threads in the same process).
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

fn record(size: usize) {
    if COUNTING.load(Relaxed) {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(size as u64, Relaxed);
    }
}

static TRACKING: AtomicBool = AtomicBool::new(false);
/// Live bytes since tracking started, and their peak: of every thread, and of marked threads.
static LIVE: [AtomicI64; 2] = [AtomicI64::new(0), AtomicI64::new(0)];
static PEAK: [AtomicI64; 2] = [AtomicI64::new(0), AtomicI64::new(0)];

thread_local! {
    // const-initialised and without a destructor: safe to read inside the allocator
    static MARKED: Cell<bool> = const { Cell::new(false) };
}

/// `delta` bytes allocated (or, negative, freed) on this thread.
fn track(delta: i64) {
    if !TRACKING.load(Relaxed) {
        return;
    }
    let marked = MARKED.try_with(Cell::get).unwrap_or(false);
    for which in 0..1 + usize::from(marked) {
        let live = LIVE[which].fetch_add(delta, Relaxed) + delta;
        PEAK[which].fetch_max(live, Relaxed);
    }
}

fn signed(size: usize) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        track(signed(layout.size()));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        track(-signed(layout.size()));
        // SAFETY: `ptr` was allocated by `System` with `layout` (see `alloc` / `realloc`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        track(signed(new_size) - signed(layout.size()));
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `work` with counting on; returns the allocations and bytes it made, each divided by
/// `per` (the items it converted).
pub(crate) fn count(per: usize, work: &mut dyn FnMut()) -> (f64, f64) {
    let (allocs, bytes) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    COUNTING.store(true, Relaxed);
    work();
    COUNTING.store(false, Relaxed);
    (
        (ALLOCS.load(Relaxed) - allocs) as f64 / per as f64,
        (BYTES.load(Relaxed) - bytes) as f64 / per as f64,
    )
}

/// Marks the calling thread as one whose allocations [`Peak`] counts apart (call it from a
/// runtime's `on_thread_start`, and on the thread that drives it).
pub(crate) fn mark_thread() {
    MARKED.with(|m| m.set(true));
}

/// The highest live heap bytes reached while tracking, over the live bytes when it started
/// (what was allocated before and freed during the tracking lowers it, so it never overstates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Peak {
    /// On every thread of the process.
    pub(crate) process: u64,
    /// On the threads marked with [`mark_thread`].
    pub(crate) marked: u64,
}

impl Peak {
    /// Starts tracking from zero (one tracking at a time).
    pub(crate) fn start() {
        for which in 0..2 {
            LIVE[which].store(0, Relaxed);
            PEAK[which].store(0, Relaxed);
        }
        TRACKING.store(true, Relaxed);
    }

    /// Stops tracking; returns the peaks reached since [`start`](Self::start).
    pub(crate) fn stop() -> Peak {
        TRACKING.store(false, Relaxed);
        let peak = |which: usize| u64::try_from(PEAK[which].load(Relaxed)).unwrap_or(0);
        Peak {
            process: peak(0),
            marked: peak(1),
        }
    }
}
