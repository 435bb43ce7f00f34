//! Conformance checks for users and API tokens (migration 0004) and for backup and restore.

use store::{Actor, BackupItem, BackupSink, BackupSource, NewUser, Role, StoreError, UserChange, Value};

use crate::{Backend, full_claim, open, put};

const ADMIN: Actor<'static> = Actor { name: "root", at: 1_700_000_400 };

fn user(name: &str, role: Role) -> NewUser {
    NewUser { name: name.to_owned(), role, password_hash: format!("$argon2id$v=19$fake-hash-of-{name}") }
}

/// Users round trip with their role and flags, names are unique, changes apply field by field,
/// tokens resolve only while neither revoked nor their user disabled, and every write appends
/// one audit entry whose digest commits to (but does not contain) the password hash.
pub fn users_and_tokens_round_trip(backend: &dyn Backend) {
    let mut store = open(backend);
    assert_eq!(store.list_users().expect("users"), vec![]);
    assert_eq!(store.get_user("ana").expect("get"), None);
    let ana = store.add_user(&user("ana", Role::Admin), ADMIN).expect("add ana");
    let vic = store.add_user(&user("vic", Role::Viewer), ADMIN).expect("add vic");
    assert!(vic > ana);
    match store.add_user(&user("vic", Role::Analyst), ADMIN) {
        Err(StoreError::Conflict(message)) => assert!(message.contains("vic"), "{message}"),
        other => panic!("duplicate user name: {other:?}"),
    }
    assert!(matches!(store.add_user(&user("a b", Role::Viewer), ADMIN), Err(StoreError::InvalidInput(_))));

    let stored = store.get_user("vic").expect("get").expect("vic exists");
    assert_eq!(
        (stored.id, stored.role, stored.disabled, stored.created_at),
        (vic, Role::Viewer, false, ADMIN.at)
    );
    assert_eq!(stored.password_hash, "$argon2id$v=19$fake-hash-of-vic");

    store
        .update_user("vic", &UserChange { role: Some(Role::Analyst), ..UserChange::default() }, ADMIN)
        .expect("role");
    store
        .update_user(
            "vic",
            &UserChange { password_hash: Some("$new".into()), ..UserChange::default() },
            ADMIN,
        )
        .expect("passwd");
    let changed = store.get_user("vic").expect("get").expect("vic");
    assert_eq!(
        (changed.role, changed.password_hash.as_str(), changed.disabled),
        (Role::Analyst, "$new", false)
    );
    assert!(matches!(
        store.update_user("nobody", &UserChange::default(), ADMIN),
        Err(StoreError::NotFound(_))
    ));

    let token = store.add_api_token("vic", &"ab".repeat(32), "laptop", ADMIN).expect("token");
    assert!(matches!(
        store.add_api_token("nobody", &"cd".repeat(32), "", ADMIN),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.user_for_token(&"ab".repeat(32)).expect("lookup").map(|u| u.id), Some(vic));
    assert_eq!(store.user_for_token(&"ef".repeat(32)).expect("lookup"), None);
    store
        .update_user("vic", &UserChange { disabled: Some(true), ..UserChange::default() }, ADMIN)
        .expect("off");
    assert_eq!(store.user_for_token(&"ab".repeat(32)).expect("lookup"), None);
    assert!(store.get_user("vic").expect("get").expect("vic").disabled);
    store
        .update_user("vic", &UserChange { disabled: Some(false), ..UserChange::default() }, ADMIN)
        .expect("on");
    store.revoke_api_token(token, ADMIN).expect("revoke");
    assert_eq!(store.user_for_token(&"ab".repeat(32)).expect("lookup"), None);
    assert!(matches!(store.revoke_api_token(token + 100, ADMIN), Err(StoreError::NotFound(_))));
    let tokens = store.list_api_tokens().expect("tokens");
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        (tokens[0].user.as_str(), tokens[0].label.as_str(), tokens[0].revoked),
        ("vic", "laptop", true)
    );
    drop(store);

    let store = open(backend);
    let names: Vec<String> = store.list_users().expect("users").into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["ana", "vic"]);
    let log = store.audit_log().expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.add",
            "user.add",
            "user.role",
            "user.passwd",
            "token.add",
            "user.disable",
            "user.enable",
            "token.revoke"
        ]
    );
    assert!(log.iter().all(|e| e.actor == "root"));
    assert_eq!(log[0].objects, format!("user:{ana}"));
    assert!(!format!("{log:?}").contains("fake-hash"), "no password hash in the audit log");
    let (seq, hash) = store.audit_head().expect("head");
    assert_eq!(store::audit::verify_chain(&log, (seq, &hash)), Ok(()));
}

