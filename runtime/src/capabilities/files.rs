//! `files` (permission `storage`): text files in the app's own sandbox, counted against its
//! storage quota. The store is the app's storage directory (`crate::storage`, subdirectory
//! `files/`); a path the app gives is validated here and never becomes a file-system path, so
//! `..`, absolute paths and links cannot reach outside it.

use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::files as wit;
use super::capability::{Bridge, WitResult, json_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;
use crate::storage::StoredFile;

super::capability::declare_capability!(Files, wit, redact: None);

pub use miniapp_contract::wire::FileInfo;

fn info(f: StoredFile) -> FileInfo {
    FileInfo {
        path: f.path,
        size: f.size,
        modified_at: f.modified_at,
    }
}

pub(crate) fn write(ctx: &AppContext, path: &str, data: &str) -> Result<(), BridgeError> {
    Ok(ctx.storage.write_file(path, data)?)
}

pub(crate) fn read(ctx: &AppContext, path: &str) -> Result<String, BridgeError> {
    let (data, _) = ctx.storage.read_file(path)?.ok_or(BridgeError::NotFound)?;
    Ok(data)
}

pub(crate) fn list(ctx: &AppContext, dir: &str) -> Result<Vec<FileInfo>, BridgeError> {
    Ok(ctx.storage.list_files(dir)?.into_iter().map(info).collect())
}

pub(crate) fn stat(ctx: &AppContext, path: &str) -> Result<FileInfo, BridgeError> {
    let (_, f) = ctx.storage.read_file(path)?.ok_or(BridgeError::NotFound)?;
    Ok(info(f))
}

pub(crate) fn remove(ctx: &AppContext, path: &str) -> Result<bool, BridgeError> {
    Ok(ctx.storage.remove_file(path)?)
}

impl From<FileInfo> for wit::FileInfo {
    fn from(f: FileInfo) -> Self {
        wit::FileInfo {
            path: f.path,
            size: f.size,
            modified_at: f.modified_at,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn write(&mut self, path: String, data: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::FilesWrite,
                G,
                || json!({"path": &path, "bytes": data.len()}),
                || async { write(ctx, &path, &data) },
            )
            .await,
        )
    }
    async fn read(&mut self, path: String) -> WitResult<String> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::FilesRead,
                G,
                || json!({"path": &path}),
                || async { read(ctx, &path) },
            )
            .await,
        )
    }
    async fn list(&mut self, dir: String) -> WitResult<Vec<wit::FileInfo>> {
        let ctx = self.ctx;
        let r = bridge_call(
            ctx,
            Method::FilesList,
            G,
            || json!({"dir": &dir}),
            || async { list(ctx, &dir) },
        )
        .await;
        Ok(r.map(|v| v.into_iter().map(Into::into).collect())
            .map_err(Into::into))
    }
    async fn stat(&mut self, path: String) -> WitResult<wit::FileInfo> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::FilesStat,
                G,
                || json!({"path": &path}),
                || async { stat(ctx, &path) },
            )
            .await,
        )
    }
    async fn remove(&mut self, path: String) -> WitResult<bool> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::FilesRemove,
                G,
                || json!({"path": &path}),
                || async { remove(ctx, &path) },
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteParams {
    path: String,
    data: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathParams {
    path: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DirParams {
    dir: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::FilesWrite => {
                let WriteParams { path, data } = params(method, &p)?;
                write(ctx, &path, &data).map(|()| Value::Null)
            }
            Method::FilesRead => {
                read(ctx, &params::<PathParams>(method, &p)?.path).map(Value::String)
            }
            Method::FilesList => {
                super::capability::json(list(ctx, &params::<DirParams>(method, &p)?.dir)?)
            }
            Method::FilesStat => {
                super::capability::json(stat(ctx, &params::<PathParams>(method, &p)?.path)?)
            }
            Method::FilesRemove => {
                remove(ctx, &params::<PathParams>(method, &p)?.path).map(Value::Bool)
            }
            _ => Err(BridgeError::Internal(format!(
                "files does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use miniapp_contract::limits::{FILE_BYTES, FILE_PATH_BYTES};
    use miniapp_package::Permission;

    #[tokio::test]
    async fn write_read_list_stat_remove() {
        let (ctx, _h) = context("com.acme.a", &[Permission::Storage]);
        for (path, data) in [
            ("notes/a.txt", "alpha"),
            ("notes/b.txt", "bee"),
            ("top", "t"),
        ] {
            json(
                &ctx,
                Method::FilesWrite,
                json!({"path": path, "data": data}),
            )
            .await
            .unwrap();
        }
        let read = json(&ctx, Method::FilesRead, json!({"path": "notes/a.txt"}))
            .await
            .unwrap();
        assert_eq!(read, "alpha");
        let listed = json(&ctx, Method::FilesList, json!({"dir": "notes"}))
            .await
            .unwrap();
        let paths: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths, ["notes/a.txt", "notes/b.txt"]);
        let all = json(&ctx, Method::FilesList, json!({"dir": ""}))
            .await
            .unwrap();
        assert_eq!(all.as_array().unwrap().len(), 3);
        let st = json(&ctx, Method::FilesStat, json!({"path": "notes/b.txt"}))
            .await
            .unwrap();
        assert_eq!(st["size"], 3);
        assert!(st["modifiedAt"].as_u64().unwrap() > 1_600_000_000);
        assert_eq!(
            json(&ctx, Method::FilesRemove, json!({"path": "top"}))
                .await
                .unwrap(),
            true
        );
        for (method, p) in [
            (Method::FilesRead, json!({"path": "top"})),
            (Method::FilesStat, json!({"path": "top"})),
        ] {
            let e = json(&ctx, method, p).await.unwrap_err();
            assert_eq!(e, BridgeError::NotFound);
        }
        assert_eq!(
            json(&ctx, Method::FilesRemove, json!({"path": "top"}))
                .await
                .unwrap(),
            false
        );
    }

    #[tokio::test]
    async fn bad_paths_oversized_data_quota_and_denial() {
        let (ctx, _h) = context("com.acme.a", &[Permission::Storage]);
        let long = "p".repeat(FILE_PATH_BYTES + 1);
        for path in [
            "../escape",
            "/etc/passwd",
            "a/../../b",
            "a/./b",
            "a//b",
            "a\u{0}b",
            "a\\b",
            "",
            long.as_str(),
        ] {
            for (method, p) in [
                (Method::FilesWrite, json!({"path": path, "data": "x"})),
                (Method::FilesRead, json!({"path": path})),
                (Method::FilesStat, json!({"path": path})),
                (Method::FilesRemove, json!({"path": path})),
            ] {
                let e = json(&ctx, method, p).await.unwrap_err();
                assert_eq!(e.code(), "INVALID_ARGUMENT", "{method} {path:?}");
            }
        }
        let e = json(&ctx, Method::FilesList, json!({"dir": "../.."}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        let big = "x".repeat(FILE_BYTES + 1);
        let e = json(
            &ctx,
            Method::FilesWrite,
            json!({"path": "big", "data": big}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        assert_eq!(ctx.storage.usage().0, 0, "nothing written");

        ctx.storage.set_quota(64);
        let e = json(
            &ctx,
            Method::FilesWrite,
            json!({"path": "f", "data": "y".repeat(60)}),
        )
        .await
        .unwrap_err();
        assert_eq!(e, BridgeError::QuotaExceeded);

        let (denied, _h2) = context("com.acme.a", &[Permission::Ui]);
        let e = json(
            &denied,
            Method::FilesWrite,
            json!({"path": "f", "data": "x"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);
        assert_eq!(denied.storage.usage().0, 0);
    }
}
