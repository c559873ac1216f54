"""Where ``POST /v1/calculate``, ``POST /v1/calculate/batch`` and ``POST /v1/catalogue`` compute: in a child
process of the worker, or in its thread pool.

A calculation of the valve is several milliseconds of CPU in Python and numpy. In a thread of the worker it
holds the interpreter lock, and the event loop, serving lists and gets meanwhile, gets the lock back only
after a switch interval (5 ms) at each step of a request (reading it, the token check, the database call,
writing the answer): a get arriving during a calculation waited for it. In a child process the operating
system shares the cores, and a calculation never holds the worker's loop.

The child reads the request body (YAML turned into JSON first, then JSON in strict mode), calculates and
writes the answer's JSON; only bytes, and the name of the function that computes, cross between the processes. A refused product comes back as the error the route answers (status,
code, message, problems), never as a traceback. A child that died (killed, out of memory) is replaced and
the request tried once more in the new one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from .._errors import FootprintError, InputError
from .._factor_io import default_library
from .._factors import DEFAULT_PREFOLDED, FactorLibrary, PrefoldedPolicy
from .._gwp import DEFAULT_GWP_SET, gwp_set
from .._lifecycle import calculate
from .._product import Product
from .._result import FootprintResult
from ._bodies import yaml_to_json
from ._http import ApiError, invalid_request

__all__ = [
    "MAX_BATCH",
    "BatchRequest",
    "BatchResponse",
    "CalculateRequest",
    "Calculator",
    "Work",
    "calculate_batch",
    "calculate_one",
    "calculate_request",
    "check_library",
    "read_body",
]

log = logging.getLogger("footprint.server.error")

M = TypeVar("M", bound=BaseModel)

#: The most products one batch request may hold.
MAX_BATCH = 50


class CalculateRequest(BaseModel):
    """A product to calculate, with the GWP set, the policy for prefolded factors and, optionally, the factor
    library version the caller expects (refused when the server's differs)."""

    model_config = ConfigDict(extra="forbid")

    product: Product
    gwp: str = DEFAULT_GWP_SET
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED
    quantity: float = 1.0
    factor_library_version: str | None = None


class BatchRequest(BaseModel):
    """Several products, each calculated on its own, under one GWP set."""

    model_config = ConfigDict(extra="forbid")

    products: list[Product] = Field(min_length=1, max_length=MAX_BATCH)
    gwp: str = DEFAULT_GWP_SET
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED
    factor_library_version: str | None = None


class BatchResponse(BaseModel):
    """The results of a batch, in the order of the products."""

    results: list[FootprintResult]


def check_library(lib: FactorLibrary, expected: str | None) -> None:
    """A 409 when the caller expects another factor library version than ``lib``'s."""
    if expected is not None and expected != lib.version:
        raise ApiError(409, "BadRequest", f"factor library version {expected!r} is not the server's {lib.version!r}")


def calculate_one(
    product: Product, lib: FactorLibrary, gwp: str, prefolded: Any, quantity: float, where: str
) -> FootprintResult:
    """``footprint.calculate`` of one product of a request; a refused product is a 400 naming ``where``."""
    if product.bom is not None:
        raise ApiError(400, "BadRequest", f"{where}: the service reads no BOM files; send the product's items")
    try:
        return calculate(product, lib, gwp=gwp_set(gwp), prefolded=prefolded, quantity=quantity)
    except InputError as e:
        raise ApiError(400, "BadRequest", f"{where}: {e}", problems=e.to_records()) from None
    except FootprintError as e:
        raise ApiError(400, "BadRequest", f"{where}: {e}") from None


#: What a computation gives back across the process boundary: the answer's JSON, or the error to answer
#: (status, code, message, problems).
Outcome = tuple[bytes | None, tuple[int, str, str, list[dict[str, Any]] | None] | None]

#: A computation: the JSON answer to a request's JSON body with a factor library; a refusal is an
#: :class:`ApiError`. A module-level function, so that a child process finds it by name.
Work = Callable[[bytes, FactorLibrary], bytes]


def compute(work: Work, raw: bytes, yaml: bool = False, lib: FactorLibrary | None = None) -> Outcome:
    """The answer of ``work`` to a request body ``raw`` (YAML when ``yaml``, read here, not on the event loop)
    with ``lib`` (default: the child's library); or the error to answer."""
    lib = lib if lib is not None else _CHILD["library"]
    try:
        return work(yaml_to_json(raw) if yaml else raw, lib), None
    except ApiError as e:
        return None, (e.status, e.code, e.message, e.problems)


def calculate_request(raw: bytes, lib: FactorLibrary) -> bytes:
    """The answer to a :class:`CalculateRequest` body."""
    one = read_body(CalculateRequest, raw)
    check_library(lib, one.factor_library_version)
    result = calculate_one(one.product, lib, one.gwp, one.prefolded, one.quantity, "product")
    return result.model_dump_json().encode()


def calculate_batch(raw: bytes, lib: FactorLibrary) -> bytes:
    """The answer to a :class:`BatchRequest` body."""
    many = read_body(BatchRequest, raw)
    check_library(lib, many.factor_library_version)
    results = [calculate_one(p, lib, many.gwp, many.prefolded, 1.0, f"products[{k}]")
               for k, p in enumerate(many.products)]  # fmt: skip
    return BatchResponse(results=results).model_dump_json().encode()


def read_body(model: type[M], raw: bytes) -> M:
    """``raw`` read as JSON in strict mode (JSON Schema's types hold): a body that is not valid JSON or not
    valid for ``model`` is a 400 naming each field."""
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as e:
        raise invalid_request([{**err, "loc": ("body", *err["loc"])} for err in e.errors(include_url=False)]) from None


#: The child process's own state: its factor library.
_CHILD: dict[str, Any] = {}


def _start_child(library: FactorLibrary | None) -> None:
    """In a new child: its library (the server's, or the bundled one loaded there); Ctrl-C is the parent's
    to handle, which stops the child; and a watch that ends the child when its parent is gone (a worker
    killed outright never stops its children, and a child waiting for work would wait for ever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _CHILD["library"] = library if library is not None else default_library()
    threading.Thread(target=_end_with, args=(os.getppid(),), daemon=True, name="parent-watch").start()


def _end_with(parent: int, every: float = 1.0) -> None:
    """End this process once ``parent`` is no longer its parent (checked every ``every`` seconds)."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _pid() -> int:
    return os.getpid()


class Calculator:
    """Computes calculation requests in ``processes`` child processes (spawned, each with its own copy of
    the library ``library``, default the bundled one), or with ``processes=0`` in the thread pool. Children
    start with :meth:`start` (the application's start) and stop with :meth:`stop`."""

    def __init__(self, library: FactorLibrary | None, processes: int = 0) -> None:
        if isinstance(processes, bool) or not isinstance(processes, int) or processes < 0:
            raise ValueError(
                f"the number of calculation processes must be a whole number, 0 or more; got {processes!r}"
            )
        self.library, self.processes = library, processes
        self._pool: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()

    def start(self) -> None:
        """Start the children and wait until each has its library (the first request pays nothing)."""
        with self._starting:
            if not self.processes or self._pool is not None:
                return
            pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start_child, initargs=(self.library,))  # fmt: skip
            for f in [pool.submit(_pid) for _ in range(self.processes)]:
                f.result()
            self._pool = pool

    def children(self) -> list[int]:
        """The process ids of the children (none in the thread pool mode)."""
        if self._pool is None:
            return []
        return [f.result() for f in [self._pool.submit(_pid) for _ in range(self.processes)]]

    def stop(self) -> None:
        """Stop the children (what they were computing is abandoned)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def answer(self, work: Work, raw: bytes, *, yaml: bool = False) -> bytes:
        """The JSON answer of ``work`` to ``raw`` (see :func:`compute`); the refusal as an :class:`ApiError`."""
        if not self.processes:
            lib = self.library if self.library is not None else default_library()
            outcome = await run_in_threadpool(compute, work, raw, yaml, lib)
        else:
            outcome = await self._in_child(work, raw, yaml)
        answer, error = outcome
        if error is not None:
            status, code, message, problems = error
            raise ApiError(status, code, message, problems=problems)
        assert answer is not None
        return answer

    async def _in_child(self, work: Work, raw: bytes, yaml: bool) -> Outcome:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            if self._pool is None:
                await run_in_threadpool(self.start)
            assert self._pool is not None
            pool = self._pool
            try:
                return await loop.run_in_executor(pool, compute, work, raw, yaml)
            except BrokenProcessPool:
                log.error("a calculation process died (attempt %d); starting another", attempt)
                if self._pool is pool:
                    self._pool = None
                    pool.shutdown(wait=False, cancel_futures=True)
        raise RuntimeError("the calculation processes died twice on one request")
