//! The JS thread pool: a fixed number of threads, each owning the isolates of the site
//! versions assigned to it (by a hash of the version key), so an isolate never changes
//! thread. Work reaches a thread over a channel and is answered over a oneshot. A thread keeps
//! at most `isolates_per_thread` isolates and evicts the least recently used.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::{Isolate, Limits, RuntimeError};

/// What identifies one loaded site version (and where its files are).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionKey {
    /// `workspace/site`.
    pub site: String,
    /// The version id.
    pub version: String,
    /// The version's directory.
    pub dir: PathBuf,
    /// The entry module, relative to `dir`.
    pub entry: String,
}

type Job = Box<dyn FnOnce(&mut ThreadState) + Send>;

/// The isolates one pool thread owns, most recently used last.
struct ThreadState {
    isolates: HashMap<VersionKey, (u64, Isolate)>,
    clock: u64,
    capacity: usize,
    limits: Limits,
}

impl ThreadState {
    /// The isolate for `key`, loading it (and evicting the least recently used) if needed.
    fn isolate(&mut self, key: &VersionKey) -> Result<&Isolate, RuntimeError> {
        self.clock += 1;
        let now = self.clock;
        if !self.isolates.contains_key(key) {
            let isolate = Isolate::new(&key.dir, self.limits)?;
            isolate.load_entry(&key.entry)?;
            if self.isolates.len() >= self.capacity {
                let oldest = self
                    .isolates
                    .iter()
                    .min_by_key(|(_, (used, _))| *used)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    self.isolates.remove(&oldest);
                }
            }
            self.isolates.insert(key.clone(), (now, isolate));
        }
        let entry = self
            .isolates
            .get_mut(key)
            .ok_or_else(|| RuntimeError::Engine("isolate vanished".into()))?;
        entry.0 = now;
        Ok(&entry.1)
    }
}

/// A fixed pool of JS threads.
pub struct Pool {
    senders: Vec<mpsc::Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// `threads` JS threads (at least one), each keeping up to `isolates_per_thread` loaded
    /// isolates created with `limits`.
    pub fn new(
        threads: usize,
        isolates_per_thread: usize,
        limits: Limits,
    ) -> Result<Pool, RuntimeError> {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for i in 0..threads.max(1) {
            let (tx, rx) = mpsc::channel::<Job>();
            let handle = std::thread::Builder::new()
                .name(format!("sitegate-js-{i}"))
                .stack_size(8 << 20)
                .spawn(move || {
                    let mut state = ThreadState {
                        isolates: HashMap::new(),
                        clock: 0,
                        capacity: isolates_per_thread.max(1),
                        limits,
                    };
                    while let Ok(job) = rx.recv() {
                        job(&mut state);
                    }
                })
                .map_err(|e| RuntimeError::Engine(format!("cannot start a JS thread: {e}")))?;
            senders.push(tx);
            handles.push(handle);
        }
        Ok(Pool {
            senders,
            threads: handles,
        })
    }

    /// Runs `work` with the isolate of `key` on its thread and returns the result.
    pub async fn run<R, F>(&self, key: &VersionKey, work: F) -> Result<R, RuntimeError>
    where
        R: Send + 'static,
        F: FnOnce(&Isolate) -> Result<R, RuntimeError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let owned = key.clone();
        let job: Job = Box::new(move |state| {
            let result = state.isolate(&owned).and_then(work);
            let _ = reply.send(result);
        });
        self.senders[self.thread_of(key)]
            .send(job)
            .map_err(|_| RuntimeError::Engine("the JS thread has stopped".into()))?;
        answer
            .await
            .map_err(|_| RuntimeError::Engine("the JS thread dropped the request".into()))?
    }

    /// The thread a version lives on.
    fn thread_of(&self, key: &VersionKey) -> usize {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        (hasher.finish() % self.senders.len() as u64) as usize
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.senders.clear();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests;
