"""The application factory: routers per concern, the store, error handling, limits and access logs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from .. import __version__
from .._factors import FactorLibrary
from . import _routes_auth, _routes_calc, _routes_catalogue, _routes_ledger, _routes_pact
from ._answers import DEFAULT_KEPT_ANSWERS, Answers
from ._bodies import CalcBodies
from ._calculator import Calculator
from ._deps import known_query
from ._http import AccessLog, BodyLimit, install_error_handlers
from ._openapi import document_errors
from ._outbox import Courier, Outbox
from ._sealed import SecretBox
from ._store import Store

__all__ = ["DEFAULT_MAX_BODY", "DEFAULT_TOKEN_TTL", "create_app"]

#: The largest request body accepted, in bytes.
DEFAULT_MAX_BODY = 1_000_000
#: How long an access token lives, in seconds.
DEFAULT_TOKEN_TTL = 3600


def create_app(
    db_url: str = "ledger.db",
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    token_ttl: int = DEFAULT_TOKEN_TTL,
    library: FactorLibrary | None = None,
    outbox: Outbox | None = None,
    box: SecretBox | None = None,
    kept_answers: int = DEFAULT_KEPT_ANSWERS,
    calc_processes: int = 0,
) -> FastAPI:
    """The footprint service on the database ``db_url`` (an SQLite file path or URL, or a PostgreSQL URL).

    ``library`` replaces the bundled factor library for the calculation API; ``outbox`` says how events are
    sent to partners' hosts (their certificates' check, the backoff and horizon of retries; a courier thread
    delivers them while the application runs); ``box`` holds the key
    that seals partners' credentials (default: ``FOOTPRINT_SECRET_KEY`` or ``FOOTPRINT_SECRET_KEY_FILE``;
    credentials stored in clear by an older version are sealed at start). The service's tables are created
    when absent; the token key comes from ``FOOTPRINT_SERVER_SECRET`` or is kept in the database.
    ``kept_answers`` is how many answers of ``/v1/calculate`` each worker keeps for identical requests
    (0: none). ``calc_processes`` child processes compute the calculation requests while the application
    runs, so that a calculation never holds the event loop that serves other requests (0: the thread pool,
    which suits tests and embedding; ``footprint serve`` starts one per worker).
    """
    store = Store(db_url, box=box or SecretBox.from_environment())
    if store.has_box():
        store.seal_partners()

    courier = Courier(store, outbox or Outbox())
    calculator = Calculator(library, calc_processes)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        courier.start()  # what an earlier process left in the outbox goes first
        await run_in_threadpool(calculator.start)
        yield
        calculator.stop()
        courier.stop()
        store.close()

    app = FastAPI(
        title="footprint",
        version=__version__,
        summary="Carbon footprints of oil and gas equipment: a calculation API and a PACT v3.0.3 host.",
        lifespan=lifespan,
        dependencies=[Depends(known_query)],
    )
    app.state.store = store
    app.state.token_key = store.token_key()
    app.state.token_ttl = token_ttl
    app.state.library = library
    app.state.answers = Answers(kept_answers)
    app.state.calculator = calculator
    app.state.outbox = courier.outbox
    app.state.courier = courier
    install_error_handlers(app)
    document_errors(app)
    app.include_router(_routes_auth.router)
    app.include_router(_routes_pact.router)
    app.include_router(_routes_calc.router)
    app.include_router(_routes_catalogue.router)
    app.include_router(_routes_ledger.router)
    # added last = outermost: the access log sees every answer, the body limit runs before any parsing
    app.add_middleware(CalcBodies)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(AccessLog)
    return app
