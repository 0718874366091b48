//! The JS thread pool: a fixed number of threads, each owning the isolates of the site
//! versions assigned to it (by a hash of the version key), so an isolate never changes
//! thread. Work reaches a thread over a channel and is answered over a oneshot. A thread keeps
//! at most `isolates_per_thread` isolates within its share of `loaded_memory_bytes`, evicting
//! the least recently used idle one beyond either, and drops isolates left unused for
//! `idle_timeout`; an evicted version comes back from cached bytecode on its next request.
//! When it has nothing to do, a thread makes a blank isolate (Web APIs set up, no site) for
//! the next version it loads.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::exchange::{Answer, WorkerRequest};
use crate::host::{Post, Settle};
use crate::{Bindings, Isolate, Limits, OutboundPolicy, RuntimeError, SiteSetup};

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
    /// The limits its isolate runs under.
    pub limits: Limits,
    /// Where its `fetch` may go.
    pub outbound: Arc<OutboundPolicy>,
    /// What its `env` holds.
    pub bindings: Arc<Bindings>,
}

/// How many threads a pool runs and how much each keeps loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    /// JS threads (at least one).
    pub threads: usize,
    /// Loaded isolates one thread keeps at most.
    pub isolates_per_thread: usize,
    /// Heap of all loaded isolates together (each thread keeps its share).
    pub loaded_memory_bytes: usize,
    /// How long an isolate stays loaded without a request.
    pub idle_timeout: Duration,
}

impl Default for PoolOptions {
    /// Two threads, 1,000 isolates each, 2 GiB loaded in all, 10 minutes idle.
    fn default() -> Self {
        PoolOptions {
            threads: 2,
            isolates_per_thread: 1000,
            loaded_memory_bytes: 2 << 30,
            idle_timeout: Duration::from_secs(600),
        }
    }
}

/// Requests between two measurements of an isolate's heap.
const MEASURE_EVERY: u32 = 64;

type Job = Box<dyn FnOnce(&mut ThreadState) + Send>;

/// What reaches a pool thread: work, or `None` to stop.
type Message = Option<Job>;

/// One loaded isolate, when it was last used and its heap as last measured.
struct Slot {
    id: u64,
    used: u64,
    used_at: Instant,
    bytes: usize,
    since_measured: u32,
    isolate: Isolate,
}

/// The isolates one pool thread owns and the event loop state around them.
struct ThreadState {
    slots: HashMap<VersionKey, Slot>,
    keys: HashMap<u64, VersionKey>,
    /// Isolates with timers scheduled.
    timed: HashSet<u64>,
    clock: u64,
    last_id: u64,
    last_request: u64,
    capacity: usize,
    /// A blank isolate, ready for the next site version this thread loads.
    spare: Option<(u64, Isolate)>,
    /// This thread's share of the loaded-memory cap.
    memory_cap: usize,
    idle_timeout: Duration,
    inbox: mpsc::Sender<Message>,
}

impl ThreadState {
    /// The id of the isolate for `key`, loading it (and evicting the least recently used idle
    /// one) if needed.
    fn load(&mut self, key: &VersionKey) -> Result<u64, RuntimeError> {
        self.clock += 1;
        if let Some(slot) = self.slots.get_mut(key) {
            slot.used = self.clock;
            slot.used_at = Instant::now();
            return Ok(slot.id);
        }
        let (id, blank) = match self.spare.take() {
            Some(spare) => spare,
            None => self.blank()?,
        };
        let site = SiteSetup {
            outbound: key.outbound.clone(),
            bindings: key.bindings.clone(),
        };
        let isolate = blank.for_site(&key.dir, key.limits, &key.site, site)?;
        isolate.load_entry(&key.entry)?;
        let bytes = isolate.heap_bytes();
        self.keys.insert(id, key.clone());
        self.slots.insert(
            key.clone(),
            Slot {
                id,
                used: self.clock,
                used_at: Instant::now(),
                bytes,
                since_measured: 0,
                isolate,
            },
        );
        self.shed(id);
        Ok(id)
    }

    /// A new blank isolate and its id.
    fn blank(&mut self) -> Result<(u64, Isolate), RuntimeError> {
        self.last_id += 1;
        let id = self.last_id;
        let inbox = self.inbox.clone();
        let post: Post = Arc::new(move |settle| {
            let _ = inbox.send(Some(Box::new(move |state: &mut ThreadState| {
                state.settle(id, settle)
            })));
        });
        Ok((id, Isolate::blank(post)?))
    }

