//! Hand-offs to the desktop: a poster or a folder opened in the program the system associates
//! with it (Windows: `ShellExecuteW`, exactly what a double click in Explorer runs; Linux:
//! `xdg-open`; macOS: `open`). Printing happens there, in the system viewer's own print
//! dialog, with the printers and paper sizes the user already knows.

use std::path::Path;

/// Opens `path` in its associated program without waiting for that program to exit.
pub fn open_in_system_viewer(path: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        win32::shell_open(path)
    }
    #[cfg(not(windows))]
    {
        open::that_detached(path)
    }
}

/// `ShellExecuteW` directly: the `open` crate goes through powershell.exe on Windows, which
/// takes a second to start and which company policies often block.
#[cfg(windows)]
mod win32 {
    #![allow(unsafe_code)]

    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    use windows_sys::Win32::System::Com::{
        COINIT_APARTMENTTHREADED, COINIT_DISABLE_OLE1DDE, CoInitializeEx,
    };
    use windows_sys::Win32::UI::Shell::ShellExecuteW;
    use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;

    fn wide(s: &std::ffi::OsStr) -> Vec<u16> {
        s.encode_wide().chain(std::iter::once(0)).collect()
    }

    pub fn shell_open(path: &Path) -> std::io::Result<()> {
        let file = wide(path.as_os_str());
        let verb = wide(std::ffi::OsStr::new("open"));
        // SAFETY: CoInitializeEx is called as Microsoft asks before ShellExecute (shell
        // extensions may use COM); a second call on the same thread only returns S_FALSE.
        // Both strings are NUL-terminated UTF-16 locals that outlive the call, and the other
        // pointers are null, which ShellExecuteW allows.
        let code = unsafe {
            CoInitializeEx(
                std::ptr::null(),
                (COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE) as u32,
            );
            ShellExecuteW(
                std::ptr::null_mut(),
                verb.as_ptr(),
                file.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                SW_SHOWNORMAL,
            )
        } as isize;
        // Values above 32 mean success; the others are the old SE_ERR_* codes.
        if code > 32 {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "ShellExecuteW could not open {} (error {code})",
                path.display()
            )))
        }
    }
}
