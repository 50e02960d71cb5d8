"""The web page in a real browser (Debian's Chromium, driven by Playwright), against the API
serving a real chain indexed by the real indexer. The wallet is an EIP-1193 provider injected into
the page that forwards to the local chain's unlocked accounts."""

from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from brownie import accounts, chain, web3
from playwright.sync_api import sync_playwright

from api.main import create_app
from dao.config import Settings
from dao.db import make_engine, migrate
from scripts.deploy import deploy_coop
from tests.conftest import PRICE
from tests.indexer.conftest import make_indexer, rpc_url

CHROMIUM = "/usr/bin/chromium"
# test artifacts: what the page looked like (reports/ is Brownie's reports folder, not committed)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PROVIDER = """
window.ethereum = {
  isMetaMask: false,
  request: async ({ method, params }) => {
    const out = JSON.parse(await window.__rpc(method, JSON.stringify(params || [])));
    if (out.error) throw new Error(out.error);
    return out.result;
  },
  on: () => {},
};
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(history, tmp_path, admin):
    """The API and page on a free loopback port, over a SQLite index of the history."""
    with _serve(history, tmp_path, admin) as served:
        yield served


@contextmanager
def _serve(coop, tmp_path, admin):
    db_url = f"sqlite:///{tmp_path / 'web.db'}"
    migrate(db_url)
    engine = make_engine(db_url)
    indexer = make_indexer(coop, engine)
    indexer.sync()
    relayer = accounts.add()
    admin.transfer(relayer, 10**18)
    app = create_app(
        Settings(
            database_url=db_url,
            deployment_file=coop.deployment_file,
            rpc_url=rpc_url(),
            relayer_key=relayer.private_key,
        )
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", indexer
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, wallet_account, *, locale="en-US", width=1024):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
    page = context.new_page()

    def rpc(method, params_json):
        params = json.loads(params_json)
        if method in ("eth_requestAccounts", "eth_accounts"):
            return json.dumps({"result": [wallet_account]})
        response = web3.provider.make_request(method, params)
        if "error" in response:
            return json.dumps({"error": response["error"].get("message", str(response["error"]))})
        result = response["result"]
        return json.dumps(
            {"result": result if isinstance(result, (str, list, dict, int)) else str(result)}
        )

    page.expose_function("__rpc", rpc)
    page.add_init_script(PROVIDER)
    return page


def test_member_votes_by_signing_a_relayed_ballot(site, browser, history):
    url, indexer = site
    alice = accounts[1].address  # a member who has not voted on the open proposal yet
    page = _page(browser, alice)
    page.goto(url)
    page.get_by_role("button", name="Connect wallet").click()
    page.wait_for_selector("text=Status: active")
    page.wait_for_load_state("networkidle")
    card = page.locator('li[data-state="Active"]')
    assert card.count() == 1
    pid = int(card.get_attribute("data-proposal"))
    assert not history.governor.hasVoted(pid, alice)
    card.get_by_role("button", name="Sign the ballot (no gas)").click()
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    assert "Ballot relayed" in page.locator("#status").text_content()
    assert history.governor.hasVoted(pid, alice)
    indexer.sync()
    page.reload()
    page.get_by_role("button", name="Connect wallet").click()
    page.wait_for_selector("text=For 2")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "member-view-after-signed-vote.png"), full_page=True)


def test_member_votes_with_a_transaction_and_a_reason(site, browser, history):
    url, indexer = site
    alice = accounts[1].address
    page = _page(browser, alice)
    page.goto(url)
    page.get_by_role("button", name="Connect wallet").click()
    page.wait_for_selector("text=Status: active")  # the views re-render once connected
    page.wait_for_load_state("networkidle")
    card = page.locator('li[data-state="Active"]')
    pid = card.get_attribute("data-proposal")
    card.get_by_label("Reason (optional)").fill("because the server needs it")
    card.get_by_role("button", name="Send a transaction").click()
    page.wait_for_selector("text=Transaction sent")
    assert history.governor.hasVoted(int(pid), alice)
    indexer.sync()
    votes = httpx.get(f"{url}/api/proposals/{pid}").json()["vote_list"]
    assert {"voter": alice, "reason": "because the server needs it"} in [
        {"voter": v["voter"], "reason": v["reason"]} for v in votes
    ]


def test_the_page_speaks_french_from_the_browser_language_and_switches(site, browser):
    url, _ = site
    page = _page(browser, accounts[1].address, locale="fr-FR")
    page.goto(url)
    page.wait_for_selector("text=La coopérative")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Langue").select_option("en")
    page.wait_for_selector("text=The co-op")
    assert page.locator("html").get_attribute("lang") == "en"


