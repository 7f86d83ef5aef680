//! `--inspect`: the Bridge Inspector on the terminal, and guest log lines.

use std::io::Write;

use miniapp_runtime::inspector::{BridgeCallRecord, BridgeInspector};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InspectFormat {
    /// One line per call for people.
    Human,
    /// One JSON object per call.
    Json,
}

/// Installs the global subscriber: guest logs and warnings on stderr; with `inspect`, every
/// bridge call too. `RUST_LOG` overrides the filter.
pub fn init(inspect: Option<InspectFormat>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(if inspect.is_some() {
            "info,miniapp::audit=off"
        } else {
            "warn"
        })
    });
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(true)
        .with_filter(filter);
    let inspector = inspect.map(|format| {
        BridgeInspector::new(move |r: &BridgeCallRecord| {
            let line = match format {
                InspectFormat::Json => serde_json::to_string(r).expect("serializable"),
                InspectFormat::Human => {
                    // The params, cut to one short line (at most 60 characters with the `…`;
                    // the JSON format carries them whole).
                    let params = miniapp_runtime::inspector::cut(&r.params_summary(), 59);
                    format!(
                        "[bridge] {:<16} {:<28} {:<18} {:>7} µs  {params}",
                        r.app, r.method, r.outcome, r.duration_us
                    )
                }
            };
            let _ = writeln!(std::io::stderr(), "{line}");
        })
    });
    let subscriber = tracing_subscriber::registry().with(fmt).with(inspector);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The engine line of `--inspect`: which profile and allocator this run got, and any fallback.
pub fn engine(report: &miniapp_runtime::EngineReport, format: Option<InspectFormat>) {
    let line = match format {
        Some(InspectFormat::Json) => serde_json::json!({ "engine": report }).to_string(),
        _ => format!(
            "[engine] {} {} {}{}, {} MiB per memory + {} KiB guard{}",
            report.profile,
            report.backend,
            report.allocator,
            report
                .pool_instances
                .map(|n| format!(" ({n} instances)"))
                .unwrap_or_default(),
            report.memory_reservation_bytes >> 20,
            report.memory_guard_bytes >> 10,
            report
                .fallback
                .as_deref()
                .map(|f| format!(" — fallback: {f}"))
                .unwrap_or_default()
        ),
    };
    let _ = writeln!(std::io::stderr(), "{line}");
}
