// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Votes} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Votes.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @notice Benchmark reference only: the usual OpenZeppelin way to give one vote per member, a
/// soulbound ERC721Votes (mint on admission, no transfers; members must self-delegate to vote).
contract RefMembershipNFT is ERC721, EIP712, ERC721Votes {
    error RefSoulbound();

    uint256 private _next;

    constructor() ERC721("Reference Membership", "RMEM") EIP712("Reference Membership", "1") {}

    function mint(address to) external returns (uint256 id) {
        id = ++_next;
        _mint(to, id);
    }

    function _update(address to, uint256 tokenId, address auth) internal override(ERC721, ERC721Votes) returns (address) {
        address from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert RefSoulbound();
        return super._update(to, tokenId, auth);
    }

    function _increaseBalance(address account, uint128 amount) internal override(ERC721, ERC721Votes) {
        super._increaseBalance(account, amount);
    }
}
