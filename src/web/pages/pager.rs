//! The one pager of every list page: 第 N / M 页 with links to the previous and next page that
//! keep the list's filters (`templates/_pager.html` shows it). Every list is read a page at a
//! time in SQL (`service::Paged`, `service::page_window`); a page past the end is the last
//! page.

/// Where a list is, and the links to its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

pub use crate::service::page_count;

/// `Some(last page)` when `page` is past the end of `total` rows: the caller reads that page.
pub fn last_page(page: i64, total: i64, per_page: i64) -> Option<i64> {
    let pages = page_count(total, per_page);
    (page > pages).then_some(pages)
}

impl Pager {
    /// The pager of page `page` of `total` rows at `per_page`, linking to `base` with `filters`
    /// (empty values left out) and `page`.
    pub fn new(base: &str, filters: &[(&str, &str)], page: i64, total: i64, per_page: i64) -> Self {
        let pages = page_count(total, per_page);
        let page = page.clamp(1, pages);
        let link = |p: i64| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in filters {
                if !v.trim().is_empty() && *k != "page" {
                    s.append_pair(k, v);
                }
            }
            s.append_pair("page", &p.to_string());
            format!("{base}?{}", s.finish())
        };
        Self {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// Whether there is more than one page (the pager is shown only then).
    pub fn is_needed(&self) -> bool {
        self.pages > 1
    }
}

/// The `page` parameter of a query (1 when missing or not a page number).
pub fn page_param(q: &std::collections::HashMap<String, String>) -> i64 {
    crate::domain::values::page_of(q.get("page").map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_clamp_and_links_keep_the_filters() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(69, 50), 2);
        assert_eq!(last_page(999, 69, 50), Some(2));
        assert_eq!(last_page(2, 69, 50), None);
        let p = Pager::new("/station", &[("status", "seeking"), ("q", "")], 2, 69, 50);
        assert_eq!(p.page, 2);
        assert_eq!(p.prev.as_deref(), Some("/station?status=seeking&page=1"));
        assert_eq!(p.next, None);
        let p = Pager::new("/x", &[("town", "白蕉镇")], 999, 69, 50);
        assert_eq!(p.page, 2);
        assert!(p.prev.unwrap().contains("town=%E7%99%BD"));
        assert!(Pager::new("/x", &[], 1, 51, 50).next.is_some());
        let p = Pager::new("/c", &[], 999, 7, 3);
        assert_eq!((p.page, p.pages, p.total), (3, 3, 7));
    }
}
