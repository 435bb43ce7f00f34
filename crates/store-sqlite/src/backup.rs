//! Backup and restore, generically over the schema: every table (except migration bookkeeping,
//! the case-file id counter, and FTS5 virtual tables with their shadow tables, which are derived
//! data) is read row by row inside one read transaction, which in WAL mode is a consistent
//! snapshot however many writers commit meanwhile.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior, params_from_iter};
use store::backup::dependency_order;
use store::{BackupItem, BackupSink, BackupSource, BackupStats, StoreError, Value};

use crate::db_error;

/// Tables a migration fills with one row of bookkeeping: restore replaces their rows, and they
/// do not count when deciding whether a database is empty.
const SEEDED: &[&str] = &["audit_head"];

/// Tables that are not data: migration bookkeeping and the id counter (restore recomputes it).
const SKIPPED: &[&str] = &["schema_migrations", "id_reservations"];

pub(crate) fn backup(conn: &Connection, sink: &mut dyn BackupSink) -> Result<BackupStats, StoreError> {
    // A deferred transaction takes its snapshot at the first read and keeps it to the end.
    let tx = conn.unchecked_transaction().map_err(db_error)?;
    let schema_version: i64 = tx
        .query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(db_error)?;
    sink.item(BackupItem::Begin { schema_version })?;
    let mut stats = BackupStats::default();
    for table in data_tables(&tx)? {
        let columns = columns(&tx, &table)?;
        let list = quoted_list(&columns);
        sink.item(BackupItem::Table { name: table.clone(), columns: columns.clone() })?;
        let mut stmt = tx.prepare(&format!("SELECT {list} FROM \"{table}\"")).map_err(db_error)?;
        let mut rows = stmt.query([]).map_err(db_error)?;
        while let Some(row) = rows.next().map_err(db_error)? {
            let mut values = Vec::with_capacity(columns.len());
            for idx in 0..columns.len() {
                values.push(match row.get_ref(idx).map_err(db_error)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::Int(n),
                    ValueRef::Real(x) => Value::Real(x),
                    ValueRef::Text(text) => Value::Text(
                        String::from_utf8(text.to_vec())
                            .map_err(|_| StoreError::Corrupt(format!("{table}: text that is not UTF-8")))?,
                    ),
                    ValueRef::Blob(bytes) => Value::Blob(bytes.to_vec()),
                });
            }
            sink.item(BackupItem::Row(values))?;
            stats.rows += 1;
        }
        stats.tables += 1;
    }
    tx.commit().map_err(db_error)?;
    Ok(stats)
}

pub(crate) fn restore(
    conn: &mut Connection,
    source: &mut dyn BackupSource,
) -> Result<BackupStats, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    // Foreign keys are checked at commit, so the order of rows within a table does not matter.
    tx.pragma_update(None, "defer_foreign_keys", "ON").map_err(db_error)?;
    let tables = data_tables(&tx)?;
    for table in &tables {
        if SEEDED.contains(&table.as_str()) {
            continue;
        }
        let any = tx
            .prepare(&format!("SELECT 1 FROM \"{table}\" LIMIT 1"))
            .and_then(|mut s| s.exists([]))
            .map_err(db_error)?;
        if any {
            return Err(StoreError::Conflict(format!(
                "the database is not empty (table {table} has rows): restore needs a new, empty database"
            )));
        }
    }
    let current: i64 = tx
        .query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(db_error)?;
    match source.next_item()? {
        Some(BackupItem::Begin { schema_version }) if schema_version <= current => {}
        Some(BackupItem::Begin { schema_version }) => {
            return Err(StoreError::Incompatible(format!(
                "the backup has schema version {schema_version}, newer than this refwatch knows ({current})"
            )));
        }
        _ => return Err(StoreError::Corrupt("the backup does not start with its header".to_owned())),
    }
    let mut stats = BackupStats::default();
    let mut insert: Option<(String, usize, rusqlite::Statement<'_>)> = None;
    while let Some(item) = source.next_item()? {
        match item {
            BackupItem::Begin { .. } => {
                return Err(StoreError::Corrupt("a second header inside the backup".to_owned()));
            }
            BackupItem::Table { name, columns } => {
                if !tables.contains(&name) {
                    return Err(StoreError::Incompatible(format!(
                        "the backup has table {name}, which this database does not have"
                    )));
                }
                let known = self::columns(&tx, &name)?;
                if let Some(missing) = columns.iter().find(|c| !known.contains(c)) {
                    return Err(StoreError::Incompatible(format!(
                        "the backup has column {name}.{missing}, which this database does not have"
                    )));
                }
                tx.execute(&format!("DELETE FROM \"{name}\""), []).map_err(db_error)?;
                let placeholders = vec!["?"; columns.len()].join(", ");
                let sql =
                    format!("INSERT INTO \"{name}\" ({}) VALUES ({placeholders})", quoted_list(&columns));
                let stmt = tx.prepare(&sql).map_err(db_error)?;
                insert = Some((name, columns.len(), stmt));
                stats.tables += 1;
            }
            BackupItem::Row(values) => {
                let Some((table, n_columns, stmt)) = insert.as_mut() else {
                    return Err(StoreError::Corrupt("a row before any table in the backup".to_owned()));
                };
                if values.len() != *n_columns {
                    return Err(StoreError::Corrupt(format!(
                        "a row of {table} has {} values for {n_columns} columns",
                        values.len()
                    )));
                }
                stmt.execute(params_from_iter(values.iter().map(to_sql))).map_err(db_error)?;
                stats.rows += 1;
            }
        }
    }
    drop(insert);
    // Case-file ids are reserved from a counter: move it past every restored id.
    tx.execute(
        "UPDATE id_reservations SET next = max(next, (SELECT coalesce(max(id), 0) + 1 FROM persons))
         WHERE name = 'persons'",
        [],
    )
    .map_err(db_error)?;
    tx.commit().map_err(db_error)?;
    Ok(stats)
}

fn to_sql(value: &Value) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(match value {
        Value::Null => ValueRef::Null,
        Value::Int(n) => ValueRef::Integer(*n),
        Value::Real(x) => ValueRef::Real(*x),
        Value::Text(text) => ValueRef::Text(text.as_bytes()),
        Value::Blob(bytes) => ValueRef::Blob(bytes),
    })
}

/// The data tables, each after the tables its foreign keys reference.
fn data_tables(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let all: Vec<(String, String)> = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'table' ORDER BY rowid")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(db_error)?;
    let virtual_tables: Vec<&str> = all
        .iter()
        .filter(|(_, sql)| sql.trim_start().to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE"))
        .map(|(name, _)| name.as_str())
        .collect();
    let mut tables = Vec::new();
    for (name, _) in &all {
        let shadow = virtual_tables.iter().any(|v| name == v || name.starts_with(&format!("{v}_")));
        if shadow || name.starts_with("sqlite_") || SKIPPED.contains(&name.as_str()) {
            continue;
        }
        let deps: Vec<String> = conn
            .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")
            .and_then(|mut s| s.query_map([name], |r| r.get(0))?.collect())
            .map_err(db_error)?;
        tables.push((name.clone(), deps));
    }
    dependency_order(&tables)
}

/// A table's stored columns, in order (generated and hidden columns left out).
fn columns(conn: &Connection, table: &str) -> Result<Vec<String>, StoreError> {
    conn.prepare("SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid")
        .and_then(|mut s| s.query_map([table], |r| r.get(0))?.collect())
        .map_err(db_error)
}

fn quoted_list(columns: &[String]) -> String {
    columns.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(", ")
}
