// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title CoopTimelock
/// @notice OpenZeppelin's TimelockController, unchanged: it holds the co-op's treasury and is the
/// only admin of the member register and the rewards. Deployment makes the governor its only
/// proposer, executor and canceller, then the deployer renounces the admin role.
contract CoopTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
