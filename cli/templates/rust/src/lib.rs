//! {{id}}: a mini-program. The host calls `on_launch` with its launch parameters (JSON) and
//! shows what it answers.
#![forbid(unsafe_code)]

use miniapp_sdk::{MiniProgram, log};
{{#storage}}
use miniapp_sdk::storage;
{{/storage}}
use serde_json::{Value, json};

struct App;

impl MiniProgram for App {
    fn on_launch(params: String) -> Result<String, String> {
        let params: Value = if params.trim().is_empty() {
            json!({})
        } else {
            serde_json::from_str(&params).map_err(|e| format!("params are not JSON: {e}"))?
        };
        let name = params["name"].as_str().unwrap_or("world").to_string();
        log::info(&format!("{{id}} launched for {name}"));
        let mut answer = json!({ "hello": name, "language": "rust" });
{{#storage}}
        // Bridge storage: per app, kept across launches and updates.
        let launches = storage::get_json::<u64>("launches")
            .map_err(|e| e.to_string())?
            .unwrap_or(0)
            + 1;
        storage::set_json("launches", &launches).map_err(|e| e.to_string())?;
        answer["launches"] = json!(launches);
{{/storage}}
        Ok(answer.to_string())
    }
}

miniapp_sdk::export_mini_program!(App);

#[cfg(test)]
mod tests {
    use miniapp_sdk::mock::MockBridge;
{{#storage}}
    use miniapp_sdk::Permission;
{{/storage}}

    use super::*;

    #[test]
    fn answers_hello() {
{{#storage}}
        let _bridge = MockBridge::new().grant(&[Permission::Storage]).install();
{{/storage}}
{{^storage}}
        let _bridge = MockBridge::new().install();
{{/storage}}
        let answer: Value =
            serde_json::from_str(&App::on_launch(r#"{"name":"Ada"}"#.into()).unwrap()).unwrap();
        assert_eq!(answer["hello"], "Ada");
{{#storage}}
        assert_eq!(answer["launches"], 1);
        let again: Value = serde_json::from_str(&App::on_launch(String::new()).unwrap()).unwrap();
        assert_eq!(again["launches"], 2);
{{/storage}}
    }
}
