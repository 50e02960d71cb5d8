// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";

/// @title The member register and share capital of a cooperative
/// @notice One membership per person, one vote per member who has served the statutory voting
/// seniority. Shares are bought at a price set by governance, are not transferable, and are
/// refunded (by pull, after a notice period) on redemption, leaving or expulsion. Voting power is
/// checkpointed so that a proposal counts the voters as of its snapshot, and is exposed through
/// the IERC5805 / IERC6372 read side. Each membership is also a soulbound card (the ERC-721 read
/// surface, ERC-5192 `locked`), whose token id is the permanent member index.
/// @dev Only the governance address (the co-op's timelock) can change statutes, sanction members
/// and admit or reject applicants by vote; under the Committee policy the admissions committee
/// contract can admit, reject and recover too, each of its acts contestable for a statutory
/// window. Nothing personal is stored: accounts, numbers and hashes only.
///
/// Voting seniority: an admitted member becomes a voter by {enfranchise}, a permissionless and
/// batchable call that anyone (the member, a relayer, the indexer's operator) can make once
/// `votingSeniority` clock units have passed since the admission. The vote is written at the
/// clock of that call, so that for every past timepoint t the sum over accounts of
/// `getPastVotes(account, t)` equals `getPastTotalSupply(t)`, and quorum is computed from it.
interface ICoopMembership is IERC5805 {
    enum Status {
        None, // never a member, or left
        Pending, // applied, payment held, waiting for admission
        Active, // member (a voter once enfranchised)
        Suspended, // member without a vote until reinstated or the suspension ends
        Expelled, // ended by governance (or an annulled admission); cannot join again
        Moved // the membership moved to another account; this one cannot be used again
    }

    enum AdmissionPolicy {
        Open, // join() admits at once: prone to fake members, allowed only with voting seniority
        Approval, // join() files an application that a vote admits or rejects
        Committee // as Approval, and the elected admissions committee may admit or reject too
    }

    /// @notice A member's record as returned by {member}.
    struct MemberView {
        Status status;
        uint32 index; // permanent, unique, 1-based; 0 = never admitted; the card's token id
        uint32 shares;
        uint256 capital; // paid in, not yet refunded
        uint48 joinedAt; // clock of the latest admission
        uint48 suspendedUntil; // unix time, while Suspended
        uint16 warnings;
        uint48 votesFrom; // clock from which the current membership votes; 0 = not (yet) a voter
    }

    /// @notice The statutes fixed at deployment (each can later be changed by vote).
    struct Statutes {
        string name; // the co-op's name, shown on the membership card
        string symbol; // the card's symbol
        address asset; // address(0) for ETH, or the ERC-20 used as share currency (fixed for life)
        uint256 sharePrice;
        uint32 shareCap;
        AdmissionPolicy policy;
        uint32 redemptionNotice; // seconds
        uint32 votingSeniority; // clock units (blocks) between admission and the right to vote
        uint32 contestWindow; // seconds during which a committee act can be contested
    }

    /// @notice An act of the committee that members can still contest (see {annul}).
    struct Contest {
        address previous; // the account a recovery moved the membership from; 0 for an admission
        uint48 deadline; // unix time: last moment to contest
        bool contested;
    }

    // ---------------------------------------------------------------- errors
    error MembershipUnauthorized(address caller);
    error MembershipZeroAddress();
    error MembershipZeroShares();
    error MembershipAlreadyMember(address account, Status status);
    error MembershipExpelledAccount(address account);
    error MembershipRetiredAccount(address account);
    error MembershipNotPending(address account, Status status);
    error MembershipNotActive(address account, Status status);
    error MembershipNotMember(address account, Status status);
    error MembershipNotSuspended(address account, Status status);
    error MembershipShareCapExceeded(address account, uint256 shares, uint256 cap);
    error MembershipRedemptionTooLarge(address account, uint256 shares, uint256 held);
    error MembershipWrongPayment(uint256 expected, uint256 received);
    error MembershipTransferShortfall(uint256 expected, uint256 received);
    error MembershipNothingToWithdraw(address account);
    error MembershipRefundLocked(address account, uint256 availableAt);
    error MembershipStillSuspended(address account, uint256 until);
    error MembershipInvalidSuspension(uint256 until);
    error MembershipInvalidSharePrice(uint256 price);
    error MembershipInvalidShareCap(uint256 cap);
    error MembershipInvalidNotice(uint256 notice);
    error MembershipInvalidContestWindow(uint256 window);
    /// @notice The Open policy needs a voting seniority (and a seniority of 0 needs another policy).
    error MembershipOpenWithoutSeniority();
    error MembershipSharesNotTransferable();
    error MembershipDelegationDisabled();
    error MembershipFutureLookup(uint256 timepoint, uint48 clock);
    error MembershipLengthMismatch(uint256 accounts, uint256 hashes);
    /// @notice A move or recovery to `account`, which is, was or applied to be a member.
    error MembershipAccountTaken(address account, Status status);
    error MembershipCommitteeInactive(AdmissionPolicy policy);
    /// @notice `account` has no committee act that can still be contested or annulled.
    error MembershipNotContestable(address account, uint256 deadline);
    /// @notice Capital and moves are frozen while a committee recovery can be contested.
    error MembershipUnderContest(address account, uint256 deadline);

