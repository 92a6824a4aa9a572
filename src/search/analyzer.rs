//! Chinese text analysis: jieba (search mode) with the domain dictionary of `index/dict.txt`,
//! lower-casing, and dropping white space and punctuation; plus the synonym groups of
//! `index/synonyms.txt`, applied when a query is built.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The dictionary and synonym files compiled in, used when no `index/` folder is present.
const DICT: &str = include_str!("../../index/dict.txt");
const SYNONYMS: &str = include_str!("../../index/synonyms.txt");

/// Words that say nothing about the job.
const STOP_WORDS: [&str; 12] = [
    "招聘",
    "急招",
    "诚聘",
    "高薪",
    "岗位",
    "工作",
    "公司",
    "有限公司",
    "我们",
    "要求",
    "以上",
    "优先",
];

/// Single characters and short words that say nothing about a job or a person's trade: dropped
/// from documents and queries alike, so that a worker's "会" or "过" never meets an ad's.
const FUNCTION_WORDS: &[&str] = &[
    "会", "过", "在", "做", "的", "了", "和", "与", "及", "等", "有", "是", "能", "可", "我", "你",
    "他", "她", "也", "都", "很", "要", "想", "找", "去", "到", "从", "给", "把", "被", "对", "为",
    "以", "之", "或", "个", "年", "月", "天", "人", "些", "这", "那", "就", "还", "又", "再", "上",
    "下", "里", "头", "后", "前", "多", "好", "不", "没", "干", "搞", "整", "帮", "当",
];

/// Endings that make a job word out of a trade word (焊工, 保洁员, 面点师, 点心师傅): a token
/// with one of them also yields the trade word, so "电焊" meets "电焊工" both ways.
const JOB_SUFFIXES: [&str; 6] = ["师傅", "工人", "工", "员", "师", "匠"];

/// The token and, for a job word, its trade word (`保洁员` → `保洁`).
fn with_stem(word: &str) -> Option<&str> {
    if word.chars().count() < 3 {
        return None;
    }
    JOB_SUFFIXES
        .iter()
        .find_map(|s| word.strip_suffix(s))
        .filter(|stem| stem.chars().count() >= 2)
}

/// Whether a token carries meaning for matching.
fn meaningful(word: &str) -> bool {
    !FUNCTION_WORDS.contains(&word)
}

/// Jieba plus the domain vocabulary, shared by indexing and querying.
#[derive(Clone)]
pub struct Lexicon {
    jieba: Arc<Jieba>,
    synonyms: Arc<HashMap<String, Vec<String>>>,
}

impl Lexicon {
    /// Loads the dictionary and synonyms from `dir` (e.g. the project's `index/` folder) when
    /// the files exist there, else the compiled-in copies.
    /// The occupation taxonomy (`occupations.txt`) is loaded from the same folder.
    pub fn load(dir: Option<&Path>) -> Self {
        if let Some(d) = dir {
            crate::domain::occupation::load_from(d);
        }
        let read = |name: &str, fallback: &str| {
            dir.and_then(|d| std::fs::read_to_string(d.join(name)).ok())
                .unwrap_or_else(|| fallback.to_owned())
        };
        Self::from_texts(&read("dict.txt", DICT), &read("synonyms.txt", SYNONYMS))
    }

