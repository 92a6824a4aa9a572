//! Building tantivy queries from what people type. Input is tokenized with the same analyzer
//! as the index, so quotes, brackets, operators and 5,000-character pastes are just text; the
//! words become a BM25-ranked disjunction of term queries, each widened by its synonyms.

use std::collections::HashSet;
use std::ops::Bound;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

use super::SearchIndex;
use super::analyzer::Lexicon;

/// Most query words used (a pasted essay still answers quickly).
const MAX_TOKENS: usize = 48;

/// A disjunction over `fields` of the tokens of `parts` (text, weight), with synonyms at 0.8.
pub fn text_query(
    lex: &Lexicon,
    parts: &[(&str, f32)],
    fields: &[(Field, f32)],
) -> Option<Box<dyn Query>> {
    let mut seen = HashSet::new();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (text, weight) in parts {
        let text: String = text.chars().take(2000).collect();
        for token in lex.query_tokens(&text) {
            if seen.len() >= MAX_TOKENS {
                break;
            }
            let mut words = vec![(token.clone(), *weight)];
            words.extend(
                lex.synonyms(&token)
                    .iter()
                    .map(|s| (s.clone(), weight * 0.8)),
            );
            for (word, w) in words {
                if !seen.insert(word.clone()) {
                    continue;
                }
                for (field, boost) in fields {
                    let q = TermQuery::new(
                        Term::from_field_text(*field, &word),
                        IndexRecordOption::WithFreqs,
                    );
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(q), w * boost)),
                    ));
                }
            }
        }
    }
    if clauses.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

/// `lo <= field <= hi` on an i64 field.
pub fn range_i64(field: Field, lo: i64, hi: i64) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_i64(field, lo)),
        Bound::Included(Term::from_field_i64(field, hi)),
    ))
}

