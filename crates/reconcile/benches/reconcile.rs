//! Reconciles 100,000 synthetic claims and prints the time taken. Run with
//! `cargo bench -p reconcile [-- N]`. Not a statistical benchmark: one warm-up, then three timed
//! runs.

use std::time::Instant;

fn main() {
    let n: usize = std::env::args().filter_map(|a| a.parse().ok()).next().unwrap_or(100_000);
    let claims = reconcile_bench::synthetic(n);
    // One analyst decision per hundred claims, half of them naming claims whose span moved.
    let decisions = reconcile_bench::decisions(&claims, n / 100);
    let _ = reconcile::reconcile(&claims, &decisions);
    for _ in 0..3 {
        let start = Instant::now();
        let result = reconcile::reconcile(&claims, &decisions);
        let elapsed = start.elapsed();
        println!(
            "reconcile: {} claims, {} decisions -> {} incidents, {} aggregates in {:.2?}",
            claims.len(),
            decisions.len(),
            result.incidents.len(),
            result.aggregates.len(),
            elapsed
        );
    }
}

mod reconcile_bench {
    use domain::{
        Claim, ClaimKind, ContentHash, Count, CountQualifier, DatePrecision, DateSpan, Evidence, NaiveDate,
        PartialDate,
    };
    use reconcile::{ClaimInput, ClaimKey, ClaimRef, Decision, GroupId};

    /// A small deterministic generator (xorshift), so runs are comparable.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }
    }

    /// `n` claims about `n / 4` occasions over seven years, 12 perpetrators and 12 nationalities,
    /// with day, week and missing dates, conflicting figures and a few aggregates.
    pub fn synthetic(n: usize) -> Vec<ClaimInput> {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let codes = ["CN", "TH", "MY", "TR", "IR", "PK", "GR", "HR", "PL", "LB", "US", "GB"];
        let nations = ["KP", "MM", "AF", "SY", "SD", "ER", "IQ", "HN", "GT", "VE", "UG", "RO"];
        let base = NaiveDate::from_ymd_opt(2019, 1, 1).map_or(0, |d| d.num_days_from_ce_like());
        let occasions = (n / 4).max(1);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let occasion = rng.below(occasions as u64);
            let mut orng = Rng(occasion.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
            let day = base + orng.below(7 * 365) as i32;
            let perpetrator = codes[orng.below(12) as usize].parse().ok();
            let nationality = nations[orng.below(12) as usize].parse().ok().map(domain::Nationality::Country);
            let size = 5 + orng.below(600);
            let date = match rng.below(10) {
                0 => DateSpan::UNKNOWN,
                1 => span(day - 3, day + 3, DatePrecision::Week),
                _ => span(day, day, DatePrecision::Day),
            };
            let count = match rng.below(6) {
                0 => Count::unknown(),
                1 => Count {
                    low: Some(size),
                    high: None,
                    qualifier: CountQualifier::MoreThan,
                    text: String::new(),
                },
                2 => Count {
                    low: Some(size),
                    high: Some(size),
                    qualifier: CountQualifier::About,
                    text: String::new(),
                },
                _ => Count::exact(size, ""),
            };
            let aggregate = rng.below(500) == 0;
            let mut document = [0u8; 32];
            document[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let claim = Claim {
                kind: ClaimKind::ForcedReturn,
                aggregate,
                date,
                count,
                perpetrator,
                destination: None,
                nationality,
                place: None,
                women: None,
                children: None,
                sources: Vec::new(),
                persons: Vec::new(),
                evidence: vec![Evidence {
                    start: 0,
                    end: 160,
                    text: format!(
                        "Officials of the border police sent {size} people back across the river on day {day}, \
                         a monitoring group said, citing relatives of those held in report {i}."
                    ),
                }],
            };
            let key = ClaimKey::of(ContentHash(document), &claim);
            let published = from_days(day + 2);
            out.push(ClaimInput { key, group: GroupId(i as u32), published, claim });
        }
        out
    }

    pub fn decisions(claims: &[ClaimInput], n: usize) -> Vec<Decision> {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        (0..n)
            .map(|k| {
                let pick = |rng: &mut Rng| {
                    let c = &claims[rng.below(claims.len() as u64) as usize];
                    let mut claim = ClaimRef::of(c.key, &c.claim);
                    if k % 2 == 0 {
                        claim.key.start += 1;
                    }
                    claim
                };
                match rng.below(3) {
                    0 => Decision::Merge { a: pick(&mut rng), b: pick(&mut rng) },
                    1 => Decision::Split { claim: pick(&mut rng) },
                    _ => Decision::RejectClaim { claim: pick(&mut rng) },
                }
            })
            .collect()
    }

    fn from_days(d: i32) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(d)
    }

    fn span(lo: i32, hi: i32, precision: DatePrecision) -> DateSpan {
        DateSpan {
            start: from_days(lo).map(PartialDate::from_date),
            end: from_days(hi).map(PartialDate::from_date),
            precision,
        }
    }

    trait DaysFromCe {
        fn num_days_from_ce_like(&self) -> i32;
    }
    impl DaysFromCe for NaiveDate {
        fn num_days_from_ce_like(&self) -> i32 {
            use chrono::Datelike;
            self.num_days_from_ce()
        }
    }
}
