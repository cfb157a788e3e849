//! For the benchmarks that start the real app: an X server of their own, and a bounded wait.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An Xvfb server this bench started; stopped on drop.
pub struct Xvfb {
    child: Child,
    /// `:N`, for `DISPLAY`.
    pub display: String,
}

impl Xvfb {
    /// Starts Xvfb with one screen of `screen` (e.g. `1920x1080x24`) on a display it picks
    /// itself, and waits until it accepts connections.
    pub fn start(screen: &str) -> Self {
        let (reader, writer) = std::io::pipe().expect("a pipe for -displayfd");
        // `-displayfd 1`: Xvfb chooses a free display and writes its number to its standard
        // output (our pipe) once it is ready, so there is no guessing and no race.
        let child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                screen,
                "-nolisten",
                "tcp",
            ])
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start Xvfb ({e}): the benchmarks that start the app need an X server. \
                     Install it with `apt-get install xvfb` (scripts/install-deps.sh does), \
                     or set DISPLAY to a running X server."
                )
            });
        let mut line = String::new();
        BufReader::new(reader)
            .read_line(&mut line)
            .expect("reading Xvfb's display number");
        let number = line.trim();
        assert!(
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
            "Xvfb did not report a display (got {line:?})"
        );
        Self {
            display: format!(":{number}"),
            child,
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `child` with a timeout; kills it when the time is up.
pub fn wait_with_timeout(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the app did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
