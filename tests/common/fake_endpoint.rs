//! A SPARQL endpoint that misbehaves on demand, for the fault tests: it answers the SPARQL 1.1
//! Protocol from an in-memory treaty store, or fails the way real servers fail (an HTTP 500, a
//! slow answer, garbage in place of JSON, a cut result, a stop mid-session). A test fixture,
//! not a server: one connection at a time, `Connection: close`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use treaty::Backend;
use treaty::output::{self, Format};
use treaty::store::{Location, Store};

/// How the fake answers a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The real answer from the store.
    Answer,
    /// This status with this body.
    Status(u16, &'static str),
    /// The real answer, after this long.
    Slow(Duration),
    /// A 200 whose body is not SPARQL JSON.
    Garbage,
    /// The real answer with Virtuoso's header saying the result was cut at this many rows.
    MaxRows(u64),
    /// Half of the real answer, then the connection closes.
    Cut,
    /// A permanent redirect to this URL.
    Redirect(&'static str),
}

pub struct FakeEndpoint {
    pub url: String,
    always: Arc<Mutex<Reply>>,
    /// Replies for queries whose text holds a pattern; other queries get the real answer.
    when: Arc<Mutex<Vec<(String, Reply)>>>,
    next: Arc<Mutex<VecDeque<Reply>>>,
    stop: Arc<AtomicBool>,
    pub requests: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl FakeEndpoint {
    /// Starts serving the bundled data on a free loopback port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/sparql", listener.local_addr().unwrap());
        let always = Arc::new(Mutex::new(Reply::Answer));
        let when: Arc<Mutex<Vec<(String, Reply)>>> = Arc::new(Mutex::new(Vec::new()));
        let next = Arc::new(Mutex::new(VecDeque::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (always, when, next, stop, requests) = (
                always.clone(),
                when.clone(),
                next.clone(),
                stop.clone(),
                requests.clone(),
            );
            std::thread::spawn(move || {
                let store = Store::open(&Location::Memory, false).unwrap();
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            requests.fetch_add(1, Ordering::SeqCst);
                            let reply = next
                                .lock()
                                .unwrap()
                                .pop_front()
                                .unwrap_or_else(|| always.lock().unwrap().clone());
                            let when = when.lock().unwrap().clone();
                            let _ = serve(&store, stream, reply, &when);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Self {
            url,
            always,
            when,
            next,
            stop,
            requests,
            thread: Some(thread),
        }
    }

    /// Answers every request from now on with `reply`.
    pub fn always(&self, reply: Reply) {
        *self.always.lock().unwrap() = reply;
    }

    /// Answers every query whose text contains `pattern` with `reply` (the start-up checks and
    /// the schema queries, which do not, are answered for real).
    pub fn when(&self, pattern: &str, reply: Reply) {
        self.when.lock().unwrap().push((pattern.to_owned(), reply));
    }

    /// Answers the next request with `reply`, then as before.
    pub fn once(&self, reply: Reply) {
        self.next.lock().unwrap().push_back(reply);
    }

    /// Stops listening: from now on, connections are refused.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

impl Drop for FakeEndpoint {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(
    store: &Store,
    stream: TcpStream,
    reply: Reply,
    when: &[(String, Reply)],
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    // A client that connects and says nothing must not hang the fake (and the test).
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut length = 0;
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let query = form_value(&String::from_utf8_lossy(&body), "query").unwrap_or_default();
    let reply = when
        .iter()
        .find(|(pattern, _)| query.contains(pattern.as_str()))
        .map(|(_, reply)| reply.clone())
        .unwrap_or(reply);
    let mut stream = stream;
    let answer = || {
        let mut json = Vec::new();
        match store.query(&query) {
            Ok(answer) => {
                output::write(&answer, Format::Json, &mut json).unwrap();
                (200, json)
            }
            Err(e) => (400, e.to_string().into_bytes()),
        }
    };
    let (status, body, extra) = match reply {
        Reply::Answer => {
            let (status, body) = answer();
            (status, body, String::new())
        }
        Reply::Slow(wait) => {
            std::thread::sleep(wait);
            let (status, body) = answer();
            (status, body, String::new())
        }
        Reply::Status(status, text) => (status, text.as_bytes().to_vec(), String::new()),
        Reply::Garbage => (
            200,
            b"<html>Service temporarily moved</html>".to_vec(),
            String::new(),
        ),
        Reply::Redirect(to) => (301, Vec::new(), format!("Location: {to}\r\n")),
        Reply::MaxRows(rows) => {
            let (status, body) = answer();
            (status, body, format!("X-SPARQL-MaxRows: {rows}\r\n"))
        }
        Reply::Cut => {
            let (_, body) = answer();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body[..body.len() / 2])?;
            return stream.flush();
        }
    };
    let content_type = if status == 200 {
        "application/sparql-results+json"
    } else {
        "text/plain"
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// The decoded value of `name` in a form-encoded body.
fn form_value(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| decode(value))
    })
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
