//! Full-text search and two-way matching with tantivy.
//!
//! - [`analyzer`]: jieba with the domain dictionary and synonyms (`index/`).
//! - [`schema`]: the vacancy and worker documents and their fields.
//! - [`query`]: user text → tantivy queries that never fail on odd input.
//! - [`matching`]: worker → vacancies and vacancy → workers, occupations first, with reasons
//!   in Chinese.
//! - [`relevance`]: the judged set and its figures (`laowu bench relevance`).
//! - [`sync`]: the index as derived data: change rows applied in batches, the feed cursor
//!   kept in the tantivy commit payload, full rebuild for `laowu reindex`.
//! - [`verify`]: index against database, document by document (`laowu index verify`, and a
//!   slow background check in the server).
//!
//! One [`SearchIndex`] per process: one `IndexReader` per side (a `Searcher` per request) and a
//! single `IndexWriter` per side behind a mutex; callers run searches and commits on blocking
//! threads.

pub mod analyzer;
pub mod bench;
pub mod matching;
pub mod query;
pub mod relevance;
pub mod schema;
pub mod seed;
pub mod sync;
pub mod verify;

use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::db::changes::FeedPos;
use analyzer::Lexicon;
use schema::{TOKENIZER, VacancyDoc, VacancyFields, WorkerDoc, WorkerFields};

/// One index (vacancies or workers) with its reader, writer and fields.
pub struct Side<F> {
    pub index: Index,
    pub reader: IndexReader,
    /// `None` when opened to read only.
    writer: Option<Mutex<IndexWriter>>,
    pub fields: F,
}

impl<F> Side<F> {
    /// Opens one side; `heap: None` opens it to read only (no writer, nothing created).
    fn open(
        dir: Option<&Path>,
        schema: Schema,
        fields: F,
        lexicon: &Lexicon,
        heap: Option<usize>,
    ) -> anyhow::Result<(Self, bool)> {
        let (index, fresh) = match dir {
            None => (Index::create_in_ram(schema), true),
            Some(dir) if heap.is_none() => {
                let i = Index::open_in_dir(dir)
                    .with_context(|| format!("opening the index in {}", dir.display()))?;
                anyhow::ensure!(
                    i.schema() == schema,
                    "the index in {} is from another version: run laowu reindex",
                    dir.display()
                );
                (i, false)
            }
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                let existing = Index::open_in_dir(dir)
                    .ok()
                    .filter(|i| i.schema() == schema);
                match existing {
                    Some(i) => (i, false),
                    None => {
                        // missing or from another schema version: start empty, rebuild from the database
                        for entry in std::fs::read_dir(dir)? {
                            let p = entry?.path();
                            if p.is_file() {
                                std::fs::remove_file(&p).ok();
                            }
                        }
                        let mmap = MmapDirectory::open(dir).context("opening index directory")?;
                        (
                            Index::create(mmap, schema, Default::default())
                                .context("creating index")?,
                            true,
                        )
                    }
                }
            }
        };
        index.tokenizers().register(TOKENIZER, lexicon.tokenizer());
        let writer = match heap {
            Some(heap) => Some(Mutex::new(index.writer(heap).context(
                "opening the index writer (is another laowu process using this data dir?)",
            )?)),
            None => None,
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening the index reader")?;
        Ok((
            Self {
                index,
                reader,
                writer,
                fields,
            },
            fresh,
        ))
    }

    fn writer(&self) -> anyhow::Result<std::sync::MutexGuard<'_, IndexWriter>> {
        Ok(self
            .writer
            .as_ref()
            .context("the index was opened to read only")?
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// The feed cursor recorded in the newest commit (`feed XID ID`; anything else, such as
    /// the bare change id of older versions, is no cursor: the index is rebuilt).
    fn payload(&self) -> Option<FeedPos> {
        let p = self.index.load_metas().ok()?.payload?;
        let mut it = p.strip_prefix("feed ")?.split(' ');
        let xid = it.next()?.parse().ok()?;
        let id = it.next()?.parse().ok()?;
        Some(FeedPos { xid, id })
    }

    fn commit(&self, payload: Option<FeedPos>) -> anyhow::Result<()> {
        let mut w = self.writer()?;
        let mut prepared = w.prepare_commit().context("preparing index commit")?;
        if let Some(p) = payload {
            prepared.set_payload(&format!("feed {} {}", p.xid, p.id));
        }
        prepared.commit().context("committing the index")?;
        drop(w);
        self.reader.reload().context("reloading the index reader")
    }
}

/// The two kinds of indexed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Worker,
    Vacancy,
}

impl Entity {
    pub const ALL: [Entity; 2] = [Entity::Vacancy, Entity::Worker];

    /// The name used in change rows and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Worker => "worker",
            Entity::Vacancy => "vacancy",
        }
    }
}

/// The documents of one index side, as [`SearchIndex::hashes`] finds them.
#[derive(Debug, Default)]
pub struct IndexHashes {
    /// id → hash of the document as indexed
    pub docs: std::collections::HashMap<u64, u64>,
    /// ids indexed more than once
    pub twice: Vec<u64>,
}

/// Both indexes and the lexicon.
pub struct SearchIndex {
    pub lexicon: Lexicon,
    pub vacancies: Side<VacancyFields>,
    pub workers: Side<WorkerFields>,
    /// The index was created empty (new, or an old schema) and must be rebuilt.
    pub needs_rebuild: bool,
    /// Pages already answered by the current searchers ([`query::Answers`]).
    pub answers: query::Answers,
    /// The board's towns with open vacancies ([`query::open_towns`]).
    pub towns: query::TownCounts,
}

