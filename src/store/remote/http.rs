//! The HTTP side of a SPARQL endpoint, on `ureq` (rustls): one agent with timeouts, retries
//! with backoff for reads, HTTP Basic or Digest authentication as the server asks, and every
//! failure turned into a one-line `Error::Endpoint` that names the endpoint and quotes the
//! server's own message.

use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

use ureq::http::{Response, StatusCode};
use ureq::{Agent, Body};

use super::Options;
use crate::store::error::{Error, Result};

/// The body of a write.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Bytes in memory (empty for a request that carries no data).
    Bytes(&'a [u8]),
    /// A file, sent whole from its start with its length (not read into memory).
    File(&'a std::fs::File),
}

/// A user and password for the server, read from the environment by the command line (never
/// from an argument, where other users of the machine could see them).
#[derive(Clone)]
pub struct Credentials {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, ***)", self.user)
    }
}

/// An answer on its way in.
pub(crate) struct Incoming {
    /// The media type the server declared, without parameters.
    pub content_type: Option<String>,
    /// The row limit the server says it applies (Virtuoso sends it when a result reaches it).
    pub(crate) row_limit: Option<u64>,
    /// The body, streamed.
    pub body: Box<dyn Read + Send>,
}

/// Attempts for a read before giving up: the first and two retries.
const ATTEMPTS: u32 = 3;
/// The wait before the first retry; doubled for each further one.
const BACKOFF: Duration = Duration::from_millis(250);

pub(crate) struct Client {
    agent: Agent,
    url: String,
    timeout: Duration,
    credentials: Option<super::Credentials>,
}

