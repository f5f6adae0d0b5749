//! Which shards a consumer may work on: pure functions of the shard list, the leases and who
//! holds them, so that the lineage rules are tested over shard trees no local server makes.
//!
//! - A shard is done once its lease says `finished`.
//! - A shard may start only when it has no parent, or its parent is done, or its parent is no
//!   longer listed and never had a lease (trimmed away before this consumer knew it). Parents
//!   are read to their end before their children, so the changes to one key are handled in
//!   order across splits.
//! - A lease that is not finished and whose shard is no longer listed was trimmed away while
//!   records of it were still to be handled: those records are gone, which is reported
//!   ([`Plan::trimmed`]), never skipped in silence; its children wait.
//! - A shard whose lease another live consumer holds is not taken; one whose holder stopped
//!   renewing (expired) or that nobody holds is free.
//! - Shards are shared out: a consumer takes free shards until it holds its share (the
//!   startable shards divided by the live consumers, rounded up), and when none is free, takes
//!   one lease a round from the consumer holding the most beyond its share.
//! - A new consumer starting from the newest records (`LATEST`) reads only the shards without
//!   children from their newest record, and counts their ancestors done ([`initial_leases`]);
//!   shards found later start from their oldest record, so that no record written to them is
//!   missed.

use std::collections::{BTreeMap, BTreeSet};

/// A shard as `DescribeStream` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ShardInfo {
    /// The shard id.
    pub(super) id: String,
    /// Its parent, if it was split off one.
    pub(super) parent: Option<String>,
}

/// Who holds a shard's lease, as this consumer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Holder {
    /// Nobody.
    Free,
    /// This consumer.
    Me,
    /// Another consumer that keeps renewing it.
    Live(String),
    /// Another consumer that stopped renewing it.
    Expired(String),
}

/// What the lease table says of one shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LeaseState {
    /// Every record of the shard was processed.
    pub(super) finished: bool,
    /// Who holds it.
    pub(super) holder: Holder,
}

/// What one consumer should do with the shards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Plan {
    /// Shards it holds and may go on with.
    pub(super) keep: Vec<String>,
    /// Free shards to take, up to its share.
    pub(super) take: Vec<String>,
    /// A shard to take from a consumer holding more than its share (at most one a round).
    pub(super) steal: Option<String>,
    /// Shards it holds but may not work on (their parent is not done): to release.
    pub(super) release: Vec<String>,
    /// Shards waiting for their parent.
    pub(super) waiting: Vec<String>,
    /// Unfinished leases of shards no longer listed: their remaining records are gone.
    pub(super) trimmed: Vec<String>,
}

/// A lease to create when a consumer first meets a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct InitialLease {
    /// The shard.
    pub(super) shard_id: String,
    /// Its parent.
    pub(super) parent: Option<String>,
    /// Already done (a shard with children, for a consumer starting from the newest records).
    pub(super) finished: bool,
    /// Read from its newest record rather than its oldest.
    pub(super) start_at_latest: bool,
}

/// The leases a consumer creates when there are none yet for its name and stream. From the
/// oldest records (`latest` false): every shard, to be read from its start. From the newest
/// (`latest` true): the shards without children, to be read from now, and every other shard
/// done.
///
/// Whether a shard is closed is not asked: a leaf that closed reads nothing from "now" and
/// finishes, and its children, listed later, are read from their start. (One local server
/// also gives its open shard an ending sequence number.)
pub(super) fn initial_leases(shards: &[ShardInfo], latest: bool) -> Vec<InitialLease> {
    let parents: BTreeSet<&str> = shards.iter().filter_map(|s| s.parent.as_deref()).collect();
    shards
        .iter()
        .map(|shard| {
            let leaf = !parents.contains(shard.id.as_str());
            InitialLease {
                shard_id: shard.id.clone(),
                parent: shard.parent.clone(),
                finished: latest && !leaf,
                start_at_latest: latest && leaf,
            }
        })
        .collect()
}

