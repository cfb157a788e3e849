//! What the Windows build needs from Win32 that no crate wraps: the console of the program that
//! started us, and the peak memory for `--first-frame`.
//!
//! `coupon-studio.exe` is a GUI-subsystem program (`windows_subsystem` in main.rs), so Windows
//! opens no console window beside it when it is started from Explorer, the Start menu or a
//! shortcut. The price is that it is given no console either: `check`, `sandbox` and `poster`
//! attach to the console of the shell they were typed in. Text then reaches that console
//! through `WriteConsoleW` (Rust's std converts UTF-8 to UTF-16 for console handles), so
//! Chinese reads correctly whatever the console's code page; redirected output (`> out.txt`,
//! a pipe) is written as UTF-8 bytes.
//!
//! This module and `desktop::win32` are the only places the crate uses `unsafe` (the lint is
//! `deny`, not `forbid`, for them): plain Win32 calls whose arguments are constants or our
//! own locals.
#![allow(unsafe_code)]

use windows_sys::Win32::Foundation::FILETIME;
use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::System::Console::{
    ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_OUTPUT_HANDLE,
};
use windows_sys::Win32::System::ProcessStatus::{K32GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, GetProcessTimes};

/// A standard handle that leads nowhere: a GUI program started from a console gets none.
fn missing(handle: HANDLE) -> bool {
    handle.is_null() || handle == INVALID_HANDLE_VALUE
}

/// Attaches to the console of the parent process (cmd.exe, PowerShell, Windows Terminal) when
/// neither standard output nor standard error leads anywhere, or always when the console
/// launcher `coupon-studio.com` started us (`COUPON_STUDIO_CONSOLE=1`,
/// packaging/windows/launcher): it hands down its own standard handles, and the console is
/// what delivers Ctrl+C. Standard handles that are set (inherited, or redirected to a file or
/// a pipe) stay as they are: Windows fills in only the missing ones. Returns whether a console
/// was attached.
pub fn attach_parent_console() -> bool {
    // SAFETY: GetStdHandle takes a constant and only reads the process parameters.
    let (out, err) = unsafe {
        (
            GetStdHandle(STD_OUTPUT_HANDLE),
            GetStdHandle(STD_ERROR_HANDLE),
        )
    };
    let launched = std::env::var_os("COUPON_STUDIO_CONSOLE").is_some_and(|v| v == "1");
    let nowhere = missing(out) && missing(err);
    if !(launched || nowhere) {
        return false;
    }
    // SAFETY: AttachConsole takes a constant; on success Windows sets the standard handles,
    // which Rust's std looks up on every write. Failing (no parent console, e.g. started from
    // Explorer with arguments) is harmless: output is then discarded, as before.
    unsafe { AttachConsole(ATTACH_PARENT_PROCESS) != 0 }
}

/// The process's peak working set in KiB (`PeakWorkingSetSize`), the Windows counterpart of
/// Linux's `VmHWM`; Wine fills it from the same figure.
pub fn peak_working_set_kib() -> Option<u64> {
    let mut counters = PROCESS_MEMORY_COUNTERS {
        cb: 0,
        PageFaultCount: 0,
        PeakWorkingSetSize: 0,
        WorkingSetSize: 0,
        QuotaPeakPagedPoolUsage: 0,
        QuotaPagedPoolUsage: 0,
        QuotaPeakNonPagedPoolUsage: 0,
        QuotaNonPagedPoolUsage: 0,
        PagefileUsage: 0,
        PeakPagefileUsage: 0,
    };
    let size = u32::try_from(std::mem::size_of::<PROCESS_MEMORY_COUNTERS>()).ok()?;
    counters.cb = size;
    // SAFETY: the pseudo-handle of the current process needs no closing, and `counters` is a
    // live local of exactly the size passed.
    let ok = unsafe { K32GetProcessMemoryInfo(GetCurrentProcess(), &mut counters, size) };
    (ok != 0).then_some(counters.PeakWorkingSetSize as u64 / 1024)
}

/// The CPU time this process has used, user and kernel, all threads (`GetProcessTimes`).
pub fn process_cpu_seconds() -> Option<f64> {
    let zero = || FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero(), zero(), zero(), zero());
    // SAFETY: the pseudo-handle of the current process needs no closing; the four FILETIMEs
    // are live locals.
    let ok = unsafe {
        GetProcessTimes(
            GetCurrentProcess(),
            &mut created,
            &mut exited,
            &mut kernel,
            &mut user,
        )
    };
    // FILETIME counts 100 ns.
    let ticks = |t: &FILETIME| (u64::from(t.dwHighDateTime) << 32) | u64::from(t.dwLowDateTime);
    (ok != 0).then(|| (ticks(&kernel) + ticks(&user)) as f64 / 1e7)
}
