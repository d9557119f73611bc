"""Small statistics that every report needs, computed in the database where it can."""
from statistics import median

from django.db import connection
from django.db.models import Aggregate, FloatField


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5); other databases take the Python path in `medians_by`."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def medians_by(queryset, keys, field):
    """{key tuple: median of `field`} over `queryset`, grouped by `keys`; one query on any database."""
    if connection.vendor == "postgresql":
        if not keys:
            return {(): queryset.order_by().aggregate(median=Median(field))["median"]}
        rows = queryset.values(*keys).annotate(median=Median(field)).order_by()
        return {tuple(row[k] for k in keys): row["median"] for row in rows}
    groups = {}
    for row in queryset.values_list(*keys, field).order_by():
        if row[-1] is not None:
            groups.setdefault(tuple(row[:-1]), []).append(row[-1])
    return {key: median(values) for key, values in groups.items()}