impl Client {
    pub fn new(url: &str, options: &Options) -> Self {
        let config = Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .timeout_connect(Some(options.timeout.min(Duration::from_secs(10))))
            .http_status_as_error(false)
            // A redirected POST would become a GET without its query: say where it goes instead.
            .max_redirects(0)
            .user_agent(concat!("treaty/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: config.into(),
            url: url.to_owned(),
            timeout: options.timeout,
            credentials: options.credentials.clone(),
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// POSTs `query` form-encoded (the one form every server takes: Virtuoso 7 never answers a
    /// query sent as `application/sparql-query`). A query is a read, so a refused connection or
    /// a server that says it is busy or unavailable gets two more tries, after 0.25 s and 0.5 s.
    /// A timeout is not retried: the same query would take as long again.
    pub fn query(&self, query: &str, accept: &str) -> Result<Incoming> {
        let mut wait = BACKOFF;
        let mut attempt = 1;
        loop {
            let sent = self
                .agent
                .post(&self.url)
                .header("Accept", accept)
                .send_form([("query", query)]);
            let retry = match &sent {
                Err(ureq::Error::ConnectionFailed | ureq::Error::Io(_)) => true,
                Ok(response) => matches!(response.status().as_u16(), 429 | 502 | 503 | 504),
                Err(_) => false,
            };
            if retry && attempt < ATTEMPTS {
                std::thread::sleep(wait);
                wait *= 2;
                attempt += 1;
                continue;
            }
            let response = sent.map_err(|e| self.transport_error(&self.url, e))?;
            if response.status() == StatusCode::UNAUTHORIZED
                && let Some(credentials) = &self.credentials
            {
                let challenge = header(&response, "www-authenticate");
                let authorization =
                    authorize(challenge.as_deref(), credentials, "POST", &self.url, None)
                        .map_err(|message| self.error(&self.url, message))?;
                let response = self
                    .agent
                    .post(&self.url)
                    .header("Accept", accept)
                    .header("Authorization", &authorization)
                    .send_form([("query", query)])
                    .map_err(|e| self.transport_error(&self.url, e))?;
                return self.answer(&self.url, response, true, true);
            }
            return self.answer(&self.url, response, true, false);
        }
    }

    /// Sends a Graph Store Protocol request (`PUT`, `POST` or `DELETE`) with an optional body,
    /// authenticating as the server asks. Writes are not retried: a write that reached the
    /// server before the connection broke must not be applied twice.
    pub fn write(
        &self,
        method: &str,
        url: &str,
        content_type: &str,
        body: Payload<'_>,
    ) -> Result<()> {
        // Digest's `auth-int` signs the body; a file is not read into memory to sign it.
        let signed = match body {
            Payload::Bytes([]) | Payload::File(_) => None,
            Payload::Bytes(bytes) => Some(bytes),
        };
        let authorization = match &self.credentials {
            None => None,
            Some(credentials) => {
                // Ask for the challenge with a request that carries no data, so the data is
                // sent once.
                let probe = self
                    .agent
                    .get(url)
                    .call()
                    .map_err(|e| self.transport_error(url, e))?;
                if probe.status() == StatusCode::UNAUTHORIZED {
                    let challenge = header(&probe, "www-authenticate");
                    Some(
                        authorize(challenge.as_deref(), credentials, method, url, signed)
                            .map_err(|message| self.error(url, message))?,
                    )
                } else {
                    None
                }
            }
        };
        let mut response = self.send(method, url, content_type, authorization.as_deref(), body)?;
        // A server that challenges writes but not the probe: answer this challenge instead.
        if response.status() == StatusCode::UNAUTHORIZED
            && authorization.is_none()
            && let Some(credentials) = &self.credentials
        {
            let challenge = header(&response, "www-authenticate");
            let answer = authorize(challenge.as_deref(), credentials, method, url, signed)
                .map_err(|message| self.error(url, message))?;
            response = self.send(method, url, content_type, Some(&answer), body)?;
        }
        if response.status() == StatusCode::UNAUTHORIZED {
            let advice = if self.credentials.is_some() {
                "the server refused the user and password in TREATY_ENDPOINT_USER and TREATY_ENDPOINT_PASSWORD"
            } else {
                "the server wants a user and password: set TREATY_ENDPOINT_USER and TREATY_ENDPOINT_PASSWORD"
            };
            return Err(self.error(url, advice.to_owned()));
        }
        self.answer(url, response, false, true).map(drop)
    }

    /// One write request; a file body is read from its start, so it can be sent again.
    fn send(
        &self,
        method: &str,
        url: &str,
        content_type: &str,
        authorization: Option<&str>,
        body: Payload<'_>,
    ) -> Result<Response<Body>> {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Content-Type", content_type);
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        let sent = match body {
            Payload::Bytes(bytes) => self.agent.run(
                request
                    .body(bytes)
                    .map_err(|e| self.error(url, e.to_string()))?,
            ),
            Payload::File(mut file) => {
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| self.error(url, format!("cannot read the data to send: {e}")))?;
                self.agent.run(
                    request
                        .body(file)
                        .map_err(|e| self.error(url, e.to_string()))?,
                )
            }
        };
        sent.map_err(|e| self.transport_error(url, e))
    }

    /// A response's status turned into an error, or its body for reading.
    fn answer(
        &self,
        url: &str,
        response: Response<Body>,
        query: bool,
        authenticated: bool,
    ) -> Result<Incoming> {
        let status = response.status();
        if status.is_redirection() {
            let to = header(&response, "location").unwrap_or_default();
            return Err(self.error(
                url,
                format!("HTTP {status}: the server sends requests to {to}; use that URL"),
            ));
        }
        if status.is_success() {
            let content_type = header(&response, "content-type")
                .map(|t| t.split(';').next().unwrap_or_default().trim().to_owned());
            let row_limit = header(&response, "x-sparql-maxrows").and_then(|v| v.parse().ok());
            return Ok(Incoming {
                content_type,
                row_limit,
                body: Box::new(response.into_body().into_reader()),
            });
        }
        let text = super::read_text(response.into_body().into_reader());
        let said = server_message(&text);
        let message = if said.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {said}")
        };
        if query && status == StatusCode::BAD_REQUEST {
            return Err(Error::EndpointQuery {
                endpoint: url.to_owned(),
                message: said_or(said, status),
            });
        }
        if status == StatusCode::UNAUTHORIZED && query {
            let advice = if authenticated {
                "the server refused the user and password in TREATY_ENDPOINT_USER and \
                 TREATY_ENDPOINT_PASSWORD"
            } else {
                "the server wants a user and password: set TREATY_ENDPOINT_USER and \
                 TREATY_ENDPOINT_PASSWORD"
            };
            return Err(self.error(url, format!("{message}; {advice}")));
        }
        Err(self.error(url, message))
    }

    fn error(&self, url: &str, message: String) -> Error {
        Error::Endpoint {
            endpoint: url.to_owned(),
            message,
        }
    }

    fn transport_error(&self, url: &str, error: ureq::Error) -> Error {
        let message = match error {
            ureq::Error::Timeout(_) => format!(
                "no complete answer within {} s (raise --timeout)",
                self.timeout.as_secs()
            ),
            ureq::Error::ConnectionFailed => {
                "cannot connect (connection refused: is the server running?)".to_owned()
            }
            ureq::Error::HostNotFound => "the host name does not resolve".to_owned(),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                "cannot connect (connection refused: is the server running?)".to_owned()
            }
            ureq::Error::Io(e) => format!("the connection failed: {e}"),
            other => other.to_string(),
        };
        self.error(url, message)
    }
}

