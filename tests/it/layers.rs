//! The layers, read from the sources: handlers under `src/web` call `service/` only, and all
//! SQL lives in `src/db` (STYLE.md, "Layers"). A forgotten shortcut fails here, by file and line.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of the files under `dir` (relative to the crate) containing any of `needles`,
/// outside comments.
fn offending(dir: &str, skip: &[&str], needles: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join(dir), &mut files);
    let mut found = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if needles.iter().any(|x| code.contains(x)) {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn handlers_call_only_the_service_layer() {
    let found = offending(
        "src/web",
        &[],
        &[
            "crate::db",
            "sqlx",
            "crate::reports",
            "crate::import",
            "crate::quality",
            "crate::search",
        ],
    );
    assert!(
        found.is_empty(),
        "src/web reaches below service/:\n{}",
        found.join("\n")
    );
}

#[test]
fn all_sql_lives_in_the_db_layer() {
    let found = offending(
        "src",
        &["src/db/"],
        &["sqlx::query", "sqlx::query_scalar", "sqlx::query_as"],
    );
    assert!(
        found.is_empty(),
        "SQL outside src/db:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_db_layer_knows_nothing_of_http() {
    let found = offending("src/db", &[], &["AppError", "crate::web", "axum::"]);
    assert!(
        found.is_empty(),
        "src/db speaks HTTP:\n{}",
        found.join("\n")
    );
}
