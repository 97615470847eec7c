//! `unbroadcast serve` as an operator runs it: the real binary on a free port,
//! settings from a file in the working directory, the environment and flags,
//! plain HTTP over TCP, and SIGTERM letting a request in flight finish.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub addr: String,
    pub stderr: std::thread::JoinHandle<String>,
}

/// Starts the binary in `dir` and waits for its `listening on` line.
pub fn start(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_unbroadcast"));
    cmd.arg("serve").args(args).current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    let mut err = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let Some(addr) = line.trim().strip_prefix("listening on http://") else {
        let _ = child.kill();
        panic!("no address printed: {line:?}; stderr: {}", stderr.join().unwrap());
    };
    Server { addr: addr.to_owned(), child, stderr }
}

/// One HTTP/1.1 exchange on a fresh connection: (status, body).
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    read_response(s)
}

fn read_response(mut s: TcpStream) -> (u16, String) {
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn wait(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

const DRAFT: &str = "UNPUBLISHED launch: we're excited to announce our new blend. Shop now!";

#[test]
fn the_binary_serves_http_and_finishes_in_flight_requests_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    // The file in the working directory sets the batch limit; the environment adds a
    // key; the flag picks the address.
    std::fs::write(dir.path().join("unbroadcast.toml"), "[server]\nmax_batch = 1\n").unwrap();
    let mut server = start(dir.path(), &["--bind", "127.0.0.1:0"], &[("UNBROADCAST_SERVER__API_KEYS", "bb-key-1")]);
    let addr = server.addr.clone();
    let auth = [("Authorization", "Bearer bb-key-1"), ("Content-Type", "application/json")];

    let (status, body) = http(&addr, "GET", "/healthz", &[], "");
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    // HEAD: the same status, no body on the wire.
    assert_eq!(http(&addr, "HEAD", "/healthz", &[], ""), (200, String::new()));
    let lint_body = serde_json::json!({"post": {"text": DRAFT, "channel": "x"}}).to_string();
    assert_eq!(http(&addr, "POST", "/v1/lint", &[("Content-Type", "application/json")], &lint_body).0, 401);
    let (status, body) = http(&addr, "POST", "/v1/lint", &auth, &lint_body);
    assert_eq!(status, 200, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(report["warnings"].as_array().unwrap().iter().any(|w| w["rule"] == "broadcast.hard-sell"), "{body}");
    let two = serde_json::json!({"requests": [{"post": {"text": "a"}}, {"post": {"text": "b"}}]}).to_string();
    let (status, body) = http(&addr, "POST", "/v1/lint/batch", &auth, &two);
    assert_eq!(status, 422, "the file's max_batch = 1 applies: {body}");

    // A request in flight: headers and half the body sent, then SIGTERM.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST /v1/lint HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer bb-key-1\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        lint_body.len()
    );
    let (first, rest) = lint_body.split_at(lint_body.len() / 2);
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(first.as_bytes()).unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(server.child.try_wait().unwrap().is_none(), "still running while a request is in flight");
    s.write_all(rest.as_bytes()).unwrap();
    let (status, body) = read_response(s);
    assert_eq!(status, 200, "the request in flight finishes: {body}");

    let exit = wait(&mut server.child, Duration::from_secs(20)).expect("the server stops after SIGTERM");
    assert!(exit.success(), "{exit:?}");
    let log = server.stderr.join().unwrap();
    assert!(log.contains("shutting down") && log.contains("stopped"), "{log}");
    assert!(log.contains("route=\"/v1/lint\"") && log.contains("broadcast.hard-sell"), "{log}");
    assert!(!log.contains("UNPUBLISHED"), "the draft's text is not logged:\n{log}");
    assert!(!log.contains("bb-key-1"), "the API key is not logged:\n{log}");
}

#[test]
fn bad_settings_stop_start_up_with_a_message_that_names_them() {
    let run = |dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_unbroadcast"));
        cmd.arg("serve").args(args).current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let status = wait(&mut child, Duration::from_secs(20)).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("{args:?} {env:?}: still running");
        });
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        (status.code(), err)
    };
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run(dir.path(), &["--bind", "127.0.0.1:0"], &[("UNBROADCAST_SERVER__WORKRS", "2")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("UNBROADCAST_SERVER__WORKRS") && err.contains("not a setting"), "{err}");

    let (code, err) = run(dir.path(), &["--bind", "127.0.0.1:0"], &[("UNBROADCAST_SERVER__MAX_BODY", "lots")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("UNBROADCAST_SERVER__MAX_BODY"), "{err}");

    std::fs::write(dir.path().join("unbroadcast.toml"), "[server]\nworkers = 2\nmax_bodyy = 1\n").unwrap();
    let (code, err) = run(dir.path(), &["--bind", "127.0.0.1:0"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unbroadcast.toml:3") && err.contains("max_bodyy"), "{err}");

    let (code, err) = run(dir.path(), &["--no-config", "--workers", "0"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("server.workers"), "{err}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, err) = run(dir.path(), &["--no-config", "--bind", &addr], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot listen on") && err.contains(&addr), "{err}");

    // A bad pack: named once, with file and line.
    let packs = dir.path().join("packs");
    std::fs::create_dir(&packs).unwrap();
    std::fs::write(packs.join("bad.toml"), "[[rule]]\nid = \"x\"\n").unwrap();
    let (code, err) =
        run(dir.path(), &["--no-config", "--packs", packs.to_str().unwrap(), "--bind", "127.0.0.1:0"], &[]);
    assert_eq!(code, Some(2));
    assert_eq!(err.matches("bad.toml:1").count(), 1, "{err}");
}
