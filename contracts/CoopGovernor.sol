// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {GovernorCountingMembers} from "./governance/GovernorCountingMembers.sol";
import {ICoopGovernor} from "./interfaces/ICoopGovernor.sol";
import {ICoopMembership} from "./interfaces/ICoopMembership.sol";

/// @title CoopGovernor
/// @notice One member, one vote. An OpenZeppelin Governor (standard IGovernor interface and
/// events) over the co-op's member register: only members propose; a vote counts if its caster
/// was an active member at the proposal's snapshot and still is one; quorum is a fraction of the
/// active members at the snapshot, rounded up; decisions run through the co-op's timelock.
/// @dev Settings (delay, period, quorum, timelock) change only by proposal (`onlyGovernance`).
contract CoopGovernor is
    ICoopGovernor,
    Governor,
    GovernorSettings,
    GovernorCountingMembers,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    ICoopMembership private immutable _membership;

    constructor(
        string memory name_,
        ICoopMembership membership_,
        TimelockController timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 quorumPercent_
    )
        Governor(name_)
        GovernorSettings(votingDelay_, votingPeriod_, 1)
        GovernorVotes(IVotes(address(membership_)))
        GovernorVotesQuorumFraction(quorumPercent_)
        GovernorTimelockControl(timelock_)
    {
        _membership = membership_;
    }

    /// @notice The member register votes are counted from.
    function membership() external view returns (ICoopMembership) {
        return _membership;
    }

    /// @notice A proposer must hold a vote: be an active member (never below 1).
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        uint256 threshold = super.proposalThreshold();
        return threshold == 0 ? 1 : threshold;
    }

    /// @notice Active members at `timepoint` times the quorum fraction, rounded up, at least 1.
    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        uint256 members = token().getPastTotalSupply(timepoint);
        uint256 q = Math.mulDiv(members, quorumNumerator(timepoint), quorumDenominator(), Math.Rounding.Ceil);
        return q == 0 ? 1 : q;
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @dev One external call answers both the weight and the member index used for receipts.
    function _castVote(
        uint256 proposalId,
        address account,
        uint8 support,
        string memory reason,
        bytes memory params
    ) internal override returns (uint256) {
        _validateStateBitmap(proposalId, _encodeStateBitmap(ProposalState.Active));
        (uint256 weight, uint256 index) = _membership.voteWeight(account, proposalSnapshot(proposalId));
        if (weight == 0) revert GovernorVoterNotMember(proposalId, account);
        _recordVote(proposalId, account, index, support);
        if (params.length == 0) {
            emit VoteCast(account, proposalId, support, weight, reason);
        } else {
            emit VoteCastWithParams(account, proposalId, support, weight, reason, params);
        }
        _tallyUpdated(proposalId);
        return weight;
    }

    /// @dev Active at `timepoint` and still active now (see {ICoopMembership-voteWeight}).
    function _getVotes(
        address account,
        uint256 timepoint,
        bytes memory /*params*/
    ) internal view override(Governor, GovernorVotes) returns (uint256 weight) {
        // the member index (second value) only matters when a vote is recorded
        // slither-disable-next-line unused-return
        (weight, ) = _membership.voteWeight(account, timepoint);
    }

    function _memberIndex(address account) internal view override returns (uint256) {
        return _membership.memberIndex(account);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