    /// Builds from the two files' contents.
    pub fn from_texts(dict: &str, synonyms: &str) -> Self {
        let mut jieba = Jieba::new();
        for line in dict.lines() {
            let mut parts = line.split_whitespace();
            let Some(word) = parts.next() else { continue };
            if word.starts_with('#') {
                continue;
            }
            let freq = parts.next().and_then(|f| f.parse().ok());
            jieba.add_word(word, freq.or(Some(2000)), parts.next());
        }
        let mut groups: HashMap<String, Vec<String>> = HashMap::new();
        for line in synonyms.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<String> = line
                .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            for w in &words {
                // make sure every synonym is one token
                if jieba.suggest_freq(w) < 1000 {
                    jieba.add_word(w, Some(2000), None);
                }
                let entry = groups.entry(w.clone()).or_default();
                for other in &words {
                    if other != w && !entry.contains(other) {
                        entry.push(other.clone());
                    }
                }
            }
        }
        Self {
            jieba: Arc::new(jieba),
            synonyms: Arc::new(groups),
        }
    }

    /// The tantivy tokenizer using this lexicon.
    pub fn tokenizer(&self) -> ChineseTokenizer {
        ChineseTokenizer {
            jieba: self.jieba.clone(),
        }
    }

    /// The distinct search tokens of a text (search mode, lower case, no punctuation).
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for t in self.jieba.cut_for_search(text, true) {
            let Some(w) = normalize(t.word).filter(|w| meaningful(w)) else {
                continue;
            };
            if let Some(stem) = with_stem(&w)
                && seen.insert(stem.to_owned())
            {
                out.push(stem.to_owned());
            }
            if seen.insert(w.clone()) {
                out.push(w);
            }
        }
        out
    }

    /// Query terms: the tokens without stop words and single characters (unless nothing else
    /// is left: a board search for "焊" still searches).
    pub fn query_tokens(&self, text: &str) -> Vec<String> {
        let tokens = self.tokens(text);
        let kept: Vec<String> = tokens
            .iter()
            .filter(|t| !STOP_WORDS.contains(&t.as_str()) && t.chars().count() >= 2)
            .cloned()
            .collect();
        if !kept.is_empty() {
            return kept;
        }
        let words: Vec<String> = tokens
            .iter()
            .filter(|t| !STOP_WORDS.contains(&t.as_str()))
            .cloned()
            .collect();
        if words.is_empty() { tokens } else { words }
    }

    /// The other words of a token's synonym group.
    pub fn synonyms(&self, word: &str) -> &[String] {
        self.synonyms.get(word).map_or(&[], Vec::as_slice)
    }

    /// Whether a phrase (a skill, a wanted job) occurs in a text, directly or through a synonym.
    pub fn mentions(&self, text: &str, phrase: &str) -> bool {
        let text = text.to_lowercase();
        let phrase = phrase.to_lowercase();
        if phrase.is_empty() {
            return false;
        }
        if text.contains(&phrase)
            || self
                .synonyms(&phrase)
                .iter()
                .any(|s| text.contains(s.as_str()))
        {
            return true;
        }
        // a multi-token phrase: every meaningful token of it present
        let tokens: Vec<String> = self
            .jieba
            .cut(&phrase, true)
            .into_iter()
            .filter_map(|t| normalize(t.word))
            .filter(|t| t.chars().count() >= 2)
            .collect();
        tokens.len() > 1
            && tokens.iter().all(|t| {
                text.contains(t.as_str())
                    || self.synonyms(t).iter().any(|s| text.contains(s.as_str()))
            })
    }
}

/// Lower-cases a token and drops it when it is white space or punctuation only.
fn normalize(word: &str) -> Option<String> {
    if word
        .chars()
        .all(|c| c.is_whitespace() || !c.is_alphanumeric())
    {
        return None;
    }
    Some(word.to_lowercase())
}

/// A tantivy tokenizer over a shared jieba instance (cheap to clone).
#[derive(Clone)]
pub struct ChineseTokenizer {
    jieba: Arc<Jieba>,
}

/// The tokens of one text.
pub struct ChineseTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = ChineseTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChineseTokenStream {
        let mut tokens = Vec::new();
        for t in self.jieba.cut_for_search(text, true) {
            if let Some(w) = normalize(t.word).filter(|w| meaningful(w)) {
                if let Some(stem) = with_stem(&w) {
                    tokens.push(Token {
                        offset_from: t.byte_start,
                        offset_to: t.byte_end,
                        position: t.start,
                        text: stem.to_owned(),
                        position_length: t.end - t.start,
                    });
                }
                tokens.push(Token {
                    offset_from: t.byte_start,
                    offset_to: t.byte_end,
                    position: t.start,
                    text: w,
                    position_length: t.end - t.start,
                });
            }
        }
        ChineseTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for ChineseTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::load(None)
    }

    #[test]
    fn domain_words_stay_whole() {
        let t = lex().tokens("招聘粤菜师傅，包吃住，两班倒，电子厂普工");
        for w in ["粤菜师傅", "包吃住", "两班倒", "电子厂", "普工"] {
            assert!(t.contains(&w.to_owned()), "{w} missing from {t:?}");
        }
        assert!(!t.iter().any(|w| w == "，"));
    }

    #[test]
    fn query_tokens_drop_noise_and_punctuation() {
        let t = lex().query_tokens("  招聘厨师!!! ()\"[] ");
        assert_eq!(t, vec!["厨师"]);
        assert!(lex().query_tokens("\"()[]{}:+-").is_empty());
    }

    #[test]
    fn function_words_never_match_and_job_words_meet_their_trade() {
        let l = lex();
        let q = l.query_tokens("我会做饭，在厂里干过");
        for w in ["会", "在", "过", "干", "我"] {
            assert!(!q.contains(&w.to_owned()), "{w} in {q:?}");
        }
        let ad = l.tokens("招聘电焊工、保洁员");
        assert!(ad.contains(&"电焊".to_owned()), "{ad:?}");
        assert!(ad.contains(&"保洁".to_owned()), "{ad:?}");
        // one character alone is still a search
        assert_eq!(l.query_tokens("焊"), vec!["焊"]);
    }

    #[test]
    fn synonyms_are_symmetric() {
        let l = lex();
        assert!(l.synonyms("厨师").contains(&"中式烹调师".to_owned()));
        assert!(l.synonyms("中式烹调师").contains(&"厨师".to_owned()));
        assert!(l.mentions("招聘中式烹调师", "厨师"));
        assert!(!l.mentions("电子厂普工", "厨师"));
    }
}
