//! Background work of a serving process, started explicitly by [`Jobs::start`] (never by
//! building the router): the rate-count exchange every second, the purge job, and the e-mail
//! notices when they are configured. The directory check (`directory`) is started by `loket
//! serve` itself, since only it knows whether it holds the demo's organisation key.

pub mod directory;
pub mod notices;
pub mod purge;
pub mod rate_exchange;

use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::config::ServeConfig;
use crate::policy::Abuse;
use crate::store::Store;

/// What the jobs need; cheap to clone.
#[derive(Clone, Debug)]
pub struct Jobs {
    pub(crate) store: Store,
    pub(crate) config: Arc<ServeConfig>,
    pub(crate) abuse: Arc<Abuse>,
}

impl Jobs {
    /// Spawns every job on the current Tokio runtime; they run until the runtime stops (or
    /// the handles are aborted).
    pub fn start(&self) -> Vec<JoinHandle<()>> {
        let mut handles = vec![
            tokio::spawn(rate_exchange::run(
                Arc::clone(&self.abuse),
                Arc::clone(&self.config),
                self.store.clone(),
            )),
            tokio::spawn(purge::run(self.store.clone(), Arc::clone(&self.config))),
            tokio::spawn(crate::held_log::run()),
        ];
        if let Some(notifier) = self.config.notices.clone() {
            handles.push(tokio::spawn(notices::run(self.store.clone(), notifier)));
        }
        handles
    }
}

/// A ticker of one second that skips ticks missed while the work took longer.
fn every_second() -> tokio::time::Interval {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}
