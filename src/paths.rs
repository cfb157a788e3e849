//! Where the app keeps its data on each system.

use std::path::PathBuf;

/// The data folder (accounts, drafts, the money journal, logs, the simulator's state):
/// `$COUPON_STUDIO_DATA_DIR` when set, else
/// - Windows: `%APPDATA%\coupon-studio` (roaming AppData, which follows the user between the
///   machines of a domain, and which the uninstaller offers to delete);
/// - Linux: `$XDG_DATA_HOME/coupon-studio` (`~/.local/share/coupon-studio`);
/// - macOS: `~/Library/Application Support/coupon-studio`.
///
/// `.coupon-studio` in the current folder when the system names no home at all.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("COUPON_STUDIO_DATA_DIR") {
        return dir.into();
    }
    system_data_dir().unwrap_or_else(|| PathBuf::from(".coupon-studio"))
}

#[cfg(windows)]
fn system_data_dir() -> Option<PathBuf> {
    // ProjectDirs would add a `\data` level here; the folder the installer and the guide
    // name is the bare one.
    directories::BaseDirs::new().map(|d| d.data_dir().join("coupon-studio"))
}

#[cfg(not(windows))]
fn system_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "coupon-studio").map(|d| d.data_dir().to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_data_folder_is_named_after_the_app() {
        let dir = super::system_data_dir().expect("the test machine has a home folder");
        assert_eq!(
            dir.file_name().and_then(|n| n.to_str()),
            Some("coupon-studio")
        );
        assert!(dir.is_absolute(), "{}", dir.display());
        #[cfg(windows)]
        {
            let appdata = std::env::var_os("APPDATA").expect("Windows sets %APPDATA%");
            assert_eq!(dir, std::path::Path::new(&appdata).join("coupon-studio"));
        }
    }
}
