//! What every request shares: the target, the options, and the schema and names read from
//! the target once (and again when the store moves to a newer snapshot).

use std::sync::{Arc, RwLock};

use super::Options;
use crate::error::Result;
use crate::schema::{NameIndex, Schema};
use crate::store::{Backend, CancellationToken, Target};

/// The server's state.
pub(crate) struct State {
    target: Target,
    options: Options,
    known: RwLock<Arc<Known>>,
    reports: Vec<super::report::Served>,
}

/// The schema and every name, as a session and completion need them.
pub struct Known {
    pub schema: Arc<Schema>,
    pub names: Arc<NameIndex>,
}

impl Known {
    fn read(backend: &dyn Backend) -> Result<Self> {
        Ok(Known {
            schema: Arc::new(Schema::load(backend)?),
            names: Arc::new(NameIndex::load(backend)?),
        })
    }
}

impl State {
    /// Reads the schema and names of `target` (on the blocking pool: it queries).
    pub async fn new(target: Target, options: Options) -> Result<Self> {
        let reports = super::report::catalogue(&options.reports)?;
        let (target, known) = tokio::task::spawn_blocking(move || {
            let known = Known::read(target.backend());
            (target, known)
        })
        .await
        .map_err(|e| crate::Error::Unsupported(format!("reading the schema failed: {e}")))?;
        Ok(State {
            target,
            options,
            known: RwLock::new(Arc::new(known?)),
            reports,
        })
    }

    /// The options the server runs with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The reports requests may run.
    pub(crate) fn reports(&self) -> &[super::report::Served] {
        &self.reports
    }

    /// The schema and names, after moving to the store's latest snapshot if a writer published
    /// one (so a load by another process shows from the next request on). Blocking.
    pub fn known(&self) -> Result<Arc<Known>> {
        self.refresh()?;
        Ok(self.known.read().unwrap_or_else(|p| p.into_inner()).clone())
    }

    /// Moves to the store's latest snapshot, if a writer published one, and reads the schema
    /// and names of the new one. Blocking.
    fn refresh(&self) -> Result<()> {
        if let Some(store) = self.target.store()
            && store.refresh()?
        {
            let fresh = Arc::new(Known::read(store)?);
            *self.known.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        }
        Ok(())
    }

    /// Runs `work` on the latest snapshot with a backend whose queries stop when `token` is
    /// cancelled (an endpoint has its own request timeout instead).
    pub(crate) fn with_backend<T>(
        &self,
        token: &CancellationToken,
        work: impl FnOnce(&dyn Backend) -> T,
    ) -> T {
        // A failure to move leaves the current snapshot, which is still valid to read.
        let _ = self.refresh();
        match &self.target {
            Target::Store(store) => work(&store.watched(token.clone())),
            Target::Endpoint(endpoint) => work(endpoint),
        }
    }
}
