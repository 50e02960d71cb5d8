// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice ERC-777-style hooks a hostile token calls on the account it names.
interface ITokenHooks {
    function tokensToSend(address to, uint256 value) external;

    function tokensReceived(address from, uint256 value) external;
}

/// @notice An ERC-20 that turns hostile on demand, for tests: it can keep a fee from every
/// transfer, answer `false` to transfers instead of reverting (moving nothing), or call hooks on
/// one account before it sends and after it receives (so that account can re-enter the co-op).
contract HostileToken is ERC20 {
    uint256 public feeBps;
    bool public returnFalse;
    address public hooked;

    constructor() ERC20("Hostile Token", "HOST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFee(uint256 bps) external {
        feeBps = bps;
    }

    function setReturnFalse(bool on) external {
        returnFalse = on;
    }

    function setHooked(address account) external {
        hooked = account;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (returnFalse) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (returnFalse) return false;
        return super.transferFrom(from, to, value);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && from == hooked) ITokenHooks(from).tokensToSend(to, value);
        if (feeBps != 0 && from != address(0) && to != address(0)) {
            uint256 fee = (value * feeBps) / 10_000;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
        if (to != address(0) && to == hooked) ITokenHooks(to).tokensReceived(from, value);
    }
}

/// @notice A member contract that, from inside a token hook, makes one call it was given (to
/// re-enter the co-op while it is paying or being paid) and records how that call ended.
contract TokenReentrantMember is ITokenHooks {
    IERC20 public immutable token;
    address public reentryTarget;
    bytes public reentryData;
    uint256 public attempts;
    bool public reentryFailed;
    bytes public reentryError;

    constructor(IERC20 token_, address[] memory spenders) {
        token = token_;
        for (uint256 i = 0; i < spenders.length; ++i) token_.approve(spenders[i], type(uint256).max);
    }

    /// @notice Calls `target` with `data` as this member, bubbling up any revert.
    function act(address target, bytes calldata data) external {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    /// @notice The call to make from the next hook (once).
    function setReentry(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryData = data;
        attempts = 0;
    }

    function tokensToSend(address, uint256) external {
        _reenter();
    }

    function tokensReceived(address, uint256) external {
        _reenter();
    }

    function _reenter() private {
        if (msg.sender != address(token) || reentryTarget == address(0) || attempts > 0) return;
        attempts += 1;
        (bool ok, bytes memory ret) = reentryTarget.call(reentryData);
        reentryFailed = !ok;
        reentryError = ret;
    }
}
