//! `treaty serve` as a child process on a free port, and a small HTTP client for it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

/// A running server; killed when dropped (unless stopped first).
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// What the server wrote on standard error after its first line.
    pub stderr: Mutex<mpsc::Receiver<String>>,
    agent: ureq::Agent,
}

/// A response: status, content type, one header of interest, and the body as text.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Server {
    /// `treaty GLOBAL... serve --port 0 SERVE...`, once it listens.
    pub fn start(global: &[&str], serve: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_treaty"));
        crate::common::clean_env(&mut command)
            .args(global)
            .args(["serve", "--port", "0"])
            .args(serve)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("treaty serve starts");
        let stderr = child.stderr.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let base = loop {
            let line = receiver
                .recv_timeout(Duration::from_secs(60))
                .expect("the server says where it listens");
            if let Some(rest) = line.split(" at http://").nth(1) {
                let address = rest.split('/').next().unwrap();
                break format!("http://{address}");
            }
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Server {
            child: Some(child),
            base,
            stderr: Mutex::new(receiver),
            agent,
        }
    }

    /// `GET path` with an `Accept` header (none for "").
    pub fn get(&self, path: &str, accept: &str) -> Reply {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        if !accept.is_empty() {
            request = request.header("Accept", accept);
        }
        read(request.call().expect("the server answers"))
    }

    /// `POST path` with a body of `content_type`.
    pub fn post(&self, path: &str, content_type: &str, accept: &str, body: &[u8]) -> Reply {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type);
        if !accept.is_empty() {
            request = request.header("Accept", accept);
        }
        read(request.send(body).expect("the server answers"))
    }

    /// `GET /sparql?query=...`
    pub fn sparql(&self, query: &str, accept: &str) -> Reply {
        self.get(&format!("/sparql?query={}", encode(query)), accept)
    }

    /// `POST /api/query` with TQL; the JSON answer.
    pub fn tql(&self, query: &str) -> (u16, serde_json::Value) {
        let body = serde_json::json!({ "query": query }).to_string();
        let reply = self.post("/api/query", "application/json", "", body.as_bytes());
        let json =
            serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body));
        (reply.status, json)
    }

    /// `POST /api/query` with TQL, asking for the charts; the JSON answer.
    pub fn tql_charted(&self, query: &str) -> (u16, serde_json::Value) {
        let body = serde_json::json!({ "query": query, "chart": true }).to_string();
        let reply = self.post("/api/query", "application/json", "", body.as_bytes());
        let json =
            serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body));
        (reply.status, json)
    }

    /// Sends SIGINT (as Ctrl-C does) and waits for the exit; true when it exited with 0.
    #[cfg(unix)]
    pub fn interrupt(&mut self) -> bool {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill runs");
        child.wait().unwrap().success()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.body_mut().read_to_string().expect("a text body");
    Reply {
        status,
        content_type,
        headers,
        body,
    }
}

/// Percent-encodes a query parameter.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
