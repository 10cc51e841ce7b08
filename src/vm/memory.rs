//! Heap accounting for the memory budget. SECURITY-RELEVANT: this is what stops a
//! program that builds a huge structure one small piece at a time.
//!
//! A host that runs sandboxed code installs `CountingAllocator` as its global
//! allocator (the `garter` binary does); the machine then compares the bytes live on
//! the heap, less what was live when the run started, with the policy's budget, every
//! few thousand steps and before each large allocation. Without it, only the
//! pre-checks of single large allocations apply.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static LIVE: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The system allocator, counting live bytes.
pub struct CountingAllocator;

/// What a block of `size` bytes really takes from the system allocator: glibc adds
/// an 8-byte header and rounds to 16 bytes, with 32 at least. Counting only the
/// requested sizes let a heap of small blocks (nested lists, generator frames) reach
/// 1.4 times the budget in resident memory.
#[inline(always)]
fn charged(size: usize) -> usize {
    ((size + 8 + 15) & !15).max(32)
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(charged(layout.size()), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(charged(layout.size()), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(charged(new_size), Ordering::Relaxed);
            LIVE.fetch_sub(charged(layout.size()), Ordering::Relaxed);
        }
        p
    }
}

/// Called by a host that installed `CountingAllocator`.
pub fn mark_installed() {
    INSTALLED.store(true, Ordering::Relaxed);
}

/// Bytes live on the heap, when the counting allocator is installed.
pub fn live_bytes() -> Option<usize> {
    if INSTALLED.load(Ordering::Relaxed) {
        Some(LIVE.load(Ordering::Relaxed))
    } else {
        None
    }
}
