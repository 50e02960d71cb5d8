"""The membership card as a wallet sees it: a soulbound ERC-721 (ERC-5192) whose token id is the
member number, with on-chain metadata, and the standard events decoded with published ABIs."""

import base64
import json
from pathlib import Path

import brownie
import pytest
from brownie import web3

from tests.conftest import PRICE, admit, block_time, new_account

ROOT = Path(__file__).resolve().parents[2]
ZERO = "0x" + "00" * 20
INTERFACES = {
    "ERC165": "0x01ffc9a7",
    "ERC721": "0x80ac58cd",
    "ERC721Metadata": "0x5b5e139f",
    "ERC5192": "0xb45a3c0e",
}


def _abi(path):
    return json.loads(path.read_text())["abi"]


@pytest.fixture(scope="module")
def erc721():
    """OpenZeppelin's published artifact, for the Transfer event."""
    path = ROOT / "node_modules/@openzeppelin/contracts/build/contracts/IERC721.json"
    return web3.eth.contract(abi=_abi(path))


@pytest.fixture(scope="module")
def erc5192():
    """OpenZeppelin publishes no IERC5192 artifact: the Locked event's ABI comes from our own
    contracts/interfaces/IERC5192.sol, as compiled by Brownie."""
    for folder in ("build/interfaces", "build/contracts"):
        path = ROOT / folder / "IERC5192.json"
        if path.exists():
            return web3.eth.contract(abi=_abi(path))
    raise AssertionError("IERC5192 was not compiled")


def _decoded(contract, event, tx):
    receipt = web3.eth.get_transaction_receipt(tx.txid)
    logs = [log for log in receipt["logs"] if log["topics"][0] == _topic(contract, event)]
    return [getattr(contract.events, event)().process_log(log)["args"] for log in logs]


def _topic(contract, event):
    abi = next(e for e in contract.abi if e.get("type") == "event" and e["name"] == event)
    signature = f"{event}({','.join(i['type'] for i in abi['inputs'])})"
    return web3.keccak(text=signature)


def _metadata(m, token_id):
    uri = m.tokenURI(token_id)
    prefix = "data:application/json;base64,"
    assert uri.startswith(prefix)
    doc = json.loads(base64.b64decode(uri[len(prefix) :]))
    doc["attributes"] = {a["trait_type"]: a["value"] for a in doc["attributes"]}
    return doc


def test_a_wallet_reads_the_card_of_a_member(coop, members, outsider):
    m = coop.membership
    bob = members[1]
    assert m.name() == "Demo Coop" and m.symbol() == "COOP"
    assert m.balanceOf(bob) == 1 and m.balanceOf(outsider) == 0
    assert m.ownerOf(2) == bob
    doc = _metadata(m, 2)
    assert doc["name"] == "Demo Coop member #2"
    assert "Not transferable" in doc["description"]
    assert doc["attributes"] == {
        "Member number": 2,
        "Since block": m.member(bob)["joinedAt"],
        "Status": "Active",
        "Voter": "Yes",
    }
    with brownie.reverts(revert_pattern=r"ERC721InvalidOwner: .*"):
        m.balanceOf(ZERO)


def test_the_card_shows_a_suspension_and_a_vote_still_to_come(coop, tl, members, admin):
    m = coop.membership
    m.suspend(members[2], block_time() + 86400, b"\x00" * 32, {"from": tl})
    assert _metadata(m, 3)["attributes"]["Status"] == "Suspended"
    m.setVotingSeniority(50, {"from": tl})
    newcomer = new_account(admin)
    admit(coop, tl, newcomer, 1)
    assert _metadata(m, 5)["attributes"]["Voter"] == "Not yet"


def test_the_card_declares_its_interfaces_and_is_locked(coop, members):
    m = coop.membership
    for name, interface_id in INTERFACES.items():
        assert m.supportsInterface(interface_id), name
    assert not m.supportsInterface("0xffffffff")
    assert not m.supportsInterface("0x00000000")
    assert m.locked(1) and m.locked(4)
    with brownie.reverts(revert_pattern=r"ERC721NonexistentToken: .*"):
        m.locked(5)


def test_every_transfer_and_approval_function_reverts(coop, members, outsider):
    m = coop.membership
    alice = members[0]
    tx = {"from": alice}
    for call in (
        lambda: m.approve(outsider, 1, tx),
        lambda: m.setApprovalForAll(outsider, True, tx),
        lambda: m.transferFrom(alice, outsider, 1, tx),
        lambda: m.safeTransferFrom["address,address,uint256"](alice, outsider, 1, tx),
        lambda: m.safeTransferFrom["address,address,uint256,bytes"](alice, outsider, 1, b"", tx),
    ):
        with brownie.reverts(revert_pattern=r"MembershipCardSoulbound.*"):
            call()
    assert m.ownerOf(1) == alice and m.balanceOf(outsider) == 0
    assert m.getApproved(1) == ZERO and not m.isApprovedForAll(alice, outsider)


def test_a_departed_member_s_card_no_longer_exists(coop, members):
    m = coop.membership
    m.leave({"from": members[3]})
    assert m.balanceOf(members[3]) == 0
    for view in (m.ownerOf, m.tokenURI, m.getApproved):
        with brownie.reverts(revert_pattern=r"ERC721NonexistentToken: .*"):
            view(4)
    with brownie.reverts(revert_pattern=r"ERC721NonexistentToken: .*"):
        m.ownerOf(0)


def test_transfer_and_locked_events_follow_the_card_from_join_to_move_to_leave(
    coop, tl, members, admin, erc721, erc5192
):
    m = coop.membership
    first = new_account(admin)
    m.join(1, {"from": first, "value": PRICE})
    tx = m.admit(first, b"\x02" * 32, {"from": tl})
    assert [dict(e) for e in _decoded(erc721, "Transfer", tx)] == [
        {"from": ZERO, "to": first.address, "tokenId": 5}
    ]
    assert [dict(e) for e in _decoded(erc5192, "Locked", tx)] == [{"tokenId": 5}]

    second = new_account(admin)
    tx = m.moveMembership(second, {"from": first})
    assert [dict(e) for e in _decoded(erc721, "Transfer", tx)] == [
        {"from": first.address, "to": second.address, "tokenId": 5}
    ]
    assert _decoded(erc5192, "Locked", tx) == []  # still locked: nothing to announce

    tx = m.leave({"from": second})
    assert [dict(e) for e in _decoded(erc721, "Transfer", tx)] == [
        {"from": second.address, "to": ZERO, "tokenId": 5}
    ]
