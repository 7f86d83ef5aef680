//! Watching a source dir for changes with `notify` (inotify, FSEvents, …): no polling, no
//! wake-ups while nothing changes. The dir itself is watched, and each of its subdirs
//! recursively except dot dirs, `node_modules` and `target`, which can be huge and never hold
//! a mini-program's sources (a subdir made later is noticed as a change, not watched inside).

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, EventKind, MetadataKind, ModifyKind};
use notify::{RecursiveMode, Watcher as _};
use tokio::sync::mpsc;

use crate::DevError;

/// An editor's save may be several writes: a change counts once no more come for this long.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(200);

/// The changes under one source dir, as paths relative to it.
pub(crate) struct DirWatch {
    dir: PathBuf,
    events: mpsc::UnboundedReceiver<Vec<PathBuf>>,
    _watcher: notify::RecommendedWatcher,
}

impl DirWatch {
    pub(crate) fn new(dir: &Path) -> Result<DirWatch, DevError> {
        let failed = |e: notify::Error| {
            DevError::new(
                "DEV_WATCH_FAILED",
                format!("cannot watch {} for changes: {e}", dir.display()),
                Some(
                    "pass --no-reload, or raise the watch limit \
                     (sysctl fs.inotify.max_user_watches on Linux)",
                ),
            )
        };
        let (tx, events) = mpsc::unbounded_channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                // Reading a file (serving a page) is no change; writes, creations, removals are.
                if let Ok(event) = event
                    && is_change(&event.kind)
                {
                    let _ = tx.send(event.paths);
                }
            })
            .map_err(failed)?;
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .map_err(failed)?;
        let entries = std::fs::read_dir(dir)
            .map_err(|e| DevError::io(&format!("reading {}", dir.display()), e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !skipped(Path::new(&entry.file_name())) {
                watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(failed)?;
            }
        }
        Ok(DirWatch {
            dir: dir.to_owned(),
            events,
            _watcher: watcher,
        })
    }

    /// Waits for a change of a path (relative to the dir) that `relevant` accepts, then until
    /// no such change comes for [`DEBOUNCE`]: the writes of one save, or of a quick series of
    /// saves, count once. Changes made meanwhile (during a build) are queued, so the next call
    /// returns for them. `false` once the watcher has stopped.
    pub(crate) async fn settled_change(&mut self, relevant: impl Fn(&Path) -> bool) -> bool {
        loop {
            match self.events.recv().await {
                None => return false,
                Some(paths) if self.any_relevant(&paths, &relevant) => break,
                Some(_) => {}
            }
        }
        loop {
            match tokio::time::timeout(DEBOUNCE, self.events.recv()).await {
                Err(_) => return true,
                Ok(None) => return false,
                Ok(Some(_)) => {}
            }
        }
    }

    fn any_relevant(&self, paths: &[PathBuf], relevant: &impl Fn(&Path) -> bool) -> bool {
        paths.iter().any(|p| {
            p.strip_prefix(&self.dir)
                .is_ok_and(|rel| !skipped(rel) && relevant(rel))
        })
    }
}

fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(notify::event::AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Whether a relative path lies in a dot dir (or is a dot file), `node_modules` or `target`.
fn skipped(rel: &Path) -> bool {
    rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') || name == "node_modules" || name == "target"
    })
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn dot_dirs_node_modules_and_target_are_not_sources() {
        assert!(skipped(Path::new(".git/index")));
        assert!(skipped(Path::new("web/node_modules/x.js")));
        assert!(skipped(Path::new("target/debug/app")));
        assert!(!skipped(Path::new("src/lib.rs")));
        assert!(!skipped(Path::new("index.html")));
    }

    #[tokio::test]
    async fn a_burst_of_changes_counts_once_when_it_settles() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        std::fs::create_dir(dir.join("src")).unwrap();
        std::fs::create_dir(dir.join("node_modules")).unwrap();
        let mut watch = DirWatch::new(&dir).unwrap();

        let start = Instant::now();
        let writer = {
            let dir = dir.clone();
            tokio::spawn(async move {
                for i in 0..3 {
                    std::fs::write(dir.join("src/lib.rs"), format!("// {i}")).unwrap();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        assert!(watch.settled_change(|_| true).await);
        writer.await.unwrap();
        // It returned once the last write had settled, not at the first one.
        assert!(start.elapsed() >= Duration::from_millis(100) + DEBOUNCE);
        // Nothing is left over, and node_modules and irrelevant paths are not changes.
        std::fs::write(dir.join("node_modules/x.js"), "x").unwrap();
        std::fs::write(dir.join("notes.txt"), "x").unwrap();
        let only_src = |rel: &Path| rel.starts_with("src");
        let quiet = tokio::time::timeout(DEBOUNCE * 3, watch.settled_change(only_src)).await;
        assert!(quiet.is_err(), "no relevant change");
        // A change made while nobody waits (a build runs) is seen by the next wait.
        std::fs::write(dir.join("src/lib.rs"), "// again").unwrap();
        tokio::time::sleep(DEBOUNCE).await;
        assert!(watch.settled_change(only_src).await);
    }
}
