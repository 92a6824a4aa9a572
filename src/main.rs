//! `laowu` — see the library's documentation for the map of the code.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    laowu::telemetry::init();
    match laowu::cli::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
