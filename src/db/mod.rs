//! The database: one `sqlx::AnyPool` over SQLite (embedded default) or PostgreSQL
//! (production), with the migrations of each backend, and one module of queries per table.
//!
//! Both backends take the same SQL (`$1` placeholders, `returning id`); dates are stored as
//! `YYYY-MM-DD` text and instants as RFC 3339 UTC text so that they compare as strings on both.

pub mod applications;
pub mod assessment;
pub mod audit;
pub mod certificates;
pub mod changes;
pub mod employers;
pub mod events;
pub mod figures;
pub mod found_reports;
pub mod import_jobs;
pub mod lists;
pub mod outbox;
pub mod placements;
pub mod quality;
pub mod reset;
pub mod rights;
pub mod seed;
pub mod sms;
pub mod stations;
pub mod training;
pub mod users;
pub mod vacancies;
pub mod workers;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};

/// The application's pool.
pub type Db = AnyPool;

/// What a write can fail with besides a broken database: a value that must be unique is
/// taken. The service layer turns it into a 409 for the field named.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{message}")]
    Duplicate {
        field: &'static str,
        message: &'static str,
    },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

impl DbError {
    /// Maps a unique violation of `e` to [`DbError::Duplicate`], anything else to itself.
    pub fn duplicate_or(e: sqlx::Error, field: &'static str, message: &'static str) -> Self {
        if is_unique_violation(&e) {
            DbError::Duplicate { field, message }
        } else {
            DbError::Sqlx(e)
        }
    }
}

/// Whether a database error is a unique-constraint violation (both backends).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("23505")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:")
        }
    }
}

/// Which database an open pool talks to.
pub fn backend(db: &Db) -> Backend {
    if db
        .connect_options()
        .database_url
        .scheme()
        .starts_with("postgres")
    {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Opens the pool (creating a SQLite file if needed) and applies the migrations.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)?;
    if backend == Backend::Sqlite {
        // Create the file (and WAL mode) through the native driver, which knows the options.
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
            .context("parsing the SQLite URL")?
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let conn = sqlx::ConnectOptions::connect(&opts)
            .await
            .with_context(|| format!("opening SQLite database {url}"))?;
        sqlx::Connection::close(conn).await.ok();
    }
    let pool = AnyPoolOptions::new()
        .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
        // no `select 1` round trip before every query (sqlx's default): a connection the
        // server closed fails its next query, which sqlx then drops from the pool
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute("pragma foreign_keys = on; pragma busy_timeout = 10000; pragma synchronous = normal")
                        .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.run(&pool).await.context("applying migrations")?;
    Ok(pool)
}

/// The URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &url[..s], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// `$1,$2,…` for an `in (…)` list of ids, padded to 20, 50 or 100 places (with -1, which is
/// no id) so that a page's query is one of three statements, prepared once per connection,
/// instead of a new text to parse and plan for every page. Longer lists are written out.
pub fn id_list(ids: &[i64]) -> (String, Vec<i64>) {
    let places = match ids.len() {
        0..=20 => 20,
        21..=50 => 50,
        51..=100 => 100,
        _ => {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            return (list, Vec::new());
        }
    };
    let list = (1..=places)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut binds = ids.to_vec();
    binds.resize(places, -1);
    (list, binds)
}

/// Whether the database answers.
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("select 1").execute(db).await.map(|_| ())
}

/// Reads a boolean column written by either backend (SQLite stores 0/1).
pub fn get_bool(row: &AnyRow, col: &str) -> Result<bool, sqlx::Error> {
    match row.try_get::<bool, _>(col) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(col)? != 0),
    }
}

/// Reads a nullable boolean-free integer column.
pub fn get_opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>, sqlx::Error> {
    row.try_get::<Option<i64>, _>(col)
}

/// Runs a count query (`select count(*) ...`) and returns it as i64 on both backends.
pub async fn count(db: &Db, sql: &str) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(sql).fetch_one(db).await?;
    row.try_get::<i64, _>(0)
}

pub use changes::record_change;

/// `$1, $2, …` offset helper for dynamic filters.
#[derive(Default)]
pub struct Filters {
    pub clauses: Vec<String>,
    pub args: Vec<FilterArg>,
}

/// One bound value of a dynamic filter.
#[derive(Debug, Clone)]
pub enum FilterArg {
    Text(String),
    Int(i64),
}

impl Filters {
    /// Adds a clause whose `?` marks are replaced by the next placeholders.
    pub fn push(&mut self, clause: &str, args: Vec<FilterArg>) {
        let mut out = String::new();
        let mut it = args.into_iter();
        for ch in clause.chars() {
            if ch == '?' {
                let arg = it.next().expect("one argument per ? mark");
                self.args.push(arg);
                out.push_str(&format!("${}", self.args.len()));
            } else {
                out.push(ch);
            }
        }
        self.clauses.push(out);
    }

    /// `where a and b` or the empty string.
    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" where {}", self.clauses.join(" and "))
        }
    }

    /// The next placeholder number.
    pub fn next(&self) -> usize {
        self.args.len() + 1
    }

    /// Binds the arguments to a query built from these filters.
    pub fn bind<'q>(
        &self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for a in &self.args {
            q = match a {
                FilterArg::Text(s) => q.bind(s.clone()),
                FilterArg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}
