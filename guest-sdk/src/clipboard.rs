//! The system clipboard, text only. Permission: `clipboard`.

use crate::{Error, backend};

/// The clipboard's text, or `None` when it holds no text.
pub fn read_text() -> Result<Option<String>, Error> {
    backend::clipboard_read_text()
}

/// Replaces the clipboard's content with `text` (at most 64 KiB).
pub fn write_text(text: &str) -> Result<(), Error> {
    backend::clipboard_write_text(text)
}
