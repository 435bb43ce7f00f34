//! Users, roles and API tokens: the rules around the store's user rows.
//!
//! - Passwords are hashed with Argon2id into a PHC string ([`hash_password`]); only the hash is
//!   stored. [`authenticate`] spends one Argon2 verification whether or not the user exists and
//!   answers every failure (unknown user, wrong password, disabled user) with the same
//!   [`AuthError::Failed`], so neither the answer nor its timing tells which names exist.
//! - API tokens are 32 random bytes shown once ([`new_api_token`]); only their BLAKE3 hex is
//!   stored, so a copy of the database does not hold a usable token.
//! - Roles ([`Role`]): admins manage users, admins and analysts review and see decrypted case
//!   files, viewers only read. [`Principal`] is who acts: a stored user, or, while a database has
//!   no users at all, the single local user (today's behaviour, with every right). Front ends
//!   resolve it once ([`principal`]) and check it ([`require`]); [`unlock_as`] never unwraps the
//!   data key for a role that may not see case files, so a viewer never receives decrypted
//!   person fields.
//!
//! Web sessions are the web crate's business, not this module's.

use std::time::{SystemTime, UNIX_EPOCH};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use store::{Actor, NewUser, Role, Store, UserChange, UserRecord};

use crate::ServiceError;
use crate::record::{self, KeySecret, Unlocked};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes (Argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Tokens start with this, so they are recognisable in configuration files and leak scanners.
pub const TOKEN_PREFIX: &str = "rwt_";

/// A valid Argon2id hash (default parameters) of a password nobody knows: [`authenticate`]
/// verifies against it when the user does not exist, so that case costs the same time.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$cmVmd2F0Y2gtZHVtbXktc2FsdA$8J6CpH2o2Ryb1DGZMvkf/qUWmY1udoG+OkhC6DKRpUI";

/// Why authentication or an authorization check failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown user, wrong password or disabled user: deliberately one message for all.
    #[error("unknown user or wrong password")]
    Failed,
    /// The store or the hashing failed; not the caller's fault.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<store::StoreError> for AuthError {
    fn from(err: store::StoreError) -> AuthError {
        AuthError::Service(ServiceError::Store(err))
    }
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The single local user of a database that has no users (every right, as before users).
    Local(String),
    /// A stored, enabled user.
    User(UserRecord),
}

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any enabled user.
    Any,
    /// Admin or analyst: review decisions, writes to the record.
    Review,
    /// Admin or analyst: decrypted case-file fields.
    SeePersons,
    /// Admin: users, tokens, keys, backups.
    Admin,
}

impl Principal {
    /// The name recorded in the audit log.
    pub fn name(&self) -> &str {
        match self {
            Principal::Local(name) => name,
            Principal::User(user) => &user.name,
        }
    }

    /// The role; the local user of a database without users has every right.
    pub fn role(&self) -> Role {
        match self {
            Principal::Local(_) => Role::Admin,
            Principal::User(user) => user.role,
        }
    }

    /// Whether this principal may do what `need` names.
    pub fn may(&self, need: Need) -> bool {
        let role = self.role();
        match need {
            Need::Any => true,
            Need::Review => role.can_review(),
            Need::SeePersons => role.can_see_persons(),
            Need::Admin => role.can_admin(),
        }
    }
}

/// Hashes a password with Argon2id (default parameters: 19 MiB, 2 passes, 1 lane) and a fresh
/// random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    check_password(password)?;
    let salt: [u8; 16] = record::random()?;
    let hash = Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(|err| ServiceError::Crypto(crypto::CryptoError::Kdf(err.to_string())))?;
    Ok(hash.to_string())
}

/// Adds a user with a hashed password. The first user of a database must be an admin (someone
/// has to be able to manage the others).
pub fn create_user<S: Store>(
    store: &mut S,
    name: &str,
    role: Role,
    password: &str,
    actor: &str,
) -> Result<i64, ServiceError> {
    store::users::check_name(name)?;
    if role != Role::Admin && store.list_users()?.is_empty() {
        return Err(ServiceError::InvalidInput(
            "the first user must be an admin (use --role admin)".to_owned(),
        ));
    }
    let user = NewUser { name: name.to_owned(), role, password_hash: hash_password(password)? };
    Ok(store.add_user(&user, now(actor))?)
}

/// Checks a name and password. Every failure is [`AuthError::Failed`], and an unknown name costs
/// one Argon2 verification like a known one.
pub fn authenticate<S: Store>(store: &S, name: &str, password: &str) -> Result<UserRecord, AuthError> {
    let user = store.get_user(name)?;
    let hash = user.as_ref().map_or(DUMMY_HASH, |u| u.password_hash.as_str());
    let matches = password.len() <= MAX_PASSWORD_BYTES
        && Argon2::default().verify_password(password.as_bytes(), hash).is_ok();
    match user {
        Some(user) if matches && !user.disabled => Ok(user),
        _ => Err(AuthError::Failed),
    }
}

