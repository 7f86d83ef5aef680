//! The host's limits, in UTF-8 bytes unless said otherwise. The runtime enforces them, the mocks
//! apply them, the WIT docs and the JS SDK quote them (`LIMITS` in the generated protocol.js).

/// Storage key: 1 to this many bytes.
pub const STORAGE_KEY_BYTES: usize = 1024;
/// Storage value: at most this many bytes.
pub const STORAGE_VALUE_BYTES: usize = 1024 * 1024;
/// Storage quota per app unless the host configures another.
pub const DEFAULT_QUOTA_BYTES: u64 = 10 * 1024 * 1024;
/// What each stored entry costs beyond its key and value (the host's record header).
pub const STORAGE_ENTRY_OVERHEAD_BYTES: u64 = 10;

/// The one quota rule: what an entry counts against the storage quota. The host and both mocks
/// count with this function, so an app near its quota fails in its tests where it would fail on
/// the host.
pub const fn storage_entry_bytes(key_len: usize, value_len: usize) -> u64 {
    STORAGE_ENTRY_OVERHEAD_BYTES + key_len as u64 + value_len as u64
}

/// Secure storage (the host's keystore) key: 1 to this many bytes, no control characters.
pub const SECURE_KEY_BYTES: usize = 128;
/// Secure storage value: at most this many bytes (small secrets: tokens, keys).
pub const SECURE_VALUE_BYTES: usize = 4096;
/// Secure storage entries per app.
pub const SECURE_ENTRIES_MAX: usize = 64;

/// What is wrong with a secure storage key, if anything: the host and the mocks share the rule.
pub fn secure_key_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() || key.len() > SECURE_KEY_BYTES {
        Some("key must be 1 to 128 bytes")
    } else if key.chars().any(char::is_control) {
        Some("key must not contain control characters (NUL included)")
    } else {
        None
    }
}

/// A file's path (`files`): 1 to this many bytes.
pub const FILE_PATH_BYTES: usize = 512;
/// A file's content (`files`): at most this many bytes.
pub const FILE_BYTES: usize = 1024 * 1024;

/// What is wrong with a file path, if anything: relative, `/`-separated segments, none empty,
/// `.` or `..`, no backslash or control character (NUL included), 1 to [`FILE_PATH_BYTES`].
/// The host and the mocks share the rule.
pub fn file_path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() || path.len() > FILE_PATH_BYTES {
        Some("path must be 1 to 512 bytes")
    } else if path.starts_with('/') {
        Some("path must be relative to the app's files (no leading `/`)")
    } else if path.chars().any(|c| c.is_control() || c == '\\') {
        Some("path must not contain control characters (NUL included) or `\\`")
    } else if path
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        Some("path segments must not be empty, `.` or `..`")
    } else {
        None
    }
}

/// The reason shown on the biometric prompt (`biometrics.authenticate`): 1 to this many bytes.
pub const BIOMETRIC_REASON_BYTES: usize = 200;

/// A local notification's id and a message topic (`notifications`): 1 to this many bytes of
/// `a-z`, `0-9`, `.`, `_`, `-`.
pub const NOTIFICATION_ID_BYTES: usize = 64;
/// A local notification's title: 1 to this many bytes.
pub const NOTIFICATION_TITLE_BYTES: usize = 64;
/// A local notification's body: at most this many bytes.
pub const NOTIFICATION_BODY_BYTES: usize = 256;

/// Whether `s` is a notification id or topic: 1 to [`NOTIFICATION_ID_BYTES`] of `a-z0-9._-`.
pub fn is_notification_name(s: &str) -> bool {
    (1..=NOTIFICATION_ID_BYTES).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// The largest image `media.chooseImage` returns (and the largest `maxBytes` it accepts): 4 MiB
/// of encoded image (PNG, JPEG, ...). Base64 in the JSON bridge makes it about 5.3 MiB of text.
pub const IMAGE_BYTES: usize = 4 * 1024 * 1024;

/// Payment order id: 1 to this many bytes.
pub const ORDER_ID_BYTES: usize = 128;
/// Toast text: 1 to this many bytes.
pub const TOAST_BYTES: usize = 500;
/// Modal buttons: this many at least.
pub const MODAL_BUTTONS_MIN: usize = 1;
/// Modal buttons: this many at most.
pub const MODAL_BUTTONS_MAX: usize = 4;
/// Action sheet items: this many at most (at least one).
pub const ACTION_SHEET_ITEMS_MAX: usize = 6;
/// Button and action sheet labels: 1 to this many bytes.
pub const LABEL_BYTES: usize = 40;

/// Whether `s` is a calendar date `YYYY-MM-DD` (years 0001 to 9999, leap years counted). Dates
/// in this form compare as strings.
pub fn is_calendar_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
}

/// Whether `s` is a colour `#rrggbb` (lower- or upper-case hex).
pub fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|c| c.is_ascii_hexdigit())
}

/// Data handed to another mini-program (`navigation.openMiniProgram`): at most this many bytes.
pub const EXTRA_DATA_BYTES: usize = 4096;
/// A URL to open: at most this many bytes.
pub const URL_BYTES: usize = 2048;

/// Whether `url` is an `http(s)://` URL with a host, at most [`URL_BYTES`], without spaces or
/// control characters: what a mini-program may ask the host to open.
pub fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    url.len() <= URL_BYTES
        && rest.is_some_and(|r| !r.is_empty() && !r.starts_with(['/', '?', '#']))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Title text: at most this many bytes.