def test_statutes_in_plain_language_with_their_history(site, browser):
    url, _ = site
    page = _page(browser, accounts[1].address)
    page.goto(url)
    page.get_by_role("button", name="Statutes").click()
    page.wait_for_selector("text=A share costs 0.01 ETH.")
    page.wait_for_selector(
        "text=A decision needs the votes (for or abstain) of 25% of the members."
    )
    page.wait_for_selector("text=An adopted decision waits 48 hours before it can be executed.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "statutes-view.png"), full_page=True)


def test_auditor_runs_the_audit_and_sees_the_event_log(site, browser):
    url, _ = site
    page = _page(browser, accounts[1].address)
    page.goto(url)
    page.get_by_role("button", name="Auditor").click()
    page.wait_for_selector("#events tbody tr")
    assert page.locator("#events tbody tr").count() > 10
    assert page.locator('a[href="/api/export/vote.csv"]').count() == 1
    page.get_by_role("button", name="Run the audit").click()
    page.wait_for_selector("text=All checks agree with the chain")


def test_every_field_has_a_label_and_the_page_fits_a_phone(site, browser):
    url, _ = site
    page = _page(browser, accounts[1].address, width=360)
    page.goto(url)
    page.wait_for_selector("#summary div")
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
                 .filter(e => !e.closest('label') && !document.querySelector(`label[for="${e.id}"]`)).map(e => e.id || e.outerHTML)"""
    )
    assert unlabeled == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused in ("lang", "connect")


def test_member_signs_in_keeps_a_profile_and_erases_it(site, browser):
    url, _ = site
    page = _page(browser, accounts[2].address)
    page.goto(url)
    page.get_by_role("button", name="Sign in with Ethereum").click()
    page.wait_for_selector("#profile-form:not([hidden])")
    page.get_by_label("Display name").fill("Bob B.")
    page.get_by_label("Contact").fill("bob@example.org")
    page.get_by_label("I agree that the co-op keeps this data until I erase it.").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    assert page.locator("#status").text_content() == "Profile saved."
    page.get_by_role("button", name="Erase my data").click()
    page.wait_for_selector("text=Your personal data was erased.")
    assert page.locator("#profile-form").is_hidden()


SENIORITY = 20  # blocks


@pytest.fixture
def surging(admin, alice, bob, carol, dave, tmp_path):
    """Approval with a voting seniority: alice founded it, bob and carol were just admitted
    (three admissions, the founder's included, for three members: a surge), dave's application
    waits."""
    coop = deploy_coop(admin, voting_seniority=SENIORITY, deployments_dir=tmp_path / "deployments")
    coop.deployment_file = next((tmp_path / "deployments").glob("*.json"))
    m = coop.membership
    for shares, who in enumerate((alice, bob, carol, dave), start=1):
        m.join(shares, {"from": who, "value": shares * PRICE})
    timelock = accounts.at(coop.timelock.address, force=True)
    admin.transfer(timelock, 10**18)
    coop.admitted_at = m.admitMany(
        [bob, carol], [b"\x01" * 32] * 2, {"from": timelock}
    ).block_number
    return coop


def test_surge_banner_pending_applications_seniority_and_enfranchise(
    surging, tmp_path, admin, browser, bob, dave
):
    with _serve(surging, tmp_path, admin) as (url, indexer):
        page = _page(browser, bob.address)
        page.goto(url)
        banner = page.locator("#surge")
        banner.wait_for(state="visible")
        assert "3 admissions in the last 20 blocks" in banner.text_content()
        assert "100% of the register" in banner.text_content()
        item = page.locator(f'#applications li[data-application="{dave.address}"]')
        item.wait_for()
        assert "4 shares (0.04 ETH)" in item.text_content()
        assert page.locator("#committee-seats li").count() == 3  # three vacant seats
        page.get_by_role("button", name="Connect wallet").click()
        admitted = surging.membership.member(bob)
        page.wait_for_selector(f"text=In seniority until block {SENIORITY + surging.admitted_at}")
        assert admitted[7] == 0 and page.locator("#enfranchise").count() == 0
        assert page.get_by_label("Move my membership to another address").is_visible()
        chain.mine(SENIORITY)
        indexer.sync()
        page.reload()
        page.get_by_role("button", name="Connect wallet").click()
        page.get_by_role("button", name="Enfranchise").click()
        page.wait_for_selector("text=Transaction sent")
        assert surging.membership.member(bob)[7] != 0  # bob votes from now on
        indexer.sync()
        page.reload()
        page.wait_for_selector("#summary div")
        assert page.locator("#surge").is_hidden()
        page.get_by_role("button", name="Connect wallet").click()
        page.wait_for_selector("text=You vote from block")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "member-view-register-v2.png"), full_page=True)