/// Sets a new password.
pub fn change_password<S: Store>(
    store: &mut S,
    name: &str,
    password: &str,
    actor: &str,
) -> Result<(), ServiceError> {
    let change = UserChange { password_hash: Some(hash_password(password)?), ..UserChange::default() };
    Ok(store.update_user(name, &change, now(actor))?)
}

/// Disables or re-enables a user. The last enabled admin cannot be disabled.
pub fn set_disabled<S: Store>(
    store: &mut S,
    name: &str,
    disabled: bool,
    actor: &str,
) -> Result<(), ServiceError> {
    let user = existing(store, name)?;
    if disabled && user.role == Role::Admin && !user.disabled {
        keep_an_admin(store, name)?;
    }
    let change = UserChange { disabled: Some(disabled), ..UserChange::default() };
    Ok(store.update_user(name, &change, now(actor))?)
}

/// Changes a user's role. The last enabled admin keeps the admin role.
pub fn set_role<S: Store>(store: &mut S, name: &str, role: Role, actor: &str) -> Result<(), ServiceError> {
    let user = existing(store, name)?;
    if role != Role::Admin && user.role == Role::Admin && !user.disabled {
        keep_an_admin(store, name)?;
    }
    let change = UserChange { role: Some(role), ..UserChange::default() };
    Ok(store.update_user(name, &change, now(actor))?)
}

/// Creates an API token for `user`: returns the token (show it once; it is not stored) and its id.
pub fn new_api_token<S: Store>(
    store: &mut S,
    user: &str,
    label: &str,
    actor: &str,
) -> Result<(String, i64), ServiceError> {
    existing(store, user)?;
    let bytes: [u8; 32] = record::random()?;
    let token = format!("{TOKEN_PREFIX}{}", hex(&bytes));
    let id = store.add_api_token(user, &token_hash(&token), label, now(actor))?;
    Ok((token, id))
}

/// The enabled user a token belongs to; `None` for an unknown or revoked token or a disabled user.
pub fn user_for_token<S: Store>(store: &S, token: &str) -> Result<Option<UserRecord>, ServiceError> {
    Ok(store.user_for_token(&token_hash(token.trim()))?)
}

/// Revokes an API token by id.
pub fn revoke_api_token<S: Store>(store: &mut S, id: i64, actor: &str) -> Result<(), ServiceError> {
    Ok(store.revoke_api_token(id, now(actor))?)
}

/// The principal called `name`: while the database has no users, the local user; otherwise the
/// enabled user of that name, or [`ServiceError::Forbidden`].
pub fn principal<S: Store>(store: &S, name: &str) -> Result<Principal, ServiceError> {
    if let Some(user) = store.get_user(name)? {
        if user.disabled {
            return Err(ServiceError::Forbidden(format!("user {name:?} is disabled")));
        }
        return Ok(Principal::User(user));
    }
    if store.list_users()?.is_empty() {
        return Ok(Principal::Local(name.to_owned()));
    }
    Err(ServiceError::Forbidden(format!("no user named {name:?} (pass --as USER with an existing user)")))
}

/// Fails with [`ServiceError::Forbidden`] unless `principal` may do what `need` names.
pub fn require(principal: &Principal, need: Need) -> Result<(), ServiceError> {
    if principal.may(need) {
        return Ok(());
    }
    let what = match need {
        Need::Any => "this",
        Need::Review => "review decisions and changes to the record need the admin or analyst role",
        Need::SeePersons => "case files open only for the admin and analyst roles",
        Need::Admin => "this needs the admin role",
    };
    Err(ServiceError::Forbidden(format!("{what} ({} is {})", principal.name(), principal.role().as_str())))
}

/// Unwraps the data key for `principal`, refusing roles that may not see case files: a viewer
/// never gets the key, so never a decrypted person field.
pub fn unlock_as<S: Store>(
    store: &S,
    principal: &Principal,
    secret: &KeySecret,
) -> Result<Unlocked, ServiceError> {
    require(principal, Need::SeePersons)?;
    record::unlock(store, secret)
}

fn existing<S: Store>(store: &S, name: &str) -> Result<UserRecord, ServiceError> {
    store
        .get_user(name)?
        .ok_or_else(|| ServiceError::Store(store::StoreError::NotFound(format!("user {name:?}"))))
}

/// Fails unless an enabled admin other than `name` exists.
fn keep_an_admin<S: Store>(store: &S, name: &str) -> Result<(), ServiceError> {
    let others =
        store.list_users()?.into_iter().any(|u| u.role == Role::Admin && !u.disabled && u.name != name);
    if others {
        Ok(())
    } else {
        Err(ServiceError::InvalidInput(format!("{name} is the last enabled admin; make another admin first")))
    }
}

