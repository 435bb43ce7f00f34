//! The reconcile and decision use cases: stored claims (+ stored decisions) → incidents, and
//! recording an analyst's decision.

use std::collections::HashMap;

use domain::{Claim, ContentHash, Diagnostic};
use reconcile::{ClaimInput, ClaimKey, ClaimRef, Decision, Reconciliation, SourceGroups};
use store::{ClaimFilter, ClaimRecord, DecisionRecord, NewDecision, Store};

use crate::ServiceError;

/// A reconciled record with what is needed to show it.
#[derive(Debug, Clone)]
pub struct ReconciledView {
    /// The claims as reconciled; incidents refer to them by index.
    pub claims: Vec<ClaimInput>,
    /// Each document's title.
    pub titles: HashMap<ContentHash, Option<String>>,
    /// Independent sources: near-duplicate documents share a group.
    pub groups: SourceGroups,
    pub reconciliation: Reconciliation,
    /// The stored decisions, oldest first (reconciliation diagnostics number them from 0).
    pub decisions: Vec<DecisionRecord>,
}

/// Reconciles every stored claim, applying every stored decision.
pub fn reconcile<S: Store>(store: &S) -> Result<ReconciledView, ServiceError> {
    let documents = store.list_documents()?;
    // Stored signatures (keyed when sealed), so no text is read or opened; documents stored
    // before signatures were kept are signed from their (plain) text.
    let mut stored: HashMap<ContentHash, reconcile::Signature> = HashMap::new();
    for (hash, signature) in store.signatures()? {
        let signature = reconcile::Signature::from_bytes(&signature.bytes).map_err(|err| {
            ServiceError::Store(store::StoreError::Corrupt(format!("document {hash}: {err}")))
        })?;
        stored.insert(hash, signature);
    }
    let mut signatures: Vec<(ContentHash, reconcile::Signature)> = Vec::with_capacity(documents.len());
    for summary in &documents {
        let signature = match stored.remove(&summary.hash) {
            Some(signature) => signature,
            None => reconcile::Signature::of(&store.get_document(&summary.hash.to_hex())?.text, None),
        };
        signatures.push((summary.hash, signature));
    }
    let groups = reconcile::source_groups_of(&signatures);
    let published: HashMap<ContentHash, _> = documents.iter().map(|d| (d.hash, d.published)).collect();

    let rows = store.list_claims(&ClaimFilter::default())?;
    let mut titles = HashMap::new();
    let claims: Vec<ClaimInput> = rows
        .into_iter()
        .map(|row| {
            titles.entry(row.document_hash).or_insert(row.document_title);
            let claim = to_claim(row.claim);
            ClaimInput {
                key: ClaimKey::of(row.document_hash, &claim),
                group: groups.group_of(&row.document_hash).unwrap_or(reconcile::GroupId(u32::MAX)),
                published: published.get(&row.document_hash).copied().flatten(),
                claim,
            }
        })
        .collect();

    let stored = store.list_decisions()?;
    let mut notes = Vec::new();
    let decisions: Vec<Decision> = stored
        .iter()
        .filter_map(|record| match from_row(&record.decision) {
            Some(decision) => Some(decision),
            None => {
                notes.push(Diagnostic::warning(format!(
                    "stored decision {} does not parse; skipped",
                    record.id
                )));
                None
            }
        })
        .collect();
    let mut reconciliation = reconcile::reconcile(&claims, &decisions);
    reconciliation.diagnostics.extend(notes);
    Ok(ReconciledView { claims, titles, groups, reconciliation, decisions: stored })
}

/// Stores an analyst's decision; returns its id.
pub fn record_decision<S: Store>(
    store: &mut S,
    decision: &Decision,
    actor: &str,
    created_at: i64,
) -> Result<i64, ServiceError> {
    Ok(store.add_decision(&to_row(decision, actor, created_at))?)
}

