"""Configuration from the environment (or a .env-style export), with local-demo defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    # JSON-RPC endpoint of the chain to follow (the local anvil by default)
    rpc_url: str = field(default_factory=lambda: os.environ.get("RPC_URL", "http://127.0.0.1:8545"))
    # SQLAlchemy URL: SQLite file by default, e.g. postgresql+psycopg://user:pw@host/db at scale
    database_url: str = field(
        default_factory=lambda: os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'coop.db'}")
    )
    # the deployment file written by scripts/deploy.py
    deployment_file: Path = field(
        default_factory=lambda: Path(
            os.environ.get("DEPLOYMENT_FILE", ROOT / "deployments" / "development.json")
        )
    )
    # blocks behind the head that are not indexed yet (reorganisations above are expected)
    confirmations: int = field(default_factory=lambda: int(os.environ.get("CONFIRMATIONS", "0")))
    # first and largest eth_getLogs range, in blocks
    chunk_size: int = field(default_factory=lambda: int(os.environ.get("CHUNK_SIZE", "2000")))
    max_chunk_size: int = field(
        default_factory=lambda: int(os.environ.get("MAX_CHUNK_SIZE", "10000"))
    )
    # private key of the account that pays the gas of relayed ballots (API); empty = no relay
    relayer_key: str = field(
        default_factory=lambda: os.environ.get("RELAYER_PRIVATE_KEY", ""), repr=False
    )
    # relayed ballots accepted per voter address per hour
    relay_rate_per_hour: int = field(
        default_factory=lambda: int(os.environ.get("RELAY_RATE_PER_HOUR", "20"))
    )
    # Sign-In with Ethereum: the domain and chain id messages must name (default: the request's
    # Host header and the chain's id)
    siwe_domain: str = field(default_factory=lambda: os.environ.get("SIWE_DOMAIN", ""))
    siwe_chain_id: int = field(default_factory=lambda: int(os.environ.get("SIWE_CHAIN_ID", "0")))
    # seconds between polls with --follow
    poll_interval: float = field(
        default_factory=lambda: float(os.environ.get("POLL_INTERVAL", "2"))
    )
    # the share of new members (admissions within one voting-seniority window, over the active
    # members; or electorate growth over that window before a proposal's snapshot) above which
    # the API flags a surge (API)
    surge_threshold: float = field(
        default_factory=lambda: float(os.environ.get("SURGE_THRESHOLD", "0.20"))
    )
