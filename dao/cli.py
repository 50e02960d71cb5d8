"""The `coop` command: index the chain, audit the index against it, export the record."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dao.config import Settings

app = typer.Typer(
    help="Cooperative DAO: index, audit and export the co-op's on-chain record.",
    no_args_is_help=True,
)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


def _context(settings: Settings):  # type: ignore[no-untyped-def]
    from web3 import Web3

    from dao.contracts import Deployment, DeploymentError
    from dao.db import make_engine

    try:
        deployment = Deployment.load(settings.deployment_file)
    except DeploymentError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": 30}))
    _migrate(settings.database_url)
    return w3, make_engine(settings.database_url), deployment


def _migrate(url: str) -> None:
    """Bring the schema up to date, or a one-line error if the database cannot be reached."""
    from sqlalchemy.exc import SQLAlchemyError

    from dao.db import migrate

    try:
        migrate(url)
    except SQLAlchemyError as exc:
        err.print(
            f"[red]error:[/red] cannot use the database ({str(getattr(exc, 'orig', exc)).strip()}):"
            " check DATABASE_URL"
        )
        raise typer.Exit(2) from None


@app.command()
def index(
    follow: Annotated[
        bool, typer.Option("--follow", help="keep polling new blocks until Ctrl-C")
    ] = False,
    to_block: Annotated[int | None, typer.Option("--to-block", help="stop at this block")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
) -> None:
    """Backfill the index to the chain head (minus CONFIRMATIONS), then stop or --follow."""
    from sqlalchemy.exc import SQLAlchemyError

    from dao.indexer import Indexer, IndexerError

    settings = Settings()
    w3, engine, deployment = _context(settings)
    indexer = Indexer(
        w3=w3,
        engine=engine,
        deployment=deployment,
        confirmations=settings.confirmations,
        chunk_size=settings.chunk_size,
        max_chunk_size=settings.max_chunk_size,
    )
    stopping = {"now": False}

    def _stop(signum, frame):  # type: ignore[no-untyped-def]
        # finish the range in progress (its transaction), then stop: the database stays consistent
        if stopping["now"]:
            raise KeyboardInterrupt
        stopping["now"] = True
        err.print("stopping after the current range (Ctrl-C again to abort it)...")

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        start, _ = indexer.cursor()
        target = indexer.target() if to_block is None else to_block
        with Progress(
            TextColumn("[bold]indexing[/bold] blocks"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[events]} events"),
            TimeElapsedColumn(),
            console=err,
            disable=quiet,
            transient=False,
        ) as bar:
            task = bar.add_task("index", total=max(0, target - start), events=0)

            def on_progress(p):  # type: ignore[no-untyped-def]
                bar.update(
                    task,
                    total=max(0, p.head - start),
                    completed=p.to_block - start,
                    events=p.events,
                )
                if stopping["now"]:
                    raise _Stop

            try:
                if follow:
                    indexer.follow(
                        poll_interval=settings.poll_interval,
                        stop=lambda: stopping["now"],
                        on_progress=on_progress,
                    )
                else:
                    events = indexer.sync(to_block=to_block, on_progress=on_progress)
                    bar.update(task, completed=max(0, target - start))
                    if quiet:
                        out.print(f"indexed {events} events up to block {indexer.cursor()[0]}")
            except _Stop:
                pass
    except IndexerError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:  # the database went away outside a range's transaction
        err.print(
            f"[red]error:[/red] the database failed ({getattr(exc, 'orig', exc)}): "
            "check DATABASE_URL, then run `coop index` again (the index resumes where it stopped)"
        )
        raise typer.Exit(1) from None
    number, block_hash = indexer.cursor()
    err.print(f"index at block {number} ({block_hash})")


class _Stop(Exception):
    pass


@app.command()
def audit(
    block: Annotated[
        int | None, typer.Option("--block", help="audit at this block (default: the indexed one)")
    ] = None,
) -> None:
    """Reconcile the index with the contracts' view calls; exits non-zero if anything differs."""
    from dao.audit import run_audit

    settings = Settings()
    w3, engine, deployment = _context(settings)
    report = run_audit(w3=w3, engine=engine, deployment=deployment, block=block)
    for check in report.checks:
        mark = "[green]ok[/green]     " if check.ok else "[red]differs[/red]"
        out.print(f"{mark} {check.name}: {check.summary}")
        for diff in check.differences[:5]:
            out.print(f"          {diff}")
    out.print(f"audit at block {report.block}: {'ok' if report.ok else 'DIFFERENCES FOUND'}")
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def export(
    out_dir: Annotated[Path, typer.Option("--out", help="directory to write into")],
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
) -> None:
    """Write the full record (every table, every row with block, tx hash and log index)."""
    from dao.db import make_engine
    from dao.export import export_all

    if fmt not in ("csv", "json"):
        err.print(f"[red]error:[/red] --format must be csv or json, not {fmt!r}")
        raise typer.Exit(2)
    settings = Settings()
    _migrate(settings.database_url)
    written = export_all(make_engine(settings.database_url), out_dir, fmt)
    for name, rows in written.items():
        out.print(f"{name}: {rows} rows")