    /// Makes the spare blank isolate if there is none (when the thread has nothing to do).
    fn refill_spare(&mut self) {
        if self.spare.is_some() {
            return;
        }
        match self.blank() {
            Ok(spare) => self.spare = Some(spare),
            Err(error) => tracing::warn!(target: "sitegate::worker", "a spare isolate: {error}"),
        }
    }

    /// Evicts least recently used idle isolates (never `keep`) while the thread holds more
    /// than its count or its memory share.
    fn shed(&mut self, keep: u64) {
        loop {
            let bytes: usize = self.slots.values().map(|slot| slot.bytes).sum();
            if self.slots.len() <= self.capacity && bytes <= self.memory_cap {
                return;
            }
            // Isolates with nothing left to do go first, then those finishing `waitUntil` work.
            let victim = self
                .slots
                .values()
                .filter(|slot| slot.id != keep && !slot.isolate.is_busy())
                .min_by_key(|slot| (slot.isolate.has_pending_work(), slot.used))
                .map(|slot| slot.id);
            match victim {
                Some(id) => self.retire(id),
                None => return,
            }
        }
    }

    /// Counts a request to isolate `id`, measuring its heap again every `MEASURE_EVERY`.
    fn note_request(&mut self, id: u64) {
        let Some(slot) = self.keys.get(&id).and_then(|key| self.slots.get_mut(key)) else {
            return;
        };
        slot.since_measured += 1;
        if slot.since_measured >= MEASURE_EVERY {
            slot.since_measured = 0;
            slot.bytes = slot.isolate.heap_bytes();
            self.shed(id);
        }
    }

    /// Drops isolates unused for the idle timeout that have nothing left to do.
    fn drop_idle(&mut self) {
        let now = Instant::now();
        let idle: Vec<u64> = self
            .slots
            .values()
            .filter(|slot| now.duration_since(slot.used_at) >= self.idle_timeout)
            .filter(|slot| !slot.isolate.is_busy() && !slot.isolate.has_pending_work())
            .map(|slot| slot.id)
            .collect();
        for id in idle {
            self.retire(id);
        }
    }

    /// When the next isolate reaches the idle timeout.
    fn next_idle(&self) -> Option<Instant> {
        self.slots
            .values()
            .map(|slot| slot.used_at + self.idle_timeout)
            .min()
    }

    fn retire(&mut self, id: u64) {
        self.timed.remove(&id);
        if let Some(key) = self.keys.remove(&id) {
            self.slots.remove(&key);
        }
    }

    fn isolate(&self, id: u64) -> Option<&Isolate> {
        self.keys
            .get(&id)
            .and_then(|key| self.slots.get(key))
            .map(|slot| &slot.isolate)
    }

    /// Settles a finished operation of isolate `id` (gone already: nothing to do).
    fn settle(&mut self, id: u64, settle: Settle) {
        if let Some(isolate) = self.isolate(id) {
            if let Err(error) = isolate.settle(settle) {
                tracing::debug!(target: "sitegate::worker", "settling an operation: {error}");
            }
            self.after_turn(id);
        }
    }

    /// Looks at an isolate after it ran: retires it if it broke a limit, fails requests that
    /// can no longer be answered, and notes whether it has timers.
    fn after_turn(&mut self, id: u64) {
        let Some(isolate) = self.isolate(id) else {
            return;
        };
        if isolate.is_spent() {
            isolate.fail_inflight(|| isolate.limit_error());
            self.retire(id);
            return;
        }
        if isolate.is_busy() && !isolate.has_pending_work() {
            isolate.fail_inflight(|| {
                RuntimeError::Exception("The script will never generate a response.".into())
            });
        }
        if isolate.next_timer_due().is_some() {
            self.timed.insert(id);
        } else {
            self.timed.remove(&id);
        }
    }

    /// When the earliest timer of any isolate is due, or the next idle check.
    fn next_due(&self) -> Option<Instant> {
        self.timed
            .iter()
            .filter_map(|id| self.isolate(*id)?.next_timer_due())
            .chain(self.next_idle())
            .min()
    }

