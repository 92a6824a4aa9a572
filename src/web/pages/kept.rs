//! Forms that keep their values across a redirect. A form refused with field errors whose
//! handler answers with a redirect (post/redirect/get, the message in the flash) leaves its
//! values in the session; the next page's [`Layout`](super::Layout) takes them ([`Kept`]), and the form
//! shows them again: the chosen option still `selected`, the ticked box still `checked`, the
//! typed text still there. Passwords and the CSRF token are never kept.

use std::borrow::Borrow;
use std::fmt::Display;

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const KEY: &str = "kept_form";

/// The values of one refused form: which form (`form`, and the record it is about, `id`),
/// and its fields as sent (a key may repeat: ticked boxes of one name).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KeptForm {
    pub form: String,
    pub id: i64,
    pub fields: Vec<(String, String)>,
}

impl KeptForm {
    /// The first value sent for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` was sent with `value` (a ticked box, a chosen option).
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.fields.iter().any(|(k, v)| k == key && v == value)
    }
}

/// Keeps a refused form's values for the next page.
pub async fn keep<'a>(
    session: &Session,
    form: &str,
    id: i64,
    fields: impl IntoIterator<Item = (&'a String, &'a String)>,
) {
    let fields = fields
        .into_iter()
        .filter(|(k, _)| !k.starts_with('_') && !k.contains("password"))
        .map(|(k, v)| (k.clone(), v.chars().take(2000).collect()))
        .take(500)
        .collect();
    let kept = KeptForm {
        form: form.to_owned(),
        id,
        fields,
    };
    session.insert(KEY, &kept).await.ok();
}

/// Keeps `data` when `e` refuses what the user sent (field errors, a conflict, a limit): the
/// refusals the next page explains and the user can fix.
pub async fn keep_on_refusal(
    session: &Session,
    e: &crate::error::AppError,
    form: &str,
    id: i64,
    data: &super::FormData,
) {
    use crate::error::AppError as E;
    if matches!(e, E::Validation(_) | E::Conflict { .. } | E::Limited { .. }) {
        keep(session, form, id, data.0.iter()).await;
    }
}

/// Takes the kept form out of the session (one page shows it once).
pub async fn take(session: &Session) -> Option<KeptForm> {
    session.remove(KEY).await.ok().flatten()
}

/// The kept form a page may show (`layout.kept` in the templates): each method names the form
/// and its record (by value or by reference, as askama passes it); without a kept form of
/// that name the defaults apply.
#[derive(Debug, Clone, Default)]
pub struct Kept(pub Option<KeptForm>);

impl Kept {
    fn of(&self, form: &str, id: impl Borrow<i64>) -> Option<&KeptForm> {
        self.0
            .as_ref()
            .filter(|k| k.form == form && k.id == *id.borrow())
    }

    /// Whether the form `form` of record `id` was kept.
    pub fn has(&self, form: &str, id: impl Borrow<i64>) -> bool {
        self.of(form, id).is_some()
    }

    /// The text sent for `key`, or `default` (the form's first value).
    pub fn or<'a>(
        &'a self,
        form: &str,
        id: impl Borrow<i64>,
        key: &str,
        default: &'a str,
    ) -> &'a str {
        self.of(form, id)
            .and_then(|k| k.get(key))
            .unwrap_or(default)
    }

    /// The text sent for `key` (empty without one).
    pub fn get(&self, form: &str, id: impl Borrow<i64>, key: &str) -> &str {
        self.or(form, id, key, "")
    }

    /// Whether the option `value` of `key` is chosen (the box ticked): as sent when the form
    /// was kept, `default` otherwise.
    pub fn is(
        &self,
        form: &str,
        id: impl Borrow<i64>,
        key: &str,
        value: impl Display,
        default: impl Borrow<bool>,
    ) -> bool {
        match self.of(form, id) {
            Some(k) => k.has(key, &value.to_string()),
            None => *default.borrow(),
        }
    }

    /// [`Kept::is`] for a field of one row of a table form (`{prefix}_{row}`).
    pub fn row_is(
        &self,
        form: &str,
        id: impl Borrow<i64>,
        prefix: &str,
        row: impl Borrow<i64>,
        value: impl Display,
        default: impl Borrow<bool>,
    ) -> bool {
        self.is(
            form,
            id,
            &format!("{prefix}_{}", row.borrow()),
            value,
            default,
        )
    }

    /// [`Kept::get`] for a field of one row of a table form (`{prefix}_{row}`).
    pub fn row(
        &self,
        form: &str,
        id: impl Borrow<i64>,
        prefix: &str,
        row: impl Borrow<i64>,
    ) -> &str {
        self.of(form, id)
            .and_then(|k| k.get(&format!("{prefix}_{}", row.borrow())))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_form_answers_for_itself_only_and_defaults_apply_elsewhere() {
        let p = Kept(Some(KeptForm {
            form: "reject".into(),
            id: 7,
            fields: vec![
                ("reason".into(), "其他".into()),
                ("present".into(), "3".into()),
                ("cert_3".into(), "A1".into()),
            ],
        }));
        assert!(p.is("reject", 7_i64, "reason", "其他", false));
        assert!(!p.is("reject", 7_i64, "reason", "岗位已满", true));
        assert!(p.is("reject", 8_i64, "reason", "岗位已满", true));
        assert!(p.is("reject", 7_i64, "present", 3, false));
        assert!(!p.is("reject", 7_i64, "present", 4, true));
        assert!(p.row_is("reject", 7_i64, "cert", 3_i64, "A1", false));
        assert_eq!(p.row("reject", 7_i64, "cert", 3_i64), "A1");
        assert_eq!(p.or("reject", 7_i64, "note", "x"), "x");
        assert_eq!(p.get("other", 7_i64, "reason"), "");
        assert!(p.has("reject", 7_i64) && !p.has("reject", 8_i64));
    }
}
