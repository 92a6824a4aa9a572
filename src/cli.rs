//! The `laowu` command line: serve, user management, and operator tasks.

use std::io::Read;
use std::net::SocketAddr;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{Config, DataArgs};
use crate::service::accounts::{UserInput, create_user};
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(name = "laowu", version, about = "斗门·湄潭劳务协作平台")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (applies migrations first).
    Serve(ServeArgs),
    /// Manage logins.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Rebuild the search index from the database (stop the server first).
    Reindex {
        #[command(flatten)]
        data: DataArgs,
    },
    /// The search index.
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Import data files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Reports.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Print the API's OpenAPI document (JSON) without starting a server.
    Openapi,
    /// Benchmarks; print their figures as JSON.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// The real-name ledger (劳动力台账) from .xlsx or .csv (UTF-8 or GBK).
    Workers {
        file: std::path::PathBuf,
        /// The station whose caseload the new workers join.
        #[arg(long)]
        station: Option<i64>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum IndexCommand {
    /// Compare the index with the database (ids and each document's fields); exits non-zero
    /// when they differ. Runs next to a running server (reading only).
    Verify {
        /// Apply the change feed and re-index what still differs (stop the server first; a
        /// running server repairs by itself, a slice every few minutes).
        #[arg(long)]
        repair: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// The monthly figures as an .xlsx workbook.
    Monthly {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long)]
        out: std::path::PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Index generated records (not the database) and time matching both ways.
    Match {
        #[arg(long, default_value_t = 1_000_000)]
        workers: usize,
        #[arg(long, default_value_t = 100_000)]
        vacancies: usize,
        /// Queries in each direction.
        #[arg(long, default_value_t = 1000)]
        queries: usize,
    },
    /// Fill a database with generated workers and open vacancies, a sending station owning the
    /// workers and its API token (printed), for the HTTP and cluster benchmarks. Never on a
    /// real database.
    Seed {
        #[arg(long, default_value_t = 100_000)]
        workers: usize,
        #[arg(long, default_value_t = 20_000)]
        vacancies: usize,
        /// API tokens of the station's login to make.
        #[arg(long, default_value_t = 1)]
        tokens: usize,
        #[command(flatten)]
        data: DataArgs,
    },
    /// The change feed's lag across a cluster's nodes under a mixed write load: registers
    /// workers through FRONT (nginx), each with a word of its own, and times until every node's
    /// search finds it (see benches/cluster.sh).
    FeedLag {
        /// The one address (nginx), host:port.
        #[arg(long)]
        front: SocketAddr,
        /// Every node, host:port, comma separated.
        #[arg(long, value_delimiter = ',')]
        nodes: Vec<SocketAddr>,
        /// A station's API token (LAOWU_TOKEN).
        #[arg(long, env = "LAOWU_TOKEN", hide_env_values = true)]
        token: String,
        /// Probed registrations.
        #[arg(long, default_value_t = 200)]
        writes: usize,
        /// Probed registrations at once.
        #[arg(long, default_value_t = 4)]
        writers: usize,
        /// Unprobed registrations at once beside them, for the duration.
        #[arg(long, default_value_t = 4)]
        background: usize,
    },
    /// Matching quality on the judged set: precision@5, nDCG@10, recall@10 both ways, and the
    /// same for a shared-bigram baseline.
    Relevance {
        /// The judged set (vacancies.tsv, workers.tsv).
        #[arg(long, default_value = "benches/relevance")]
        set: std::path::PathBuf,
        /// The word lists (occupations.txt, dict.txt, synonyms.txt); compiled-in when absent.
        #[arg(long, default_value = "index")]
        index: std::path::PathBuf,
        /// Also list the queries that did worst (precision@5 below 0.6), on stderr.
        #[arg(long)]
        misses: bool,
    },
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LAOWU_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    data: DataArgs,
    /// SMTP server for outgoing mail, e.g. smtp://127.0.0.1:2525 (default: .eml files in the data dir).
    #[arg(long, env = "LAOWU_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "LAOWU_MAIL_FROM",
        default_value = "斗门·湄潭劳务协作平台 <noreply@laowu.local>"
    )]
    mail_from: String,
    /// Mark session cookies Secure (serve behind TLS); implied by an `https://` base URL.
    #[arg(long, env = "LAOWU_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Public URL of the site, for links in mail.
    #[arg(long, env = "LAOWU_BASE_URL")]
    base_url: Option<String>,
    /// Fill an empty database with a realistic demo data set and print its logins.
    #[arg(long)]
    demo: bool,
    /// Hour of the day (China time) from which stations' daily follow-up digests are mailed.
    #[arg(long, env = "LAOWU_DIGEST_HOUR", default_value_t = 7)]
    digest_hour: u8,
    /// Seconds before a digest or weekly list that had nothing to send is looked at again.
    #[arg(long, env = "LAOWU_QUIET_RECHECK_SECS", default_value_t = 600)]
    quiet_recheck_secs: u64,
    /// Seconds between two background comparisons of a slice of the search index with the
    /// database.
    #[arg(long, env = "LAOWU_INDEX_CHECK_SECS", default_value_t = 600)]
    index_check_secs: u64,
    /// Addresses of reverse proxies (nginx) whose `X-Forwarded-For` names the client, comma
    /// separated, e.g. `127.0.0.1`; throttles and the audit log then see the real client.
    #[arg(long, env = "LAOWU_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Seconds an import job's claim lasts without renewal; a job whose node died is resumed
    /// by another node (or this one, restarted) after this long.
    #[arg(long, env = "LAOWU_IMPORT_LEASE_SECS", default_value_t = 60)]
    import_lease_secs: u64,
    /// SMS transport: `aliyun://KEY:SECRET@HOST:PORT?sign=SIGN&tls=0` (default: JSON files
    /// under DATA_DIR/sms/).
    #[arg(long, env = "LAOWU_SMS_URL")]
    sms_url: Option<String>,
    /// File of `kind=TemplateCode` lines for the Aliyun transport.
    #[arg(long, env = "LAOWU_SMS_TEMPLATES")]
    sms_templates: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a login; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// admin, station, employer or trainer
        #[arg(long)]
        role: String,
        #[arg(long)]
        station: Option<i64>,
        #[arg(long)]
        employer: Option<i64>,
        #[arg(long)]
        provider: Option<i64>,
        /// Name shown in the pages.
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (the only way; never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Parses the command line and runs the command.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Reindex { data } => reindex(data).await,
        Command::Index {
            command: IndexCommand::Verify { repair, data },
        } => verify_index(repair, data).await,
        Command::Import {
            command:
                ImportCommand::Workers {
                    file,
                    station,
                    data,
                },
        } => import_workers(file, station, data).await,
        Command::Report {
            command: ReportCommand::Monthly { month, out, data },
        } => {
            let db = crate::db::connect(&data.database_url()).await?;
            let month = crate::reports::Month::parse(&month)
                .map_err(|m| anyhow::anyhow!("--month：{m}"))?;
            let report = crate::reports::monthly(&db, month, None).await?;
            let bytes = crate::reports::xlsx::workbook(&report)?;
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!("{} 月报已写入 {}", month, out.display());
            Ok(())
        }
        Command::Bench {
            command:
                BenchCommand::Match {
                    workers,
                    vacancies,
                    queries,
                },
        } => {
            let dir = tempfile_dir()?;
            let report = tokio::task::spawn_blocking(move || {
                crate::search::bench::run(workers, vacancies, queries, dir.path())
            })
            .await??;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        Command::Bench {
            command:
                BenchCommand::Seed {
                    workers,
                    vacancies,
                    tokens,
                    data,
                },
        } => {
            let db = crate::db::connect(&data.database_url()).await?;
            let report = crate::search::seed::run(&db, workers, vacancies, tokens).await?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        Command::Bench {
            command:
                BenchCommand::FeedLag {
                    front,
                    nodes,
                    token,
                    writes,
                    writers,
                    background,
                },
        } => {
            let report =
                crate::loadgen::feed_lag(front, nodes, token, writes, writers, background).await?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        Command::Bench {
            command: BenchCommand::Relevance { set, index, misses },
        } => {
            let index = index.is_dir().then_some(index);
            let mut report = tokio::task::spawn_blocking(move || {
                crate::search::relevance::run(&set, index.as_deref())
            })
            .await??;
            if misses {
                for m in &report.misses {
                    eprintln!("{m}");
                }
            }
            report.misses.clear();
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&crate::web::api::document())?
            );
            Ok(())
        }
        Command::User { command } => match command {
            UserCommand::Add {
                email,
                role,
                station,
                employer,
                provider,
                name,
                password_stdin: _,
                data,
            } => {
                let mut password = String::new();
                std::io::stdin()
                    .read_to_string(&mut password)
                    .context("reading the password from standard input")?;
                let password = password.trim_end_matches(['\r', '\n']).to_owned();
                std::fs::create_dir_all(&data.data_dir).ok();
                let db = crate::db::connect(&data.database_url()).await?;
                let input = UserInput {
                    email,
                    password,
                    role,
                    display_name: name,
                    employer_id: employer,
                    station_id: station,
                    provider_id: provider,
                };
                match create_user(&db, &input).await {
                    Ok(id) => {
                        println!("已创建账号 {} （编号 {id}）", input.email);
                        Ok(())
                    }
                    Err(crate::error::AppError::Validation(e)) => {
                        for (field, messages) in e.0 {
                            eprintln!("{field}: {}", messages.join("；"));
                        }
                        anyhow::bail!("账号未创建")
                    }
                    Err(e) => Err(anyhow::anyhow!("账号未创建：{e}")),
                }
            }
        },
    }
}