/// A stable, spread-out order of shard ids for one consumer (`seed`), so that consumers do not
/// all reach for the same free shard first.
fn spread(seed: u64, id: &str) -> u64 {
    // FNV-1a over the id, mixed with the seed
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The order in which `worker` reaches for free shards.
pub(super) fn seed_of(worker: &str) -> u64 {
    spread(0, worker)
}

/// The plan for one consumer: `workers` is how many consumers are alive, itself included.
pub(super) fn plan(
    shards: &[ShardInfo],
    leases: &BTreeMap<String, LeaseState>,
    workers: usize,
    seed: u64,
) -> Plan {
    let listed: BTreeSet<&str> = shards.iter().map(|s| s.id.as_str()).collect();
    let done = |id: &str| leases.get(id).is_some_and(|l| l.finished);
    let holder = |id: &str| leases.get(id).map_or(&Holder::Free, |l| &l.holder);
    let mut plan = Plan {
        trimmed: leases
            .iter()
            .filter(|(id, lease)| !lease.finished && !listed.contains(id.as_str()))
            .map(|(id, _)| id.clone())
            .collect(),
        ..Plan::default()
    };
    let mut free = Vec::new();
    let mut startable: usize = 0;
    let mut held: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut live = BTreeSet::new();
    let mut ordered: Vec<&ShardInfo> = shards.iter().collect();
    ordered.sort_by_key(|s| (spread(seed, &s.id), s.id.as_str()));
    for shard in ordered {
        if done(&shard.id) {
            continue;
        }
        let ready = match &shard.parent {
            None => true,
            Some(parent) => {
                done(parent) || (!listed.contains(parent.as_str()) && !leases.contains_key(parent))
            }
        };
        match (ready, holder(&shard.id)) {
            (true, Holder::Me) => {
                startable += 1;
                plan.keep.push(shard.id.clone());
            }
            (true, Holder::Free | Holder::Expired(_)) => {
                startable += 1;
                free.push(shard.id.clone());
            }
            (true, Holder::Live(owner)) => {
                startable += 1;
                live.insert(owner.as_str());
                held.entry(owner.as_str()).or_default().push(&shard.id);
            }
            (false, Holder::Me) => plan.release.push(shard.id.clone()),
            (false, _) => plan.waiting.push(shard.id.clone()),
        }
    }
    let consumers = workers.max(live.len() + 1);
    let share = startable.div_ceil(consumers);
    let room = share.saturating_sub(plan.keep.len());
    plan.take = free.into_iter().take(room).collect();
    if plan.keep.len() + plan.take.len() < share {
        // none free: one from the consumer holding the most beyond its share
        plan.steal = held
            .iter()
            .filter(|(_, shards)| shards.len() > share)
            .max_by_key(|(owner, shards)| (shards.len(), std::cmp::Reverse(**owner)))
            .and_then(|(_, shards)| shards.first())
            .map(|id| (*id).to_owned());
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(id: &str, parent: Option<&str>) -> ShardInfo {
        ShardInfo {
            id: id.to_owned(),
            parent: parent.map(str::to_owned),
        }
    }

    fn state(finished: bool, holder: Holder) -> LeaseState {
        LeaseState { finished, holder }
    }

    fn leases(entries: &[(&str, LeaseState)]) -> BTreeMap<String, LeaseState> {
        entries
            .iter()
            .map(|(id, s)| ((*id).to_owned(), s.clone()))
            .collect()
    }

    fn sorted(mut ids: Vec<String>) -> Vec<String> {
        ids.sort();
        ids
    }

    #[test]
    fn a_new_stream_starts_at_its_roots() {
        let shards = [shard("a", None), shard("b", Some("a"))];
        let p = plan(&shards, &BTreeMap::new(), 1, 0);
        assert_eq!(p.take, ["a"]);
        assert_eq!(p.waiting, ["b"]);
        assert!(p.keep.is_empty() && p.trimmed.is_empty());
    }

    #[test]
    fn children_start_once_their_parent_is_finished() {
        // a split: a -> (b, c); then b -> d
        let shards = [
            shard("a", None),
            shard("b", Some("a")),
            shard("c", Some("a")),
            shard("d", Some("b")),
        ];
        let unfinished_parent = leases(&[("a", state(false, Holder::Me))]);
        let p = plan(&shards, &unfinished_parent, 1, 0);
        assert_eq!(p.keep, ["a"]);
        assert_eq!(sorted(p.waiting), ["b", "c", "d"]);
        assert!(p.take.is_empty());

        let finished_parent = leases(&[("a", state(true, Holder::Free))]);
        let p = plan(&shards, &finished_parent, 1, 0);
        assert_eq!(sorted(p.take), ["b", "c"]);
        assert_eq!(p.waiting, ["d"]);

        let grandchild = leases(&[
            ("a", state(true, Holder::Free)),
            ("b", state(true, Holder::Free)),
            ("c", state(false, Holder::Me)),
        ]);
        let p = plan(&shards, &grandchild, 1, 0);
        assert_eq!(p.keep, ["c"]);
        assert_eq!(p.take, ["d"]);
    }

    #[test]
    fn a_parent_trimmed_before_it_had_a_lease_does_not_hold_its_children_back() {
        // `a` is gone from the list (older than 24 hours) and this consumer never leased it
        let shards = [shard("b", Some("a")), shard("c", Some("a"))];
        let p = plan(&shards, &BTreeMap::new(), 1, 0);
        assert_eq!(sorted(p.take), ["b", "c"]);
        assert!(p.trimmed.is_empty());
    }

    #[test]
    fn an_unfinished_lease_trimmed_away_is_reported_and_its_children_wait() {
        // `a` was being read (or waited to be) when it was trimmed: its remaining records are
        // gone, which must not pass in silence
        let shards = [shard("b", Some("a")), shard("c", Some("a"))];
        for holder in [Holder::Free, Holder::Me, Holder::Expired("w2".into())] {
            let leases = leases(&[("a", state(false, holder.clone()))]);
            let p = plan(&shards, &leases, 1, 0);
            assert_eq!(p.trimmed, ["a"], "{holder:?}");
            assert!(p.take.is_empty(), "{holder:?}");
            assert_eq!(sorted(p.waiting), ["b", "c"]);
        }
        // a finished one that is gone is no loss
        let done = leases(&[("a", state(true, Holder::Free))]);
        let p = plan(&shards, &done, 1, 0);
        assert!(p.trimmed.is_empty());
        assert_eq!(sorted(p.take), ["b", "c"]);
    }

    #[test]
    fn finished_shards_are_left_alone() {
        let shards = [shard("a", None), shard("b", Some("a"))];
        let all_done = leases(&[
            ("a", state(true, Holder::Free)),
            ("b", state(true, Holder::Free)),
        ]);
        assert_eq!(plan(&shards, &all_done, 1, 0), Plan::default());
    }

    #[test]
    fn live_leases_of_others_are_not_taken_and_expired_ones_are() {
        let shards = [shard("a", None)];
        let live = leases(&[("a", state(false, Holder::Live("w2".into())))]);
        assert_eq!(plan(&shards, &live, 2, 0), Plan::default());
        let expired = leases(&[("a", state(false, Holder::Expired("w2".into())))]);
        assert_eq!(plan(&shards, &expired, 2, 0).take, ["a"]);
    }

    #[test]
    fn free_shards_are_shared_between_live_consumers() {
        let shards: Vec<ShardInfo> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|id| shard(id, None))
            .collect();
        // alone: everything
        assert_eq!(plan(&shards, &BTreeMap::new(), 1, 0).take.len(), 5);
        // two consumers alive (one holds nothing yet): 3 each at most
        assert_eq!(plan(&shards, &BTreeMap::new(), 2, 0).take.len(), 3);
        // another consumer holds one: my share of 5 between 2 is 3
        let other = leases(&[("a", state(false, Holder::Live("w2".into())))]);
        let p = plan(&shards, &other, 1, 0);
        assert_eq!(p.take.len(), 3);
        assert!(!p.take.contains(&"a".to_owned()));
        // holding my share already: nothing more
        let mine = leases(&[
            ("a", state(false, Holder::Live("w2".into()))),
            ("b", state(false, Holder::Me)),
            ("c", state(false, Holder::Me)),
            ("d", state(false, Holder::Me)),
        ]);
        let p = plan(&shards, &mine, 2, 0);
        assert_eq!(sorted(p.keep), ["b", "c", "d"]);
        assert!(p.take.is_empty() && p.steal.is_none());
        // two consumers with different seeds reach for different shards first
        let first = |seed| plan(&shards, &BTreeMap::new(), 5, seed).take;
        assert!((0..20).map(first).collect::<BTreeSet<_>>().len() > 1);
    }

    #[test]
    fn a_consumer_under_its_share_takes_one_lease_from_the_busiest() {
        let shards: Vec<ShardInfo> = ["a", "b", "c", "d"]
            .iter()
            .map(|id| shard(id, None))
            .collect();
        // w2 holds all four; a second consumer starts: its share is 2, nothing is free
        let all_w2 = leases(&[
            ("a", state(false, Holder::Live("w2".into()))),
            ("b", state(false, Holder::Live("w2".into()))),
            ("c", state(false, Holder::Live("w2".into()))),
            ("d", state(false, Holder::Live("w2".into()))),
        ]);
        let p = plan(&shards, &all_w2, 2, 0);
        assert!(p.take.is_empty());
        assert!(p.steal.is_some());
        // at its share, it steals no more
        let even = leases(&[
            ("a", state(false, Holder::Live("w2".into()))),
            ("b", state(false, Holder::Live("w2".into()))),
            ("c", state(false, Holder::Me)),
            ("d", state(false, Holder::Me)),
        ]);
        assert_eq!(plan(&shards, &even, 2, 0).steal, None);
        // nobody steals from a consumer at its share
        let three = leases(&[
            ("a", state(false, Holder::Live("w2".into()))),
            ("b", state(false, Holder::Live("w2".into()))),
            ("c", state(false, Holder::Live("w3".into()))),
            ("d", state(false, Holder::Live("w3".into()))),
        ]);
        assert_eq!(plan(&shards, &three, 3, 0).steal, None);
    }

    #[test]
    fn a_held_shard_whose_parent_is_not_done_is_released() {
        let shards = [shard("a", None), shard("b", Some("a"))];
        let wrong = leases(&[
            ("a", state(false, Holder::Live("w2".into()))),
            ("b", state(false, Holder::Me)),
        ]);
        let p = plan(&shards, &wrong, 2, 0);
        assert_eq!(p.release, ["b"]);
        assert!(p.take.is_empty());
    }

    #[test]
    fn starting_from_the_newest_records_reads_only_the_leaves() {
        // a -> b -> (c, d); e a root without children
        let shards = [
            shard("a", None),
            shard("b", Some("a")),
            shard("c", Some("b")),
            shard("d", Some("b")),
            shard("e", None),
        ];
        let latest = initial_leases(&shards, true);
        let by_id = |id: &str| latest.iter().find(|l| l.shard_id == id).unwrap().clone();
        for id in ["a", "b"] {
            assert!(by_id(id).finished && !by_id(id).start_at_latest, "{id}");
        }
        for id in ["c", "d", "e"] {
            assert!(!by_id(id).finished && by_id(id).start_at_latest, "{id}");
        }
        // and the open leaves can start at once: their parents are done
        let states: BTreeMap<String, LeaseState> = latest
            .iter()
            .map(|l| (l.shard_id.clone(), state(l.finished, Holder::Free)))
            .collect();
        assert_eq!(sorted(plan(&shards, &states, 1, 0).take), ["c", "d", "e"]);
        // from the oldest records: everything, from its start
        let oldest = initial_leases(&shards, false);
        assert!(oldest.iter().all(|l| !l.finished && !l.start_at_latest));
    }
}
