//! This mini-program's own figures for the running instance, as the host measured them: how
//! long its launch took and what its bridge calls cost. No permission needed (like `log`).

use crate::backend;

pub use miniapp_contract::wire::{LaunchMetrics, PerformanceMetrics};

/// The figures so far (this call counts as one bridge call). Never fails.
pub fn metrics() -> PerformanceMetrics {
    backend::performance_metrics()
}
