//! Ctrl-C while input runs: SIGINT sets the host's interrupt flag instead of ending
//! the process, so the running pipeline stops and the shell stays.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// The flag the SIGINT handler sets (null when no guard is installed).
static FLAG: AtomicPtr<AtomicBool> = AtomicPtr::new(std::ptr::null_mut());

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    let p = FLAG.load(Ordering::SeqCst);
    if !p.is_null() {
        // SAFETY: `p` comes from the Arc held by the installed guard, which restores the
        // previous handler before it clears FLAG and drops the Arc. An atomic store is
        // async-signal-safe.
        unsafe { (*p).store(true, Ordering::SeqCst) }
    }
}

/// While alive, SIGINT (Ctrl-C in a cooked terminal) sets `flag` and nothing else.
/// Dropping it restores the previous handler.
pub struct InterruptGuard {
    flag: Arc<AtomicBool>,
    #[cfg(unix)]
    previous: Option<libc::sigaction>,
}

impl InterruptGuard {
    pub fn install(flag: Arc<AtomicBool>) -> InterruptGuard {
        FLAG.store(Arc::as_ptr(&flag).cast_mut(), Ordering::SeqCst);
        #[cfg(unix)]
        {
            // SAFETY: plain sigaction calls with zeroed, then filled, structures; the
            // handler only does an atomic store.
            let previous = unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigint as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(libc::SIGINT, &action, &mut old) == 0 { Some(old) } else { None }
            };
            InterruptGuard { flag, previous }
        }
        #[cfg(not(unix))]
        InterruptGuard { flag }
    }

    /// True when Ctrl-C came while the guard was installed.
    pub fn interrupted(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(old) = self.previous.take() {
            // SAFETY: restores the handler saved at install time.
            unsafe {
                libc::sigaction(libc::SIGINT, &old, std::ptr::null_mut());
            }
        }
        let _ = FLAG.compare_exchange(
            Arc::as_ptr(&self.flag).cast_mut(),
            std::ptr::null_mut(),
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn sigint_sets_the_flag_and_the_process_lives() {
        let flag = Arc::new(AtomicBool::new(false));
        {
            let guard = InterruptGuard::install(flag.clone());
            // SAFETY: raising a signal at ourselves; the guard's handler catches it.
            unsafe {
                libc::raise(libc::SIGINT);
            }
            assert!(guard.interrupted());
        }
        assert!(flag.load(Ordering::SeqCst));
    }
}
