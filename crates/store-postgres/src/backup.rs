//! Backup and restore, generically over the schema: every base table of the store's schema
//! (except migration bookkeeping) is read row by row through a cursor inside one REPEATABLE READ,
//! READ ONLY transaction, which sees one consistent snapshot however many writers commit
//! meanwhile. Values are converted to and from the backend-neutral [`Value`] by column type.
//! Restore inserts with `OVERRIDING SYSTEM VALUE` to keep ids, then moves every identity
//! sequence (and the case-file id sequence) past the restored ids.

use deadpool_postgres::Transaction;
use domain::NaiveDate;
use store::backup::dependency_order;
use store::{BackupItem, BackupSink, BackupSource, BackupStats, StoreError, Value};
use tokio_postgres::IsolationLevel;
use tokio_postgres::types::ToSql;

use crate::{PostgresStore, db_error};

/// Rows fetched per round trip from the snapshot's cursor.
const FETCH_ROWS: i32 = 500;

/// Tables a migration fills with one row of bookkeeping: restore replaces their rows, and they
/// do not count when deciding whether a database is empty.
const SEEDED: &[&str] = &["audit_head"];

/// Tables that are not data.
const SKIPPED: &[&str] = &["schema_migrations"];

/// A column and its PostgreSQL type name (`information_schema.columns.data_type`).
struct Column {
    name: String,
    data_type: String,
}

impl PostgresStore {
    pub(crate) async fn backup_async(&self, sink: &mut dyn BackupSink) -> Result<BackupStats, StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(db_error)?;
        let schema_version: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;
        sink.item(BackupItem::Begin { schema_version: i64::from(schema_version) })?;
        let mut stats = BackupStats::default();
        for table in data_tables(&tx).await? {
            let columns: Vec<Column> =
                columns(&tx, &table).await?.into_iter().filter(|c| c.data_type != "tsvector").collect();
            let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
            sink.item(BackupItem::Table { name: table.clone(), columns: names.clone() })?;
            let stmt = tx
                .prepare(&format!("SELECT {} FROM \"{table}\"", quoted_list(&names)))
                .await
                .map_err(db_error)?;
            let portal = tx.bind(&stmt, &[]).await.map_err(db_error)?;
            loop {
                let rows = tx.query_portal(&portal, FETCH_ROWS).await.map_err(db_error)?;
                if rows.is_empty() {
                    break;
                }
                for row in rows {
                    let mut values = Vec::with_capacity(columns.len());
                    for (idx, column) in columns.iter().enumerate() {
                        values.push(read_value(&row, idx, &table, column)?);
                    }
                    sink.item(BackupItem::Row(values))?;
                    stats.rows += 1;
                }
            }
            stats.tables += 1;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(stats)
    }

    pub(crate) async fn restore_async(
        &self,
        source: &mut dyn BackupSource,
    ) -> Result<BackupStats, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_error)?;
        // No writer may slip in between the emptiness check and the commit.
        tx.query_one("SELECT seq FROM audit_head WHERE one = 1 FOR UPDATE", &[]).await.map_err(db_error)?;
        let tables = data_tables(&tx).await?;
        for table in &tables {
            if SEEDED.contains(&table.as_str()) {
                continue;
            }
            let any =
                tx.query_opt(&format!("SELECT 1 FROM \"{table}\" LIMIT 1"), &[]).await.map_err(db_error)?;
            if any.is_some() {
                return Err(StoreError::Conflict(format!(
                    "the database is not empty (table {table} has rows): restore needs a new, empty database"
                )));
            }
        }
        let current: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;
        match source.next_item()? {
            Some(BackupItem::Begin { schema_version }) if schema_version <= i64::from(current) => {}
            Some(BackupItem::Begin { schema_version }) => {
                return Err(StoreError::Incompatible(format!(
                    "the backup has schema version {schema_version}, newer than this refwatch knows ({current})"
                )));
            }
            _ => return Err(StoreError::Corrupt("the backup does not start with its header".to_owned())),
        }
        let mut stats = BackupStats::default();
        let mut insert: Option<Batch> = None;
        while let Some(item) = source.next_item()? {
            match item {
                BackupItem::Begin { .. } => {
                    return Err(StoreError::Corrupt("a second header inside the backup".to_owned()));
                }
                BackupItem::Table { name, columns: wanted } => {
                    if let Some(batch) = insert.take() {
                        batch.flush(&tx).await?;
                    }
                    if !tables.contains(&name) {
                        return Err(StoreError::Incompatible(format!(
                            "the backup has table {name}, which this database does not have"
                        )));
                    }
                    let mut known = columns(&tx, &name).await?;
                    let mut ordered = Vec::with_capacity(wanted.len());
                    for column in &wanted {
                        let idx = known.iter().position(|c| &c.name == column).ok_or_else(|| {
                            StoreError::Incompatible(format!(
                                "the backup has column {name}.{column}, which this database does not have"
                            ))
                        })?;
                        ordered.push(known.swap_remove(idx));
                    }
                    tx.execute(&format!("DELETE FROM \"{name}\""), &[]).await.map_err(db_error)?;
                    insert = Some(Batch::new(&tx, name, ordered).await?);
                    stats.tables += 1;
                }
                BackupItem::Row(values) => {
                    let Some(batch) = insert.as_mut() else {
                        return Err(StoreError::Corrupt("a row before any table in the backup".to_owned()));
                    };
                    batch.push(values)?;
                    if batch.is_full() {
                        batch.flush_rows(&tx).await?;
                    }
                    stats.rows += 1;
                }
            }
        }
        if let Some(batch) = insert.take() {
            batch.flush(&tx).await?;
        }
        move_sequences(&tx).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(stats)
    }
}

