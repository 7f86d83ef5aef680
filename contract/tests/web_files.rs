//! The committed `web/bridge/protocol.js` and `protocol.d.ts` are what the contract generates.

#[test]
fn generated_web_protocol_files_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/bridge");
    for (name, contents) in miniapp_contract::web::files() {
        let path = dir.join(name);
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == contents,
            "{} is stale: the contract changed. Run `{}` (from the repository root) and commit the result.",
            path.display(),
            miniapp_contract::web::REGENERATE
        );
    }
}
