// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {CardRenderer} from "./CardRenderer.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";

/// @title MembershipCard
/// @notice The member register seen as what wallets and Tally expect of a voting token: a
/// soulbound ERC-721 whose token id is the permanent member index. Cards are minted on
/// admission, burnt on exit and moved with a membership; each is locked (ERC-5192) and every
/// transfer or approval function reverts. `tokenURI` is an on-chain JSON card with the co-op's
/// name, the member number, the admission block and the status: no personal data.
abstract contract MembershipCard is IERC721Metadata, IERC721Errors, IERC5192 {
    /// @notice Cards cannot be transferred or approved: a membership moves only by
    /// `moveMembership` (the member) or a recovery (a vote, or the committee).
    error MembershipCardSoulbound();

    string private _name;
    string private _symbol;

    constructor(string memory name_, string memory symbol_) {
        _name = name_;
        _symbol = symbol_;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC721).interfaceId
            || interfaceId == type(IERC721Metadata).interfaceId || interfaceId == type(IERC5192).interfaceId;
    }

    function name() external view returns (string memory) {
        return _name;
    }

    function symbol() external view returns (string memory) {
        return _symbol;
    }

    /// @notice 1 while `owner` is a member (active or suspended), else 0.
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _holds(owner) ? 1 : 0;
    }

    function ownerOf(uint256 tokenId) public view returns (address holder) {
        (holder, ) = _cardOf(tokenId);
        if (holder == address(0)) revert ERC721NonexistentToken(tokenId);
    }

    /// @notice ERC-5192: every card is locked.
    function locked(uint256 tokenId) external view returns (bool) {
        ownerOf(tokenId);
        return true;
    }

    function tokenURI(uint256 tokenId) external view returns (string memory) {
        (address holder, CardRenderer.Card memory card) = _cardOf(tokenId);
        if (holder == address(0)) revert ERC721NonexistentToken(tokenId);
        return CardRenderer.tokenURI(_name, card);
    }

    function getApproved(uint256 tokenId) external view returns (address) {
        ownerOf(tokenId);
        return address(0);
    }

    function isApprovedForAll(address, address) external pure returns (bool) {
        return false;
    }

    function approve(address, uint256) external pure {
        revert MembershipCardSoulbound();
    }

    function setApprovalForAll(address, bool) external pure {
        revert MembershipCardSoulbound();
    }

    function transferFrom(address, address, uint256) external pure {
        revert MembershipCardSoulbound();
    }

    function safeTransferFrom(address, address, uint256) external pure {
        revert MembershipCardSoulbound();
    }

    function safeTransferFrom(address, address, uint256, bytes calldata) external pure {
        revert MembershipCardSoulbound();
    }

    /// @dev The card's holder (0 if the card does not exist now) and what it shows.
    function _cardOf(uint256 tokenId) internal view virtual returns (address holder, CardRenderer.Card memory card);

    /// @dev Whether `account` holds a card now.
    function _holds(address account) internal view virtual returns (bool);
}
