// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Deploys, with CREATE2 and always the same init code and salt, whatever runtime code
/// `implementation` has at the time: the classic metamorphic contract. Before EIP-6780 (Cancun),
/// self-destructing the deployed contract and deploying again put other code at the same address.
contract MetamorphicFactory {
    address public implementation;

    event Deployed(address target);

    error DeployFailed();

    function deploy(address implementation_) external returns (address target) {
        implementation = implementation_;
        bytes memory init = type(Morph).creationCode;
        assembly {
            target := create2(0, add(init, 32), mload(init), 0)
        }
        if (target == address(0)) revert DeployFailed();
        emit Deployed(target);
    }
}

/// @notice Init code that returns the runtime code of the factory's current implementation.
contract Morph {
    constructor() {
        address impl = MetamorphicFactory(msg.sender).implementation();
        assembly {
            let size := extcodesize(impl)
            extcodecopy(impl, 0, 0, size)
            return(0, size)
        }
    }
}

/// @notice What a proposal was voted to fund: it keeps what it is sent. Anyone can destroy it.
contract HonestEscrow {
    uint256 public deposits;

    function deposit() external payable {
        deposits += msg.value;
    }

    function destroy(address payable to) external {
        selfdestruct(to);
    }
}

/// @notice What an attacker would like to run at the same address: it forwards what it is sent
/// to whoever sent the transaction (the attacker, executing the proposal).
contract EvilEscrow {
    uint256 public deposits;

    function deposit() external payable {
        payable(tx.origin).transfer(msg.value);
    }

    function destroy(address payable to) external {
        selfdestruct(to);
    }
}

/// @notice A proposal's target that calls back into governance while the proposal executes,
/// and records how that call ended.
contract GovernanceCallback {
    bool public called;
    bool public callbackFailed;
    bytes public callbackError;

    function poke(address target, bytes calldata data) external payable {
        called = true;
        (bool ok, bytes memory ret) = target.call(data);
        callbackFailed = !ok;
        callbackError = ret;
    }
}
