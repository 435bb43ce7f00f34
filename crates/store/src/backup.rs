//! What a backup is made of, as it crosses the [`Store`](crate::Store) boundary: the tables of a
//! consistent snapshot, table by table and row by row, with every value in a backend-neutral form
//! ([`Value`]). The service layer (`service::backup`) frames, compresses and encrypts them; a
//! store only reads them out of one snapshot ([`Store::backup`](crate::Store::backup)) and writes
//! them into an empty database ([`Store::restore`](crate::Store::restore)).
//!
//! Tables are dumped generically (every table of the schema except the migration bookkeeping
//! and backend-internal counters), so a table a later migration adds is included without code
//! changes. Ids are kept, so sealed rows (whose associated data binds their id) still open.

use crate::StoreError;

/// A value in a backend-neutral form. Booleans are stored as `Int` 0/1 and dates as ISO `Text`
/// (`YYYY-MM-DD`); the restoring backend converts them to its column types.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// One item of a backup stream, in order: `Begin`, then for each table a `Table` followed by its
/// rows, then nothing more.
#[derive(Debug, Clone, PartialEq)]
pub enum BackupItem {
    /// The schema version (highest applied migration) of the database backed up.
    Begin {
        schema_version: i64,
    },
    /// The rows that follow belong to this table and have these columns, in this order.
    Table {
        name: String,
        columns: Vec<String>,
    },
    Row(Vec<Value>),
}

/// Where [`Store::backup`](crate::Store::backup) sends the snapshot, item by item (so memory
/// stays flat however big the database is). An error stops the backup.
pub trait BackupSink {
    fn item(&mut self, item: BackupItem) -> Result<(), StoreError>;
}

/// Where [`Store::restore`](crate::Store::restore) reads the items from; `None` at the end.
pub trait BackupSource {
    fn next_item(&mut self) -> Result<Option<BackupItem>, StoreError>;
}

/// How much a backup or restore moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackupStats {
    pub tables: usize,
    pub rows: u64,
}

/// Orders tables so that every table comes after the tables its foreign keys reference (ties
/// keep the given order). `tables` is `(name, referenced tables)`; references to tables not in
/// the list and self-references are ignored. A cycle is an error: a restore could not insert it.
pub fn dependency_order(tables: &[(String, Vec<String>)]) -> Result<Vec<String>, StoreError> {
    let mut ordered: Vec<String> = Vec::with_capacity(tables.len());
    let mut left: Vec<&(String, Vec<String>)> = tables.iter().collect();
    while !left.is_empty() {
        let ready = left.iter().position(|(name, deps)| {
            deps.iter().all(|dep| {
                dep == name || ordered.contains(dep) || !tables.iter().any(|(other, _)| other == dep)
            })
        });
        match ready {
            Some(idx) => ordered.push(left.remove(idx).0.clone()),
            None => {
                let names: Vec<&str> = left.iter().map(|(name, _)| name.as_str()).collect();
                return Err(StoreError::Other(format!(
                    "foreign keys form a cycle among tables {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_follow_what_they_reference() {
        let t = |name: &str, deps: &[&str]| (name.to_owned(), deps.iter().map(|d| (*d).to_owned()).collect());
        let tables = vec![
            t("claims", &["documents"]),
            t("audit_log", &[]),
            t("documents", &["pages"]),
            t("pages", &[]),
            t("tree", &["tree", "elsewhere"]),
        ];
        let order = dependency_order(&tables).expect("order");
        assert_eq!(order, ["audit_log", "pages", "documents", "claims", "tree"]);
        assert!(dependency_order(&[t("a", &["b"]), t("b", &["a"])]).is_err());
    }
}
