"""No query string makes a page fail: every page (found from the URL resolver) is opened with hostile values for
every filter name the list pages read (a NUL byte, an overlong text, bad dates and numbers, unknown choices,
repeated parameters) and answers without a 500; a bad filter value is shown as a problem next to the filters."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from escalation.forms import CaseFilters
from finance.forms import LedgerFilterForm
from inventory import services as inventory_services
from inventory.forms import ProductFilters, StocktakeLineFilters
from shopteam.health import services as health
from shopteam.health.models import Heartbeat
from tasks.forms import TaskFilters
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db

FILTER_NAMES = sorted({name for form in (CaseFilters, LedgerFilterForm, ProductFilters, StocktakeLineFilters,
                                         TaskFilters) for name in form.base_fields}
                      | {"page", "sort", "format", "export", "month", "period", "date", "case", "post", "difficulty"})
HOSTILE = ["\x00", "a\x00b", "x" * 5000, "2026-13-45", "-1", "99999999999999999999", "1e5", "NaN", "'\"<>%",
           "１２", ["1", "\x00", "2"]]
SKIPPED = ("admin/", "__debug__/", "i18n/", "static/")


def routes(patterns=None, prefix=""):
    """Every route of the site without a URL argument, as a path."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + route.lstrip("^").rstrip("$")


def hostile_queries():
    for value in HOSTILE:
        yield {name: value for name in FILTER_NAMES}


def test_no_query_string_makes_any_page_fail(client, team):
    product = stocked(3, sku="SCT-1", name="菊花茶", category="花茶")
    stocktake = inventory_services.start_stocktake(by=team["product_lead"])
    pages = [path for path in routes() if not path.startswith(tuple("/" + s for s in SKIPPED))]
    pages += [reverse("inventory:stocktake_detail", args=[stocktake.pk]), product.get_absolute_url()]
    assert {"/stock/", "/tasks/list/", "/cases/", "/finance/ledger/"} <= set(pages)
    client.force_login(team["manager"])
    health.beat(Heartbeat.Part.WORKER)  # /healthz answers 503 while a part is down: on purpose, not a failure
    health.beat(Heartbeat.Part.BEAT)
    for path in pages:
        for query in hostile_queries():
            response = client.get(path, query)
            assert response.status_code < 500, (path, query)


@pytest.mark.parametrize(("url", "query", "problem"), [
    ("inventory:product_list", {"q": "菊\x00花"}, "Null characters are not allowed."),
    ("inventory:product_list", {"supplier": "99999999999999999999"}, "Ensure this value is less than or equal to"),
    ("inventory:product_list", {"status": "gone"}, "Select a valid choice."),
    ("tasks:list", {"q": "\x00"}, "Null characters are not allowed."),
    ("tasks:list", {"due": "yesterday"}, "Select a valid choice."),
    ("tasks:board", {"department": "abc"}, "Enter a whole number."),
    ("escalation:case_list", {"since": "2026-13-45"}, "Enter a valid date."),
    ("escalation:case_list", {"status": "\x00"}, "Select a valid choice."),
])
def test_a_bad_filter_value_is_shown_next_to_the_filters(client, team, url, query, problem):
    client.force_login(team["manager"])
    response = client.get(reverse(url), query, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200 and "data-filter-problems" in page and problem in page


def test_a_stocktakes_search_with_a_nul_byte_is_shown_as_a_problem(client, team):
    stocked(3, sku="SCT-1", name="菊花茶")
    stocktake = inventory_services.start_stocktake(by=team["product_lead"])
    client.force_login(team["product_lead"])
    response = client.get(reverse("inventory:stocktake_detail", args=[stocktake.pk]), {"q": "菊\x00"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Null characters are not allowed." in response.content.decode()
