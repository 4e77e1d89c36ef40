import HarbourCore
import Matching

/// Self-trade-prevention groups that follow who owns an account (PERP-3): the accounts of
/// one beneficial owner, and an affiliated market maker with the platform's house accounts,
/// are one group, so they never trade with each other. A group is set when an account is
/// opened and merged — never split — when a corporate classification names beneficial
/// owners another account shares, or when a market maker is registered. A merge moves every
/// account of the merged groups and their resting orders (perpetual and spot) to the
/// lowest group id; conditional orders take their account's group when they trigger.
/// Splitting is never done: a group larger than it needs to be only prevents trades, one
/// too small could allow a wash trade.
extension Engine {
    /// Merges `a`'s group with the groups of every account whose classification shares a
    /// beneficial owner with `a`'s.
    func joinOwnerGroup(_ a: UInt32) {
        let owners = Set(compliance.records[a]?.classification?.beneficialOwners ?? [])
        guard !owners.isEmpty else { return }
        var members: [UInt32] = [a]
        for key in compliance.records.keys.sorted() where key != a {
            if let other = compliance.records[key]?.classification?.beneficialOwners, !owners.isDisjoint(with: other) {
                members.append(key)
            }
        }
        mergeGroups(members.map { accounts[Int($0)].group }, reason: "beneficial owner")
    }

    /// Puts affiliated market maker `a` (and its group) in the house group.
    func joinHouseGroup(_ a: UInt32) {
        let house: UInt32
        if let g = groupIndex[config.houseGroup] { house = g } else {
            house = nextGroup
            nextGroup += 1
            groupIndex[config.houseGroup] = house
        }
        mergeGroups([house, accounts[Int(a)].group], reason: "affiliated market maker")
    }

    /// Moves every account in any of `groups`, and its resting orders, to the lowest of
    /// them; one `stpGroup` event names the accounts that moved.
    func mergeGroups(_ groups: [UInt32], reason: String) {
        let merging = Set(groups)
        guard merging.count > 1, let target = merging.min() else { return }
        var moved: [AccountID] = []
        for k in accounts.indices where accounts[k].group != target && merging.contains(accounts[k].group) {
            accounts[k].group = target
            moved.append(AccountID(UInt32(k)))
            for i in specs.indices {
                for slot in books[i].ownerSlots(head: accounts[k].positions[i].orderHead) { books[i].setGroup(slot: slot, group: target) }
            }
            for m in spot.books.indices where k < spot.ownerHeads[m].count {
                for slot in spot.books[m].ownerSlots(head: spot.ownerHeads[m][k]) { spot.books[m].setGroup(slot: slot, group: target) }
            }
        }
        // A named group that was merged away now means the target (an account opened with
        // its name later joins the merged group).
        for (name, g) in groupIndex where g != target && merging.contains(g) { groupIndex[name] = target }
        guard !moved.isEmpty else { return }
        events.append(.compliance(.stpGroupMerged(group: target, accounts: moved, reason: reason)))
    }

    /// Resting orders whose group is not their account's (checked with the invariants).
    func stpGroupViolations() -> [String] {
        var out: [String] = []
        for i in specs.indices {
            for k in accounts.indices {
                for slot in books[i].ownerSlots(head: accounts[k].positions[i].orderHead) where books[i][slot].group != accounts[k].group {
                    out.append("\(specs[i].symbol) order \(books[i][slot].orderId) of \(accounts[k].name) is in group \(books[i][slot].group), its account in \(accounts[k].group)")
                }
            }
        }
        for m in spot.books.indices {
            for k in accounts.indices where k < spot.ownerHeads[m].count {
                for slot in spot.books[m].ownerSlots(head: spot.ownerHeads[m][k]) where spot.books[m][slot].group != accounts[k].group {
                    out.append("spot order \(spot.books[m][slot].orderId) of \(accounts[k].name) is in group \(spot.books[m][slot].group), its account in \(accounts[k].group)")
                }
            }
        }
        return out
    }
}
