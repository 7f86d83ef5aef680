//! WASI stdout/stderr of a guest: split into lines and written to the guest log (info / warn).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use miniapp_package::AppId;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

use crate::capabilities::log::{LOG_LINES_PER_SECOND, Level, MAX_LOG_BYTES, emit};
use crate::usage::AppUsage;

/// A guest's stdout or stderr.
#[derive(Clone)]
pub(crate) struct GuestOutput {
    app: Arc<str>,
    level: Level,
    usage: Arc<AppUsage>,
}

impl GuestOutput {
    pub(crate) fn stdout(app: &AppId, usage: Arc<AppUsage>) -> Self {
        GuestOutput {
            app: app.as_str().into(),
            level: Level::Info,
            usage,
        }
    }
    pub(crate) fn stderr(app: &AppId, usage: Arc<AppUsage>) -> Self {
        GuestOutput {
            app: app.as_str().into(),
            level: Level::Warn,
            usage,
        }
    }
}

/// Buffers a partial line; emits each complete line (or each full 4 KiB chunk).
struct LineWriter {
    out: GuestOutput,
    buf: Vec<u8>,
}

impl LineWriter {
    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' || self.buf.len() >= MAX_LOG_BYTES {
                self.flush_line();
                if b == b'\n' {
                    continue;
                }
            }
            self.buf.push(b);
        }
    }

    fn flush_line(&mut self) {
        if self.out.usage.admit_log_line(LOG_LINES_PER_SECOND) {
            let line = String::from_utf8_lossy(&self.buf);
            emit(&self.out.app, self.out.level, line.trim_end_matches('\r'));
        }
        self.buf.clear();
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            self.flush_line();
        }
    }
}

impl IsTerminal for GuestOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestOutput {
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(LineWriter {
            out: self.clone(),
            buf: Vec::new(),
        })
    }

    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(LineWriter {
            out: self.clone(),
            buf: Vec::new(),
        })
    }
}

#[async_trait::async_trait]
impl Pollable for LineWriter {
    async fn ready(&mut self) {}
}

impl OutputStream for LineWriter {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 * 1024)
    }
}

impl tokio::io::AsyncWrite for LineWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.get_mut().push(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
