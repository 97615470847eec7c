//! Schemathesis (property-based API testing from PyPI) against the real binary and
//! `openapi.yaml`: thousands of generated requests, valid and invalid; no answer may
//! be a 5xx, and every answer must conform to the contract (status, content type,
//! headers, body schema) while invalid requests must be refused.
//!
//! One check is left out: `positive_data_acceptance`. Some values the schema cannot
//! describe are refused on purpose with a 422 — an unknown IANA time zone, a rule
//! selector that names no rule, an unknown locale — so a schema-valid request may
//! rightly fail.
//!
//! Schemathesis is found as `$SCHEMATHESIS` or on `PATH`; `.ci/run` installs it.
//! Without it the test fails when `CI` is set and otherwise passes saying `SKIPPED:`
//! on the terminal (a test below holds it to that).

use crate::serve::start;
use crate::support::skip_unless_ci;
use std::process::Command;

fn schemathesis() -> Option<String> {
    if let Ok(p) = std::env::var("SCHEMATHESIS") {
        return Some(p);
    }
    Command::new("schemathesis")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| "schemathesis".into())
}

#[test]
fn the_contract_holds_under_schemathesis() {
    let Some(st) = schemathesis() else {
        skip_unless_ci(
            "the schemathesis contract test",
            "schemathesis is not installed (pip install schemathesis==4.32.5, or set SCHEMATHESIS to its path; \
             .ci/run installs it)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // With an admin token the admin route is live, so its auth is tested too.
    std::fs::write(dir.path().join("unbroadcast.toml"), "[server]\nadmin_token = \"schemathesis-admin-token\"\n")
        .unwrap();
    let mut server = start(dir.path(), &["--bind", "127.0.0.1:0", "--log-level", "warn"], &[]);
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    let out = Command::new(&st)
        .args(["run", spec, "--url", &format!("http://{}", server.addr)])
        .args(["--checks", "all", "--exclude-checks", "positive_data_acceptance"])
        .args(["--max-examples", "60", "--seed", "20261122", "--request-timeout", "10"])
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .expect("schemathesis runs");
    let _ = server.child.kill();
    let _ = server.child.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "schemathesis found problems:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("passed"), "{stdout}");
}

/// The skip is seen: the test, run alone without schemathesis, says `SKIPPED` on
/// the terminal through libtest's capture, and with `CI` set it fails instead.
#[test]
fn without_schemathesis_the_contract_test_says_skipped_or_fails_in_ci() {
    let empty = tempfile::tempdir().unwrap();
    let run = |ci: bool| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["schemathesis::the_contract_holds_under_schemathesis", "--exact", "--test-threads=1"])
            .env("PATH", empty.path())
            .env_remove("SCHEMATHESIS")
            .env_remove("CI");
        if ci {
            cmd.env("CI", "true");
        }
        cmd.output().unwrap()
    };
    let out = run(false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("SKIPPED: the schemathesis contract test: schemathesis is not installed"), "{stderr:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
    let out = run(true);
    assert!(!out.status.success(), "with CI set a missing schemathesis fails the run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("must run in CI"), "{out:?}");
}
