//! What every request shares: the target, the options, the answer cache, and the schema and
//! names read from the target once (and again when the store moves to a newer snapshot).

use std::sync::{Arc, RwLock};

use super::Options;
use super::cache::Cache;
use crate::error::Result;
use crate::schema::{NameIndex, Schema};
use crate::store::{Backend, CancellationToken, Target};

/// The server's state.
pub(crate) struct State {
    target: Target,
    options: Options,
    known: RwLock<Arc<Known>>,
    reports: Vec<super::report::Served>,
    cache: Cache,
}

/// The schema and every name, as a session and completion need them.
pub struct Known {
    pub schema: Arc<Schema>,
    pub names: Arc<NameIndex>,
    /// The version of the data they were read from (see [`State::version`]).
    version: Option<u64>,
}

impl Known {
    /// Reads them from `backend`, whose data is at `version` or newer.
    fn read(backend: &dyn Backend, version: Option<u64>) -> Result<Self> {
        Ok(Known {
            schema: Arc::new(Schema::load(backend)?),
            names: Arc::new(NameIndex::load(backend)?),
            version,
        })
    }
}

impl State {
    /// Reads the schema and names of `target` (on the blocking pool: it queries).
    pub async fn new(target: Target, options: Options) -> Result<Self> {
        let reports = super::report::catalogue(&options.reports)?;
        let (target, known) = tokio::task::spawn_blocking(move || {
            let known = Known::read(target.backend(), version_of(&target));
            (target, known)
        })
        .await
        .map_err(|e| crate::Error::Unsupported(format!("reading the schema failed: {e}")))?;
        // The data behind an endpoint can change with no sign: no answer is kept.
        let cache = match target {
            Target::Store(_) => Cache::new(options.cache_bytes),
            Target::Endpoint(_) => Cache::off(),
        };
        Ok(State {
            target,
            options,
            known: RwLock::new(Arc::new(known?)),
            reports,
            cache,
        })
    }

    /// The answer cache.
    pub(crate) fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The version of the data that requests read now: a store's snapshot generation, 0 for
    /// a store in memory (nothing writes to it while it is served); `None` when it cannot be
    /// told (an endpoint), and then no answer may be kept.
    pub(crate) fn version(&self) -> Option<u64> {
        version_of(&self.target)
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
    /// one (so a load by another process shows from the next request on), read from the
    /// version of the data requests read now or a newer one. Blocking.
    pub fn known(&self) -> Result<Arc<Known>> {
        if let Some(store) = self.target.store() {
            store.refresh()?;
        }
        let version = self.version();
        let held = self.known.read().unwrap_or_else(|p| p.into_inner()).clone();
        if held.version == version {
            return Ok(held);
        }
        // Another request may have moved the store: whoever sees the change reads them.
        let fresh = Arc::new(Known::read(self.target.backend(), version)?);
        let mut slot = self.known.write().unwrap_or_else(|p| p.into_inner());
        if slot.version < fresh.version {
            *slot = fresh.clone();
        }
        Ok(fresh)
    }

    /// Moves to the store's latest snapshot, if a writer published one. A failure to move
    /// leaves the current snapshot, which is still valid to read. Blocking.
    pub(crate) fn refresh_quietly(&self) {
        if let Some(store) = self.target.store() {
            let _ = store.refresh();
        }
    }

    /// Runs `work` on the latest snapshot with a backend whose queries stop when `token` is
    /// cancelled (an endpoint has its own request timeout instead).
    pub(crate) fn with_backend<T>(
        &self,
        token: &CancellationToken,
        work: impl FnOnce(&dyn Backend) -> T,
    ) -> T {
        self.refresh_quietly();
        match &self.target {
            Target::Store(store) => work(&store.watched(token.clone())),
            Target::Endpoint(endpoint) => work(endpoint),
        }
    }
}

/// See [`State::version`].
fn version_of(target: &Target) -> Option<u64> {
    match target {
        Target::Store(store) if store.location() == &crate::store::Location::Memory => Some(0),
        Target::Store(store) => store.generation(),
        Target::Endpoint(_) => None,
    }
}