/// Rows of one table waiting to be inserted, many per statement (one round trip per batch
/// rather than per row; at most [`BATCH_ROWS`] rows are held).
struct Batch {
    table: String,
    columns: Vec<Column>,
    rows: Vec<Vec<Box<dyn ToSql + Sync + Send>>>,
    capacity: usize,
    /// The statement for a full batch, prepared once per table.
    full: tokio_postgres::Statement,
}

/// Rows per INSERT, and the PostgreSQL limit on parameters per statement.
const BATCH_ROWS: usize = 256;
const MAX_PARAMS: usize = 65_535;

impl Batch {
    async fn new(tx: &Transaction<'_>, table: String, columns: Vec<Column>) -> Result<Batch, StoreError> {
        let capacity = BATCH_ROWS.min(MAX_PARAMS / columns.len().max(1)).max(1);
        let full = tx.prepare(&insert_sql(&table, &columns, capacity)).await.map_err(db_error)?;
        Ok(Batch { table, columns, rows: Vec::with_capacity(capacity), capacity, full })
    }

    fn push(&mut self, values: Vec<Value>) -> Result<(), StoreError> {
        if values.len() != self.columns.len() {
            return Err(StoreError::Corrupt(format!(
                "a row of {} has {} values for {} columns",
                self.table,
                values.len(),
                self.columns.len()
            )));
        }
        let row = values
            .into_iter()
            .zip(&self.columns)
            .map(|(value, column)| to_param(value, &self.table, column))
            .collect::<Result<Vec<_>, _>>()?;
        self.rows.push(row);
        Ok(())
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= self.capacity
    }

    async fn flush_rows(&mut self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let refs: Vec<&(dyn ToSql + Sync)> =
            self.rows.iter().flatten().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect();
        if self.rows.len() == self.capacity {
            tx.execute(&self.full, &refs).await.map_err(db_error)?;
        } else {
            let sql = insert_sql(&self.table, &self.columns, self.rows.len());
            tx.execute(sql.as_str(), &refs).await.map_err(db_error)?;
        }
        drop(refs);
        self.rows.clear();
        Ok(())
    }

    async fn flush(mut self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        self.flush_rows(tx).await
    }
}

/// `INSERT INTO t (cols) OVERRIDING SYSTEM VALUE VALUES ($1::type, …), (…)` for `n_rows` rows;
/// each parameter is cast so its Rust type is fixed whatever the column's type.
fn insert_sql(table: &str, columns: &[Column], n_rows: usize) -> String {
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let rows: Vec<String> = (0..n_rows)
        .map(|row| {
            let values: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(idx, c)| format!("${}::{}", row * columns.len() + idx + 1, cast(&c.data_type)))
                .collect();
            format!("({})", values.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO \"{table}\" ({}) OVERRIDING SYSTEM VALUE VALUES {}",
        quoted_list(&names),
        rows.join(", ")
    )
}

/// Moves every identity sequence of the schema, and `person_ids`, past the highest stored id.
async fn move_sequences(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let identities = tx
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES'",
            &[],
        )
        .await
        .map_err(db_error)?;
    let mut targets: Vec<(String, String, String)> = Vec::new();
    for row in identities {
        let table: String = row.try_get(0).map_err(db_error)?;
        let column: String = row.try_get(1).map_err(db_error)?;
        let sequence: Option<String> = tx
            .query_one("SELECT pg_get_serial_sequence(quote_ident($1), $2)", &[&table, &column])
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;
        if let Some(sequence) = sequence {
            targets.push((sequence, table, column));
        }
    }
    targets.push(("person_ids".to_owned(), "persons".to_owned(), "id".to_owned()));
    for (sequence, table, column) in targets {
        // setval(seq, max + 1, false): the next value handed out is max + 1 (1 for an empty table).
        tx.execute(
            &format!(
                "SELECT setval($1::text::regclass, coalesce((SELECT max(\"{column}\") FROM \"{table}\"), 0) + 1, false)"
            ),
            &[&sequence],
        )
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// The schema's base tables, each after the tables its foreign keys reference.
async fn data_tables(tx: &Transaction<'_>) -> Result<Vec<String>, StoreError> {
    let names = tx
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            &[],
        )
        .await
        .map_err(db_error)?;
    let references = tx
        .query(
            "SELECT src.relname::text, dst.relname::text FROM pg_constraint c
             JOIN pg_class src ON src.oid = c.conrelid JOIN pg_class dst ON dst.oid = c.confrelid
             JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE c.contype = 'f' AND n.nspname = current_schema()",
            &[],
        )
        .await
        .map_err(db_error)?;
    let mut tables = Vec::new();
    for row in names {
        let name: String = row.try_get(0).map_err(db_error)?;
        if SKIPPED.contains(&name.as_str()) {
            continue;
        }
        let mut deps = Vec::new();
        for reference in &references {
            let from: String = reference.try_get(0).map_err(db_error)?;
            if from == name {
                deps.push(reference.try_get(1).map_err(db_error)?);
            }
        }
        tables.push((name, deps));
    }
    dependency_order(&tables)
}

/// A table's stored (not generated) columns, in order.
async fn columns(tx: &Transaction<'_>, table: &str) -> Result<Vec<Column>, StoreError> {
    let rows = tx
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
             ORDER BY ordinal_position",
            &[&table],
        )
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok(Column { name: r.try_get(0).map_err(db_error)?, data_type: r.try_get(1).map_err(db_error)? })
        })
        .collect()
}