    // ---------------------------------------------------------------- events
    event MemberApplied(address indexed account, uint256 shares, uint256 amount);
    /// @notice An applicant admitted by `by` (the timelock for a vote, or a committee member),
    /// with the hash of what was checked; `contestDeadline` is 0 for an admission by vote.
    event MemberAdmitted(address indexed account, address indexed by, bytes32 attestation, uint256 contestDeadline);
    event ApplicationRejected(address indexed account, bytes32 reasonHash, uint256 amount);
    event ApplicationWithdrawn(address indexed account, uint256 amount);
    event MemberJoined(address indexed account, uint256 indexed index, uint256 shares, uint256 capital);
    event SharesPurchased(address indexed account, uint256 shares, uint256 amount, uint256 totalShares, uint256 capital);
    event RedemptionRequested(address indexed account, uint256 shares, uint256 amount, uint256 availableAt);
    event MemberLeft(address indexed account, uint256 shares, uint256 amount, uint256 availableAt);
    event RefundWithdrawn(address indexed account, uint256 amount);
    event MemberWarned(address indexed account, uint256 warnings, bytes32 reasonHash);
    event MemberSuspended(address indexed account, uint256 until, bytes32 reasonHash);
    event MemberReinstated(address indexed account, bool early);
    event MemberExpelled(address indexed account, bytes32 reasonHash, uint256 shares, uint256 amount, uint256 availableAt);
    /// @notice The membership with member number `index` moved from `from` to `to`, by the member
    /// itself (a key rotation), by a vote (`by` = the timelock) or by a committee member; a
    /// committee recovery can be contested until `contestDeadline` (0 otherwise).
    event MembershipMoved(address indexed from, address indexed to, uint256 indexed index, address by, uint256 contestDeadline);
    event AdmissionContested(address indexed account, address indexed by);
    /// @notice A committee act annulled by vote: an admission (then `restoredTo` is 0 and the
    /// account is expelled with its capital refunded at once) or a recovery (then the membership
    /// moved back to `restoredTo`).
    event CommitteeActAnnulled(address indexed account, address restoredTo);
    event SharePriceSet(uint256 oldPrice, uint256 newPrice);
    event ShareCapSet(uint256 oldCap, uint256 newCap);
    event AdmissionPolicySet(AdmissionPolicy oldPolicy, AdmissionPolicy newPolicy);
    event RedemptionNoticeSet(uint256 oldNotice, uint256 newNotice);
    event VotingSenioritySet(uint256 oldSeniority, uint256 newSeniority);
    event ContestWindowSet(uint256 oldWindow, uint256 newWindow);

    // ---------------------------------------------------------------- members
    /// @notice Apply for membership with `shares` shares, paying `shares * sharePrice()` (ETH as
    /// msg.value, or the ERC-20 asset by allowance). Admits at once under the Open policy; files
    /// a refundable application otherwise (except for the founder: while nobody has ever been a
    /// member, the applicant is admitted at once, and votes at once).
    function join(uint256 shares) external payable;

    /// @notice Withdraw a pending application; the payment joins the caller's refund.
    function withdrawApplication() external;

    function buyShares(uint256 shares) external payable;

    /// @notice Give back `shares` shares (fewer than held; use {leave} for all).
    function requestRedemption(uint256 shares) external;

    /// @notice End the caller's membership; all capital is withdrawable after the notice period.
    function leave() external;

    /// @notice Pull the caller's refund once its notice period has passed.
    function withdrawRefund() external;

