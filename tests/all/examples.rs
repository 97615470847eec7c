//! `examples/serve.sh`, the README's first command, run as a newcomer runs it (with
//! the test's binary instead of a release build, and `--once` so it stops): the
//! report must read as words, not a wall of JSON, and the JSON must be in a file.

use serde_json::Value;
use std::process::Command;

#[test]
fn serve_example_prints_the_report_readably_and_keeps_the_json_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let response = dir.path().join("response.json");
    let out = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/serve.sh"))
        .arg("--once")
        .env("SERVER_BIN", env!("CARGO_BIN_EXE_unbroadcast"))
        .env("BIND", "127.0.0.1:0")
        .env("RESPONSE", &response)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(!stdout.contains("Compiling") && !stderr.contains("Compiling"), "no build with SERVER_BIN");

    let report: Value = serde_json::from_slice(&std::fs::read(&response).unwrap()).unwrap();
    let (score, verdict) = (report["score"].as_u64().unwrap(), report["verdict"].as_str().unwrap());
    assert!(stdout.contains(&format!("score {score}/100 → {verdict}")), "{stdout}");
    assert!(stdout.contains(&response.display().to_string()), "it says where the JSON is:\n{stdout}");
    // Words, not the JSON itself.
    assert!(!stdout.contains("\"warnings\"") && !stdout.contains("utf16_start"), "{stdout}");

    let warnings = report["warnings"].as_array().unwrap();
    assert!(warnings.len() >= 3, "{report:#}");
    for w in warnings {
        let rule = w["rule"].as_str().unwrap();
        let message = w["message"].as_str().unwrap();
        let line = match w.get("span") {
            Some(s) => format!("{}:{}: {rule} [", s["line"], s["column"]),
            None => format!("whole post: {rule} ["),
        };
        assert!(stdout.contains(&line), "{line:?} in\n{stdout}");
        assert!(stdout.contains(message), "{message:?} in\n{stdout}");
        if let Some(ex) = w["excerpt"].as_str() {
            assert!(stdout.contains(&format!("excerpt: “{ex}”")), "{ex:?} in\n{stdout}");
        }
    }
}
