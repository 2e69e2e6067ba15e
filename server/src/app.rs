//! The application of `loket serve`: the router and the background jobs, built together from
//! one store and one configuration. Building starts nothing; [`Jobs::start`] does.

use std::sync::Arc;

use axum::Router;

use crate::clock::now;
use crate::config::ServeConfig;
use crate::http::{self, AppState};
use crate::jobs::Jobs;
use crate::policy::Abuse;
use crate::store::{Store, StoreError};

/// A built application.
#[derive(Debug)]
pub struct App {
    /// Every route; serve it with [`crate::serve`].
    pub router: Router,
    /// The background work; start it with [`Jobs::start`].
    pub jobs: Jobs,
}

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the abuse defences could not be set up: {0}")]
    Policy(#[from] crate::policy::PolicyError),
}

impl App {
    /// Builds the router and the jobs over `store` with `config`. Reads (or creates) the
    /// instance secret that keys the abuse defences; spawns nothing.
    pub async fn build(store: Store, config: ServeConfig) -> Result<Self, BuildError> {
        let secret = store.server_secret().await?;
        let abuse = Arc::new(Abuse::new(&secret, now())?);
        let config = Arc::new(config);
        let state = AppState {
            store: store.clone(),
            config: Arc::clone(&config),
            abuse: Arc::clone(&abuse),
        };
        Ok(Self {
            router: http::router(state),
            jobs: Jobs {
                store,
                config,
                abuse,
            },
        })
    }
}
