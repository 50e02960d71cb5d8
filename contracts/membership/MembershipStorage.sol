// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICoopMembership} from "../interfaces/ICoopMembership.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";

/// @title MembershipStorage
/// @notice The member register's storage and the state changes that the register
/// ({CoopMembership}) and its governance library ({MembershipGovernance}) share.
/// @dev A membership is two slots: the account's `Member` (status, index, shares and the clocks
/// of its current state) and the index's `Card` (holder and current capital). Its past states
/// are archived per member index in `history`, only when a state is replaced in a later block,
/// so a membership (and its history) moves to a new account by rewriting two slots. A state is
/// (clock, votesFrom, capital): the account votes at t if votesFrom != 0 and votesFrom <= t.
/// Totals (voters, capital) are checkpointed per block in `totals`, counted in the `counters`
/// slot that an admission writes anyway.
library MembershipStorage {

    struct Member {
        ICoopMembership.Status status;
        uint32 index;
        uint32 shares;
        uint32 checkpoints; // archived states of this membership in history[index]
        uint40 since; // clock of the current state; 0 = none yet
        uint40 votesFrom; // clock from which the current state votes; 0 = no vote
        uint40 admittedAt; // clock of the latest admission
    }

    struct Card {
        address holder;
        uint96 capital; // of the current state
    }

    struct State {
        uint40 clock;
        uint40 votesFrom;
        uint176 capital;
    }

    struct Sanctions {
        uint48 suspendedUntil;
        uint16 warnings;
    }

    struct Settings {
        uint128 sharePrice;
        uint32 shareCap;
        ICoopMembership.AdmissionPolicy policy;
        uint32 redemptionNotice;
        uint32 votingSeniority;
    }

    struct Counters {
        uint32 lastIndex;
        uint32 activeMembers;
        uint64 totalShares;
        uint96 heldForApplications;
        uint32 totalsCount; // points in `totals`
    }

    /// @dev The register's totals from `clock` on (one point per block that changed them).
    struct Totals {
        uint40 clock;
        uint32 voters;
        uint184 capital;
    }

    struct Application {
        uint32 shares;
        uint224 amount;
    }

    struct Refund {
        uint208 amount;
        uint48 availableAt;
    }

    struct Layout {
        Settings settings;
        Counters counters;
        uint32 contestWindow;
        uint256 owedRefunds;
        mapping(address account => Member) members;
        mapping(uint256 index => Card) cards;
        mapping(uint256 index => mapping(uint256 n => State)) history;
        mapping(uint256 index => Sanctions) sanctions;
        mapping(uint256 index => ICoopMembership.Contest) contests;
        mapping(address account => Application) applications;
        mapping(address account => Refund) refunds;
        mapping(uint256 n => Totals) totals;
    }

    function isMember(ICoopMembership.Status status) internal pure returns (bool) {
        return status == ICoopMembership.Status.Active || status == ICoopMembership.Status.Suspended;
    }

    function activate(Layout storage s, address account, Member storage m, uint256 shares, uint256 amount, bool votesNow) internal {
        Counters memory c = s.counters;
        uint32 index = m.index;
        if (index == 0) {
            index = ++c.lastIndex; // a member index is permanent: rejoining keeps it
            m.index = index;
            s.cards[index].holder = account;
        }
        c.activeMembers += 1;
        c.totalShares += uint64(shares);
        s.counters = c;
        m.status = ICoopMembership.Status.Active;
        m.shares = uint32(shares); // shares <= shareCap, a uint32
        uint40 now_ = uint40(block.number);
        m.admittedAt = now_;
        writeState(s, m, amount, votesNow ? now_ : 0);
        writeTotals(s, int256(amount), votesNow ? int256(1) : int256(0));
        emit ICoopMembership.MemberJoined(account, index, shares, amount);
        emit IERC721.Transfer(address(0), account, index);
        emit IERC5192.Locked(index);
        emit IVotes.DelegateChanged(account, address(0), account);
        if (votesNow) emit IVotes.DelegateVotesChanged(account, 0, 1);
    }

    function end(
        Layout storage s,
        address account,
        Member storage m,
        ICoopMembership.Status newStatus
    ) internal returns (uint256 shares, uint256 amount) {
        bool wasActive = m.status == ICoopMembership.Status.Active;
        bool wasVoter = m.votesFrom != 0;
        uint256 index = m.index;
        shares = m.shares;
        amount = s.cards[index].capital;
        m.status = newStatus;
        m.shares = 0;
        if (wasActive) s.counters.activeMembers -= 1;
        s.counters.totalShares -= uint64(shares);
        // warnings stay with the member number: leaving and rejoining does not wipe them
        s.sanctions[index].suspendedUntil = 0;
        delete s.contests[index];
        writeState(s, m, 0, 0);
        writeTotals(s, -int256(amount), wasVoter ? int256(-1) : int256(0));
        emit IERC721.Transfer(account, address(0), index);
        if (wasActive) emit IVotes.DelegateChanged(account, account, address(0));
        if (wasVoter) emit IVotes.DelegateVotesChanged(account, 1, 0);
    }

    function reinstate(Layout storage s, address account, Member storage m) internal {
        m.status = ICoopMembership.Status.Active;
        s.counters.activeMembers += 1;
        s.sanctions[m.index].suspendedUntil = 0;
        // A member suspended during its seniority resumes it; one past it votes at once.
        bool votesNow = m.admittedAt + s.settings.votingSeniority <= block.number;
        writeState(s, m, s.cards[m.index].capital, votesNow ? uint40(block.number) : 0);
        if (votesNow) writeTotals(s, 0, 1);
        emit IVotes.DelegateChanged(account, address(0), account);
        if (votesNow) emit IVotes.DelegateVotesChanged(account, 0, 1);
    }

    /// @dev Moves `from`'s membership (a member's, checked by the caller) to `to`, which must
    /// never have been, nor applied to be, a member.
    function move(Layout storage s, address from, address to, address by, uint256 contestDeadline) internal {
        if (to == address(0)) revert ICoopMembership.MembershipZeroAddress();
        Member memory m = s.members[from];
        Member storage target = s.members[to];
        if (target.status != ICoopMembership.Status.None || target.index != 0) {
            revert ICoopMembership.MembershipAccountTaken(to, target.status);
        }
        s.members[to] = m;
        s.members[from] = Member(ICoopMembership.Status.Moved, 0, 0, 0, 0, 0, 0);
        s.cards[m.index].holder = to;
        Refund memory r = s.refunds[from];
        if (r.amount != 0) {
            delete s.refunds[from];
            Refund storage t = s.refunds[to];
            t.amount += r.amount;
            if (r.availableAt > t.availableAt) t.availableAt = r.availableAt;
        }
        if (contestDeadline != 0) s.contests[m.index] = ICoopMembership.Contest(from, uint48(contestDeadline), false);
        emit ICoopMembership.MembershipMoved(from, to, m.index, by, contestDeadline);
        emit IERC721.Transfer(from, to, m.index);
        if (m.status == ICoopMembership.Status.Active) {
            emit IVotes.DelegateChanged(from, from, address(0));
            emit IVotes.DelegateChanged(to, address(0), to);
        }
        if (m.votesFrom != 0) {
            emit IVotes.DelegateVotesChanged(from, 1, 0);
            emit IVotes.DelegateVotesChanged(to, 0, 1);
        }
    }

    function closeApplication(Layout storage s, address account) internal returns (uint256 amount) {
        Member storage m = s.members[account];
        if (m.status != ICoopMembership.Status.Pending) revert ICoopMembership.MembershipNotPending(account, m.status);
        amount = s.applications[account].amount;
        delete s.applications[account];
        m.status = ICoopMembership.Status.None;
        s.counters.heldForApplications -= uint96(amount); // added as a uint96
        credit(s, account, amount, block.timestamp);
    }

    /// @dev Adds to an account's refund; the whole refund unlocks at the latest of its dates.
    function credit(Layout storage s, address account, uint256 amount, uint256 availableAt) internal returns (uint256) {
        Refund storage r = s.refunds[account];
        uint256 unlock = availableAt > r.availableAt ? availableAt : r.availableAt;
        if (amount == 0) return unlock;
        r.amount += SafeCast.toUint208(amount);
        r.availableAt = uint48(unlock); // a block timestamp plus at most the maximum notice
        s.owedRefunds += amount;
        return unlock;
    }

    /// @dev Replaces the membership's current state, archiving it first if it began in an
    /// earlier block (a same-block change overwrites it: a block-number equality).
    function writeState(Layout storage s, Member storage m, uint256 capital, uint40 votesFrom) internal {
        uint40 now_ = uint40(block.number);
        uint40 since = m.since;
        uint256 index = m.index;
        Card storage card = s.cards[index];
        // slither-disable-next-line incorrect-equality
        if (since != 0 && since != now_) {
            uint32 n = m.checkpoints;
            s.history[index][n] = State(since, m.votesFrom, card.capital);
            m.checkpoints = n + 1;
        }
        m.since = now_;
        m.votesFrom = votesFrom;
        card.capital = SafeCast.toUint96(capital);
    }

    function writeTotals(Layout storage s, int256 capitalDelta, int256 votersDelta) internal {
        uint32 n = s.counters.totalsCount;
        Totals memory last = n == 0 ? Totals(0, 0, 0) : s.totals[n - 1];
        uint40 now_ = uint40(block.number);
        Totals memory next = Totals(
            now_,
            SafeCast.toUint32(uint256(int256(uint256(last.voters)) + votersDelta)),
            SafeCast.toUint184(uint256(int256(uint256(last.capital)) + capitalDelta))
        );
        // Same block: overwrite the latest point. A block-number equality, not a balance one.
        // slither-disable-next-line incorrect-equality
        if (n != 0 && last.clock == now_) {
            s.totals[n - 1] = next;
        } else {
            s.totals[n] = next;
            s.counters.totalsCount = n + 1;
        }
    }

    function latestTotals(Layout storage s) internal view returns (Totals memory) {
        uint32 n = s.counters.totalsCount;
        return n == 0 ? Totals(0, 0, 0) : s.totals[n - 1];
    }

    /// @dev The totals in force at `timepoint`: the latest point, or a binary search.
    function totalsAt(Layout storage s, uint256 timepoint) internal view returns (Totals memory) {
        uint256 high = s.counters.totalsCount;
        if (high == 0) return Totals(0, 0, 0);
        Totals memory last = s.totals[high - 1];
        if (last.clock <= timepoint) return last;
        uint256 low = 0;
        high -= 1; // totals[high].clock > timepoint
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (s.totals[mid].clock > timepoint) high = mid;
            else low = mid + 1;
        }
        return low == 0 ? Totals(0, 0, 0) : s.totals[low - 1];
    }

    /// @dev While a committee recovery of this membership can be contested, its capital and key
    /// stay where they are.
    function checkNotUnderContest(Layout storage s, address account, uint256 index) internal view {
        ICoopMembership.Contest memory c = s.contests[index];
        if (c.previous != address(0) && (c.contested || block.timestamp <= c.deadline)) {
            revert ICoopMembership.MembershipUnderContest(account, c.deadline);
        }
    }
}
