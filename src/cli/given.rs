//! Settings the command line takes from a flag, from a file a flag names, or from the
//! environment: the secrets above all, which need never be on the command line, where other
//! users see them. `sandbox`, `server` and the window's `--simulator` read them alike.

use std::path::Path;

use anyhow::{Context, bail};

/// The first line of a file, without its line ending and surrounding blanks; empty is an error.
pub(super) fn first_line(what: &str, path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} file {}", path.display()))?;
    let line = text.lines().next().unwrap_or("").trim().to_owned();
    if line.is_empty() {
        bail!("the {what} file {} is empty", path.display());
    }
    Ok(line)
}

/// A non-empty environment variable.
pub(super) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The `what` (a secret, say) from the first source that gives it: `value` (a flag's), the
/// first line of `file` (a flag's), the environment variable `var`; without surrounding
/// blanks, whichever it came from.
pub(super) fn given(
    what: &str,
    value: Option<&str>,
    file: Option<&Path>,
    var: Option<&str>,
) -> anyhow::Result<Option<String>> {
    if let Some(v) = value {
        return Ok(Some(v.trim().to_owned()));
    }
    if let Some(path) = file {
        return first_line(what, path).map(Some);
    }
    Ok(var.and_then(env).map(|v| v.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_value_wins_over_the_file_which_wins_over_the_environment_all_trimmed() {
        let dir = std::env::temp_dir().join(format!("cs-given-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "  from-file \nsecond line\n").unwrap();
        // PATH is set wherever tests run, and no test changes it.
        let path = std::env::var("PATH").unwrap();
        let v = |value, file| given("secret", value, file, Some("PATH")).unwrap();
        assert_eq!(v(Some(" flag\t"), Some(&file)), Some("flag".into()));
        assert_eq!(v(None, Some(&file)), Some("from-file".into()));
        assert_eq!(v(None, None), Some(path.trim().to_owned()));
        assert_eq!(given("secret", None, None, None).unwrap(), None);
        let missing = dir.join("missing");
        let err = given("push token", None, Some(&missing), Some("PATH")).unwrap_err();
        assert!(
            err.to_string().contains("cannot read the push token file"),
            "{err}"
        );
        std::fs::write(&file, "\n").unwrap();
        let err = given("secret", None, Some(&file), None).unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
