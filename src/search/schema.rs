//! The two tantivy schemas (vacancies, workers) and the plain documents they index. Everything
//! matching needs lives in the index (text for BM25, fast fields for filters and re-ranking), so
//! a match never waits on the database.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{TantivyDocument, doc};

use crate::domain::Programme;
use crate::domain::occupation::taxonomy;

/// The fast field holding [`VacancyDoc::hash`] / [`WorkerDoc::hash`] of each document, so
/// `laowu index verify` can compare the index with the database without re-reading text.
pub const DOC_HASH: &str = "doc_hash";

/// A stable 64-bit hash of a document's indexed fields: SHA-256 of its `Debug` form, which
/// names every field. A build that cuts documents differently reports them stale once, and
/// repairs them.
fn hash_of(doc: &impl std::fmt::Debug) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{doc:?}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

impl VacancyDoc {
    /// The hash kept in the index with this document.
    pub fn hash(&self) -> u64 {
        hash_of(self)
    }
}

impl WorkerDoc {
    /// The hash kept in the index with this document.
    pub fn hash(&self) -> u64 {
        hash_of(self)
    }
}

/// Name under which the Chinese tokenizer is registered.
pub const TOKENIZER: &str = "zh";

fn text() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// Index of a programme (0..4), or -1.
pub fn programme_index(p: Option<Programme>) -> i64 {
    p.and_then(|p| Programme::ALL.iter().position(|x| *x == p))
        .map_or(-1, |i| i as i64)
}

/// A certificate label without its programme name (`粤菜师傅 中式烹调师 四级` → `中式烹调师 四级`).
fn strip_programme(p: Option<Programme>, label: &str) -> &str {
    p.and_then(|p| label.strip_prefix(p.name()))
        .map_or(label, str::trim_start)
}

/// A vacancy as indexed.
#[derive(Debug, Clone)]
pub struct VacancyDoc {
    pub id: u64,
    pub title: String,
    pub occupation: String,
    pub description: String,
    pub employer: String,
    /// open / filled / closed
    pub status: String,
    pub expires_days: i64,
    pub places_left: i64,
    pub town_code: String,
    pub programme: Option<Programme>,
    pub wage_min: i64,
    pub wage_max: i64,
    pub min_age: i64,
    pub max_age: i64,
    pub lodging: bool,
    pub meals: bool,
    pub assistance_workshop: bool,
    /// Occupation codes: the one chosen on the form first, then those inferred from the text.
    pub occupations: Vec<String>,
}

/// A worker as indexed.
#[derive(Debug, Clone)]
pub struct WorkerDoc {
    pub id: u64,
    pub name: String,
    pub skills: Vec<String>,
    pub desired_jobs: Vec<String>,
    /// Certificates held: the programme (if any) and a label such as `粤菜师傅 中式烹调师 四级`.
    pub certificates: Vec<(Option<Programme>, String)>,
    /// seeking / placed / inactive
    pub status: String,
    pub township_code: String,
    pub station_id: Option<i64>,
    pub household: [bool; 4],
    pub birth_days: i64,
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub available_days: Option<i64>,
    /// Occupation codes: the one chosen on the form first, then those inferred from the text.
    pub occupations: Vec<String>,
}

/// The bits of a set of occupation codes and of their families (index < 64 each; the
/// taxonomy refuses more).
pub fn occupation_masks(codes: &[String]) -> (u64, u64) {
    let t = taxonomy();
    let mut occ = 0u64;
    let mut fam = 0u64;
    for c in codes {
        if let Some(i) = t.index_of(c) {
            occ |= 1u64 << (i % 64);
            if let Some(f) = t.family_index_of(c) {
                fam |= 1u64 << (f % 64);
            }
        }
    }
    (occ, fam)
}

/// Adds the occupation fields: `[occ, fam, occ_mask, fam_mask]`.
fn add_occupations(d: &mut TantivyDocument, codes: &[String], fields: [Field; 4]) {
    let [occ, fam, occ_mask, fam_mask] = fields;
    let t = taxonomy();
    let mut families: Vec<&str> = Vec::new();
    for c in codes {
        d.add_text(occ, c);
        if let Some(f) = t.family_of(c)
            && !families.contains(&f)
        {
            families.push(f);
            d.add_text(fam, f);
        }
    }
    let (o, f) = occupation_masks(codes);
    d.add_u64(occ_mask, o);
    d.add_u64(fam_mask, f);
}

