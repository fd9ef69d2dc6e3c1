//! A fault-injecting TCP proxy for tests: listens on a free loopback port and forwards
//! every connection to a real server (Dovecot) on loopback, and on the way it can refuse
//! connections, delay the server's bytes, reset a connection (RST) or close it cleanly
//! (FIN) after a number of server→client bytes, e.g. every 500 KB, wherever that falls —
//! usually in the middle of a FETCH literal. Plain std threads; stops on drop.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the proxy does to the traffic. Byte counts are of all server→client traffic
/// through the proxy (over every connection), so "every 500 KB" means one fault per
/// 500 KB the engine receives, on whichever connection carries that byte.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Reset (RST) the connection that carries the server's byte number n * this.
    pub reset_every: Option<u64>,
    /// Close (FIN, a clean end of stream) the connection that carries byte n * this.
    pub truncate_every: Option<u64>,
    /// With `truncate_every`: cut only between two untagged responses (after `)\r\n`
    /// followed by `* `), the case async-imap reports as a normal end of the FETCH.
    pub at_response_end: bool,
    /// Reset this many new connections right after accepting them.
    pub refuse_first: usize,
    /// Sleep this long before forwarding each chunk from the server.
    pub delay: Option<Duration>,
    /// Inject at most this many resets/truncations (refusals not counted).
    pub max_faults: Option<usize>,
}

/// What the proxy did.
#[derive(Debug, Default)]
pub struct ProxyStats {
    pub connections: AtomicUsize,
    pub refused: AtomicUsize,
    pub resets: AtomicUsize,
    pub truncations: AtomicUsize,
    pub bytes_down: AtomicU64,
}

struct Shared {
    upstream: u16,
    faults: Mutex<Faults>,
    stats: ProxyStats,
    stop: AtomicBool,
    /// The next fault falls on this many server→client bytes in total.
    next_fault: Mutex<Option<u64>>,
}

/// A running proxy; `port` is where the engine connects.
pub struct FaultProxy {
    pub port: u16,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

/// RST on close: SO_LINGER on with a zero timeout.
fn linger_zero(s: &TcpStream) {
    let l = libc::linger { l_onoff: 1, l_linger: 0 };
    // SAFETY: setsockopt on a descriptor we own, with a correctly sized struct.
    unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&l as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

impl FaultProxy {
    /// Starts forwarding 127.0.0.1:<free port> to 127.0.0.1:`upstream`.
    pub fn start(upstream: u16, faults: Faults) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let every = faults.reset_every.or(faults.truncate_every);
        let shared = Arc::new(Shared {
            upstream,
            faults: Mutex::new(faults),
            stats: ProxyStats::default(),
            stop: AtomicBool::new(false),
            next_fault: Mutex::new(every),
        });
        let sh = shared.clone();
        let accept = std::thread::spawn(move || {
            while !sh.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let _ = client.set_nonblocking(false);
                        let sh = sh.clone();
                        std::thread::spawn(move || serve(sh, client));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FaultProxy { port, shared, accept: Some(accept) }
    }

    pub fn stats(&self) -> &ProxyStats {
        &self.shared.stats
    }

    /// Changes the faults from now on (e.g. none, to let a run finish).
    pub fn set_faults(&self, faults: Faults) {
        let every = faults.reset_every.or(faults.truncate_every);
        let done = self.shared.stats.bytes_down.load(Ordering::SeqCst);
        if let Ok(mut n) = self.shared.next_fault.lock() {
            *n = every.map(|e| done + e);
        }
        if let Ok(mut f) = self.shared.faults.lock() {
            *f = faults;
        }
    }

    /// Resets and truncations injected so far.
    pub fn faults_injected(&self) -> usize {
        self.shared.stats.resets.load(Ordering::SeqCst) + self.shared.stats.truncations.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn serve(sh: Arc<Shared>, client: TcpStream) {
    let n = sh.stats.connections.fetch_add(1, Ordering::SeqCst);
    let faults = sh.faults.lock().map(|f| f.clone()).unwrap_or_default();
    if n < faults.refuse_first {
        sh.stats.refused.fetch_add(1, Ordering::SeqCst);
        linger_zero(&client);
        return;
    }
    let Ok(upstream) = TcpStream::connect(("127.0.0.1", sh.upstream)) else {
        linger_zero(&client);
        return;
    };
    let _ = upstream.set_nodelay(true);
    let _ = client.set_nodelay(true);
    let (Ok(mut c_read), Ok(mut u_write)) = (client.try_clone(), upstream.try_clone()) else { return };
    // client → server: a plain copy
    let up = std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match c_read.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if u_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = u_write.shutdown(Shutdown::Write);
    });
    // server → client, with the faults
    let (mut u_read, mut c_write) = (upstream, client);
    let mut buf = [0u8; 16 * 1024];
    let mut reset = false;
    loop {
        let n = match u_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let faults = sh.faults.lock().map(|f| f.clone()).unwrap_or_default();
        if let Some(d) = faults.delay {
            std::thread::sleep(d);
        }
        let before = sh.stats.bytes_down.fetch_add(n as u64, Ordering::SeqCst);
        let after = before + n as u64;
        let injected = sh.stats.resets.load(Ordering::SeqCst) + sh.stats.truncations.load(Ordering::SeqCst);
        let allowed = faults.max_faults.is_none_or(|m| injected < m);
        let fault_at = {
            let mut next = sh.next_fault.lock().map(|g| *g).unwrap_or(None);
            let boundary = !faults.at_response_end || response_end(&buf[..n]).is_some();
            let hit = next.filter(|at| *at <= after && allowed && boundary);
            if let (Some(at), Some(every)) = (hit, faults.reset_every.or(faults.truncate_every)) {
                next = Some(at.max(before) + every);
                if let Ok(mut g) = sh.next_fault.lock() {
                    *g = next;
                }
            }
            hit
        };
        match fault_at {
            None => {
                if c_write.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Some(at) => {
                // forward up to the fault point (or the whole chunk), then cut
                let keep = if faults.at_response_end {
                    response_end(&buf[..n]).unwrap_or(n)
                } else {
                    usize::try_from(at.saturating_sub(before)).unwrap_or(n).min(n)
                };
                let _ = c_write.write_all(&buf[..keep]);
                let _ = c_write.flush();
                if faults.reset_every.is_some() {
                    sh.stats.resets.fetch_add(1, Ordering::SeqCst);
                    linger_zero(&c_write);
                    reset = true;
                } else {
                    sh.stats.truncations.fetch_add(1, Ordering::SeqCst);
                    let _ = c_write.shutdown(Shutdown::Write);
                }
                let _ = c_write.shutdown(Shutdown::Read);
                let _ = u_read.shutdown(Shutdown::Both);
                break;
            }
        }
    }
    if !reset {
        let _ = c_write.shutdown(Shutdown::Write);
    }
    let _ = up.join();
    // the last descriptor of the client socket closes here (RST after a reset)
    drop(c_write);
}

/// Where the last complete untagged response in `chunk` ends, when another one follows it.
fn response_end(chunk: &[u8]) -> Option<usize> {
    chunk.windows(5).rposition(|w| w == b")\r\n* ").map(|p| p + 3)
}