fn check_password(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::InvalidInput(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ServiceError::InvalidInput(format!(
            "the password must have at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The stored form of a token: BLAKE3, hex.
fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now(actor: &str) -> Actor<'_> {
    let at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Actor { name: actor, at: i64::try_from(at).unwrap_or(i64::MAX) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store_sqlite::SqliteStore;

    const PASSWORD: &str = "correct horse battery";

    #[test]
    fn dummy_hash_is_a_valid_argon2id_hash_with_default_parameters() {
        let parsed = argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).expect("dummy hash parses");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let real = hash_password(PASSWORD).expect("hash");
        let prefix = |h: &str| h.rsplitn(3, '$').nth(2).map(str::to_owned);
        assert_eq!(prefix(DUMMY_HASH), prefix(&real), "same algorithm, version and parameters");
        assert!(Argon2::default().verify_password(PASSWORD.as_bytes(), DUMMY_HASH).is_err());
    }

    #[test]
    fn users_authenticate_roles_gate_and_tokens_resolve() {
        let mut store = SqliteStore::open_in_memory().expect("store");
        assert_eq!(principal(&store, "anyone").expect("local"), Principal::Local("anyone".into()));
        assert!(matches!(
            create_user(&mut store, "vic", Role::Viewer, PASSWORD, "root"),
            Err(ServiceError::InvalidInput(_))
        ));
        assert!(matches!(
            create_user(&mut store, "ana", Role::Admin, "short", "root"),
            Err(ServiceError::InvalidInput(_))
        ));
        create_user(&mut store, "ana", Role::Admin, PASSWORD, "root").expect("first admin");
        create_user(&mut store, "vic", Role::Viewer, PASSWORD, "ana").expect("viewer");
        assert!(matches!(
            create_user(&mut store, "vic", Role::Viewer, PASSWORD, "ana"),
            Err(ServiceError::Store(store::StoreError::Conflict(_)))
        ));

        let ana = authenticate(&store, "ana", PASSWORD).expect("ana logs in");
        assert_eq!(ana.role, Role::Admin);
        assert!(ana.password_hash.starts_with("$argon2id$"));
        for (name, password) in [("ana", "wrong password!"), ("nobody", PASSWORD)] {
            let err = authenticate(&store, name, password).expect_err("refused");
            assert_eq!(err.to_string(), "unknown user or wrong password");
        }

        // The last admin can be neither disabled nor demoted.
        assert!(set_disabled(&mut store, "ana", true, "ana").is_err());
        assert!(set_role(&mut store, "ana", Role::Analyst, "ana").is_err());
        set_disabled(&mut store, "vic", true, "ana").expect("disable");
        assert!(matches!(authenticate(&store, "vic", PASSWORD), Err(AuthError::Failed)));
        assert!(matches!(principal(&store, "vic"), Err(ServiceError::Forbidden(_))));
        assert!(matches!(principal(&store, "mallory"), Err(ServiceError::Forbidden(_))));
        set_disabled(&mut store, "vic", false, "ana").expect("enable");
        change_password(&mut store, "vic", "another long password", "ana").expect("passwd");
        assert!(authenticate(&store, "vic", PASSWORD).is_err());
        assert!(authenticate(&store, "vic", "another long password").is_ok());

        let vic = principal(&store, "vic").expect("vic");
        assert!(vic.may(Need::Any) && !vic.may(Need::Review) && !vic.may(Need::SeePersons));
        let err = require(&vic, Need::SeePersons).expect_err("viewer");
        assert!(err.to_string().contains("vic is viewer"), "{err}");
        let secret = KeySecret::Passphrase(crypto::Passphrase::new("pass phrase".into()));
        assert!(matches!(unlock_as(&store, &vic, &secret), Err(ServiceError::Forbidden(_))));
        set_role(&mut store, "vic", Role::Analyst, "ana").expect("role");
        assert!(principal(&store, "vic").expect("vic").may(Need::SeePersons));

        let (token, id) = new_api_token(&mut store, "vic", "laptop", "ana").expect("token");
        assert!(token.starts_with(TOKEN_PREFIX) && token.len() == TOKEN_PREFIX.len() + 64);
        assert_eq!(user_for_token(&store, &token).expect("lookup").map(|u| u.name), Some("vic".into()));
        assert_eq!(user_for_token(&store, "rwt_00").expect("lookup"), None);
        let listed = store.list_api_tokens().expect("tokens");
        assert_eq!((listed[0].id, listed[0].label.as_str(), listed[0].revoked), (id, "laptop", false));
        set_disabled(&mut store, "vic", true, "ana").expect("disable");
        assert_eq!(user_for_token(&store, &token).expect("lookup"), None);
        set_disabled(&mut store, "vic", false, "ana").expect("enable");
        revoke_api_token(&mut store, id, "ana").expect("revoke");
        assert_eq!(user_for_token(&store, &token).expect("lookup"), None);

        // Every change is in the audit chain, and no hash or token is in it.
        let log = store.audit_log().expect("log");
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "user.add",
                "user.add",
                "user.disable",
                "user.enable",
                "user.passwd",
                "user.role",
                "token.add",
                "user.disable",
                "user.enable",
                "token.revoke"
            ]
        );
        assert_eq!(record::verify_audit(&store).expect("verify").ok(), Some(log.len()));
        let everything = format!("{log:?}");
        assert!(!everything.contains(&ana.password_hash) && !everything.contains(&token));
    }
}
