//! Which shards a consumer may work on: a pure function of the shard list, the leases and who
//! holds them, so that the lineage rules are tested over shard trees no local server makes.
//!
//! - A shard is done once its lease says `finished`.
//! - A shard may start only when it has no parent, or its parent is done, or its parent is no
//!   longer listed (trimmed away after 24 hours: its records are gone, and waiting for it would
//!   stall its children forever). Parents are read to their end before their children, so the
//!   changes to one key are handled in order across splits.
//! - A shard whose lease another consumer holds, and renews, is not taken; one whose holder
//!   stopped renewing (expired) or that nobody holds is free.
//! - Free shards are shared out: a consumer takes shards until it holds its share, the number
//!   of startable shards divided by the number of live consumers, rounded up.

use std::collections::{BTreeMap, BTreeSet};

/// A shard as `DescribeStream` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardInfo {
    /// The shard id.
    pub id: String,
    /// Its parent, if it was split off one.
    pub parent: Option<String>,
}

/// Who holds a shard's lease, as this consumer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
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
pub struct LeaseState {
    /// Every record of the shard was processed.
    pub finished: bool,
    /// Who holds it.
    pub holder: Holder,
}

/// What one consumer should do with the shards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Shards it holds and may go on with.
    pub keep: Vec<String>,
    /// Free shards to take, up to its share.
    pub take: Vec<String>,
    /// Shards it holds but may not work on (their parent is not done): to release.
    pub release: Vec<String>,
    /// Shards waiting for their parent.
    pub waiting: Vec<String>,
}

/// The plan for one consumer.
pub fn plan(shards: &[ShardInfo], leases: &BTreeMap<String, LeaseState>) -> Plan {
    let listed: BTreeSet<&str> = shards.iter().map(|s| s.id.as_str()).collect();
    let done = |id: &str| leases.get(id).is_some_and(|l| l.finished);
    let holder = |id: &str| leases.get(id).map_or(&Holder::Free, |l| &l.holder);
    let mut plan = Plan::default();
    let mut free = Vec::new();
    let mut startable: usize = 0;
    let mut live = BTreeSet::new();
    for lease in leases.values() {
        if let Holder::Live(owner) = &lease.holder
            && !lease.finished
        {
            live.insert(owner.as_str());
        }
    }
    let mut ordered: Vec<&ShardInfo> = shards.iter().collect();
    ordered.sort_by(|a, b| a.id.cmp(&b.id));
    for shard in ordered {
        if done(&shard.id) {
            continue;
        }
        let ready = match &shard.parent {
            None => true,
            Some(parent) => done(parent) || !listed.contains(parent.as_str()),
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
            (true, Holder::Live(_)) => startable += 1,
            (false, Holder::Me) => plan.release.push(shard.id.clone()),
            (false, _) => plan.waiting.push(shard.id.clone()),
        }
    }
    let consumers = live.len() + 1;
    let share = startable.div_ceil(consumers);
    let room = share.saturating_sub(plan.keep.len());
    plan.take = free.into_iter().take(room).collect();
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

    #[test]
    fn a_new_stream_starts_at_its_roots() {
        let shards = [shard("a", None), shard("b", Some("a"))];
        let p = plan(&shards, &BTreeMap::new());
        assert_eq!(p.take, ["a"]);
        assert_eq!(p.waiting, ["b"]);
        assert!(p.keep.is_empty());
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
        let p = plan(&shards, &unfinished_parent);
        assert_eq!(p.keep, ["a"]);
        assert_eq!(p.waiting, ["b", "c", "d"]);
        assert!(p.take.is_empty());

        let finished_parent = leases(&[("a", state(true, Holder::Free))]);
        let p = plan(&shards, &finished_parent);
        assert_eq!(p.take, ["b", "c"]);
        assert_eq!(p.waiting, ["d"]);

        let grandchild = leases(&[
            ("a", state(true, Holder::Free)),
            ("b", state(true, Holder::Free)),
            ("c", state(false, Holder::Me)),
        ]);
        let p = plan(&shards, &grandchild);
        assert_eq!(p.keep, ["c"]);
        assert_eq!(p.take, ["d"]);
    }

    #[test]
    fn a_parent_trimmed_away_does_not_hold_its_children_back() {
        // `a` is gone from the list (older than 24 hours), unfinished or never leased
        let shards = [shard("b", Some("a")), shard("c", Some("a"))];
        for leases in [
            BTreeMap::new(),
            leases(&[("a", state(false, Holder::Expired("w2".into())))]),
        ] {
            let p = plan(&shards, &leases);
            assert_eq!(p.take, ["b", "c"], "{leases:?}");
        }
    }

    #[test]
    fn finished_shards_are_left_alone() {
        let shards = [shard("a", None), shard("b", Some("a"))];
        let all_done = leases(&[
            ("a", state(true, Holder::Free)),
            ("b", state(true, Holder::Free)),
        ]);
        assert_eq!(plan(&shards, &all_done), Plan::default());
    }

    #[test]
    fn live_leases_of_others_are_not_taken_and_expired_ones_are() {
        let shards = [shard("a", None)];
        let live = leases(&[("a", state(false, Holder::Live("w2".into())))]);
        assert_eq!(plan(&shards, &live), Plan::default());
        let expired = leases(&[("a", state(false, Holder::Expired("w2".into())))]);
        assert_eq!(plan(&shards, &expired).take, ["a"]);
    }

    #[test]
    fn free_shards_are_shared_between_live_consumers() {
        let shards: Vec<ShardInfo> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|id| shard(id, None))
            .collect();
        // alone: everything
        assert_eq!(plan(&shards, &BTreeMap::new()).take.len(), 5);
        // another consumer holds one: my share of 5 between 2 is 3
        let other = leases(&[("a", state(false, Holder::Live("w2".into())))]);
        assert_eq!(plan(&shards, &other).take, ["b", "c", "d"]);
        // holding my share already: nothing more
        let mine = leases(&[
            ("a", state(false, Holder::Live("w2".into()))),
            ("b", state(false, Holder::Me)),
            ("c", state(false, Holder::Me)),
            ("d", state(false, Holder::Me)),
        ]);
        let p = plan(&shards, &mine);
        assert_eq!(p.keep, ["b", "c", "d"]);
        assert!(p.take.is_empty());
        // a consumer holding only finished shards is not counted as live
        let finished_owner = leases(&[("a", state(true, Holder::Live("w2".into())))]);
        assert_eq!(plan(&shards, &finished_owner).take.len(), 4);
    }

    #[test]
    fn a_held_shard_whose_parent_is_not_done_is_released() {
        let shards = [shard("a", None), shard("b", Some("a"))];
        let wrong = leases(&[
            ("a", state(false, Holder::Live("w2".into()))),
            ("b", state(false, Holder::Me)),
        ]);
        let p = plan(&shards, &wrong);
        assert_eq!(p.release, ["b"]);
        assert!(p.take.is_empty());
    }
}
