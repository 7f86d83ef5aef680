//! `media` (permission `camera`, sensitive: consent is asked once per app): the host's image
//! picker (`chooseImage`) and code scanner (`scanCode`). Both show the host's own UI; the app
//! gets only what the user chose or scanned.
//!
//! Image bytes: the WIT interface carries them as `list<u8>`; the JSON bridge as `data`, standard
//! base64 with padding. `maxBytes` (1 to [`IMAGE_BYTES`], default [`IMAGE_BYTES`]) bounds the
//! encoded image: a bad `maxBytes` is `INVALID_ARGUMENT` (no picker shown), a chosen image larger
//! than it `QUOTA_EXCEEDED`.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use base64::Engine as _;
use miniapp_contract::limits::IMAGE_BYTES;
pub use miniapp_contract::wire::{ImageSource, SAMPLE_PNG, SAMPLE_SCAN_TEXT, ScannedCode};
use miniapp_package::AppId;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::media as wit;
use super::capability::{Bridge, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, REDACTED, bridge_call};
use crate::state::AppContext;

/// Records (inspector, recordings) keep an image's size, not its bytes.
fn redact_image(method: Method, result: &mut Value) {
    if method == Method::MediaChooseImage
        && let Some(data) = result.get_mut("data")
    {
        *data = Value::String(REDACTED.into());
    }
}

super::capability::declare_capability!(Media, wit, redact: Some(redact_image));

/// An image as the picker returns it: the encoded file (PNG, JPEG, ...), not pixels. Serializes
/// as the JSON bridge's `ChosenImage` (`data` in base64).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub mime_type: String,
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl Image {
    /// A 1×1 PNG (one red pixel): what the development picker returns.
    pub fn sample_png() -> Image {
        Image {
            mime_type: "image/png".into(),
            data: SAMPLE_PNG.to_vec(),
            width: 1,
            height: 1,
        }
    }
}

impl Serialize for Image {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        miniapp_contract::wire::ChosenImage {
            mime_type: self.mime_type.clone(),
            data: base64::engine::general_purpose::STANDARD.encode(&self.data),
            width: self.width,
            height: self.height,
        }
        .serialize(s)
    }
}

/// The host's image picker and code scanner. `Cancelled` when the user closes them,
/// `Unavailable` without a camera (or photo library). `max_bytes` is a hint (a picker may
/// recompress); the runtime checks the image it returns.
#[async_trait]
pub trait MediaService: Send + Sync {
    async fn choose_image(
        &self,
        app: &AppId,
        source: ImageSource,
        max_bytes: usize,
    ) -> Result<Image, BridgeError>;
    async fn scan_code(&self, app: &AppId) -> Result<ScannedCode, BridgeError>;
}

/// Answers from a script (`None`: the user cancels), then with [`Image::sample_png`] and a QR
/// code of [`SAMPLE_SCAN_TEXT`] once it runs out; records what it showed.
/// [`ScriptedMedia::without_camera`] answers `Unavailable` to the camera and the scanner.
#[derive(Debug)]
pub struct ScriptedMedia {
    camera: bool,
    images: Mutex<VecDeque<Option<Image>>>,
    scans: Mutex<VecDeque<Option<ScannedCode>>>,
    shown: Mutex<Vec<(AppId, &'static str)>>,
}

impl Default for ScriptedMedia {
    fn default() -> Self {
        ScriptedMedia {
            camera: true,
            images: Mutex::default(),
            scans: Mutex::default(),
            shown: Mutex::default(),
        }
    }
}

impl ScriptedMedia {
    pub fn without_camera() -> Self {
        ScriptedMedia {
            camera: false,
            ..ScriptedMedia::default()
        }
    }

    /// The next pickers end like this (`None`: the user cancels), in order.
    pub fn picking(self, images: impl IntoIterator<Item = Option<Image>>) -> Self {
        self.images.lock().unwrap().extend(images);
        self
    }

    /// The next scanners end like this (`None`: the user cancels), in order.
    pub fn scanning(self, codes: impl IntoIterator<Item = Option<ScannedCode>>) -> Self {
        self.scans.lock().unwrap().extend(codes);
        self
    }

