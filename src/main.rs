//! `laowu` — see the library's documentation for the map of the code.

/// mimalloc instead of the system allocator: a search answer allocates a few hundred small
/// strings (rows, JSON), and glibc's malloc/free took about a fifth of the server's CPU under
/// load (README "The search path").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
