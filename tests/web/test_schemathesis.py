"""Property-based check of the JSON API against its own OpenAPI spec (schemathesis).

Every ``/api/`` operation of ``app.openapi()`` is called with a bounded number of generated
requests, valid (positive) and invalid (negative) ones, on the small store of
``tests/web/conftest.py``: no request may produce a 5xx, every response carries the security
headers and every error comes in the one error shape.  Bounded (``MAX_EXAMPLES`` per operation
and mode) so the run stays well under a minute.

(The operations are driven through hypothesis directly: schemathesis' pytest plugin does not
work with the pytest of this project.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from flashpoint.model import Article
from flashpoint.options import Options
from flashpoint.store import Store
from flashpoint.web.app import create_app

MAX_EXAMPLES = 10
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture(scope="module")
def api_schema(page_store: tuple[Store, dict[str, Article]]) -> Any:
    """The API's schema on the small store (writes enabled, but every POST here carries a
    wrong token, so nothing is written)."""
    app = create_app(Options(api_token="secret-token"), store=page_store[0])
    return schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex=r"^/api/")


def _check(case: Any) -> None:
    if case.method.upper() == "POST":
        case.headers = {**(case.headers or {}), "Authorization": "Bearer wrong"}
    response = case.call()
    where = (case.method, case.formatted_path, case.query, response.text[:300])
    assert response.status_code < 500, where
    assert response.headers.get("x-content-type-options") == ["nosniff"], where
    if response.status_code >= 400:
        err = response.json()["error"]
        assert {"code", "status", "message", "fix", "subject"} <= set(err), where
        assert err["status"] == response.status_code, where


def test_operations_are_covered(api_schema: Any) -> None:
    paths = {op.ok().path for op in api_schema.get_all_operations()}
    assert {"/api/events", "/api/events/{event_id}", "/api/dyads",
            "/api/dyads/{source}/{target}/series", "/api/alerts", "/api/articles/{article_id}",
            "/api/articles", "/api/quotes", "/api/stats", "/api/health"} <= paths


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
def test_no_server_error_and_one_error_shape(api_schema: Any,
                                             mode: schemathesis.GenerationMode) -> None:
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                  database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            _check(case)

        try:
            run()
        except Unsatisfiable:
            # nothing to make invalid (an operation without parameters, e.g. /api/health)
            assert mode is schemathesis.GenerationMode.NEGATIVE, operation.path