    /// Fires the due timers of every isolate.
    fn fire_timers(&mut self) {
        let now = Instant::now();
        let due: Vec<u64> = self
            .timed
            .iter()
            .copied()
            .filter(|id| {
                self.isolate(*id)
                    .and_then(Isolate::next_timer_due)
                    .is_some_and(|d| d <= now)
            })
            .collect();
        for id in due {
            if let Some(isolate) = self.isolate(id) {
                if let Err(error) = isolate.run_due_timers() {
                    tracing::warn!(target: "sitegate::worker", "timer: {error}");
                }
            }
            self.after_turn(id);
        }
    }

    /// The thread's loop: work as it comes, timers when they are due.
    fn run(mut self, inbox: mpsc::Receiver<Message>) {
        loop {
            let waiting = match inbox.try_recv() {
                Ok(message) => Some(message),
                Err(mpsc::TryRecvError::Disconnected) => return,
                Err(mpsc::TryRecvError::Empty) => {
                    // Idle: get the next new site's isolate ready.
                    self.refill_spare();
                    None
                }
            };
            let message = match (waiting, self.next_due()) {
                (Some(message), _) => Some(message),
                (None, Some(due)) => {
                    match inbox.recv_timeout(due.saturating_duration_since(Instant::now())) {
                        Ok(message) => Some(message),
                        Err(mpsc::RecvTimeoutError::Timeout) => None,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                (None, None) => match inbox.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return,
                },
            };
            match message {
                Some(Some(job)) => job(&mut self),
                Some(None) => return,
                None => {}
            }
            self.fire_timers();
            self.drop_idle();
        }
    }
}

/// A fixed pool of JS threads.
pub struct Pool {
    senders: Vec<mpsc::Sender<Message>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts the threads of `options`.
    pub fn new(options: PoolOptions) -> Result<Pool, RuntimeError> {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        let threads = options.threads.max(1);
        for i in 0..threads {
            let (tx, rx) = mpsc::channel::<Message>();
            let inbox = tx.clone();
            let handle = std::thread::Builder::new()
                .name(format!("sitegate-js-{i}"))
                .stack_size(8 << 20)
                .spawn(move || {
                    let state = ThreadState {
                        slots: HashMap::new(),
                        keys: HashMap::new(),
                        timed: HashSet::new(),
                        clock: 0,
                        last_id: 0,
                        last_request: 0,
                        capacity: options.isolates_per_thread.max(1),
                        spare: None,
                        memory_cap: options.loaded_memory_bytes / threads,
                        idle_timeout: options.idle_timeout,
                        inbox,
                    };
                    state.run(rx)
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

    /// Answers `request` with the version `key`'s fetch handler, loading it if needed.
    pub async fn dispatch(&self, key: &VersionKey, request: WorkerRequest) -> Answer {
        let (reply, answer) = oneshot::channel();
        let owned = key.clone();
        self.send(
            key,
            Box::new(move |state| match state.load(&owned) {
                Ok(id) => {
                    state.last_request += 1;
                    let number = state.last_request;
                    if let Some(isolate) = state.isolate(id) {
                        isolate.serve(number, request, reply);
                    }
                    state.after_turn(id);
                    state.note_request(id);
                }
                Err(error) => {
                    let _ = reply.send(Err(error));
                }
            }),
        )?;
        answer
            .await
            .map_err(|_| RuntimeError::Engine("the JS thread dropped the request".into()))?
    }

    /// Runs `work` with the isolate of `key` on its thread and returns the result.
    pub async fn run<R, F>(&self, key: &VersionKey, work: F) -> Result<R, RuntimeError>
    where
        R: Send + 'static,
        F: FnOnce(&Isolate) -> Result<R, RuntimeError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let owned = key.clone();
        self.send(
            key,
            Box::new(move |state| {
                let result = state.load(&owned).and_then(|id| {
                    let result = match state.isolate(id) {
                        Some(isolate) => work(isolate),
                        None => Err(RuntimeError::Engine("isolate vanished".into())),
                    };
                    state.after_turn(id);
                    result
                });
                let _ = reply.send(result);
            }),
        )?;
        answer
            .await
            .map_err(|_| RuntimeError::Engine("the JS thread dropped the request".into()))?
    }

    fn send(&self, key: &VersionKey, job: Job) -> Result<(), RuntimeError> {
        self.senders[self.thread_of(key)]
            .send(Some(job))
            .map_err(|_| RuntimeError::Engine("the JS thread has stopped".into()))
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
        for sender in self.senders.drain(..) {
            let _ = sender.send(None);
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests;
