// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title CardRenderer
/// @notice The membership card's ERC-721 metadata as an on-chain JSON document (a linked
/// library, so that the register stays within the contract size limit): the co-op's name, the
/// member number, the admission block, the status. No personal data.
library CardRenderer {
    struct Card {
        uint256 number;
        uint256 since; // clock of the latest admission
        bool active; // false while suspended
        bool voter;
    }

    function tokenURI(string calldata coopName, Card calldata card) public pure returns (string memory) {
        string memory number = Strings.toString(card.number);
        bytes memory json = abi.encodePacked(
            '{"name":"',
            coopName,
            " member #",
            number,
            '","description":"Membership card of ',
            coopName,
            ': one member, one vote. Not transferable.","attributes":[{"trait_type":"Member number","value":',
            number,
            '},{"trait_type":"Since block","value":',
            Strings.toString(card.since),
            '},{"trait_type":"Status","value":"',
            card.active ? "Active" : "Suspended",
            '"},{"trait_type":"Voter","value":"',
            card.voter ? "Yes" : "Not yet",
            '"}]}'
        );
        return string.concat("data:application/json;base64,", Base64.encode(json));
    }
}
