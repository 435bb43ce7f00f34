//! The audit MAC key: derived apart from every other key, bound to the entry's position, and
//! frozen (a change of derivation or MAC input would make every stored MAC fail).

use crypto::AuditKey;

const HASH: &str = "6a3c1f0e9b8d7c6b5a49382716051f2e3d4c5b6a79880f1e2d3c4b5a69788796";

#[test]
fn a_mac_verifies_only_for_its_key_sequence_and_hash() {
    let key = AuditKey::derive(&[3; 32]);
    let mac = key.mac(7, HASH);
    assert_eq!(mac.len(), 64);
    assert!(key.verify(7, HASH, &mac));
    assert!(!key.verify(8, HASH, &mac), "moved to another position");
    assert!(!key.verify(7, &HASH.replace('6', "7"), &mac), "another entry hash");
    assert!(!AuditKey::derive(&[4; 32]).verify(7, HASH, &mac), "another root key");
    assert!(!key.verify(7, HASH, &mac.to_uppercase().replace('A', "B")));
    for junk in ["", "zz", &mac[..63], &format!("{mac}0")] {
        assert!(!key.verify(7, HASH, junk), "{junk:?}");
    }
}

#[test]
fn the_subkey_is_separated_from_its_root_and_other_derivations() {
    let root = [3u8; 32];
    let key = AuditKey::derive(&root);
    // Not the root used directly, nor a key derived for another purpose from the same root.
    let direct = blake3::keyed_hash(&root, HASH.as_bytes()).to_hex().to_string();
    assert_ne!(key.mac(1, HASH), direct);
    let search = blake3::derive_key("refwatch 2026-11 blind search index v1", &root);
    assert_ne!(AuditKey::derive(&search).mac(1, HASH), key.mac(1, HASH));
}

#[test]
fn frozen_mac_keeps_verifying() {
    let key = AuditKey::derive(&[3; 32]);
    assert_eq!(key.mac(7, HASH), FROZEN);
    assert!(key.verify(7, HASH, FROZEN));
}

#[test]
fn debug_redacts_the_key() {
    assert_eq!(format!("{:?}", AuditKey::derive(&[3; 32])), "AuditKey(<redacted>)");
}

const FROZEN: &str = "88144db05d3d6831908dea6923eb6304b629e6e4c10c7aad52a0e6438de92de7";