fn header(response: &Response<Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn said_or(said: String, status: StatusCode) -> String {
    if said.is_empty() {
        format!("HTTP {status}")
    } else {
        said
    }
}

/// The server's own message from an error body, on one line: HTML tags dropped, whitespace
/// folded, cut at 300 characters.
pub(super) fn server_message(body: &str) -> String {
    let mut text = String::with_capacity(body.len().min(1024));
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            c => text.push(c),
        }
    }
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.char_indices().nth(300) {
        Some((cut, _)) => format!("{}...", &folded[..cut]),
        None => folded,
    }
}

/// The `Authorization` header answering a `WWW-Authenticate` challenge.
fn authorize(
    challenge: Option<&str>,
    credentials: &Credentials,
    method: &str,
    url: &str,
    body: Option<&[u8]>,
) -> std::result::Result<String, String> {
    let challenge = challenge.ok_or("the server refused access without saying how to log in")?;
    let scheme = challenge
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "basic" => {
            let pair = format!("{}:{}", credentials.user, credentials.password);
            Ok(format!("Basic {}", base64(pair.as_bytes())))
        }
        "digest" => {
            let mut prompt = digest_auth::parse(challenge)
                .map_err(|e| format!("cannot read the server's login challenge: {e}"))?;
            let uri = url
                .parse::<ureq::http::Uri>()
                .ok()
                .and_then(|u| u.path_and_query().map(|p| p.as_str().to_owned()))
                .unwrap_or_else(|| "/".to_owned());
            let context = digest_auth::AuthContext::new_with_method(
                credentials.user.as_str(),
                credentials.password.as_str(),
                uri,
                body,
                digest_auth::HttpMethod(method.to_owned().into()),
            );
            prompt
                .respond(&context)
                .map(|answer| answer.to_header_string())
                .map_err(|e| format!("cannot answer the server's login challenge: {e}"))
        }
        other => Err(format!(
            "the server asks for `{other}` authentication; treaty speaks Basic and Digest"
        )),
    }
}

/// Standard base64 with padding, for HTTP Basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn server_messages_lose_their_markup_and_fit_one_line() {
        assert_eq!(
            server_message(
                "<html><body><h1>Error</h1>\n<p>SP030: syntax\n error</p></body></html>"
            ),
            "Error SP030: syntax error"
        );
        assert!(server_message(&"x ".repeat(1000)).ends_with("..."));
    }

    #[test]
    fn a_digest_challenge_gets_an_answer_naming_user_and_uri() {
        let credentials = Credentials {
            user: "treaty".into(),
            password: "secret".into(),
        };
        let answer = authorize(
            Some(r#"Digest realm="virtuoso", nonce="abc123", qop="auth", algorithm="MD5""#),
            &credentials,
            "PUT",
            "http://127.0.0.1:8890/sparql-graph-crud-auth?graph-uri=urn:x",
            Some(b"<a:b> <a:c> <a:d> .\n"),
        )
        .unwrap();
        assert!(answer.starts_with("Digest "), "{answer}");
        assert!(answer.contains(r#"username="treaty""#), "{answer}");
        assert!(
            answer.contains(r#"uri="/sparql-graph-crud-auth?graph-uri=urn:x""#),
            "{answer}"
        );
        assert!(!answer.contains("secret"), "{answer}");
    }

    #[test]
    fn an_unknown_scheme_is_named() {
        let credentials = Credentials {
            user: "u".into(),
            password: "p".into(),
        };
        let err = authorize(
            Some("Bearer realm=x"),
            &credentials,
            "GET",
            "http://h/",
            None,
        )
        .unwrap_err();
        assert!(err.contains("`bearer`"), "{err}");
    }
}
