//! The layer rules of `docs/architecture.md`, read from the source: which top-level modules
//! may name which, no import cycles between the files of a folder, and no file over 600
//! lines before its test module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, as (path relative to `src/`, text before `#[cfg(test)]`).
fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = match text.find("\n#[cfg(test)]") {
                    Some(i) => text[..i].to_owned(),
                    None => text,
                };
                out.push((path.strip_prefix(root).unwrap().to_owned(), code));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    assert!(out.len() > 50, "the walk found the sources");
    out
}

/// The top-level module a file belongs to (`ui/placement/qr.rs` → `ui`).
fn top(path: &Path) -> String {
    let first = path
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Whether a file is a test module of its own (`tests.rs`, `fakes.rs`, `properties.rs`
/// are compiled only for tests).
fn test_only(path: &Path, code: &str) -> bool {
    let name = path.file_stem().unwrap().to_string_lossy();
    name == "tests" || code.trim_start().starts_with("#![cfg(test)]")
}

#[test]
fn the_layers_name_only_what_is_below_them() {
    // What each layer must never name: the UI never the shell, the messages neither of them,
    // the sessions and the domain no egui, the API client and the simulator neither.
    let forbidden: &[(&str, &[&str])] = &[
        ("ui", &["crate::app"]),
        ("message", &["crate::app", "crate::ui", "egui::"]),
        ("wallet", &["crate::app", "crate::ui", "egui::"]),
        ("editing", &["crate::app", "crate::ui", "egui::"]),
        (
            "card",
            &["crate::app", "crate::ui", "egui::", "crate::api", "reqwest"],
        ),
        (
            "poster",
            &["crate::app", "crate::ui", "egui::", "crate::api"],
        ),
        (
            "api",
            &["crate::app", "crate::ui", "egui::", "crate::sandbox"],
        ),
        // The simulator is an oracle independent of the app's rules (issue 17): it has its own
        // specification (src/sandbox/spec/) and never reads the rules engine, the card model,
        // the app's prices, update lists or palette.
        (
            "sandbox",
            &[
                "crate::app",
                "crate::ui",
                "egui::",
                "crate::api",
                "card::rules",
                "parse_create_body",
                "price_per_unit",
                "UPDATABLE_",
                "COLOR_PALETTE",
                "CreateBody",
                "card::Card",
                "card::model",
            ],
        ),
        // The demo campaign works through the client and the admin API, as a user would.
        (
            "demo",
            &["crate::app", "crate::ui", "egui::", "crate::sandbox"],
        ),
        ("stats", &["crate::app", "crate::ui", "egui::"]),
        // What a company server's events tell the panels: rules, no egui, no shell.
        ("pushed", &["crate::app", "crate::ui", "egui::"]),
        ("redeem", &["crate::app", "crate::ui", "egui::"]),
        ("placement", &["crate::app", "crate::ui", "egui::"]),
        ("store", &["crate::app", "crate::ui", "egui::"]),
        // WeChat's push wire format is shared by the simulator (sender) and the company
        // server (receiver): it stands below both and names nothing of ours.
        ("wxpush", &["crate::", "egui::"]),
        // The company server receives pushes and serves the team: a protocol of its own
        // beside the client, never the UI, the shell or the simulator it is tested against.
        (
            "server",
            &["crate::app", "crate::ui", "egui::", "crate::sandbox"],
        ),
    ];
    let mut broken = Vec::new();
    for (path, code) in sources() {
        let layer = top(&path);
        for (l, names) in forbidden {
            if *l != layer {
                continue;
            }
            for name in *names {
                if code.contains(name) {
                    broken.push(format!("{} names {name}", path.display()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_top_level_modules_import_each_other_without_cycles() {
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let files = sources();
    let tops: Vec<String> = files.iter().map(|(p, _)| top(p)).collect();
    for (path, code) in &files {
        let me = top(path);
        let entry = graph.entry(me.clone()).or_default();
        for other in &tops {
            if *other != me && code.contains(&format!("crate::{other}::")) && !entry.contains(other)
            {
                entry.push(other.clone());
            }
        }
    }
    assert!(
        graph["app"].contains(&"ui".to_owned()),
        "the graph was read"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between modules: {}", cycle.join(" → "));
    }
}

#[test]
fn the_files_of_each_folder_import_each_other_without_cycles() {
    // Within a folder: `super::x` and `crate::<folder>::x` name the sibling `x`.
    let mut folders: BTreeMap<PathBuf, Vec<(String, String)>> = BTreeMap::new();
    for (path, code) in sources() {
        let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
            continue;
        };
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        folders
            .entry(dir.to_owned())
            .or_default()
            .push((name, code));
    }
    let mut checked = 0;
    let mut cycles: Vec<String> = Vec::new();
    for (dir, files) in &folders {
        let module = dir.to_string_lossy().replace('/', "::");
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, code) in files {
            if name == "mod" {
                continue; // mod.rs declares and re-exports its children
            }
            let used = names
                .iter()
                .filter(|other| **other != name && **other != "mod")
                .filter(|other| {
                    code.contains(&format!("super::{other}"))
                        || code.contains(&format!("crate::{module}::{other}"))
                })
                .map(|o| (*o).to_owned())
                .collect();
            graph.insert(name.clone(), used);
        }
        if let Some(cycle) = find_cycle(&graph) {
            cycles.push(format!("src/{}: {}", dir.display(), cycle.join(" → ")));
        }
        checked += 1;
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
    assert!(checked >= 8, "every folder was checked ({checked})");
}

#[test]
fn no_source_file_is_over_600_lines_before_its_tests() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(p, code)| !test_only(p, code))
        .filter(|(_, code)| code.lines().count() > 600)
        .map(|(p, code)| format!("src/{} ({} lines)", p.display(), code.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "files over 600 lines:\n{}",
        long.join("\n")
    );
}

/// A cycle in `graph`, as the path that closes it.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if done.iter().any(|d| d == node) {
            return None;
        }
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.push(node.to_owned());
        None
    }
    let mut done = Vec::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_accepts_a_tree() {
    let g = |edges: &[(&str, &str)]| {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (a, b) in edges {
            m.entry((*a).into()).or_default().push((*b).into());
            m.entry((*b).into()).or_default();
        }
        m
    };
    assert_eq!(
        find_cycle(&g(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(find_cycle(&g(&[("a", "b"), ("a", "c"), ("b", "c")])), None);
}