@app.command()
def enfranchise(
    batch: Annotated[int, typer.Option("--batch", help="accounts per transaction")] = 100,
    private_key: Annotated[
        str | None,
        typer.Option(
            "--private-key", help="key of the account that pays (default: RELAYER_PRIVATE_KEY)"
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list the members who would vote, send nothing")
    ] = False,
) -> None:
    """Make voters of the admitted members past their voting seniority (anyone may pay)."""
    from sqlmodel import Session
    from web3.logs import DISCARD

    from dao import queries

    if batch < 1:
        err.print("[red]error:[/red] --batch must be at least 1")
        raise typer.Exit(2)
    settings = Settings()
    w3, engine, deployment = _context(settings)
    membership = deployment.contract(w3, "membership")
    head = w3.eth.block_number
    seniority = int(membership.functions.votingSeniority().call())
    with Session(engine) as session:
        indexed = queries.indexed_block(session)
        candidates = queries.enfranchisable(session, block=head, seniority=seniority)
    if indexed is None:
        err.print("[red]error:[/red] the index is empty: run `coop index` first")
        raise typer.Exit(1)
    eligible = [a for a in candidates if membership.functions.canEnfranchise(a).call()]
    if dry_run:
        for account in eligible:
            out.print(account)
        out.print(
            f"{len(eligible)} member(s) would become voters at block {head + 1} "
            f"(index at block {indexed}, seniority {seniority} blocks)"
        )
        return
    key = private_key or settings.relayer_key
    if not key:
        err.print("[red]error:[/red] give --private-key or set RELAYER_PRIVATE_KEY")
        raise typer.Exit(2)
    sender = w3.eth.account.from_key(key)
    voters = 0
    for start in range(0, len(eligible), batch):
        accounts = eligible[start : start + batch]
        tx = membership.functions.enfranchise(accounts).build_transaction(
            {
                "from": sender.address,
                "nonce": w3.eth.get_transaction_count(sender.address, "pending"),
                "chainId": w3.eth.chain_id,
                # a fixed allowance: with eth_estimateGas the second batch ran out of gas on anvil
                "gas": 80_000 + 60_000 * len(accounts),
            }
        )
        signed = sender.sign_transaction(tx)
        receipt = w3.eth.wait_for_transaction_receipt(
            w3.eth.send_raw_transaction(signed.raw_transaction), timeout=120
        )
        if receipt["status"] != 1:
            err.print(f"[red]error:[/red] transaction {receipt['transactionHash'].hex()} failed")
            raise typer.Exit(1)
        made = len(
            membership.events.DelegateVotesChanged().process_receipt(receipt, errors=DISCARD)
        )
        voters += made
        out.print(f"block {receipt['blockNumber']}: {made} of {len(accounts)} now vote")
    out.print(f"{voters} member(s) became voters")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        app()
    except KeyboardInterrupt:
        err.print("aborted")
        sys.exit(130)


if __name__ == "__main__":
    main()