/// `field == value` on a raw string field.
pub fn term_str(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// `field == value` on an i64 field.
pub fn term_i64(field: Field, value: i64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_i64(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Combines an optional scoring query with filters (which do not score).
pub fn filtered(scoring: Option<Box<dyn Query>>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match scoring {
        Some(q) => clauses.push((Occur::Must, q)),
        None => clauses.push((Occur::Must, Box::new(AllQuery))),
    }
    for f in filters {
        clauses.push((Occur::Must, Box::new(BoostQuery::new(f, 0.0))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Runs a query: the ids (u64 `id` fast field) of one page, best first, and the total.
pub fn page_of_ids(
    searcher: &Searcher,
    query: &dyn Query,
    id_field: &str,
    offset: usize,
    limit: usize,
) -> anyhow::Result<(Vec<u64>, usize)> {
    let (top, total) = searcher.search(
        query,
        &(
            TopDocs::with_limit(limit.max(1))
                .and_offset(offset)
                .order_by_score(),
            Count,
        ),
    )?;
    let ids = ids_of(searcher, id_field, top.iter().map(|(_, a)| *a))?;
    Ok((ids, total))
}

/// Reads the `id` fast field of documents.
pub fn ids_of(
    searcher: &Searcher,
    id_field: &str,
    addrs: impl Iterator<Item = DocAddress>,
) -> anyhow::Result<Vec<u64>> {
    let mut out = Vec::new();
    for a in addrs {
        let col = searcher
            .segment_reader(a.segment_ord)
            .fast_fields()
            .u64(id_field)?;
        if let Some(id) = col.first(a.doc_id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Pages of ids already answered by the searcher that would answer them again: the same
/// query (words, filters, page, today's date for the board) against the same searcher
/// generation has the same answer, so it is kept. A searcher changes when the index commits
/// a change (the feed applies one, a rebuild), and the entries of older generations are
/// dropped then, so an answer is never older than the index. The job board's and a station's
/// common words (普工, 厨师, paging through one search) are then answered without scoring
/// every matching document again.
#[derive(Default)]
pub struct Answers {
    inner: std::sync::Mutex<AnswersInner>,
}

#[derive(Default)]
struct AnswersInner {
    /// the (vacancies, workers) searcher generations the entries belong to
    generation: (u64, u64),
    entries: std::collections::HashMap<String, (Vec<u64>, usize)>,
}

impl Answers {
    /// Most pages kept (emptied when full).
    const MAX: usize = 2048;

    fn get(&self, generation: (u64, u64), key: &str) -> Option<(Vec<u64>, usize)> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.generation != generation {
            return None;
        }
        inner.entries.get(key).cloned()
    }

    fn put(&self, generation: (u64, u64), key: String, answer: &(Vec<u64>, usize)) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.generation != generation {
            inner.generation = generation;
            inner.entries.clear();
        }
        if inner.entries.len() >= Self::MAX {
            inner.entries.clear();
        }
        inner.entries.insert(key, answer.clone());
    }
}

/// Answers a query through the cache of the index: `search` gets the (vacancies, workers)
/// searchers and runs only when the current generation has no answer for `key` yet.
fn cached(
    ix: &SearchIndex,
    key: String,
    search: impl FnOnce(&Searcher, &Searcher) -> anyhow::Result<(Vec<u64>, usize)>,
) -> anyhow::Result<(Vec<u64>, usize)> {
    let vacancies = ix.vacancies.reader.searcher();
    let workers = ix.workers.reader.searcher();
    let generation = generations(&vacancies, &workers);
    if let Some(hit) = ix.answers.get(generation, &key) {
        return Ok(hit);
    }
    let answer = search(&vacancies, &workers)?;
    ix.answers.put(generation, key, &answer);
    Ok(answer)
}

fn generations(vacancies: &Searcher, workers: &Searcher) -> (u64, u64) {
    (
        vacancies.generation().generation_id(),
        workers.generation().generation_id(),
    )
}

/// The answer the current searchers already gave to `key`, if any: no searching, so a caller
/// on the async runtime asks this first and hands only a real search to a blocking thread.
fn kept(ix: &SearchIndex, key: &str) -> Option<(Vec<u64>, usize)> {
    let generation = generations(
        &ix.vacancies.reader.searcher(),
        &ix.workers.reader.searcher(),
    );
    ix.answers.get(generation, key)
}

fn board_key(b: &BoardQuery) -> String {
    format!("board {b:?}")
}

fn caseload_key(c: &CaseloadQuery) -> String {
    format!("caseload {c:?}")
}

/// The board's answer already kept for `b` ([`kept`]).
pub fn kept_board(ix: &SearchIndex, b: &BoardQuery) -> Option<(Vec<u64>, usize)> {
    kept(ix, &board_key(b))
}

/// The worker list's answer already kept for `c` ([`kept`]).
pub fn kept_caseload(ix: &SearchIndex, c: &CaseloadQuery) -> Option<(Vec<u64>, usize)> {
    kept(ix, &caseload_key(c))
}

/// Job-board search: open, unexpired vacancies with places left matching the words, with the
/// given filters. Returns a page of ids and the total.
#[derive(Debug, Default, Clone)]
pub struct BoardQuery {
    pub q: String,
    pub town: Option<String>,
    pub programme: Option<i64>,
    pub wage_at_least: Option<i64>,
    pub lodging: bool,
    pub today_days: i64,
    pub offset: usize,
    pub limit: usize,
}

pub fn search_board(ix: &SearchIndex, b: &BoardQuery) -> anyhow::Result<(Vec<u64>, usize)> {
    cached(ix, board_key(b), |vacancies, _| {
        board_page(ix, vacancies, b)
    })
}

fn board_page(
    ix: &SearchIndex,
    searcher: &Searcher,
    b: &BoardQuery,
) -> anyhow::Result<(Vec<u64>, usize)> {
    let f = &ix.vacancies.fields;
    let text = text_query(
        &ix.lexicon,
        &[(&b.q, 1.0)],
        &[
            (f.title, 3.0),
            (f.occupation, 2.0),
            (f.description, 1.0),
            (f.employer, 1.0),
        ],
    );
    let Some(text) = text else {
        return Ok((Vec::new(), 0));
    };
    let mut filters = vec![
        term_str(f.status, "open"),
        range_i64(f.expires_days, b.today_days, i64::MAX),
        range_i64(f.places_left, 1, i64::MAX),
    ];
    if let Some(t) = &b.town {
        filters.push(term_str(f.town, t));
    }
    if let Some(p) = b.programme {
        filters.push(term_i64(f.programme, p));
    }
    if let Some(w) = b.wage_at_least {
        filters.push(range_i64(f.wage_max, w, i64::MAX));
    }
    if b.lodging {
        filters.push(Box::new(TermQuery::new(
            Term::from_field_u64(f.lodging, 1),
            IndexRecordOption::Basic,
        )));
    }
    let q = filtered(Some(text), filters);
    page_of_ids(searcher, q.as_ref(), "id", b.offset, b.limit)
}

/// The towns of the board's open vacancies (open, unexpired, places left, public) and how many
/// each has, counted in the index with the board's own filters, so the town filter offers
/// exactly the towns a search can find. Kept per searcher generation and day, like
/// [`Answers`]: counting is a few `Count`s over the vacancies, cheap but not free, and the
/// board page asks on every request.
#[derive(Default)]
pub struct TownCounts {
    inner: std::sync::Mutex<Option<KeptTowns>>,
}

/// The searcher generation and day the towns were counted for, and the towns.
type KeptTowns = (u64, i64, Vec<(String, usize)>);

/// The towns already counted by the current searcher today, if any (no searching).
pub fn kept_towns(ix: &SearchIndex, today_days: i64) -> Option<Vec<(String, usize)>> {
    let generation = ix.vacancies.reader.searcher().generation().generation_id();
    let kept = ix.towns.inner.lock().unwrap_or_else(|e| e.into_inner());
    match kept.as_ref() {
        Some((g, d, towns)) if *g == generation && *d == today_days => Some(towns.clone()),
        _ => None,
    }
}

pub fn open_towns(ix: &SearchIndex, today_days: i64) -> anyhow::Result<Vec<(String, usize)>> {
    if let Some(towns) = kept_towns(ix, today_days) {
        return Ok(towns);
    }
    let searcher = ix.vacancies.reader.searcher();
    let generation = searcher.generation().generation_id();
    let f = &ix.vacancies.fields;
    let mut codes = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(f.town)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            codes.insert(String::from_utf8_lossy(terms.key()).into_owned());
        }
    }
    let mut towns = Vec::new();
    for code in codes {
        let q = filtered(
            None,
            vec![
                term_str(f.status, "open"),
                range_i64(f.expires_days, today_days, i64::MAX),
                range_i64(f.places_left, 1, i64::MAX),
                term_str(f.town, &code),
            ],
        );
        let n = searcher.search(q.as_ref(), &Count)?;
        if n > 0 {
            towns.push((code, n));
        }
    }
    *ix.towns.inner.lock().unwrap_or_else(|e| e.into_inner()) =
        Some((generation, today_days, towns.clone()));
    Ok(towns)
}

/// Worker-list search for stations and the admin.
#[derive(Debug, Default, Clone)]
pub struct CaseloadQuery {
    pub q: String,
    /// Only this station's workers.
    pub station_id: Option<i64>,
    pub township: Option<String>,
    pub status: Option<String>,
    pub household: Vec<&'static str>,
    pub offset: usize,
    pub limit: usize,
}

pub fn search_caseload(ix: &SearchIndex, c: &CaseloadQuery) -> anyhow::Result<(Vec<u64>, usize)> {
    cached(ix, caseload_key(c), |_, workers| {
        caseload_page(ix, workers, c)
    })
}

fn caseload_page(
    ix: &SearchIndex,
    searcher: &Searcher,
    c: &CaseloadQuery,
) -> anyhow::Result<(Vec<u64>, usize)> {
    let f = &ix.workers.fields;
    let Some(text) = text_query(
        &ix.lexicon,
        &[(&c.q, 1.0)],
        &[
            (f.name, 3.0),
            (f.skills, 2.0),
            (f.jobs, 2.0),
            (f.certs, 1.5),
        ],
    ) else {
        return Ok((Vec::new(), 0));
    };
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    if let Some(s) = c.station_id {
        filters.push(term_i64(f.station, s));
    }
    if let Some(t) = &c.township {
        filters.push(term_str(f.township, t));
    }
    if let Some(s) = &c.status {
        filters.push(term_str(f.status, s));
    }
    for flag in &c.household {
        filters.push(term_str(f.household, flag));
    }
    let q = filtered(Some(text), filters);
    page_of_ids(searcher, q.as_ref(), "id", c.offset, c.limit)
}
