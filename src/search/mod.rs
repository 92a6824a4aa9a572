//! Full-text search and two-way matching with tantivy.
//!
//! - [`analyzer`]: jieba with the domain dictionary and synonyms (`index/`).
//! - [`schema`]: the vacancy and worker documents and their fields.
//! - [`query`]: user text → tantivy queries that never fail on odd input.
//! - [`matching`]: worker → vacancies and vacancy → workers, with reasons in Chinese.
//! - [`sync`]: the index as derived data: change rows applied in batches, the last one applied
//!   kept in the tantivy commit payload, full rebuild for `laowu reindex`.
//!
//! One [`SearchIndex`] per process: one `IndexReader` per side (a `Searcher` per request) and a
//! single `IndexWriter` per side behind a mutex; callers run searches and commits on blocking
//! threads.

pub mod analyzer;
pub mod bench;
pub mod matching;
pub mod query;
pub mod schema;
pub mod sync;

use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use analyzer::Lexicon;
use schema::{TOKENIZER, VacancyDoc, VacancyFields, WorkerDoc, WorkerFields};

/// One index (vacancies or workers) with its reader, writer and fields.
pub struct Side<F> {
    pub index: Index,
    pub reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub fields: F,
}

impl<F> Side<F> {
    fn open(
        dir: Option<&Path>,
        schema: Schema,
        fields: F,
        lexicon: &Lexicon,
        heap: usize,
    ) -> anyhow::Result<(Self, bool)> {
        let (index, fresh) = match dir {
            None => (Index::create_in_ram(schema), true),
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
        let writer = index
            .writer(heap)
            .context("opening the index writer (is another laowu process using this data dir?)")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening the index reader")?;
        Ok((
            Self {
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
            },
            fresh,
        ))
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The last change id recorded in the newest commit.
    fn payload(&self) -> Option<i64> {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| p.parse().ok())
    }

    fn commit(&self, payload: Option<i64>) -> anyhow::Result<()> {
        let mut w = self.writer();
        let mut prepared = w.prepare_commit().context("preparing index commit")?;
        if let Some(p) = payload {
            prepared.set_payload(&p.to_string());
        }
        prepared.commit().context("committing the index")?;
        drop(w);
        self.reader.reload().context("reloading the index reader")
    }
}

/// Both indexes and the lexicon.
pub struct SearchIndex {
    pub lexicon: Lexicon,
    pub vacancies: Side<VacancyFields>,
    pub workers: Side<WorkerFields>,
    /// The index was created empty (new, or an old schema) and must be rebuilt.
    pub needs_rebuild: bool,
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
        Ok(Self {
            lexicon,
            vacancies,
            workers,
            needs_rebuild,
        })
    }

    /// The last change row applied to both indexes.
    pub fn last_change(&self) -> Option<i64> {
        match (self.vacancies.payload(), self.workers.payload()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        }
    }

    /// Replaces (or adds) a vacancy document; visible after [`SearchIndex::commit`].
    pub fn put_vacancy(&self, v: &VacancyDoc) -> anyhow::Result<()> {
        let f = &self.vacancies.fields;
        let w = self.vacancies.writer();
        w.delete_term(Term::from_field_u64(f.id, v.id));
        w.add_document(f.document(v))?;
        Ok(())
    }

    pub fn delete_vacancy(&self, id: u64) {
        let f = &self.vacancies.fields;
        self.vacancies
            .writer()
            .delete_term(Term::from_field_u64(f.id, id));
    }

    /// Replaces (or adds) a worker document.
    pub fn put_worker(&self, d: &WorkerDoc) -> anyhow::Result<()> {
        let f = &self.workers.fields;
        let w = self.workers.writer();
        w.delete_term(Term::from_field_u64(f.id, d.id));
        w.add_document(f.document(d))?;
        Ok(())
    }

    pub fn delete_worker(&self, id: u64) {
        let f = &self.workers.fields;
        self.workers
            .writer()
            .delete_term(Term::from_field_u64(f.id, id));
    }

    /// Adds many vacancies without the per-document delete (fresh builds).
    pub fn add_vacancies(&self, docs: &[VacancyDoc]) -> anyhow::Result<()> {
        let f = &self.vacancies.fields;
        let w = self.vacancies.writer();
        for d in docs {
            w.add_document(f.document(d))?;
        }
        Ok(())
    }

    /// Adds many workers without the per-document delete (fresh builds).
    pub fn add_workers(&self, docs: &[WorkerDoc]) -> anyhow::Result<()> {
        let f = &self.workers.fields;
        let w = self.workers.writer();
        for d in docs {
            w.add_document(f.document(d))?;
        }
        Ok(())
    }

    /// Removes every document (before a rebuild).
    pub fn clear(&self) -> anyhow::Result<()> {
        self.vacancies.writer().delete_all_documents()?;
        self.workers.writer().delete_all_documents()?;
        Ok(())
    }

    /// Commits both sides, recording `last_change`, and makes the changes visible.
    pub fn commit(&self, last_change: Option<i64>) -> anyhow::Result<()> {
        self.vacancies.commit(last_change)?;
        self.workers.commit(last_change)
    }
}
