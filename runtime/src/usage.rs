//! What an app did in this process: counters shared by all its instances, and their
//! snapshot (persisted to the app's `usage.json` by the install store).

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Per-app counters, shared by all instances of the app in this process.
#[derive(Debug, Default)]
pub struct AppUsage {
    pub(crate) bridge_calls: AtomicU64,
    pub(crate) denials: AtomicU64,
    pub(crate) launches: AtomicU64,
    pub(crate) traps: AtomicU64,
    /// Time spent running guest code (wall time of guest calls, which run on one thread).
    pub(crate) guest_time_us: AtomicU64,
    /// Largest linear memory of any instance, all memories counted.
    pub(crate) peak_memory_bytes: AtomicU64,
    pub(crate) log_lines: AtomicU64,
    pub(crate) log_dropped: AtomicU64,
    /// Start (in seconds since the runtime's epoch) and count of the current log window.
    pub(crate) log_window: std::sync::Mutex<(u64, u32)>,
}

/// A snapshot of [`AppUsage`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UsageSnapshot {
    pub bridge_calls: u64,
    pub denials: u64,
    pub launches: u64,
    pub traps: u64,
    pub guest_time_us: u64,
    pub peak_memory_bytes: u64,
    pub log_lines: u64,
    pub log_dropped: u64,
}

impl UsageSnapshot {
    /// `self` plus what `now` counted since `before` (peak memory: the larger).
    pub fn add_delta(&self, now: &UsageSnapshot, before: &UsageSnapshot) -> UsageSnapshot {
        let d = |a: u64, b: u64| a.saturating_sub(b);
        UsageSnapshot {
            bridge_calls: self.bridge_calls + d(now.bridge_calls, before.bridge_calls),
            denials: self.denials + d(now.denials, before.denials),
            launches: self.launches + d(now.launches, before.launches),
            traps: self.traps + d(now.traps, before.traps),
            guest_time_us: self.guest_time_us + d(now.guest_time_us, before.guest_time_us),
            peak_memory_bytes: self.peak_memory_bytes.max(now.peak_memory_bytes),
            log_lines: self.log_lines + d(now.log_lines, before.log_lines),
            log_dropped: self.log_dropped + d(now.log_dropped, before.log_dropped),
        }
    }
}

impl AppUsage {
    pub fn snapshot(&self) -> UsageSnapshot {
        UsageSnapshot {
            bridge_calls: self.bridge_calls.load(Ordering::Relaxed),
            denials: self.denials.load(Ordering::Relaxed),
            launches: self.launches.load(Ordering::Relaxed),
            traps: self.traps.load(Ordering::Relaxed),
            guest_time_us: self.guest_time_us.load(Ordering::Relaxed),
            peak_memory_bytes: self.peak_memory_bytes.load(Ordering::Relaxed),
            log_lines: self.log_lines.load(Ordering::Relaxed),
            log_dropped: self.log_dropped.load(Ordering::Relaxed),
        }
    }

    /// Counts one denial; `Some(n)` (this app's denials so far) when it should be audited.
    /// Denial must stay cheap under a flood: the first ten are audited, then each power of two.
    pub(crate) fn count_denial(&self) -> Option<u64> {
        let n = self.denials.fetch_add(1, Ordering::Relaxed) + 1;
        (n <= 10 || n.is_power_of_two()).then_some(n)
    }

    /// Whether one more guest log line fits this second's budget of `per_second` lines.
    pub(crate) fn admit_log_line(&self, per_second: u32) -> bool {
        let now = crate::tokens::now_unix();
        let mut w = self.log_window.lock().unwrap();
        if w.0 != now {
            *w = (now, 0);
        }
        if w.1 >= per_second {
            self.log_dropped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        w.1 += 1;
        self.log_lines.fetch_add(1, Ordering::Relaxed);
        true
    }
}