    /// @notice End a suspension whose term has passed (anyone may call).
    function endSuspension(address account) external;

    /// @notice Make voters of the given active members whose voting seniority has passed
    /// (anyone may call, for any accounts). Accounts that are not active, already vote, or are
    /// still in their seniority are skipped, so that a batch never fails for one of them.
    /// @return enfranchised how many of `accounts` became voters
    function enfranchise(address[] calldata accounts) external returns (uint256 enfranchised);

    /// @notice Key rotation: move the caller's membership to `newAccount`, which must never have
    /// been, nor applied to be, a member. The member index, shares, capital and its history,
    /// votes, warnings, sanctions, refund owed and rewards follow; vote receipts are keyed by the
    /// member index, so the person can never vote twice on one proposal.
    function moveMembership(address newAccount) external;

    /// @notice Flag a committee admission or recovery of `account` for annulment, within its
    /// contest window (any active member may call). A flagged act stays annullable by vote after
    /// the window.
    function contest(address account) external;

    // ---------------------------------------------------------------- governance (by vote)
    function admit(address account, bytes32 attestation) external;
    function admitMany(address[] calldata accounts, bytes32[] calldata attestations) external;
    function reject(address account, bytes32 reasonHash) external;
    function rejectMany(address[] calldata accounts, bytes32[] calldata reasonHashes) external;
    function warn(address account, bytes32 reasonHash) external;
    function suspend(address account, uint48 until, bytes32 reasonHash) external;
    function reinstate(address account) external;
    function expel(address account, bytes32 reasonHash) external;
    /// @notice Recovery of a lost key by vote: move `lost`'s membership to `newAccount`.
    function recoverMembership(address lost, address newAccount) external;
    /// @notice Annul a committee act on `account` that is within its contest window or was
    /// contested in it: an admission (the account is expelled with reason "admission annulled"
    /// and its capital refunded in full, at once) or a recovery (the membership moves back).
    function annul(address account) external;
    function setSharePrice(uint256 price) external;
    function setShareCap(uint32 cap) external;
    function setAdmissionPolicy(AdmissionPolicy policy) external;
    function setRedemptionNotice(uint32 notice) external;
    function setVotingSeniority(uint32 seniority) external;
    function setContestWindow(uint32 window) external;

    // ---------------------------------------------------------------- admissions committee
    /// @notice Called by the committee contract for its member `by` (Committee policy only).
    function committeeAdmit(address account, bytes32 attestation, address by) external;
    function committeeReject(address account, bytes32 reasonHash) external;
    function committeeRecover(address lost, address newAccount, address by) external;

    // ---------------------------------------------------------------- views
    function governance() external view returns (address);
    function committee() external view returns (address);
    function asset() external view returns (address);
    function sharePrice() external view returns (uint256);
    function shareCap() external view returns (uint256);
    function admissionPolicy() external view returns (AdmissionPolicy);
    function redemptionNotice() external view returns (uint256);
    function votingSeniority() external view returns (uint256);
    function contestWindow() external view returns (uint256);
    function member(address account) external view returns (MemberView memory);
    function application(address account) external view returns (uint256 shares, uint256 amount);
    function refund(address account) external view returns (uint256 amount, uint256 availableAt);
    /// @notice The committee act on the membership `index` that can still be contested, if any.
    function contestOf(uint256 index) external view returns (Contest memory);
    /// @notice Active members now (voters or still in their seniority).
    function memberCount() external view returns (uint256);
    /// @notice Members who vote now (the IVotes total supply).
    function voterCount() external view returns (uint256);
    function totalCapital() external view returns (uint256);
    function totalShares() external view returns (uint256);
    function liabilities() external view returns (uint256 heldForApplications, uint256 owedRefunds);
    function memberIndex(address account) external view returns (uint256);
    /// @notice The account that holds membership `index` now, or held it last (0 if none).
    function accountOf(uint256 index) external view returns (address);
    /// @notice Whether `account` could be enfranchised now.
    function canEnfranchise(address account) external view returns (bool);
    /// @notice Weight of `account` in a vote whose snapshot is `timepoint`: 1 if it was a voter
    /// at the snapshot and is an active member now, else 0; with its permanent member index.
    function voteWeight(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index);
    function getPastCapital(address account, uint256 timepoint) external view returns (uint256);
    function getPastTotalCapital(uint256 timepoint) external view returns (uint256);
}
