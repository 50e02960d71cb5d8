// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICoopMembership} from "../interfaces/ICoopMembership.sol";
import {MembershipStorage as S} from "./MembershipStorage.sol";

/// @title MembershipGovernance
/// @notice The register's decisions that a vote (or, for admissions and recoveries, the
/// admissions committee) takes: admission, rejection, sanctions, recovery and annulment; and the
/// member's key rotation. A linked library: it runs in the register's own storage
/// (DELEGATECALL), and the register checks who may call each function before it calls here.
library MembershipGovernance {
    /// @dev The reason recorded when a vote annuls a committee admission.
    bytes32 internal constant ANNULLED_REASON = keccak256("admission annulled");

    function admit(S.Layout storage s, address account, bytes32 attestation, address by, uint256 contestDeadline) public {
        S.Member storage m = s.members[account];
        if (m.status != ICoopMembership.Status.Pending) revert ICoopMembership.MembershipNotPending(account, m.status);
        S.Application memory a = s.applications[account];
        delete s.applications[account];
        s.counters.heldForApplications -= uint96(a.amount); // a.amount was added as a uint96
        emit ICoopMembership.MemberAdmitted(account, by, attestation, contestDeadline);
        S.activate(s, account, m, a.shares, a.amount, s.settings.votingSeniority == 0);
        if (contestDeadline != 0) s.contests[m.index] = ICoopMembership.Contest(address(0), uint48(contestDeadline), false);
    }

    function admitMany(S.Layout storage s, address[] calldata accounts, bytes32[] calldata attestations, address by) public {
        if (accounts.length != attestations.length) {
            revert ICoopMembership.MembershipLengthMismatch(accounts.length, attestations.length);
        }
        for (uint256 i = 0; i < accounts.length; ++i) admit(s, accounts[i], attestations[i], by, 0);
    }

    function withdrawApplication(S.Layout storage s, address account) public {
        uint256 amount = S.closeApplication(s, account);
        emit ICoopMembership.ApplicationWithdrawn(account, amount);
    }

    /// @return amount what the register must collect from `account` (it does after this)
    function buyShares(S.Layout storage s, address account, uint256 shares) public returns (uint256 amount) {
        if (shares == 0) revert ICoopMembership.MembershipZeroShares();
        S.Member storage m = s.members[account];
        if (m.status != ICoopMembership.Status.Active) revert ICoopMembership.MembershipNotActive(account, m.status);
        S.Settings memory st = s.settings;
        uint256 held = m.shares + shares;
        if (held > st.shareCap) revert ICoopMembership.MembershipShareCapExceeded(account, held, st.shareCap);
        amount = shares * st.sharePrice;
        uint256 capital = s.cards[m.index].capital + amount;
        m.shares = uint32(held); // held <= shareCap, a uint32
        s.counters.totalShares += uint64(shares);
        S.writeState(s, m, capital, m.votesFrom);
        S.writeTotals(s, int256(amount), 0);
        emit ICoopMembership.SharesPurchased(account, shares, amount, held, capital);
    }

    function redeem(S.Layout storage s, address account, uint256 shares) public {
        if (shares == 0) revert ICoopMembership.MembershipZeroShares();
        S.Member storage m = s.members[account];
        if (!S.isMember(m.status)) revert ICoopMembership.MembershipNotMember(account, m.status);
        S.checkNotUnderContest(s, account, m.index);
        uint256 held = m.shares;
        if (shares >= held) revert ICoopMembership.MembershipRedemptionTooLarge(account, shares, held);
        uint256 capital = s.cards[m.index].capital;
        uint256 amount = (capital * shares) / held; // rounds down: the remainder stays with the member
        // shares < held <= type(uint32).max
        m.shares = uint32(held - shares);
        s.counters.totalShares -= uint64(shares);
        S.writeState(s, m, capital - amount, m.votesFrom);
        S.writeTotals(s, -int256(amount), 0);
        uint256 availableAt = S.credit(s, account, amount, block.timestamp + s.settings.redemptionNotice);
        emit ICoopMembership.RedemptionRequested(account, shares, amount, availableAt);
    }

    function leave(S.Layout storage s, address account) public {
        S.Member storage m = s.members[account];
        if (!S.isMember(m.status)) revert ICoopMembership.MembershipNotMember(account, m.status);
        S.checkNotUnderContest(s, account, m.index);
        (uint256 shares, uint256 amount) = S.end(s, account, m, ICoopMembership.Status.None);
        uint256 availableAt = S.credit(s, account, amount, block.timestamp + s.settings.redemptionNotice);
        emit ICoopMembership.MemberLeft(account, shares, amount, availableAt);
    }

    function reject(S.Layout storage s, address account, bytes32 reasonHash) public {
        uint256 amount = S.closeApplication(s, account);
        emit ICoopMembership.ApplicationRejected(account, reasonHash, amount);
    }

    function rejectMany(S.Layout storage s, address[] calldata accounts, bytes32[] calldata reasonHashes) public {
        if (accounts.length != reasonHashes.length) {
            revert ICoopMembership.MembershipLengthMismatch(accounts.length, reasonHashes.length);
        }
        for (uint256 i = 0; i < accounts.length; ++i) reject(s, accounts[i], reasonHashes[i]);
    }

    function warn(S.Layout storage s, address account, bytes32 reasonHash) public {
        S.Member storage m = s.members[account];
        if (!S.isMember(m.status)) revert ICoopMembership.MembershipNotMember(account, m.status);
        uint16 warnings = s.sanctions[m.index].warnings + 1;
        s.sanctions[m.index].warnings = warnings;
        emit ICoopMembership.MemberWarned(account, warnings, reasonHash);
    }

    function suspend(S.Layout storage s, address account, uint48 until, bytes32 reasonHash) public {
        if (until <= block.timestamp) revert ICoopMembership.MembershipInvalidSuspension(until);
        S.Member storage m = s.members[account];
        ICoopMembership.Status status = m.status;
        if (status == ICoopMembership.Status.Active) {
            m.status = ICoopMembership.Status.Suspended;
            s.counters.activeMembers -= 1;
            bool wasVoter = m.votesFrom != 0;
            S.writeState(s, m, s.cards[m.index].capital, 0);
            if (wasVoter) S.writeTotals(s, 0, -1);
            emit IVotes.DelegateChanged(account, account, address(0));
            if (wasVoter) emit IVotes.DelegateVotesChanged(account, 1, 0);
        } else if (status != ICoopMembership.Status.Suspended) {
            revert ICoopMembership.MembershipNotMember(account, status);
        }
        s.sanctions[m.index].suspendedUntil = until; // a new term, or a running suspension's change
        emit ICoopMembership.MemberSuspended(account, until, reasonHash);
    }

    function reinstate(S.Layout storage s, address account, bool early) public {
        S.Member storage m = s.members[account];
        if (m.status != ICoopMembership.Status.Suspended) revert ICoopMembership.MembershipNotSuspended(account, m.status);
        if (!early) {
            uint256 until = s.sanctions[m.index].suspendedUntil;
            if (block.timestamp < until) revert ICoopMembership.MembershipStillSuspended(account, until);
        }
        S.reinstate(s, account, m);
        emit ICoopMembership.MemberReinstated(account, early);
    }

    function expel(S.Layout storage s, address account, bytes32 reasonHash) public {
        S.Member storage m = s.members[account];
        if (!S.isMember(m.status)) revert ICoopMembership.MembershipNotMember(account, m.status);
        (uint256 shares, uint256 amount) = S.end(s, account, m, ICoopMembership.Status.Expelled);
        uint256 availableAt = S.credit(s, account, amount, block.timestamp + s.settings.redemptionNotice);
        emit ICoopMembership.MemberExpelled(account, reasonHash, shares, amount, availableAt);
    }

    /// @dev A move by the member itself (`by` == `from`), by a vote (contestDeadline 0, which
    /// settles any open contest) or by the committee (contestDeadline set).
    function move(S.Layout storage s, address from, address to, address by, uint256 contestDeadline) public {
        S.Member storage m = s.members[from];
        if (!S.isMember(m.status)) revert ICoopMembership.MembershipNotMember(from, m.status);
        if (contestDeadline != 0) {
            // a committee recovery waits until any open contest (of an admission too) is settled
            ICoopMembership.Contest memory c = s.contests[m.index];
            if (c.deadline != 0 && (c.contested || block.timestamp <= c.deadline)) {
                revert ICoopMembership.MembershipUnderContest(from, c.deadline);
            }
        } else if (by == from) {
            S.checkNotUnderContest(s, from, m.index);
        } else {
            delete s.contests[m.index];
        }
        S.move(s, from, to, by, contestDeadline);
    }

    function contest(S.Layout storage s, address account, address by) public {
        S.Member storage caller = s.members[by];
        if (caller.status != ICoopMembership.Status.Active) revert ICoopMembership.MembershipNotActive(by, caller.status);
        ICoopMembership.Contest storage c = s.contests[s.members[account].index];
        if (c.deadline == 0 || block.timestamp > c.deadline || !S.isMember(s.members[account].status)) {
            revert ICoopMembership.MembershipNotContestable(account, c.deadline);
        }
        c.contested = true;
        emit ICoopMembership.AdmissionContested(account, by);
    }

    function annul(S.Layout storage s, address account, address by) public {
        S.Member storage m = s.members[account];
        uint256 index = m.index;
        ICoopMembership.Contest memory c = s.contests[index];
        bool open = c.deadline != 0 && (c.contested || block.timestamp <= c.deadline);
        if (!open || !S.isMember(m.status)) revert ICoopMembership.MembershipNotContestable(account, c.deadline);
        delete s.contests[index];
        emit ICoopMembership.CommitteeActAnnulled(account, c.previous);
        if (c.previous == address(0)) {
            // an admission: expelled, and the whole capital refundable at once
            (uint256 shares, uint256 amount) = S.end(s, account, m, ICoopMembership.Status.Expelled);
            uint256 availableAt = S.credit(s, account, amount, block.timestamp);
            emit ICoopMembership.MemberExpelled(account, ANNULLED_REASON, shares, amount, availableAt);
        } else {
            // a recovery: the membership goes back to the account it was taken from, which that
            // recovery had retired
            s.members[c.previous].status = ICoopMembership.Status.None;
            S.move(s, account, c.previous, by, 0);
        }
    }

    /// @dev The constructor's: policy and seniority together, checked as a pair (set one after
    /// the other, the first check would read the other's zero default, Open or 0).
    function setAdmission(S.Layout storage s, ICoopMembership.AdmissionPolicy policy, uint32 seniority) public {
        if (policy == ICoopMembership.AdmissionPolicy.Open && seniority == 0) {
            revert ICoopMembership.MembershipOpenWithoutSeniority();
        }
        uint256 oldSeniority = s.settings.votingSeniority;
        ICoopMembership.AdmissionPolicy oldPolicy = s.settings.policy;
        s.settings.votingSeniority = seniority;
        s.settings.policy = policy;
        emit ICoopMembership.VotingSenioritySet(oldSeniority, seniority);
        emit ICoopMembership.AdmissionPolicySet(oldPolicy, policy);
    }

    /// @dev Used by the register's constructor and setters (kept here for the register's size).
    function setAdmissionPolicy(S.Layout storage s, ICoopMembership.AdmissionPolicy policy) public {
        if (policy == ICoopMembership.AdmissionPolicy.Open && s.settings.votingSeniority == 0) {
            revert ICoopMembership.MembershipOpenWithoutSeniority();
        }
        ICoopMembership.AdmissionPolicy old = s.settings.policy;
        s.settings.policy = policy;
        emit ICoopMembership.AdmissionPolicySet(old, policy);
    }

    function setVotingSeniority(S.Layout storage s, uint32 seniority) public {
        if (seniority == 0 && s.settings.policy == ICoopMembership.AdmissionPolicy.Open) {
            revert ICoopMembership.MembershipOpenWithoutSeniority();
        }
        uint256 old = s.settings.votingSeniority;
        s.settings.votingSeniority = seniority;
        emit ICoopMembership.VotingSenioritySet(old, seniority);
    }

    function setSharePrice(S.Layout storage s, uint256 price) public {
        if (price == 0 || price > type(uint128).max) revert ICoopMembership.MembershipInvalidSharePrice(price);
        uint256 old = s.settings.sharePrice;
        s.settings.sharePrice = SafeCast.toUint128(price);
        emit ICoopMembership.SharePriceSet(old, price);
    }

    function setShareCap(S.Layout storage s, uint32 cap) public {
        if (cap == 0) revert ICoopMembership.MembershipInvalidShareCap(cap);
        uint256 old = s.settings.shareCap;
        s.settings.shareCap = cap;
        emit ICoopMembership.ShareCapSet(old, cap);
    }

    function setRedemptionNotice(S.Layout storage s, uint32 notice, uint32 maxNotice) public {
        if (notice > maxNotice) revert ICoopMembership.MembershipInvalidNotice(notice);
        uint256 old = s.settings.redemptionNotice;
        s.settings.redemptionNotice = notice;
        emit ICoopMembership.RedemptionNoticeSet(old, notice);
    }

    function setContestWindow(S.Layout storage s, uint32 window, uint32 maxWindow) public {
        if (window == 0 || window > maxWindow) revert ICoopMembership.MembershipInvalidContestWindow(window);
        uint256 old = s.contestWindow;
        s.contestWindow = window;
        emit ICoopMembership.ContestWindowSet(old, window);
    }
}
