"""The web API over the index (OpenAPI docs at /docs)."""

from __future__ import annotations

from fastapi import FastAPI

from api import errors
from api.routers import read
from dao.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    from dao.contracts import Deployment, DeploymentError
    from dao.db import make_engine, migrate

    settings = settings or Settings()
    app = FastAPI(
        title="Coop DAO",
        description="The co-op's on-chain record, indexed: members, proposals, votes, rewards.",
        version="0.1.0",
    )
    migrate(settings.database_url)
    app.state.engine = make_engine(settings.database_url)
    try:
        app.state.deployment = Deployment.load(settings.deployment_file)
    except DeploymentError:
        app.state.deployment = None
    app.state.settings = settings
    errors.install(app)
    app.include_router(read.router)
    return app
