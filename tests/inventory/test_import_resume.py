"""An import whose worker dies between its committed chunks is run again and ends as an uninterrupted import does.
The chunks really commit here (`transaction=True`); the kill is an exception no handler catches, raised where the
import reports its progress after a chunk, and the dead worker's connection is closed with it.

Stock before: SCT-001 菊花茶 100, SCT-002 玫瑰花茶 50, SCT-003 硚口枸杞 20 (食草堂).
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from inventory import importing, staging
from inventory.models import TaobaoImport
from tests import exports
from tests.inventory.test_import_paths import (  # noqa: F401 - shelf is a fixture
    ODD_ROWS,
    import_file,
    outcome,
    shelf,
    state,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Killed(BaseException):
    """The worker dying: not an error the import could catch and record."""


def test_an_import_killed_between_chunks_is_run_again_to_the_uninterrupted_result(
        tmp_path, shelf, clerk, monkeypatch):  # noqa: F811
    monkeypatch.setattr(staging.copying, "CHUNK", 4)  # the file's 22 rows in six committed chunks
    content = exports.lines_2022_csv(ODD_ROWS)
    uninterrupted = outcome(monkeypatch, True, lambda: import_file(tmp_path, "lines.csv", content, clerk))
    (_preview, done), expected = uninterrupted
    assert done[0] == "done" and expected["moves"]

    path = tmp_path / "lines.csv"
    path.write_bytes(content)
    checked = importing.check(importing.upload(path, filename="lines.csv", by=clerk))
    assert checked.status == "checked"
    beat, beats = TaobaoImport.beat, []

    def dies_after_two_chunks(self, done):
        beats.append(done)
        if len(beats) == 3:
            raise Killed
        return beat(self, done)

    monkeypatch.setattr(TaobaoImport, "beat", dies_after_two_chunks)
    with pytest.raises(Killed):
        importing.start(checked, by=clerk, skip_bad_rows=True)
    connection.close()  # the dead worker's session: its temporary tables and its locks go with it
    monkeypatch.setattr(TaobaoImport, "beat", beat)

    killed = TaobaoImport.objects.get(pk=checked.pk)
    assert killed.status == "running" and killed.rows_done == beats[1] > 0  # two chunks committed
    assert state()["orders"] and not state()["moves"]  # orders written; the ledger is settled only at the end
    TaobaoImport.objects.filter(pk=killed.pk).update(
        claimed_at=timezone.now() - importing.LEASE - datetime.timedelta(minutes=1))
    assert importing.expire_stale() == 1
    resumed = importing.retry(TaobaoImport.objects.get(pk=killed.pk), by=clerk)
    assert resumed.status == "done", resumed.refusal
    assert state() == expected
