// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

/// @title GovernorCountingMembers
/// @notice For / against / abstain counting for one-member-one-vote governance, with the
/// interface of OpenZeppelin's GovernorCountingSimple (`COUNTING_MODE`, `hasVoted`,
/// `proposalVotes`).
/// @dev Cheaper than GovernorCountingSimple because every weight is 1 and every voter has a
/// permanent member index: the three tallies share one storage slot, and "has voted" is a bit in
/// a per-proposal bitmap keyed by the member index, so 255 of 256 voters flip a bit in a word
/// that is already non-zero instead of writing a fresh slot.
abstract contract GovernorCountingMembers is Governor {
    enum VoteType {
        Against,
        For,
        Abstain
    }

    struct Tally {
        uint64 against;
        uint64 forVotes;
        uint64 abstain;
    }

    mapping(uint256 proposalId => Tally) private _tallies;
    mapping(uint256 proposalId => mapping(uint256 word => uint256 bits)) private _receipts;

    /// @inheritdoc IGovernor
    // solhint-disable-next-line func-name-mixedcase
    function COUNTING_MODE() public pure virtual override returns (string memory) {
        return "support=bravo&quorum=for,abstain";
    }

    /// @inheritdoc IGovernor
    function hasVoted(uint256 proposalId, address account) public view virtual override returns (bool) {
        uint256 index = _memberIndex(account);
        if (index == 0) return false;
        return _receipts[proposalId][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @notice Votes against, for and abstaining, as OpenZeppelin's GovernorCountingSimple.
    function proposalVotes(
        uint256 proposalId
    ) public view virtual returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes) {
        Tally memory t = _tallies[proposalId];
        return (t.against, t.forVotes, t.abstain);
    }

    /// @dev The permanent, unique, non-zero index of a member account (0 if none).
    function _memberIndex(address account) internal view virtual returns (uint256);

    function _quorumReached(uint256 proposalId) internal view virtual override returns (bool) {
        Tally memory t = _tallies[proposalId];
        return quorum(proposalSnapshot(proposalId)) <= uint256(t.forVotes) + t.abstain;
    }

    function _voteSucceeded(uint256 proposalId) internal view virtual override returns (bool) {
        Tally memory t = _tallies[proposalId];
        return t.forVotes > t.against;
    }

    /// @dev Generic path (weight given, index looked up); {_recordVote} is the one the co-op's
    /// governor uses with the index it already has.
    function _countVote(
        uint256 proposalId,
        address account,
        uint8 support,
        uint256 totalWeight,
        bytes memory // params
    ) internal virtual override returns (uint256) {
        _recordVote(proposalId, account, _memberIndex(account), support);
        return totalWeight;
    }

    /// @dev Marks member `index` as having voted on `proposalId` and adds one to `support`'s tally.
    function _recordVote(uint256 proposalId, address account, uint256 index, uint8 support) internal virtual {
        if (support > uint8(VoteType.Abstain)) revert GovernorInvalidVoteType();
        mapping(uint256 => uint256) storage receipts = _receipts[proposalId];
        uint256 bit = 1 << (index & 0xff);
        uint256 word = receipts[index >> 8];
        if (word & bit != 0) revert GovernorAlreadyCastVote(account);
        receipts[index >> 8] = word | bit;

        Tally storage t = _tallies[proposalId];
        // A tally counts distinct member indexes (< 2**32): it cannot overflow 64 bits.
        unchecked {
            if (support == uint8(VoteType.Against)) t.against += 1;
            else if (support == uint8(VoteType.For)) t.forVotes += 1;
            else t.abstain += 1;
        }
    }
}
