//! The files a team copies into its repository stay true: the README's workflow is
//! `docs/ci-workflow.yml` verbatim, that workflow uses the action's real inputs
//! and uploads the SARIF file the action writes, the action's lint script runs
//! against the sample repo, and the pre-commit hook lints the right files.

use crate::formats::{NOW, repo};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn yaml(rel: &str) -> Value {
    serde_saphyr::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

#[test]
fn readme_carries_the_workflow_verbatim() {
    let workflow = read("docs/ci-workflow.yml");
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("```yaml\n{workflow}```")),
        "README.md's \"Use in CI\" must show docs/ci-workflow.yml exactly; copy it again"
    );
}

#[test]
fn the_workflow_uses_the_action_as_it_is() {
    let wf = yaml("docs/ci-workflow.yml");
    let action = yaml("action.yml");
    assert_eq!(wf["permissions"]["security-events"], "write");
    let steps = wf["jobs"]["unbroadcast"]["steps"].as_array().unwrap();
    assert!(steps[0]["uses"].as_str().unwrap().starts_with("actions/checkout@"));
    let lint = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.contains("/unbroadcast@")))
        .expect("a step uses the action");
    let inputs = action["inputs"].as_object().unwrap();
    for key in lint["with"].as_object().unwrap().keys() {
        assert!(inputs.contains_key(key), "the workflow passes `{key}`, which action.yml does not declare");
    }
    let upload = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")))
        .expect("an upload-sarif step");
    assert_eq!(upload["with"]["sarif_file"], lint["with"]["sarif-file"]);
    assert!(
        upload["if"].as_str().is_some_and(|c| c.contains("always()") || c.contains("!cancelled()")),
        "upload even when the lint fails"
    );
}

#[test]
fn the_action_installs_from_its_checkout_and_uses_only_declared_inputs() {
    let text = read("action.yml");
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let install = steps.iter().find_map(|s| s["run"].as_str().filter(|r| r.contains("cargo install"))).unwrap();
    assert!(install.contains("--locked") && install.contains("--path \"$GITHUB_ACTION_PATH\""), "{install}");
    let inputs = action["inputs"].as_object().unwrap();
    for used in text.split("${{ inputs.").skip(1).map(|s| s.split_once(' ').unwrap().0) {
        assert!(inputs.contains_key(used), "action.yml uses undeclared input `{used}`");
    }
    for step in steps.iter().filter_map(|s| s["run"].as_str()) {
        assert!(!step.contains("${{"), "inputs reach scripts through env, never spliced in: {step}");
    }
}

/// Runs the action's lint script as the runner would, with the built binary on
/// the PATH, over the sample repo.
#[cfg(unix)]
#[test]
fn the_actions_lint_step_runs() {
    let action = yaml("action.yml");
    let step = action["runs"]["steps"].as_array().unwrap().iter().find(|s| s["name"] == "Lint posts").unwrap().clone();
    let script = step["run"].as_str().unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_unbroadcast")).parent().unwrap().to_owned();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out_dir = tempfile::tempdir().unwrap();
    let sarif = out_dir.path().join("unbroadcast.sarif");
    let out = Command::new("bash")
        .args(["-c", script])
        .current_dir(repo())
        .env("PATH", path)
        .env("INPUT_PATHS", "posts calendar")
        .env("INPUT_FORMAT", "github")
        .env("INPUT_FAIL_ON", "review")
        .env("INPUT_SARIF_FILE", &sarif)
        .env("INPUT_ARGS", format!("--now {NOW}"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "posts at review fail the step: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("::warning file=posts/en/2026-05-04-spring-menu.md,line=9,col=1,endLine=9,endColumn=26,title=broadcast.announcement::"), "{stdout}");
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn the_pre_commit_hook() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "unbroadcast");
    assert_eq!(hook["language"], "rust", "pre-commit builds it with cargo from this repository");
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(&entry[..2], ["unbroadcast", "lint"]);
    // The entry parses as our command line.
    use clap::Parser;
    let mut argv = entry.clone();
    argv.push("posts/a.md");
    unbroadcast::cli::Cli::try_parse_from(argv).unwrap();
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    for (path, linted) in
        [("posts/a.md", true), ("notes.txt", true), ("b.markdown", true), ("logo.png", false), ("Cargo.toml", false)]
    {
        assert_eq!(files.is_match(path), linted, "{path}");
    }
}

/// The settings example in the README is a file unbroadcast accepts.
#[test]
fn the_readme_settings_example_loads() {
    let readme = read("README.md");
    let section = readme.split("## Settings: `unbroadcast.toml`").nth(1).unwrap();
    let example = section.split("```toml\n").nth(1).unwrap().split("```").next().unwrap();
    let d = crate::cli::dir_with(&[("unbroadcast.toml", example.as_bytes()), ("rules-extra/.keep", b"")]);
    let r = crate::cli::run(d.path(), &["config"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"calendar/**\" = [\"conversation.no-question\"]"), "{}", r.stdout);
}
