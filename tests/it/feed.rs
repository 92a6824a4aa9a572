//! The change feed keeps every node's index exact (issue #13): transactions that commit late or
//! out of order, writers whose clocks disagree, a node killed with SIGKILL, several nodes
//! writing at once — and `laowu index verify` agrees afterwards.

use std::time::{Duration, Instant};

use laowu::db::Db;
use laowu::search::Entity;
use laowu::search::query::{CaseloadQuery, search_caseload};
use serde_json::json;

use crate::helpers::{TestApp, id_number, spawn_app, spawn_app_with};

fn on_postgres() -> bool {
    std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

/// PostgreSQL-only tests return early on SQLite, saying so.
fn skip_on_sqlite(test: &str) -> bool {
    if on_postgres() {
        return false;
    }
    println!(
        "{test}: PostgreSQL only (SQLite has one writer at a time: a second transaction waits \
         for the first to commit, so ids cannot commit out of order there)"
    );
    true
}

/// Inserts a worker with `skill` through the db layer (which writes its change row) inside
/// the caller's transaction.
async fn insert_worker(tx: &mut sqlx::Transaction<'_, sqlx::Any>, seq: u32, skill: &str) -> i64 {
    let body: laowu::domain::worker::WorkerInput = serde_json::from_value(json!({
        "name": "田兴旺", "id_number": id_number("19880303", seq),
        "phone": format!("136{:08}", seq), "hometown_code": "520328101",
        "skills": skill, "desired_jobs": "普工",
    }))
    .unwrap();
    let w = body.parse(laowu::domain::today()).unwrap();
    let reg = laowu::db::workers::Registration {
        station_id: None,
        consent_by: "测试",
        created_by: None,
    };
    laowu::db::workers::insert(tx, &w, &reg).await.unwrap()
}

/// The ids of the workers a node's index finds for `word`.
fn found(app: &TestApp, word: &str) -> Vec<i64> {
    let q = CaseloadQuery {
        q: word.into(),
        limit: 1000,
        ..Default::default()
    };
    let (mut ids, _) = search_caseload(&app.search.index, &q).unwrap();
    ids.sort_unstable();
    ids.into_iter().map(|i| i as i64).collect()
}

/// Waits (at most `secs`) until every node's index finds exactly `want` for `word`.
async fn eventually_found(nodes: &[&TestApp], word: &str, want: &[i64], secs: u64) {
    let mut want = want.to_vec();
    want.sort_unstable();
    let deadline = Instant::now() + Duration::from_secs(secs);
    for (n, app) in nodes.iter().enumerate() {
        loop {
            let got = found(app, word);
            if got == want {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "node {n}: the index finds {got:?} for {word}, the database holds {want:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// `index verify` on a node (in process) finds no difference.
async fn verified(app: &TestApp) {
    for d in app.search.verify(false).await.unwrap() {
        assert!(d.is_empty(), "index differs from the database: {d:?}");
    }
}

/// Registers a worker through a node's API as `station`; returns its id.
async fn api_worker(app: &TestApp, station: &str, seq: u32) -> i64 {
    let id = id_number("19920505", seq);
    app.station_worker(station, &id, &format!("137{seq:08}"), false)
        .await
}

#[tokio::test]
async fn a_transaction_held_open_10_s_is_indexed_on_every_node_when_it_commits() {
    if skip_on_sqlite("held-open transaction") {
        return;
    }
    let one = spawn_app().await;
    let two = spawn_app_with(Some(one.database_url.clone()), |_| {}).await;
    let admin = one.admin().await;
    let (_, station) = one
        .station(&admin, "湄潭县劳务工作站", "st@test.local")
        .await;

    // A transaction takes the next change id, then stays open for 10 s.
    let started = Instant::now();
    let mut held = one.db.begin().await.unwrap();
    let late = insert_worker(&mut held, 1, "叉车").await;

    // Meanwhile the other node commits later changes, which both nodes index at once.
    let mut early = Vec::new();
    for seq in 0..2 {
        early.push(api_worker(&two, &station, seq).await);
    }
    eventually_found(&[&one, &two], "粤菜", &early, 5).await;
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(started.elapsed())).await;
    early.push(api_worker(&two, &station, 2).await);
    held.commit().await.unwrap();

    eventually_found(&[&one, &two], "粤菜", &early, 10).await;
    eventually_found(&[&one, &two], "叉车", &[late], 10).await;
    for app in [&one, &two] {
        app.wait_indexed().await;
        verified(app).await;
    }
}

#[tokio::test]
async fn a_writer_whose_clock_is_10_s_behind_loses_nothing() {
    if skip_on_sqlite("clock 10 s behind") {
        return;
    }
    // The indexer reads no clock at all; the only time in the feed is the writer's
    // `created_at`, which a node 10 s behind writes 10 s in the past.
    let one = spawn_app().await;
    let two = spawn_app_with(Some(one.database_url.clone()), |_| {}).await;

    let mut first = one.db.begin().await.unwrap();
    let a = insert_worker(&mut first, 11, "焊工").await;

    let mut skewed = two.db.begin().await.unwrap();
    let b = insert_worker(&mut skewed, 12, "焊工").await;
    let behind =
        laowu::domain::fmt_instant(time::OffsetDateTime::now_utc() - time::Duration::seconds(10));
    sqlx::query(
        "update search_changes set created_at = $1 where entity = 'worker' and entity_id = $2",
    )
    .bind(behind)
    .bind(b)
    .execute(&mut *skewed)
    .await
    .unwrap();
    skewed.commit().await.unwrap();
    // the skewed node's change (a later id) is visible; the first transaction is still open
    eventually_found(&[&one, &two], "焊工", &[b], 5).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    first.commit().await.unwrap();

    eventually_found(&[&one, &two], "焊工", &[a, b], 10).await;
    for app in [&one, &two] {
        verified(app).await;
    }
}

/// A `laowu serve` child process, killed with SIGKILL when dropped.
struct Node(std::process::Child);

impl Drop for Node {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn laowu(args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_laowu"));
    c.args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    c
}

async fn start_node(data_dir: &str, url: &str, port: u16) -> Node {
    let addr = format!("127.0.0.1:{port}");
    let child = laowu(&[
        "serve",
        "--addr",
        &addr,
        "--data-dir",
        data_dir,
        "--database-url",
        url,
    ])
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .expect("start laowu serve");
    let node = Node(child);
    let health = format!("http://{addr}/healthz");
    for _ in 0..300 {
        if reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return node;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("laowu serve did not answer on {addr}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `laowu index verify` on a data dir; (exit success, output).
fn verify_cli(data_dir: &str, url: &str, repair: bool) -> (bool, String) {
    let mut args = vec![
        "index",
        "verify",
        "--data-dir",
        data_dir,
        "--database-url",
        url,
    ];
    if repair {
        args.push("--repair");
    }
    let out = laowu(&args).output().expect("run laowu index verify");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn write_workers(db: &Db, seqs: std::ops::Range<u32>) {
    for seq in seqs {
        let mut tx = db.begin().await.unwrap();
        insert_worker(&mut tx, 100 + seq, "电工").await;
        tx.commit().await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_node_killed_mid_way_catches_up_when_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("node");
    let data_dir = data_dir.to_str().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = laowu::db::connect(&url).await.unwrap();
    let port = free_port();

    let node = start_node(data_dir, &url, port).await;
    // Another process writes while the node indexes; it dies with SIGKILL in the middle.
    let writer = {
        let db = db.clone();
        tokio::spawn(async move { write_workers(&db, 0..150).await })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    drop(node);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _node = start_node(data_dir, &url, port).await;
    writer.await.unwrap();

    // The restarted node applies what its index missed: verify (next to the running server,
    // reading only) finds the index equal to the database.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (ok, out) = verify_cli(data_dir, &url, false);
        if ok {
            assert!(out.contains("索引与数据库一致"), "{out}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "index verify still differs:\n{out}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Eight workers and a vacancy through one node's API; returns the workers' ids.
async fn write_on(app: &TestApp, station: &str, hr: &str, base: u32) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(api_worker(app, station, base + i).await);
    }
    let r = app
        .post(
            "/api/v1/vacancies",
            Some(hr),
            &crate::helpers::vacancy_body("电子厂普工"),
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    ids
}

#[tokio::test]
async fn three_nodes_writing_at_once_converge() {
    let one = spawn_app().await;
    let two = spawn_app_with(Some(one.database_url.clone()), |_| {}).await;
    let three = spawn_app_with(Some(one.database_url.clone()), |_| {}).await;
    let admin = one.admin().await;
    let (_, station) = one
        .station(&admin, "湄潭县劳务工作站", "st@test.local")
        .await;
    let (_, hr) = one.verified_employer(&admin, 700).await;

    let (a, b, c) = tokio::join!(
        write_on(&one, &station, &hr, 0),
        write_on(&two, &station, &hr, 100),
        write_on(&three, &station, &hr, 200)
    );
    let all: Vec<i64> = a.into_iter().chain(b).chain(c).collect();
    assert_eq!(all.len(), 24);

    eventually_found(&[&one, &two, &three], "粤菜", &all, 10).await;
    for app in [&one, &two, &three] {
        app.wait_indexed().await;
        verified(app).await;
        let workers = app.search.index.hashes(Entity::Worker).unwrap();
        let vacancies = app.search.index.hashes(Entity::Vacancy).unwrap();
        assert_eq!((workers.docs.len(), vacancies.docs.len()), (24, 3));
    }
}

/// Breaks a node's index behind the indexer's back: one worker gone, one stale, one extra.
async fn break_index(app: &TestApp, gone: i64, stale: i64) {
    let index = &app.search.index;
    index.delete_worker(gone as u64).unwrap();
    let row = laowu::db::workers::get(&app.db, stale)
        .await
        .unwrap()
        .unwrap();
    let mut doc = laowu::search::sync::worker_doc(&row, &[]);
    doc.name = "改过的名字".into();
    index.put_worker(&doc).unwrap();
    doc.id = 999_999;
    index.put_worker(&doc).unwrap();
    index.commit(app.search.cursor().await).unwrap();
}

#[tokio::test]
async fn index_verify_reports_and_repairs_what_differs() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "st@test.local")
        .await;
    let ids = [
        api_worker(&app, &station, 0).await,
        api_worker(&app, &station, 1).await,
        api_worker(&app, &station, 2).await,
    ];
    app.wait_indexed().await;
    verified(&app).await;
    let data_dir = app.data_dir.path().to_str().unwrap().to_owned();
    assert!(verify_cli(&data_dir, &app.database_url, false).0);

    break_index(&app, ids[0], ids[1]).await;
    let diffs = app.search.verify(false).await.unwrap();
    let workers = diffs.iter().find(|d| d.entity == Entity::Worker).unwrap();
    assert_eq!(
        (&workers.missing, &workers.extra, &workers.stale),
        (&vec![ids[0]], &vec![999_999], &vec![ids[1]])
    );
    let (ok, out) = verify_cli(&data_dir, &app.database_url, false);
    assert!(!ok, "{out}");
    for line in [
        format!("worker {} missing", ids[0]),
        "worker 999999 extra".to_owned(),
        format!("worker {} stale", ids[1]),
    ] {
        assert!(out.contains(&line), "{line} not in:\n{out}");
    }

    app.search.verify(true).await.unwrap();
    verified(&app).await;
    assert!(verify_cli(&data_dir, &app.database_url, false).0);
    assert_eq!(found(&app, "粤菜"), ids.to_vec());
}

#[tokio::test]
async fn the_server_repairs_its_index_in_the_background() {
    let app = spawn_app_with(None, |c| c.index_check_every = Duration::from_secs(1)).await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "st@test.local")
        .await;
    let a = api_worker(&app, &station, 0).await;
    let b = api_worker(&app, &station, 1).await;
    app.wait_indexed().await;

    break_index(&app, a, b).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let workers = app.search.index.hashes(Entity::Worker).unwrap();
        let mut ids: Vec<u64> = workers.docs.keys().copied().collect();
        ids.sort_unstable();
        if ids == [a as u64, b as u64] && found(&app, "粤菜") == [a, b] {
            break;
        }
        assert!(Instant::now() < deadline, "not repaired: {ids:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    verified(&app).await;
}