/// Fields of the vacancy index.
#[derive(Clone)]
pub struct VacancyFields {
    pub id: Field,
    pub title: Field,
    pub occupation: Field,
    pub description: Field,
    pub employer: Field,
    pub status: Field,
    pub expires_days: Field,
    pub places_left: Field,
    pub town: Field,
    pub programme: Field,
    pub wage_min: Field,
    pub wage_max: Field,
    pub min_age: Field,
    pub max_age: Field,
    pub lodging: Field,
    pub meals: Field,
    pub county: Field,
    /// title, occupation and description, stored for the reasons
    pub body: Field,
    pub doc_hash: Field,
    /// occupation codes and their families (retrieval) and the same as bit masks (re-ranking)
    pub occ: Field,
    pub fam: Field,
    pub occ_mask: Field,
    pub fam_mask: Field,
}

impl VacancyFields {
    pub fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let num = || INDEXED | FAST;
        let f = Self {
            id: b.add_u64_field("id", INDEXED | FAST | STORED),
            title: b.add_text_field("title", text() | STORED),
            occupation: b.add_text_field("occupation", text()),
            description: b.add_text_field("description", text()),
            employer: b.add_text_field("employer", text()),
            status: b.add_text_field("status", STRING),
            expires_days: b.add_i64_field("expires_days", num()),
            places_left: b.add_i64_field("places_left", num()),
            town: b.add_text_field("town", STRING | FAST),
            programme: b.add_i64_field("programme", num()),
            wage_min: b.add_i64_field("wage_min", num()),
            wage_max: b.add_i64_field("wage_max", num()),
            min_age: b.add_i64_field("min_age", num()),
            max_age: b.add_i64_field("max_age", num()),
            lodging: b.add_u64_field("lodging", num()),
            meals: b.add_u64_field("meals", FAST),
            county: b.add_u64_field("county", FAST),
            body: b.add_text_field("body", STORED),
            doc_hash: b.add_u64_field(DOC_HASH, FAST),
            occ: b.add_text_field("occ", STRING | STORED),
            fam: b.add_text_field("fam", STRING),
            occ_mask: b.add_u64_field("occ_mask", FAST),
            fam_mask: b.add_u64_field("fam_mask", FAST),
        };
        (b.build(), f)
    }

    pub fn document(&self, v: &VacancyDoc) -> TantivyDocument {
        let mut d = doc!(
            self.id => v.id,
            self.title => v.title.as_str(),
            self.occupation => v.occupation.as_str(),
            self.description => v.description.as_str(),
            self.employer => v.employer.as_str(),
            self.status => v.status.as_str(),
            self.expires_days => v.expires_days,
            self.places_left => v.places_left,
            self.town => v.town_code.as_str(),
            self.programme => programme_index(v.programme),
            self.wage_min => v.wage_min,
            self.wage_max => v.wage_max,
            self.min_age => v.min_age,
            self.max_age => v.max_age,
            self.lodging => u64::from(v.lodging),
            self.meals => u64::from(v.meals),
            self.county => v.town_code.get(..6).and_then(|c| c.parse::<u64>().ok()).unwrap_or(0),
            self.body => format!("{} {} {}", v.title, v.occupation, v.description),
            self.doc_hash => v.hash(),
        );
        add_occupations(
            &mut d,
            &v.occupations,
            [self.occ, self.fam, self.occ_mask, self.fam_mask],
        );
        d
    }
}