fn read_value(
    row: &tokio_postgres::Row,
    idx: usize,
    table: &str,
    column: &Column,
) -> Result<Value, StoreError> {
    let value = match column.data_type.as_str() {
        "bigint" => row.try_get::<_, Option<i64>>(idx).map_err(db_error)?.map(Value::Int),
        "integer" => row.try_get::<_, Option<i32>>(idx).map_err(db_error)?.map(|n| Value::Int(n.into())),
        "smallint" => row.try_get::<_, Option<i16>>(idx).map_err(db_error)?.map(|n| Value::Int(n.into())),
        "boolean" => row.try_get::<_, Option<bool>>(idx).map_err(db_error)?.map(|b| Value::Int(b.into())),
        "double precision" => row.try_get::<_, Option<f64>>(idx).map_err(db_error)?.map(Value::Real),
        "real" => row.try_get::<_, Option<f32>>(idx).map_err(db_error)?.map(|x| Value::Real(x.into())),
        "text" | "character varying" => {
            row.try_get::<_, Option<String>>(idx).map_err(db_error)?.map(Value::Text)
        }
        "bytea" => row.try_get::<_, Option<Vec<u8>>>(idx).map_err(db_error)?.map(Value::Blob),
        "date" => row
            .try_get::<_, Option<NaiveDate>>(idx)
            .map_err(db_error)?
            .map(|d| Value::Text(d.format("%Y-%m-%d").to_string())),
        other => {
            return Err(StoreError::Other(format!(
                "cannot back up column {table}.{} of type {other}",
                column.name
            )));
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

/// The SQL type a parameter is cast to, so its Rust type is fixed whatever the column's.
fn cast(data_type: &str) -> &'static str {
    match data_type {
        "bigint" => "int8",
        "integer" => "int4",
        "smallint" => "int2",
        "boolean" => "bool",
        "double precision" => "float8",
        "real" => "float4",
        "bytea" => "bytea",
        "date" => "date",
        _ => "text",
    }
}

fn to_param(value: Value, table: &str, column: &Column) -> Result<Box<dyn ToSql + Sync + Send>, StoreError> {
    let wrong = |what: &str| {
        StoreError::Corrupt(format!(
            "backup value for {table}.{} ({}) is {what}",
            column.name, column.data_type
        ))
    };
    let int = |n: i64| -> Result<Box<dyn ToSql + Sync + Send>, StoreError> {
        Ok(match cast(&column.data_type) {
            "int8" => Box::new(n),
            "int4" => Box::new(i32::try_from(n).map_err(|_| wrong("out of range"))?),
            "int2" => Box::new(i16::try_from(n).map_err(|_| wrong("out of range"))?),
            "bool" => Box::new(n != 0),
            "float8" => Box::new(n as f64),
            "float4" => Box::new(n as f32),
            _ => return Err(wrong("a number")),
        })
    };
    match value {
        Value::Null => Ok(match cast(&column.data_type) {
            "int8" => Box::new(None::<i64>),
            "int4" => Box::new(None::<i32>),
            "int2" => Box::new(None::<i16>),
            "bool" => Box::new(None::<bool>),
            "float8" => Box::new(None::<f64>),
            "float4" => Box::new(None::<f32>),
            "bytea" => Box::new(None::<Vec<u8>>),
            "date" => Box::new(None::<NaiveDate>),
            _ => Box::new(None::<String>),
        }),
        Value::Int(n) => int(n),
        Value::Real(x) => match cast(&column.data_type) {
            "float8" => Ok(Box::new(x)),
            "float4" => Ok(Box::new(x as f32)),
            _ => Err(wrong("a real number")),
        },
        Value::Text(text) => match cast(&column.data_type) {
            "text" => Ok(Box::new(text)),
            "date" => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map(|d| Box::new(d) as Box<dyn ToSql + Sync + Send>)
                .map_err(|_| wrong("not a date")),
            _ => Err(wrong("text")),
        },
        Value::Blob(bytes) => match cast(&column.data_type) {
            "bytea" => Ok(Box::new(bytes)),
            _ => Err(wrong("bytes")),
        },
    }
}

fn quoted_list(columns: &[String]) -> String {
    columns.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(", ")
}
