//! Building and running the server: database, session store, router, listener.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::config::Config;
use crate::db::{self, Backend};
use crate::search::SearchIndex;
use crate::search::analyzer::Lexicon;
use crate::search::sync::Indexer;
use crate::state::AppState;

/// Sessions live in the same database as everything else, through the backend's own store.
#[derive(Debug, Clone)]
pub enum SessionBackend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionBackend {
    /// Opens the store on the database URL and creates its table.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let store = match Backend::of(url)? {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(url)
                    .await
                    .context("session pool")?;
                Self::Sqlite(SqliteStore::new(pool))
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(url).await.context("session pool")?;
                Self::Postgres(PostgresStore::new(pool))
            }
        };
        match &store {
            Self::Sqlite(s) => s.migrate().await,
            Self::Postgres(s) => s.migrate().await,
        }
        .context("creating the session table")?;
        Ok(store)
    }
}

#[async_trait::async_trait]
impl session_store::SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.create(record).await,
            Self::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(s) => s.load(id).await,
            Self::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete(id).await,
            Self::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait::async_trait]
impl session_store::ExpiredDeletion for SessionBackend {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// How often expired sessions are deleted.
pub const SESSION_CLEANUP_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

impl SessionBackend {
    /// Deletes expired session rows now and then every `period`, for the life of the process
    /// (a failure is logged and tried again next time).
    pub fn spawn_expired_deletion(&self, period: std::time::Duration) {
        use session_store::ExpiredDeletion;
        let store = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(period);
            loop {
                every.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "deleting expired sessions failed");
                }
            }
        });
    }
}

/// Opens the search index of the data dir and brings it up to date with the database.
pub async fn open_search(config: &Config, db: db::Db) -> anyhow::Result<Arc<Indexer>> {
    let lexicon = Lexicon::load(config.dict_dir.as_deref());
    let dir = config.index_dir();
    let index = tokio::task::spawn_blocking(move || SearchIndex::open(Some(&dir), lexicon))
        .await
        .context("joining the index task")??;
    let indexer = Indexer::new(Arc::new(index), db);
    indexer
        .catch_up()
        .await
        .context("bringing the search index up to date")?;
    Ok(indexer)
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    pub state: AppState,
}

impl Application {
    /// Connects the database (applying migrations), opens the session store and binds.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
        let db = db::connect(&config.database_url).await?;
        let store = SessionBackend::connect(&config.database_url).await?;
        store.spawn_expired_deletion(SESSION_CLEANUP_EVERY);
        let search = open_search(&config, db.clone()).await?;
        search.spawn();
        search.spawn_checks(config.index_check_every);
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {}", config.addr))?;
        let mail = crate::mail::Sender::new(db.clone(), &config)?;
        let sms = crate::sms::SmsSender::new(db.clone(), &config)?;
        let audit = crate::db::audit::AuditWriter::spawn(db.clone());
        let state = AppState {
            audit,
            tokens: Arc::default(),
            districts: Arc::default(),
            board_rows: Arc::default(),
            db,
            config: Arc::new(config),
            search,
            mail,
            sms,
            throttle: Arc::default(),
        };
        let scheduler_state = state.clone();
        let quiet = Arc::new(std::sync::Mutex::new(
            crate::service::notify::Quiet::default(),
        ));
        state.mail.spawn(move || {
            let s = scheduler_state.clone();
            let quiet = quiet.clone();
            s.throttle.prune();
            async move { crate::service::notify::schedule(&s, &quiet).await }
        });
        let sms_state = state.clone();
        state.sms.spawn(move || {
            let s = sms_state.clone();
            async move { crate::service::messages::schedule(&s).await }
        });
        crate::service::retention::spawn(state.clone());
        crate::service::import_jobs::spawn(state.clone());
        let router = crate::web::router(state.clone(), store);
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until Ctrl-C / SIGTERM.
    pub async fn run(self) -> anyhow::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