/// A stored claim as the domain type; persons' names are not stored, so none are given.
fn to_claim(record: ClaimRecord) -> Claim {
    Claim {
        kind: record.kind,
        aggregate: record.aggregate,
        date: record.date,
        count: record.count,
        perpetrator: record.perpetrator,
        destination: record.destination,
        nationality: record.nationality,
        place: record.place,
        women: record.women,
        children: record.children,
        sources: record.sources,
        persons: Vec::new(),
        evidence: record.evidence,
    }
}

fn to_row(decision: &Decision, actor: &str, created_at: i64) -> NewDecision {
    let (kind, claim, other, fix) = match decision {
        Decision::Merge { a, b } => ("merge", a, Some(b), None),
        Decision::Split { claim } => ("split", claim, None, None),
        Decision::Attach { claim, to } => ("attach", claim, Some(to), None),
        Decision::Detach { claim } => ("detach", claim, None, None),
        Decision::RejectClaim { claim } => ("reject_claim", claim, None, None),
        Decision::RejectIncident { incident } => ("reject_incident", incident, None, None),
        Decision::Fix { incident, field, value } => ("fix", incident, None, Some((field, value))),
        Decision::Accept { incident } => ("accept", incident, None, None),
    };
    NewDecision {
        kind: kind.to_owned(),
        claim: claim.key.to_string(),
        // Only the print of the sentence is stored (keyed already when the claim was sealed).
        claim_evidence: reconcile::evidence_print(&claim.evidence, None),
        other: other.map(|o| o.key.to_string()),
        other_evidence: other.map(|o| reconcile::evidence_print(&o.evidence, None)),
        field: fix.map(|(f, _)| f.to_string()),
        value: fix.map(|(_, v)| v.clone()),
        actor: actor.to_owned(),
        created_at,
    }
}

fn from_row(row: &NewDecision) -> Option<Decision> {
    let claim = ClaimRef { key: row.claim.parse().ok()?, evidence: row.claim_evidence.clone() };
    let other = || -> Option<ClaimRef> {
        Some(ClaimRef { key: row.other.as_deref()?.parse().ok()?, evidence: row.other_evidence.clone()? })
    };
    Some(match row.kind.as_str() {
        "merge" => Decision::Merge { a: claim, b: other()? },
        "split" => Decision::Split { claim },
        "attach" => Decision::Attach { claim, to: other()? },
        "detach" => Decision::Detach { claim },
        "reject_claim" => Decision::RejectClaim { claim },
        "reject_incident" => Decision::RejectIncident { incident: claim },
        "accept" => Decision::Accept { incident: claim },
        "fix" => Decision::Fix {
            incident: claim,
            field: row.field.as_deref()?.parse().ok()?,
            value: row.value.clone()?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_decision_round_trips_through_its_row() {
        let key: ClaimKey = format!("{}:forced_return:10-90", ContentHash([7; 32])).parse().expect("key");
        let claim = ClaimRef { key, evidence: "More than 500 were sent back.".into() };
        let other = ClaimRef { key: ClaimKey { start: 100, ..key }, evidence: "About 600.".into() };
        let decisions = [
            Decision::Merge { a: claim.clone(), b: other.clone() },
            Decision::Split { claim: claim.clone() },
            Decision::Attach { claim: claim.clone(), to: other },
            Decision::Detach { claim: claim.clone() },
            Decision::RejectClaim { claim: claim.clone() },
            Decision::RejectIncident { incident: claim.clone() },
            Decision::Accept { incident: claim.clone() },
            Decision::Fix { incident: claim, field: reconcile::Field::Low, value: "500".into() },
        ];
        for decision in decisions {
            let row = to_row(&decision, "analyst", 1);
            assert!(reconcile::is_print(&row.claim_evidence) && !row.claim_evidence.contains("sent"));
            assert_eq!(to_row(&from_row(&row).expect("parses"), "analyst", 1), row);
        }
    }
}
