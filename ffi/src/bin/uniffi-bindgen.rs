//! The bindgen CLI, built from this workspace so the generator always matches the scaffolding.
fn main() {
    uniffi::uniffi_bindgen_main()
}
