//! Users and API tokens (migration 0004). Every write appends its audit entry in the same
//! transaction, like the other writes in this crate.

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use store::audit::AuditMac;
use store::users::{add_user_digest, check_name, revoke_digest, token_digest, update_user_digest};
use store::{Actor, ApiTokenRecord, NewUser, Role, StoreError, UserChange, UserRecord};

use crate::{append_audit, db_error};

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at";

pub(crate) fn add_user(
    conn: &mut Connection,
    mac: Option<&dyn AuditMac>,
    user: &NewUser,
    actor: Actor<'_>,
) -> Result<i64, StoreError> {
    check_name(&user.name)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    let taken = tx
        .prepare("SELECT 1 FROM users WHERE name = ?1")
        .and_then(|mut s| s.exists([&user.name]))
        .map_err(db_error)?;
    if taken {
        return Err(StoreError::Conflict(format!("a user named {:?} already exists", user.name)));
    }
    tx.execute(
        "INSERT INTO users (name, role, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
        params![user.name, user.role.as_str(), user.password_hash, actor.at],
    )
    .map_err(db_error)?;
    let id = tx.last_insert_rowid();
    append_audit(&tx, mac, actor, "user.add", &format!("user:{id}"), &add_user_digest(user))?;
    tx.commit().map_err(db_error)?;
    Ok(id)
}

pub(crate) fn get_user(conn: &Connection, name: &str) -> Result<Option<UserRecord>, StoreError> {
    let row = conn
        .query_row(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.name = ?1"), [name], user_row)
        .optional()
        .map_err(db_error)?;
    row.map(UserSqlRow::into_record).transpose()
}

pub(crate) fn list_users(conn: &Connection) -> Result<Vec<UserRecord>, StoreError> {
    let rows: Vec<UserSqlRow> = conn
        .prepare(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"))
        .and_then(|mut s| s.query_map([], user_row)?.collect())
        .map_err(db_error)?;
    rows.into_iter().map(UserSqlRow::into_record).collect()
}

pub(crate) fn update_user(
    conn: &mut Connection,
    mac: Option<&dyn AuditMac>,
    name: &str,
    change: &UserChange,
    actor: Actor<'_>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    let id: i64 = tx
        .query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .optional()
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))?;
    tx.execute(
        "UPDATE users SET password_hash = coalesce(?1, password_hash), role = coalesce(?2, role),
                          disabled = coalesce(?3, disabled)
         WHERE id = ?4",
        params![change.password_hash, change.role.map(Role::as_str), change.disabled, id],
    )
    .map_err(db_error)?;
    let (action, digest) = update_user_digest(name, change);
    append_audit(&tx, mac, actor, action, &format!("user:{id}"), &digest)?;
    tx.commit().map_err(db_error)
}

pub(crate) fn add_api_token(
    conn: &mut Connection,
    mac: Option<&dyn AuditMac>,
    user: &str,
    token_hash: &str,
    label: &str,
    actor: Actor<'_>,
) -> Result<i64, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    let user_id: i64 = tx
        .query_row("SELECT id FROM users WHERE name = ?1", [user], |r| r.get(0))
        .optional()
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound(format!("user {user:?}")))?;
    tx.execute(
        "INSERT INTO api_tokens (user_id, token_hash, label, created_at, revoked) VALUES (?1, ?2, ?3, ?4, 0)",
        params![user_id, token_hash, label, actor.at],
    )
    .map_err(db_error)?;
    let id = tx.last_insert_rowid();
    let objects = format!("token:{id} user:{user_id}");
    append_audit(&tx, mac, actor, "token.add", &objects, &token_digest(user, token_hash, label))?;
    tx.commit().map_err(db_error)?;
    Ok(id)
}

pub(crate) fn user_for_token(conn: &Connection, token_hash: &str) -> Result<Option<UserRecord>, StoreError> {
    let row = conn
        .query_row(
            &format!(
                "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = ?1 AND t.revoked = 0 AND u.disabled = 0"
            ),
            [token_hash],
            user_row,
        )
        .optional()
        .map_err(db_error)?;
    row.map(UserSqlRow::into_record).transpose()
}

pub(crate) fn list_api_tokens(conn: &Connection) -> Result<Vec<ApiTokenRecord>, StoreError> {
    conn.prepare(
        "SELECT t.id, u.name, t.label, t.created_at, t.revoked FROM api_tokens t JOIN users u ON u.id = t.user_id
         ORDER BY t.id",
    )
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(ApiTokenRecord {
                id: r.get(0)?,
                user: r.get(1)?,
                label: r.get(2)?,
                created_at: r.get(3)?,
                revoked: r.get(4)?,
            })
        })?
        .collect()
    })
    .map_err(db_error)
}

pub(crate) fn revoke_api_token(
    conn: &mut Connection,
    mac: Option<&dyn AuditMac>,
    id: i64,
    actor: Actor<'_>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    let changed = tx.execute("UPDATE api_tokens SET revoked = 1 WHERE id = ?1", [id]).map_err(db_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("API token {id}")));
    }
    append_audit(&tx, mac, actor, "token.revoke", &format!("token:{id}"), &revoke_digest(id))?;
    tx.commit().map_err(db_error)
}

struct UserSqlRow {
    id: i64,
    name: String,
    role: String,
    password_hash: String,
    disabled: bool,
    created_at: i64,
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<UserSqlRow> {
    Ok(UserSqlRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        password_hash: r.get(3)?,
        disabled: r.get(4)?,
        created_at: r.get(5)?,
    })
}

impl UserSqlRow {
    fn into_record(self) -> Result<UserRecord, StoreError> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| StoreError::Corrupt(format!("user {}: unknown role {:?}", self.id, self.role)))?;
        Ok(UserRecord {
            id: self.id,
            name: self.name,
            role,
            password_hash: self.password_hash,
            disabled: self.disabled,
            created_at: self.created_at,
        })
    }
}
