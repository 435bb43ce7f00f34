//! Users and API tokens (migration 0004). Every write locks the audit head first and appends its
//! entry in the same transaction, like the other writes in this crate.

use store::users::{add_user_digest, check_name, revoke_digest, token_digest, update_user_digest};
use store::{Actor, ApiTokenRecord, NewUser, Role, StoreError, UserChange, UserRecord};
use tokio_postgres::Row;

use crate::{PostgresStore, append_audit, db_error, lock_head};

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at";

impl PostgresStore {
    pub(crate) async fn add_user_async(&self, user: &NewUser, actor: Actor<'_>) -> Result<i64, StoreError> {
        check_name(&user.name)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_error)?;
        lock_head(&tx).await?;
        if tx
            .query_opt("SELECT 1 FROM users WHERE name = $1", &[&user.name])
            .await
            .map_err(db_error)?
            .is_some()
        {
            return Err(StoreError::Conflict(format!("a user named {:?} already exists", user.name)));
        }
        let id: i64 = tx
            .query_one(
                "INSERT INTO users (name, role, password_hash, disabled, created_at)
                 VALUES ($1, $2, $3, false, $4) RETURNING id",
                &[&user.name, &user.role.as_str(), &user.password_hash, &actor.at],
            )
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;
        append_audit(
            &tx,
            self.audit_mac.get().as_deref(),
            actor,
            "user.add",
            &format!("user:{id}"),
            &add_user_digest(user),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    pub(crate) async fn get_user_async(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.name = $1"), &[&name])
            .await
            .map_err(db_error)?;
        row.as_ref().map(user_record).transpose()
    }

    pub(crate) async fn list_users_async(&self) -> Result<Vec<UserRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"), &[])
            .await
            .map_err(db_error)?;
        rows.iter().map(user_record).collect()
    }

    pub(crate) async fn update_user_async(
        &self,
        name: &str,
        change: &UserChange,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_error)?;
        lock_head(&tx).await?;
        let id: i64 = tx
            .query_opt("SELECT id FROM users WHERE name = $1", &[&name])
            .await
            .map_err(db_error)?
            .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))?
            .try_get(0)
            .map_err(db_error)?;
        tx.execute(
            "UPDATE users SET password_hash = coalesce($1, password_hash), role = coalesce($2, role),
                              disabled = coalesce($3, disabled)
             WHERE id = $4",
            &[&change.password_hash, &change.role.map(Role::as_str), &change.disabled, &id],
        )
        .await
        .map_err(db_error)?;
        let (action, digest) = update_user_digest(name, change);
        append_audit(&tx, self.audit_mac.get().as_deref(), actor, action, &format!("user:{id}"), &digest)
            .await?;
        tx.commit().await.map_err(db_error)
    }

    pub(crate) async fn add_api_token_async(
        &self,
        user: &str,
        token_hash: &str,
        label: &str,
        actor: Actor<'_>,
    ) -> Result<i64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_error)?;
        lock_head(&tx).await?;
        let user_id: i64 = tx
            .query_opt("SELECT id FROM users WHERE name = $1", &[&user])
            .await
            .map_err(db_error)?
            .ok_or_else(|| StoreError::NotFound(format!("user {user:?}")))?
            .try_get(0)
            .map_err(db_error)?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO api_tokens (user_id, token_hash, label, created_at, revoked)
                 VALUES ($1, $2, $3, $4, false) RETURNING id",
                &[&user_id, &token_hash, &label, &actor.at],
            )
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;
        let objects = format!("token:{id} user:{user_id}");
        append_audit(
            &tx,
            self.audit_mac.get().as_deref(),
            actor,
            "token.add",
            &objects,
            &token_digest(user, token_hash, label),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    pub(crate) async fn user_for_token_async(
        &self,
        token_hash: &str,
    ) -> Result<Option<UserRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = $1 AND NOT t.revoked AND NOT u.disabled"
                ),
                &[&token_hash],
            )
            .await
            .map_err(db_error)?;
        row.as_ref().map(user_record).transpose()
    }

    pub(crate) async fn list_api_tokens_async(&self) -> Result<Vec<ApiTokenRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT t.id, u.name, t.label, t.created_at, t.revoked
                 FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
                &[],
            )
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(ApiTokenRecord {
                    id: r.try_get(0).map_err(db_error)?,
                    user: r.try_get(1).map_err(db_error)?,
                    label: r.try_get(2).map_err(db_error)?,
                    created_at: r.try_get(3).map_err(db_error)?,
                    revoked: r.try_get(4).map_err(db_error)?,
                })
            })
            .collect()
    }

    pub(crate) async fn revoke_api_token_async(&self, id: i64, actor: Actor<'_>) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_error)?;
        lock_head(&tx).await?;
        let changed = tx
            .execute("UPDATE api_tokens SET revoked = true WHERE id = $1", &[&id])
            .await
            .map_err(db_error)?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("API token {id}")));
        }
        append_audit(
            &tx,
            self.audit_mac.get().as_deref(),
            actor,
            "token.revoke",
            &format!("token:{id}"),
            &revoke_digest(id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }
}

fn user_record(r: &Row) -> Result<UserRecord, StoreError> {
    let id: i64 = r.try_get(0).map_err(db_error)?;
    let role: String = r.try_get(2).map_err(db_error)?;
    let role =
        Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user {id}: unknown role {role:?}")))?;
    Ok(UserRecord {
        id,
        name: r.try_get(1).map_err(db_error)?,
        role,
        password_hash: r.try_get(3).map_err(db_error)?,
        disabled: r.try_get(4).map_err(db_error)?,
        created_at: r.try_get(5).map_err(db_error)?,
    })
}