/// Collects a backup stream in memory.
#[derive(Default)]
struct Collect(Vec<BackupItem>);

impl BackupSink for Collect {
    fn item(&mut self, item: BackupItem) -> Result<(), StoreError> {
        self.0.push(item);
        Ok(())
    }
}

struct Replay(std::vec::IntoIter<BackupItem>);

impl BackupSource for Replay {
    fn next_item(&mut self) -> Result<Option<BackupItem>, StoreError> {
        Ok(self.0.next())
    }
}

/// A backup streams a header, then every data table (each after the tables it references) with
/// all its rows and ids; restoring it into a database that has data is refused and changes
/// nothing; restoring it into the same, emptied shape is exercised by the CLI tests, which
/// need two databases.
pub fn backup_streams_every_table_and_restore_needs_an_empty_store(backend: &dyn Backend) {
    let mut store = open(backend);
    put(store.as_mut(), b"page one", "One", &[full_claim()]).expect("put");
    store.add_user(&user("ana", Role::Admin), ADMIN).expect("user");
    let mut sink = Collect::default();
    let stats = store.backup(&mut sink).expect("backup");
    let items = sink.0;
    assert!(matches!(items.first(), Some(BackupItem::Begin { schema_version }) if *schema_version >= 4));
    let tables: Vec<&str> = items
        .iter()
        .filter_map(|item| match item {
            BackupItem::Table { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let position =
        |name: &str| tables.iter().position(|t| *t == name).unwrap_or_else(|| panic!("{name} missing"));
    for (before, after) in [
        ("pages", "documents"),
        ("documents", "claims"),
        ("claims", "claim_evidence"),
        ("users", "api_tokens"),
    ] {
        assert!(position(before) < position(after), "{before} after {after}: {tables:?}");
    }
    for absent in ["schema_migrations", "id_reservations"] {
        assert!(!tables.contains(&absent), "{absent} is bookkeeping, not data");
    }
    let n_rows = items.iter().filter(|item| matches!(item, BackupItem::Row(_))).count();
    assert_eq!(stats.rows, n_rows as u64);
    assert_eq!(stats.tables, tables.len());
    // The users table comes with its id and the hash as stored.
    let users_at = items
        .iter()
        .position(|item| matches!(item, BackupItem::Table { name, .. } if name == "users"))
        .expect("users table");
    let BackupItem::Table { columns, .. } = &items[users_at] else { unreachable!() };
    let BackupItem::Row(row) = &items[users_at + 1] else { panic!("users row") };
    let column = |name: &str| columns.iter().position(|c| c == name).expect("column");
    assert!(matches!(row[column("id")], Value::Int(_)));
    assert_eq!(row[column("name")], Value::Text("ana".into()));

    let before = store.audit_log().expect("log").len();
    match store.restore(&mut Replay(items.into_iter())) {
        Err(StoreError::Conflict(message)) => assert!(message.contains("not empty"), "{message}"),
        other => panic!("restore into a non-empty store: {other:?}"),
    }
    assert_eq!(store.audit_log().expect("log").len(), before);
    assert_eq!(store.list_users().expect("users").len(), 1);
}
