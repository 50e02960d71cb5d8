// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";

/// @title The member register and share capital of a cooperative
/// @notice One membership per address, one vote per active member. Shares are bought at a price
/// set by governance, are not transferable, and are refunded (by pull, after a notice period) on
/// redemption, leaving or expulsion. Voting power is checkpointed so that a proposal counts the
/// members as of its snapshot, and is exposed through the IERC5805 / IERC6372 read side.
/// @dev Only the governance address (the co-op's timelock) can change settings, admit or reject
/// applicants and sanction members. Nothing personal is stored: accounts, numbers and hashes only.
interface ICoopMembership is IERC5805 {
    enum Status {
        None, // never a member, or left
        Pending, // applied under the approval policy, payment held
        Active, // member with one vote
        Suspended, // member without a vote until reinstated or the suspension ends
        Expelled // ended by governance; cannot join again
    }

    enum AdmissionPolicy {
        Open, // join() admits at once
        Approval // join() files an application that governance admits or rejects
    }

    /// @notice A member's record as returned by {member}.
    struct MemberView {
        Status status;
        uint32 index; // permanent, unique, 1-based; 0 = never admitted
        uint32 shares;
        uint256 capital; // paid in, not yet refunded
        uint48 joinedAt; // clock of the latest admission
        uint48 suspendedUntil; // unix time, while Suspended
        uint16 warnings;
    }

    // ---------------------------------------------------------------- errors
    error MembershipUnauthorized(address caller);
    error MembershipZeroAddress();
    error MembershipZeroShares();
    error MembershipAlreadyMember(address account, Status status);
    error MembershipExpelledAccount(address account);
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
    error MembershipSharesNotTransferable();
    error MembershipDelegationDisabled();
    error MembershipFutureLookup(uint256 timepoint, uint48 clock);

    // ---------------------------------------------------------------- events
    event MemberApplied(address indexed account, uint256 shares, uint256 amount);
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
    event SharePriceSet(uint256 oldPrice, uint256 newPrice);
    event ShareCapSet(uint256 oldCap, uint256 newCap);
    event AdmissionPolicySet(AdmissionPolicy oldPolicy, AdmissionPolicy newPolicy);
    event RedemptionNoticeSet(uint256 oldNotice, uint256 newNotice);

    // ---------------------------------------------------------------- members
    /// @notice Apply for membership with `shares` shares, paying `shares * sharePrice()` (ETH as
    /// msg.value, or the ERC-20 asset by allowance). Admits at once under the Open policy; files
    /// a refundable application under the Approval policy (except for the founder: while nobody
    /// has ever been a member, the applicant is admitted at once).
    function join(uint256 shares) external payable;

    /// @notice Withdraw a pending application; the payment joins the caller's refund, withdrawable
    /// at once unless an earlier refund of the caller is still in its notice period (the whole
    /// refund then unlocks with it).
    function withdrawApplication() external;

    /// @notice Buy `shares` more shares, up to the cap per member.
    function buyShares(uint256 shares) external payable;

    /// @notice Give back `shares` shares (fewer than held; use {leave} for all). Their capital is
    /// withdrawable after the notice period.
    function requestRedemption(uint256 shares) external;

    /// @notice End the caller's membership; all capital is withdrawable after the notice period.
    function leave() external;

    /// @notice Pull the caller's refund once its notice period has passed. An account has one
    /// refund: each new amount is added to it and the whole unlocks at the latest date.
    function withdrawRefund() external;

    /// @notice End a suspension whose term has passed (anyone may call).
    function endSuspension(address account) external;

    // ---------------------------------------------------------------- governance
    function admit(address account) external;
    function reject(address account, bytes32 reasonHash) external;
    function warn(address account, bytes32 reasonHash) external;
    function suspend(address account, uint48 until, bytes32 reasonHash) external;
    function reinstate(address account) external;
    function expel(address account, bytes32 reasonHash) external;
    function setSharePrice(uint256 price) external;
    function setShareCap(uint32 cap) external;
    function setAdmissionPolicy(AdmissionPolicy policy) external;
    function setRedemptionNotice(uint48 notice) external;

    // ---------------------------------------------------------------- views
    function governance() external view returns (address);
    /// @notice The share currency: address(0) for ETH, else an ERC-20.
    function asset() external view returns (address);
    function sharePrice() external view returns (uint256);
    function shareCap() external view returns (uint256);
    function admissionPolicy() external view returns (AdmissionPolicy);
    function redemptionNotice() external view returns (uint256);
    function member(address account) external view returns (MemberView memory);
    function application(address account) external view returns (uint256 shares, uint256 amount);
    function refund(address account) external view returns (uint256 amount, uint256 availableAt);
    /// @notice Active members now.
    function memberCount() external view returns (uint256);
    /// @notice Capital of all current members (active or suspended).
    function totalCapital() external view returns (uint256);
    /// @notice Total shares of all current members.
    function totalShares() external view returns (uint256);
    /// @notice Payments held for pending applications and refunds not yet withdrawn.
    function liabilities() external view returns (uint256 heldForApplications, uint256 owedRefunds);
    function memberIndex(address account) external view returns (uint256);
    /// @notice Weight of `account` in a vote whose snapshot is `timepoint`: 1 if it was an active
    /// member at the snapshot and still is one now, else 0; with its permanent member index.
    function voteWeight(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index);
    function getPastCapital(address account, uint256 timepoint) external view returns (uint256);
    function getPastTotalCapital(uint256 timepoint) external view returns (uint256);
}
