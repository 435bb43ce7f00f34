//! Users, roles and API tokens as the store keeps them. Passwords and tokens cross this boundary
//! only as hashes (an Argon2id PHC string, a BLAKE3 hex digest): hashing and checking are the
//! service layer's (`service::users`), so a store never sees a password or a token.

use crate::audit::Digest;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including managing users.
    Admin,
    /// Review decisions and decrypted case files.
    Analyst,
    /// Read incidents and documents; never decrypted person fields.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Analyst, Role::Viewer];

    /// The stored and displayed name: `admin`, `analyst` or `viewer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == s.trim().to_ascii_lowercase())
    }

    /// Whether the role may record review decisions (merge, split, attach, detach, reject, fix).
    pub fn can_review(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }

    /// Whether the role may receive decrypted case-file fields.
    pub fn can_see_persons(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }

    /// Whether the role may manage users and tokens.
    pub fn can_admin(self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// A user to add.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A stored user.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub disabled: bool,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
}

/// What `update_user` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    pub password_hash: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// A stored API token (only its hash is stored, and not shown here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    /// The user's name.
    pub user: String,
    pub label: String,
    pub created_at: i64,
    pub revoked: bool,
}

// The hashes are secrets of a kind (offline guessing): `Debug` leaves them out.
impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser").field("name", &self.name).field("role", &self.role).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// The audit digest of a new user: name, role, and the BLAKE3 of the password hash (so the
/// chain commits to it without repeating it).
pub fn add_user_digest(user: &NewUser) -> Digest {
    let mut digest = Digest::new("user.add");
    digest
        .field(user.name.as_bytes())
        .field(user.role.as_str().as_bytes())
        .field(blake3::hash(user.password_hash.as_bytes()).as_bytes());
    digest
}

/// The audit digest of a user change, and its action name: `user.passwd`, `user.role`,
/// `user.disable`, `user.enable`, or `user.update` when several fields change at once.
pub fn update_user_digest(name: &str, change: &UserChange) -> (&'static str, Digest) {
    let n_changes = usize::from(change.password_hash.is_some())
        + usize::from(change.role.is_some())
        + usize::from(change.disabled.is_some());
    let action = match (&change.password_hash, change.role, change.disabled) {
        _ if n_changes != 1 => "user.update",
        (Some(_), _, _) => "user.passwd",
        (_, Some(_), _) => "user.role",
        (_, _, Some(true)) => "user.disable",
        _ => "user.enable",
    };
    let mut digest = Digest::new(action);
    digest.field(name.as_bytes());
    match &change.password_hash {
        Some(hash) => digest.number(1).field(blake3::hash(hash.as_bytes()).as_bytes()),
        None => digest.number(0),
    };
    match change.role {
        Some(role) => digest.number(1).field(role.as_str().as_bytes()),
        None => digest.number(0),
    };
    match change.disabled {
        Some(disabled) => digest.number(1).number(i64::from(disabled)),
        None => digest.number(0),
    };
    (action, digest)
}

/// The audit digest of a new API token: user, label and the token's hash (itself a hash).
pub fn token_digest(user: &str, token_hash: &str, label: &str) -> Digest {
    let mut digest = Digest::new("token.add");
    digest.field(user.as_bytes()).field(token_hash.as_bytes()).field(label.as_bytes());
    digest
}

/// The audit digest of a revoked API token.
pub fn revoke_digest(id: i64) -> Digest {
    let mut digest = Digest::new("token.revoke");
    digest.number(id);
    digest
}

/// Checks a user name: 1 to 64 characters, letters, digits, `.`, `_`, `-` and `@`.
pub fn check_name(name: &str) -> Result<(), crate::StoreError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(crate::StoreError::InvalidInput(format!(
            "user name {name:?} must be 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_grant() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Admin.can_admin() && !Role::Analyst.can_admin() && !Role::Viewer.can_admin());
        assert!(Role::Analyst.can_review() && Role::Analyst.can_see_persons());
        assert!(!Role::Viewer.can_review() && !Role::Viewer.can_see_persons());
    }

    #[test]
    fn digests_name_the_change_and_never_hold_the_hash() {
        let change = UserChange { disabled: Some(true), ..UserChange::default() };
        assert_eq!(update_user_digest("ana", &change).0, "user.disable");
        let change = UserChange { password_hash: Some("$argon2id$x".into()), ..UserChange::default() };
        assert_eq!(update_user_digest("ana", &change).0, "user.passwd");
        let both = UserChange { role: Some(Role::Viewer), disabled: Some(false), ..UserChange::default() };
        assert_eq!(update_user_digest("ana", &both).0, "user.update");
        assert!(check_name("ana.b-c_d@x").is_ok());
        assert!(check_name("").is_err() && check_name("a b").is_err());
        let user =
            NewUser { name: "ana".into(), role: Role::Admin, password_hash: "$argon2id$secret".into() };
        assert!(!format!("{user:?}").contains("secret"));
    }
}
