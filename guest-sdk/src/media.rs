//! The camera, through the host's own UI: choosing an image (a new photo or one from the album)
//! and scanning QR and bar codes. Permission: `camera` (the user is asked for consent once).

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, backend};

pub use miniapp_contract::limits::IMAGE_BYTES;
pub use miniapp_contract::wire::{ChosenImage, ImageSource, ScannedCode};

/// The image the user chose: the encoded file (PNG, JPEG, ...), not pixels. As JSON (the JSON
/// bridge, mock recordings) it is a [`ChosenImage`], `data` in standard base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// `image/png`, `image/jpeg`, ...
    pub mime_type: String,
    pub data: Vec<u8>,
    /// Pixels.
    pub width: u32,
    pub height: u32,
}

impl Serialize for Image {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ChosenImage {
            mime_type: self.mime_type.clone(),
            data: base64::engine::general_purpose::STANDARD.encode(&self.data),
            width: self.width,
            height: self.height,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let c = ChosenImage::deserialize(d)?;
        let data = base64::engine::general_purpose::STANDARD
            .decode(&c.data)
            .map_err(serde::de::Error::custom)?;
        Ok(Image {
            mime_type: c.mime_type,
            data,
            width: c.width,
            height: c.height,
        })
    }
}

/// Shows the host's image picker on `source` and returns the image the user chose, at most
/// `max_bytes` (1 to [`IMAGE_BYTES`]). Errors: `InvalidArgument` (bad `max_bytes`, no picker
/// shown), `QuotaExceeded` (the chosen image is larger than `max_bytes`), `Cancelled`,
/// `Unavailable` (no camera), `PermissionDenied`.
pub fn choose_image(source: ImageSource, max_bytes: u32) -> Result<Image, Error> {
    backend::media_choose_image(source, max_bytes)
}

/// Shows the host's code scanner and returns the first QR or bar code it reads. Errors:
/// `Cancelled`, `Unavailable` (no camera), `PermissionDenied`.
pub fn scan_code() -> Result<ScannedCode, Error> {
    backend::media_scan_code()
}
