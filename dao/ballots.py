"""EIP-712 ballots for the governor's ``castVoteBySig`` (OpenZeppelin Governor, version "1").

A member signs a ballot off-chain; anyone (the API's relayer) submits it and pays the gas. The
nonce makes every signature usable once; the domain (governor name, version, chain id, address)
makes it usable on one governor of one chain only.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import to_checksum_address

SUPPORT = {"against": 0, "for": 1, "abstain": 2}

BALLOT_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Ballot": [
        {"name": "proposalId", "type": "uint256"},
        {"name": "support", "type": "uint8"},
        {"name": "voter", "type": "address"},
        {"name": "nonce", "type": "uint256"},
    ],
}


def ballot_typed_data(
    *,
    governor_name: str,
    governor_address: str,
    chain_id: int,
    proposal_id: int,
    support: int,
    voter: str,
    nonce: int,
) -> dict[str, Any]:
    """The full EIP-712 typed data of a ballot, as a wallet's eth_signTypedData_v4 takes it."""
    if support not in SUPPORT.values():
        raise ValueError(f"support must be 0 (against), 1 (for) or 2 (abstain), not {support}")
    return {
        "types": BALLOT_TYPES,
        "primaryType": "Ballot",
        "domain": {
            "name": governor_name,
            "version": "1",
            "chainId": int(chain_id),
            "verifyingContract": to_checksum_address(governor_address),
        },
        "message": {
            "proposalId": int(proposal_id),
            "support": int(support),
            "voter": to_checksum_address(voter),
            "nonce": int(nonce),
        },
    }


def sign_typed_data(private_key: str | bytes, typed_data: dict[str, Any]) -> bytes:
    """65-byte signature (r, s, v) of typed data, as castVoteBySig takes it."""
    signed = Account.sign_message(encode_typed_data(full_message=typed_data), private_key)
    return bytes(signed.signature)


def recover_signer(typed_data: dict[str, Any], signature: bytes | str) -> str:
    """Checksum address that signed the typed data."""
    return Account.recover_message(encode_typed_data(full_message=typed_data), signature=signature)
