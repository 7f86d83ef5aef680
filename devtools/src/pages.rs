//! The simulator's HTML pages, rendered from the templates in `devtools/templates/` with
//! minijinja; every value is HTML-escaped on output.

use std::sync::LazyLock;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, Error, ErrorKind};

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        ("index.html", include_str!("../templates/index.html")),
        (
            "component.html",
            include_str!("../templates/component.html"),
        ),
    ] {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("devtools/templates/{name}: {e}"));
    }
    // Escapes what HTML needs (& < > " '), leaving `/` as it is, so paths in compiler output
    // read as they were written in the page's source too.
    env.set_formatter(|out, state, value| {
        if !matches!(state.auto_escape(), AutoEscape::Html) || value.is_safe() {
            return minijinja::escape_formatter(out, state, value);
        }
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        out.write_str(&html_escape(&value.to_string()))
            .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
    });
    env
});

/// Renders `template` (a file of `devtools/templates/`) with `context`.
pub(crate) fn render(template: &str, context: &impl serde::Serialize) -> String {
    TEMPLATES
        .get_template(template)
        .and_then(|t| t.render(Serde(context)))
        .unwrap_or_else(|e| panic!("rendering devtools/templates/{template}: {e:#}"))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_are_escaped_and_paths_stay_readable() {
        let html = render(
            "index.html",
            &json!({"port": ":8080", "apps": [{"id": "com.acme.<x>", "kind": "web & \"more\""}]}),
        );
        assert!(
            html.contains("http://com.acme.&lt;x&gt;.localhost:8080/"),
            "{html}"
        );
        assert!(html.contains("(web &amp; &quot;more&quot;)"), "{html}");
        let page = render(
            "component.html",
            &json!({"id": "com.acme.x", "port": "", "params": "",
                    "source": {"crate": true, "path": "/src/x", "target": "wasm32-wasip2"},
                    "build": {"class": "failed", "number": 2, "word": "failed", "took": "",
                              "failed": true, "output": "error: src/lib.rs:1", "error": null},
                    "loaded_build": null, "launch": null}),
        );
        assert!(page.contains("<details open>"), "{page}");
        assert!(page.contains("<pre>error: src/lib.rs:1</pre>"), "{page}");
        assert!(page.contains("No component has built yet."), "{page}");
        assert!(page.contains("Not launched yet."), "{page}");
    }
}
