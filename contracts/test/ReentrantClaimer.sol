// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICoopMembership} from "../interfaces/ICoopMembership.sol";
import {ICoopRewards} from "../interfaces/ICoopRewards.sol";

/// @notice A member (and reward recipient) whose receive hook tries to claim again, and to
/// withdraw its refund again, while being paid.
contract ReentrantClaimer {
    ICoopMembership public immutable membership;
    ICoopRewards public immutable rewards;
    uint256 public periodId;
    uint256 public attempts;
    uint256 public received;
    bool public reentryFailed;

    constructor(ICoopMembership membership_, ICoopRewards rewards_) {
        membership = membership_;
        rewards = rewards_;
    }

    function join(uint256 shares) external payable {
        membership.join{value: msg.value}(shares);
    }

    function leave() external {
        membership.leave();
    }

    function claim(uint256 periodId_) external {
        periodId = periodId_;
        rewards.claim(periodId_);
    }

    function withdrawRefund() external {
        periodId = 0;
        membership.withdrawRefund();
    }

    receive() external payable {
        received += msg.value;
        if (attempts > 0) return;
        attempts += 1;
        bool ok;
        if (periodId != 0) {
            (ok, ) = address(rewards).call(abi.encodeCall(ICoopRewards.claim, (periodId)));
        } else {
            (ok, ) = address(membership).call(abi.encodeCall(ICoopMembership.withdrawRefund, ()));
        }
        reentryFailed = !ok;
    }
}