impl SearchIndex {
    /// Opens (or creates) the indexes under `dir`; `None` keeps them in memory.
    pub fn open(dir: Option<&Path>, lexicon: Lexicon) -> anyhow::Result<Self> {
        Self::open_with_heap(dir, lexicon, 50_000_000)
    }

    /// As [`SearchIndex::open`] with a writer memory budget per side (bytes).
    pub fn open_with_heap(
        dir: Option<&Path>,
        lexicon: Lexicon,
        heap: usize,
    ) -> anyhow::Result<Self> {
        Self::open_sides(dir, lexicon, Some(heap))
    }

    /// Opens the existing indexes under `dir` to read only (while a server holds the writers:
    /// `laowu index verify`).
    pub fn open_read_only(dir: &Path, lexicon: Lexicon) -> anyhow::Result<Self> {
        Self::open_sides(Some(dir), lexicon, None)
    }

    fn open_sides(
        dir: Option<&Path>,
        lexicon: Lexicon,
        heap: Option<usize>,
    ) -> anyhow::Result<Self> {
        let (vs, vf) = VacancyFields::schema();
        let (ws, wf) = WorkerFields::schema();
        let (vacancies, v_fresh) = Side::open(
            dir.map(|d| d.join("vacancies")).as_deref(),
            vs,
            vf,
            &lexicon,
            heap,
        )?;
        let (workers, w_fresh) = Side::open(
            dir.map(|d| d.join("workers")).as_deref(),
            ws,
            wf,
            &lexicon,
            heap,
        )?;
        let needs_rebuild = v_fresh || w_fresh || vacancies.payload() != workers.payload();
        // (a read-only open never rebuilds: it reports what it finds)
        Ok(Self {
            lexicon,
            vacancies,
            workers,
            needs_rebuild,
            answers: query::Answers::default(),
            towns: query::TownCounts::default(),
        })
    }

    /// The feed cursor of both indexes: every change row below it has been applied.
    pub fn last_change(&self) -> Option<FeedPos> {
        match (self.vacancies.payload(), self.workers.payload()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        }
    }

    /// Re-reads the newest commit (another process writes this index: `laowu index verify`
    /// next to a running server).
    pub fn reload(&self) -> anyhow::Result<()> {
        self.vacancies.reader.reload()?;
        self.workers.reader.reload()?;
        Ok(())
    }

    /// Every document of one side as id → [`schema::DOC_HASH`] (a document indexed twice
    /// shows up in `twice`).
    pub fn hashes(&self, entity: Entity) -> anyhow::Result<IndexHashes> {
        let searcher = match entity {
            Entity::Vacancy => self.vacancies.reader.searcher(),
            Entity::Worker => self.workers.reader.searcher(),
        };
        let mut out = IndexHashes::default();
        for seg in searcher.segment_readers() {
            let ids = seg.fast_fields().u64("id")?;
            let hashes = seg.fast_fields().u64(schema::DOC_HASH)?;
            for doc in seg.doc_ids_alive() {
                let (Some(id), Some(h)) = (ids.first(doc), hashes.first(doc)) else {
                    continue;
                };
                if out.docs.insert(id, h).is_some() {
                    out.twice.push(id);
                }
            }
        }
        Ok(out)
    }

    /// Replaces (or adds) a vacancy document; visible after [`SearchIndex::commit`].
    pub fn put_vacancy(&self, v: &VacancyDoc) -> anyhow::Result<()> {
        let f = &self.vacancies.fields;
        let w = self.vacancies.writer()?;
        w.delete_term(Term::from_field_u64(f.id, v.id));
        w.add_document(f.document(v))?;
        Ok(())
    }

    pub fn delete_vacancy(&self, id: u64) -> anyhow::Result<()> {
        let f = &self.vacancies.fields;
        self.vacancies
            .writer()?
            .delete_term(Term::from_field_u64(f.id, id));
        Ok(())
    }

    /// Replaces (or adds) a worker document.
    pub fn put_worker(&self, d: &WorkerDoc) -> anyhow::Result<()> {
        let f = &self.workers.fields;
        let w = self.workers.writer()?;
        w.delete_term(Term::from_field_u64(f.id, d.id));
        w.add_document(f.document(d))?;
        Ok(())
    }

    pub fn delete_worker(&self, id: u64) -> anyhow::Result<()> {
        let f = &self.workers.fields;
        self.workers
            .writer()?
            .delete_term(Term::from_field_u64(f.id, id));
        Ok(())
    }

    /// Adds many vacancies without the per-document delete (fresh builds).
    pub fn add_vacancies(&self, docs: &[VacancyDoc]) -> anyhow::Result<()> {
        let f = &self.vacancies.fields;
        let w = self.vacancies.writer()?;
        for d in docs {
            w.add_document(f.document(d))?;
        }
        Ok(())
    }

    /// Adds many workers without the per-document delete (fresh builds).
    pub fn add_workers(&self, docs: &[WorkerDoc]) -> anyhow::Result<()> {
        let f = &self.workers.fields;
        let w = self.workers.writer()?;
        for d in docs {
            w.add_document(f.document(d))?;
        }
        Ok(())
    }

    /// Removes every document (before a rebuild).
    pub fn clear(&self) -> anyhow::Result<()> {
        self.vacancies.writer()?.delete_all_documents()?;
        self.workers.writer()?.delete_all_documents()?;
        Ok(())
    }

    /// Commits both sides, recording the feed cursor, and makes the changes visible.
    pub fn commit(&self, last_change: Option<FeedPos>) -> anyhow::Result<()> {
        self.vacancies.commit(last_change)?;
        self.workers.commit(last_change)
    }
}
