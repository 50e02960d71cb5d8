// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Errors of the co-op governor beyond OpenZeppelin's IGovernor
interface ICoopGovernor {
    /// @notice `voter` had no vote in `proposalId`: not an active member at its snapshot, or no
    /// longer an active member (suspended, expelled, left).
    error GovernorVoterNotMember(uint256 proposalId, address voter);
}