/// Fields of the worker index.
#[derive(Clone)]
pub struct WorkerFields {
    pub id: Field,
    pub name: Field,
    pub skills: Field,
    pub jobs: Field,
    pub certs: Field,
    pub status: Field,
    pub township: Field,
    pub station: Field,
    pub household: Field,
    pub birth_days: Field,
    pub expected_wage: Field,
    pub needs_lodging: Field,
    pub available_days: Field,
    /// bit i set = holds a certificate of programme i (for re-ranking)
    pub programmes: Field,
    /// each programme index held (for retrieval)
    pub prog: Field,
    pub county: Field,
    /// skills | jobs | certificate labels, stored for the reasons
    pub profile: Field,
    pub doc_hash: Field,
    /// occupation codes and their families (retrieval) and the same as bit masks (re-ranking)
    pub occ: Field,
    pub fam: Field,
    pub occ_mask: Field,
    pub fam_mask: Field,
}

/// Names of the household flags in index order.
pub const HOUSEHOLD_FLAGS: [&str; 4] = [
    "poverty_alleviated",
    "monitored",
    "relocated",
    "zero_employment",
];

impl WorkerFields {
    pub fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let num = || INDEXED | FAST;
        let f = Self {
            id: b.add_u64_field("id", INDEXED | FAST | STORED),
            name: b.add_text_field("name", text()),
            skills: b.add_text_field("skills", text()),
            jobs: b.add_text_field("jobs", text()),
            certs: b.add_text_field("certs", text()),
            status: b.add_text_field("status", STRING),
            township: b.add_text_field("township", STRING),
            station: b.add_i64_field("station", num()),
            household: b.add_text_field("household", STRING),
            birth_days: b.add_i64_field("birth_days", num()),
            expected_wage: b.add_i64_field("expected_wage", FAST),
            needs_lodging: b.add_u64_field("needs_lodging", FAST),
            available_days: b.add_i64_field("available_days", num()),
            programmes: b.add_u64_field("programmes", FAST),
            prog: b.add_i64_field("prog", INDEXED),
            county: b.add_u64_field("county", FAST),
            profile: b.add_text_field("profile", STORED),
            doc_hash: b.add_u64_field(DOC_HASH, FAST),
            occ: b.add_text_field("occ", STRING | STORED),
            fam: b.add_text_field("fam", STRING),
            occ_mask: b.add_u64_field("occ_mask", FAST),
            fam_mask: b.add_u64_field("fam_mask", FAST),
        };
        (b.build(), f)
    }

    pub fn document(&self, w: &WorkerDoc) -> TantivyDocument {
        let mut mask = 0u64;
        for (p, _) in &w.certificates {
            let i = programme_index(*p);
            if i >= 0 {
                mask |= 1 << i;
            }
        }
        let labels: Vec<&str> = w.certificates.iter().map(|(_, l)| l.as_str()).collect();
        let mut d = doc!(
            self.id => w.id,
            self.name => w.name.as_str(),
            self.skills => w.skills.join(" "),
            self.jobs => w.desired_jobs.join(" "),
            // occupations only: the programme itself counts once, in re-ranking
            self.certs => w.certificates.iter().map(|(p, l)| strip_programme(*p, l)).collect::<Vec<_>>().join(" "),
            self.status => w.status.as_str(),
            self.township => w.township_code.as_str(),
            self.station => w.station_id.unwrap_or(-1),
            self.birth_days => w.birth_days,
            self.expected_wage => w.expected_wage.unwrap_or(-1),
            self.needs_lodging => u64::from(w.needs_lodging),
            self.available_days => w.available_days.unwrap_or(i64::MIN),
            self.programmes => mask,
            self.county => w.township_code.get(..6).and_then(|c| c.parse::<u64>().ok()).unwrap_or(0),
            self.profile => format!("{}|{}|{}", w.skills.join("、"), w.desired_jobs.join("、"), labels.join("、")),
            self.doc_hash => w.hash(),
        );
        for (p, _) in &w.certificates {
            let i = programme_index(*p);
            if i >= 0 {
                d.add_i64(self.prog, i);
            }
        }
        for (flag, set) in HOUSEHOLD_FLAGS.iter().zip(w.household) {
            if set {
                d.add_text(self.household, flag);
            }
        }
        add_occupations(
            &mut d,
            &w.occupations,
            [self.occ, self.fam, self.occ_mask, self.fam_mask],
        );
        d
    }
}