/// A temporary folder removed when dropped.
fn tempfile_dir() -> anyhow::Result<TempDir> {
    let path = std::env::temp_dir().join(format!("laowu-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&path).context("creating a temp dir")?;
    Ok(TempDir(path))
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

async fn import_workers(
    file: std::path::PathBuf,
    station: Option<i64>,
    data: DataArgs,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rows = crate::import::table::read_blocking(name, bytes).await?;
    std::fs::create_dir_all(&data.data_dir).ok();
    let db = crate::db::connect(&data.database_url()).await?;
    if let Some(s) = station
        && crate::db::stations::get(&db, s).await?.is_none()
    {
        anyhow::bail!("没有编号为 {s} 的工作站");
    }
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "导入台账 {bar:30} {pos}/{len} 行 ({per_sec}, 剩余 {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let opts = crate::import::ImportOptions {
        station_id: station,
        by: "命令行导入".into(),
        created_by: None,
    };
    let report = crate::import::import(&db, rows, &opts, Some(&bar)).await?;
    bar.finish();
    println!("{}", report.summary());
    // the same counts for scripts and other systems
    println!(
        "imported={} updated={} unchanged={} rejected={} warnings={}",
        report.imported, report.updated, report.unchanged, report.rejected, report.warnings
    );
    if !report.ignored_columns.is_empty() {
        println!("已忽略未知列：{}", report.ignored_columns.join("、"));
    }
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "ledger".into());
    let out = file.with_file_name(format!("{stem}.rejected.csv"));
    if report.lines.is_empty() {
        std::fs::remove_file(&out).ok();
    } else {
        std::fs::write(&out, report.to_csv()?)
            .with_context(|| format!("writing {}", out.display()))?;
        println!("被拒绝的行和警告（行号、列、原因）已写入 {}", out.display());
    }
    println!("用时 {:.1} 秒。", started.elapsed().as_secs_f64());
    Ok(())
}

async fn reindex(data: DataArgs) -> anyhow::Result<()> {
    let config = data.for_tool();
    std::fs::create_dir_all(&config.data_dir).ok();
    let db = crate::db::connect(&config.database_url).await?;
    let lexicon = crate::search::analyzer::Lexicon::load(config.dict_dir.as_deref());
    let dir = config.index_dir();
    let index = crate::search::SearchIndex::open(Some(&dir), lexicon)?;
    let indexer = crate::search::sync::Indexer::new(std::sync::Arc::new(index), db);
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "重建索引 {bar:30} {pos}/{len} ({per_sec}, 剩余 {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let (v, w) = indexer.rebuild(Some(&bar)).await?;
    bar.finish();
    println!(
        "索引已重建：{v} 个岗位，{w} 名务工人员，用时 {:.1} 秒。",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn verify_index(repair: bool, data: DataArgs) -> anyhow::Result<()> {
    let config = data.for_tool();
    let db = crate::db::connect(&config.database_url).await?;
    let lexicon = crate::search::analyzer::Lexicon::load(config.dict_dir.as_deref());
    let dir = config.index_dir();
    let diffs = if repair {
        let index = crate::search::SearchIndex::open(Some(&dir), lexicon)?;
        let indexer = crate::search::sync::Indexer::new(std::sync::Arc::new(index), db);
        indexer.catch_up().await?;
        indexer.verify(true).await?
    } else {
        let index = crate::search::SearchIndex::open_read_only(&dir, lexicon)?;
        crate::search::verify::verify_read_only(&db, &std::sync::Arc::new(index)).await?
    };
    let mut differ = 0;
    for d in &diffs {
        for (id, problem) in d.each() {
            println!("{} {id} {problem}", d.entity.as_str());
            differ += 1;
        }
    }
    match (differ, repair) {
        (0, _) => {
            println!("索引与数据库一致。");
            Ok(())
        }
        (n, true) => {
            println!("{n} 条记录与数据库不一致，已重新索引。");
            Ok(())
        }
        (n, false) => {
            anyhow::bail!("{n} 条记录与数据库不一致（laowu index verify --repair 可修复）")
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let base_url = args
        .base_url
        .unwrap_or_else(|| format!("http://{}", args.addr));
    let config = Config {
        addr: args.addr,
        data_dir: args.data.data_dir.clone(),
        database_url: args.data.database_url(),
        smtp_url: args.smtp_url.filter(|s| !s.trim().is_empty()),
        mail_from: args.mail_from,
        // a site served over https always gets Secure cookies
        secure_cookies: args.secure_cookies || base_url.starts_with("https://"),
        base_url,
        dict_dir: args.data.dict_dir(),
        digest_hour: args.digest_hour.min(23),
        quiet_recheck: std::time::Duration::from_secs(args.quiet_recheck_secs),
        index_check_every: std::time::Duration::from_secs(args.index_check_secs.max(1)),
        trusted_proxies: args.trusted_proxies,
        import_lease: std::time::Duration::from_secs(args.import_lease_secs.max(3)),
        sms_url: args.sms_url.filter(|s| !s.trim().is_empty()),
        sms_templates: args.sms_templates,
    };
    tracing::info!(addr = %config.addr, database = %crate::db::redact(&config.database_url), "starting");
    let app = Application::build(config).await?;
    if args.demo {
        crate::demo::fill_if_empty(&app.state).await?;
    }
    println!("斗门·湄潭劳务协作平台 已启动：http://{}", args.addr);
    app.run().await
}
