//! `cargo bench`: the matching benchmark at a size that runs in seconds; `laowu bench match`
//! runs it at the target sizes (1M workers, 100k vacancies).

fn main() -> anyhow::Result<()> {
    let workers = std::env::var("BENCH_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let vacancies = std::env::var("BENCH_VACANCIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let dir = std::env::temp_dir().join(format!("laowu-cargo-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let report = laowu::search::bench::run(workers, vacancies, 1000, &dir);
    std::fs::remove_dir_all(&dir).ok();
    println!("{}", serde_json::to_string_pretty(&report?)?);
    Ok(())
}
