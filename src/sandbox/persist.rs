//! The `--state` file: loaded at start (a file of one account loads as the default merchant,
//! `world.rs`), written after every change through a temp file and a rename, so a crash never
//! leaves half a file, and kept private (mode 0600: it holds live tokens).

use std::path::{Path, PathBuf};

use super::world::World;
use super::{SandboxConfig, SandboxError, default_appid};

/// The world of `config`: its state file's, else a fresh one; the default merchant is
/// `--appid` (else the sandbox AppID), the clock starts at `start_time` when given, and
/// platform data of another component AppID are dropped.
pub fn load(config: &SandboxConfig) -> Result<World, SandboxError> {
    let mut world: World = match &config.state_file {
        Some(path) if path.exists() => {
            let err = |message: String| SandboxError::State {
                path: path.clone(),
                message,
            };
            // A file written before the simulator kept it private: make it so now.
            make_private(path);
            let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| err(e.to_string()))?
        }
        _ => World::default(),
    };
    world.adopt(default_appid(config));
    if let Some(start) = config.start_time {
        world.start_at(start);
    }
    if let Some(component) = &config.component {
        world.platform = std::mem::take(&mut world.platform).for_component(component.appid.trim());
    }
    Ok(world)
}

/// Writes `world` to `path`. Failures are logged: the answer to the caller stands.
pub fn save(path: &Path, world: &World) {
    let text = match serde_json::to_vec_pretty(world) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!("cannot encode the simulator state: {e}");
            return;
        }
    };
    let mut tmp = path.to_path_buf().into_os_string();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = write_private(&tmp, &text).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        tracing::warn!("cannot save the simulator state to {}: {e}", path.display());
    }
}

/// Writes `bytes` to a new file only its owner can read and write (mode 0600 on unix: the
/// state holds live tokens). A file of that name left by a crash is replaced, never reused
/// with its old mode.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// Sets an existing state file to mode 0600 (unix; elsewhere the folder's permissions apply).
/// A failure (a file system without modes, another owner) is logged: the file still loads.
fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o600);
        if let Err(e) = std::fs::set_permissions(path, private) {
            tracing::warn!("cannot make {} private (mode 0600): {e}", path.display());
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
