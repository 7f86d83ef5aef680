//! The permissions a manifest can declare, as the host names them (from `miniapp-contract`).

pub use miniapp_contract::Permission;