    /// What was shown, in order: (app, `"camera"`, `"album"` or `"scanner"`).
    pub fn shown(&self) -> Vec<(AppId, &'static str)> {
        self.shown.lock().unwrap().clone()
    }
}

#[async_trait]
impl MediaService for ScriptedMedia {
    async fn choose_image(
        &self,
        app: &AppId,
        source: ImageSource,
        _max_bytes: usize,
    ) -> Result<Image, BridgeError> {
        if source == ImageSource::Camera && !self.camera {
            return Err(BridgeError::Unavailable("no camera".into()));
        }
        let name = match source {
            ImageSource::Camera => "camera",
            ImageSource::Album => "album",
        };
        self.shown.lock().unwrap().push((app.clone(), name));
        match self.images.lock().unwrap().pop_front() {
            Some(Some(image)) => Ok(image),
            Some(None) => Err(BridgeError::Cancelled),
            None => Ok(Image::sample_png()),
        }
    }

    async fn scan_code(&self, app: &AppId) -> Result<ScannedCode, BridgeError> {
        if !self.camera {
            return Err(BridgeError::Unavailable("no camera".into()));
        }
        self.shown.lock().unwrap().push((app.clone(), "scanner"));
        match self.scans.lock().unwrap().pop_front() {
            Some(Some(code)) => Ok(code),
            Some(None) => Err(BridgeError::Cancelled),
            None => Ok(ScannedCode {
                text: SAMPLE_SCAN_TEXT.into(),
                format: "qr".into(),
            }),
        }
    }
}

/// Core: the picker, bounded by `max_bytes` (1 to [`IMAGE_BYTES`]).
pub(crate) async fn choose_image(
    ctx: &AppContext,
    source: ImageSource,
    max_bytes: u64,
) -> Result<Image, BridgeError> {
    if max_bytes == 0 || max_bytes > IMAGE_BYTES as u64 {
        return Err(BridgeError::invalid(format!(
            "maxBytes must be 1 to {IMAGE_BYTES}"
        )));
    }
    let max_bytes = max_bytes as usize;
    let image = ctx
        .service::<dyn MediaService>()
        .choose_image(&ctx.app, source, max_bytes)
        .await?;
    if image.data.len() > max_bytes {
        return Err(BridgeError::QuotaExceeded);
    }
    Ok(image)
}

/// Core: the scanner.
pub(crate) async fn scan_code(ctx: &AppContext) -> Result<ScannedCode, BridgeError> {
    ctx.service::<dyn MediaService>().scan_code(&ctx.app).await
}

impl From<wit::ImageSource> for ImageSource {
    fn from(s: wit::ImageSource) -> Self {
        match s {
            wit::ImageSource::Camera => ImageSource::Camera,
            wit::ImageSource::Album => ImageSource::Album,
        }
    }
}

impl From<Image> for wit::Image {
    fn from(i: Image) -> Self {
        wit::Image {
            mime_type: i.mime_type,
            data: i.data,
            width: i.width,
            height: i.height,
        }
    }
}

impl From<ScannedCode> for wit::ScannedCode {
    fn from(c: ScannedCode) -> Self {
        wit::ScannedCode {
            text: c.text,
            format: c.format,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn choose_image(
        &mut self,
        source: wit::ImageSource,
        max_bytes: u32,
    ) -> WitResult<wit::Image> {
        let ctx = self.ctx;
        let source = ImageSource::from(source);
        to_wit(
            bridge_call(
                ctx,
                Method::MediaChooseImage,
                G,
                || json!({"source": source, "maxBytes": max_bytes}),
                || choose_image(ctx, source, max_bytes.into()),
            )
            .await,
        )
    }
    async fn scan_code(&mut self) -> WitResult<wit::ScannedCode> {
        let ctx = self.ctx;
        to_wit(bridge_call(ctx, Method::MediaScanCode, G, no_params, || scan_code(ctx)).await)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ChooseParams {
    #[serde(default)]
    source: ImageSource,
    max_bytes: Option<u64>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::MediaChooseImage => {
                let ChooseParams { source, max_bytes } = params(method, &p)?;
                let image =
                    choose_image(ctx, source, max_bytes.unwrap_or(IMAGE_BYTES as u64)).await?;
                super::capability::json(image)
            }
            Method::MediaScanCode => {
                params::<NoParams>(method, &p)?;
                super::capability::json(scan_code(ctx).await?)
            }
            _ => Err(BridgeError::Internal(format!(
                "media does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context_with;
    use miniapp_package::Permission;
    use std::sync::Arc;

    fn with(media: &Arc<ScriptedMedia>, grants: &[Permission]) -> (AppContext, tempfile::TempDir) {
        let mut services = super::super::HostServices::development();
        services.media = media.clone();
        context_with("com.acme.a", grants, services)
    }

    fn big(bytes: usize) -> Image {
        Image {
            mime_type: "image/jpeg".into(),
            data: vec![7; bytes],
            width: 640,
            height: 480,
        }
    }

    #[tokio::test]
    async fn choose_image_bounds_cancel_and_bad_params() {
        let media = Arc::new(ScriptedMedia::default().picking([None, Some(big(2000))]));
        let (ctx, _h) = with(&media, &[Permission::Camera]);
        let e = json(&ctx, Method::MediaChooseImage, json!({}))
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::Cancelled);
        let e = json(&ctx, Method::MediaChooseImage, json!({"maxBytes": 1000}))
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::QuotaExceeded, "over maxBytes");
        let v = json(
            &ctx,
            Method::MediaChooseImage,
            json!({"source": "camera", "maxBytes": 70}),
        )
        .await
        .unwrap();
        assert_eq!(
            v,
            json!({"mimeType": "image/png", "width": 1, "height": 1,
                   "data": base64::engine::general_purpose::STANDARD.encode(SAMPLE_PNG)})
        );
        for bad in [
            json!({"maxBytes": 0}),
            json!({"maxBytes": IMAGE_BYTES + 1}),
            json!({"maxBytes": -1}),
            json!({"source": "screen"}),
            json!({"quality": 1}),
        ] {
            let e = json(&ctx, Method::MediaChooseImage, bad.clone())
                .await
                .unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{bad}");
        }
        let names: Vec<&str> = media.shown().iter().map(|s| s.1).collect();
        assert_eq!(
            names,
            ["album", "album", "camera"],
            "bad params showed no picker"
        );

        // Over the contract's limit even when the host ignores maxBytes.
        let huge = Arc::new(ScriptedMedia::default().picking([Some(big(IMAGE_BYTES + 1))]));
        let (ctx, _h2) = with(&huge, &[Permission::Camera]);
        let e = json(&ctx, Method::MediaChooseImage, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "QUOTA_EXCEEDED");
    }

    #[tokio::test]
    async fn scan_code_cancel_denied_and_no_camera() {
        let code = ScannedCode {
            text: "4006381333931".into(),
            format: "ean-13".into(),
        };
        let media = Arc::new(ScriptedMedia::default().scanning([Some(code), None]));
        let (ctx, _h) = with(&media, &[Permission::Camera]);
        assert_eq!(
            json(&ctx, Method::MediaScanCode, json!({})).await.unwrap(),
            json!({"text": "4006381333931", "format": "ean-13"})
        );
        let e = json(&ctx, Method::MediaScanCode, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::Cancelled);
        assert_eq!(
            json(&ctx, Method::MediaScanCode, Value::Null)
                .await
                .unwrap(),
            json!({"text": SAMPLE_SCAN_TEXT, "format": "qr"})
        );
        let e = json(&ctx, Method::MediaScanCode, json!({"x": 1}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");

        let (denied, _h2) = with(&media, &[Permission::Storage]);
        for m in [Method::MediaScanCode, Method::MediaChooseImage] {
            let e = json(&denied, m, json!({})).await.unwrap_err();
            assert_eq!(e, BridgeError::PermissionDenied);
        }
        assert_eq!(media.shown().len(), 3, "a denied call shows nothing");

        let none = Arc::new(ScriptedMedia::without_camera());
        let (ctx, _h3) = with(&none, &[Permission::Camera]);
        let e = json(&ctx, Method::MediaScanCode, json!({}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
        let e = json(&ctx, Method::MediaChooseImage, json!({"source": "camera"}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
        json(&ctx, Method::MediaChooseImage, json!({"source": "album"}))
            .await
            .unwrap();
    }

    #[test]
    fn records_hold_no_image_bytes() {
        let mut v = serde_json::to_value(Image::sample_png()).unwrap();
        redact_image(Method::MediaChooseImage, &mut v);
        assert_eq!(v["data"], REDACTED);
        assert_eq!(v["width"], 1);
    }
}
