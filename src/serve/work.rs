//! Blocking work (queries) on tokio's blocking pool, under the request deadline.

use std::sync::Arc;
use std::time::Duration;

use super::State;
use crate::store::CancellationToken;

/// Why blocking work gave no value.
#[derive(Debug)]
pub(crate) enum Stopped {
    /// The deadline passed: the work's token was cancelled, so its queries stop at their next
    /// check, and the client is told now.
    TimedOut(Duration),
    /// The work panicked (a bug): the client gets a 500, the server goes on.
    Panicked,
}

impl Stopped {
    /// The sentence a client reads.
    pub fn message(&self) -> String {
        match self {
            Stopped::TimedOut(limit) => format!(
                "the query ran longer than this server's limit of {} s and was stopped \
                 (`treaty serve --query-timeout SECONDS` sets the limit)",
                limit.as_secs_f64()
            ),
            Stopped::Panicked => "the server failed on this request (a bug in treaty)".into(),
        }
    }
}

/// Runs `work` on the blocking pool; at the deadline its token is cancelled and
/// [`Stopped::TimedOut`] returned at once, whether or not the work has noticed yet.
pub async fn run<T: Send + 'static>(
    state: &Arc<State>,
    work: impl FnOnce(&State, &CancellationToken) -> T + Send + 'static,
) -> Result<T, Stopped> {
    let token = CancellationToken::new();
    let limit = state.options().timeout;
    let (shared, watched) = (state.clone(), token.clone());
    let handle = tokio::task::spawn_blocking(move || work(&shared, &watched));
    match tokio::time::timeout(limit, handle).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(Stopped::Panicked),
        Err(_) => {
            token.cancel();
            Err(Stopped::TimedOut(limit))
        }
    }
}