pub const TITLE_BYTES: usize = 100;
/// Longest vibration, in milliseconds.
pub const VIBRATE_MILLIS_MAX: u32 = 1000;
/// Clipboard text: at most this many bytes.
pub const CLIPBOARD_TEXT_BYTES: usize = 64 * 1024;
/// Log message: longer ones are cut to this many bytes (on a character boundary).
pub const LOG_MESSAGE_BYTES: usize = 4096;
/// Guest log lines kept per app and second; the rest are counted as dropped.
pub const LOG_LINES_PER_SECOND: u32 = 200;
/// Lifetime of an `auth` token, in seconds.
pub const TOKEN_LIFETIME_SECONDS: u64 = 15 * 60;

/// Every limit a web page sees, by its JS name (`LIMITS` in protocol.js), in a stable order.
pub const WEB_LIMITS: [(&str, u64); 27] = [
    ("storageKeyBytes", STORAGE_KEY_BYTES as u64),
    ("storageValueBytes", STORAGE_VALUE_BYTES as u64),
    ("defaultQuotaBytes", DEFAULT_QUOTA_BYTES),
    ("storageEntryOverheadBytes", STORAGE_ENTRY_OVERHEAD_BYTES),
    ("orderIdBytes", ORDER_ID_BYTES as u64),
    ("toastBytes", TOAST_BYTES as u64),
    ("modalButtonsMin", MODAL_BUTTONS_MIN as u64),
    ("modalButtonsMax", MODAL_BUTTONS_MAX as u64),
    ("titleBytes", TITLE_BYTES as u64),
    ("actionSheetItemsMax", ACTION_SHEET_ITEMS_MAX as u64),
    ("labelBytes", LABEL_BYTES as u64),
    ("extraDataBytes", EXTRA_DATA_BYTES as u64),
    ("urlBytes", URL_BYTES as u64),
    ("vibrateMillisMax", VIBRATE_MILLIS_MAX as u64),
    ("clipboardTextBytes", CLIPBOARD_TEXT_BYTES as u64),
    ("logMessageBytes", LOG_MESSAGE_BYTES as u64),
    ("tokenLifetimeSeconds", TOKEN_LIFETIME_SECONDS),
    ("secureKeyBytes", SECURE_KEY_BYTES as u64),
    ("secureValueBytes", SECURE_VALUE_BYTES as u64),
    ("secureEntriesMax", SECURE_ENTRIES_MAX as u64),
    ("filePathBytes", FILE_PATH_BYTES as u64),
    ("fileBytes", FILE_BYTES as u64),
    ("biometricReasonBytes", BIOMETRIC_REASON_BYTES as u64),
    ("notificationIdBytes", NOTIFICATION_ID_BYTES as u64),
    ("notificationTitleBytes", NOTIFICATION_TITLE_BYTES as u64),
    ("notificationBodyBytes", NOTIFICATION_BODY_BYTES as u64),
    ("imageBytes", IMAGE_BYTES as u64),
];

/// `s` cut to at most `max` bytes on a character boundary.
pub fn truncate_utf8(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_on_character_boundaries() {
        assert_eq!(truncate_utf8("héllo", 2), "h");
        assert_eq!(truncate_utf8("héllo", 3), "hé");
        assert_eq!(truncate_utf8("hi", 10), "hi");
    }

    #[test]
    fn file_paths() {
        for ok in [
            "a",
            "notes/today.txt",
            "a/b/c.d",
            "..hidden",
            "x..y",
            &"p".repeat(FILE_PATH_BYTES),
        ] {
            assert_eq!(file_path_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../up",
            "a/../../b",
            "a/./b",
            "a//b",
            "a/",
            "a\0b",
            "a\\b",
            "C:\\x",
            &"p".repeat(FILE_PATH_BYTES + 1),
        ] {
            assert!(file_path_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn secure_keys() {
        for ok in [
            "token",
            "a",
            &"k".repeat(SECURE_KEY_BYTES),
            "refresh token é",
        ] {
            assert_eq!(secure_key_problem(ok), None, "{ok}");
        }
        for bad in ["", "a\0b", "line\nbreak", &"k".repeat(SECURE_KEY_BYTES + 1)] {
            assert!(secure_key_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn web_urls() {
        for good in ["https://acme.example", "http://acme.example/a?b=c#d"] {
            assert!(is_web_url(good), "{good}");
        }
        let long = format!("https://acme.example/{}", "x".repeat(URL_BYTES));
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "https:///path",
            "ftp://acme.example",
            "https://acme.example/a b",
            "https://acme.example/\n",
            long.as_str(),
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    #[test]
    fn calendar_dates_and_colours() {
        for good in [
            "2024-02-29",
            "2000-02-29",
            "0001-01-01",
            "9999-12-31",
            "2026-12-01",
        ] {
            assert!(is_calendar_date(good), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "0000-01-01",
            "2026-1-01",
            "2026/01/01",
            "２０２６-01-01",
            "",
            "2026-01-01T00:00",
        ] {
            assert!(!is_calendar_date(bad), "{bad}");
        }
        assert!(is_hex_color("#00ffAA"));
        for bad in ["00ffaa", "#00ffa", "#00ffaag", "#00ffzz", "#00ffaa "] {
            assert!(!is_hex_color(bad), "{bad}");
        }
    }

    #[test]
    fn an_entry_costs_its_key_value_and_header() {
        assert_eq!(storage_entry_bytes(1, 0), 11);
        assert_eq!(storage_entry_bytes(3, 5), 18);
    }
}
