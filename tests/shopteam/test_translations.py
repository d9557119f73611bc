"""The Simplified Chinese catalogues (the site's, and one per feature app) are complete, keep every placeholder,
and their committed .mo files match the .po files."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.PACKAGE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CATALOGUES = [PO, *sorted(set(Path(settings.BASE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) - {PO})]

# %(name)s, %(count)d, a bare %s / %d; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def unquote(text):
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda match: escapes[match.group(1)], text.strip()[1:-1])


def entries(po):
    """Every entry of a .po: its flags, msgctxt, msgid, msgid_plural and msgstr / msgstr[n], unescaped."""
    found = []
    for block in re.split(r"\n\s*\n", po.read_text(encoding="utf-8")):
        entry, flags, key = {}, set(), None
        for line in block.splitlines():
            if line.startswith("#~"):  # an obsolete entry: not used
                entry = {}
                break
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += unquote(line)
            elif line.strip():
                key, value = line.split(" ", 1)
                entry[key] = unquote(value)
        if "msgid" in entry:
            entry["flags"] = flags
            found.append(entry)
    return found


MESSAGES = [entry for po in CATALOGUES for entry in entries(po) if entry["msgid"]]  # a header has an empty msgid


def translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def placeholders(text):
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-5] if po != PO else "site")
def test_each_catalogue_is_there_with_its_header(po):
    assert po.exists() and po.with_suffix(".mo").exists()
    header = entries(po)[0]
    assert header["msgid"] == ""
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert "fuzzy" not in header["flags"]


def test_the_site_catalogue_covers_the_interface():
    assert len([entry for entry in entries(PO) if entry["msgid"]]) > 300


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [e["msgid"] for e in MESSAGES if not all(s.strip() for s in translations(e)) or not translations(e)]
    fuzzy = [e["msgid"] for e in MESSAGES if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_the_one_chinese_form():
    for entry in MESSAGES:
        if "msgid_plural" in entry:
            assert [k for k in entry if k.startswith("msgstr")] == ["msgstr[0]"], entry["msgid"]


def test_placeholders_are_kept():
    wrong = []
    for entry in MESSAGES:
        expected = placeholders(entry["msgid"]) | placeholders(entry.get("msgid_plural", ""))
        for text in translations(entry):
            if placeholders(text) != expected:
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po():
    """If someone edits the .po and forgets compilemessages, the .mo says something else: caught here."""
    stale = []
    with translation.override("zh-hans"):
        for entry in MESSAGES:
            context = entry.get("msgctxt")
            if "msgid_plural" in entry:
                for n in (1, 2):
                    got = (
                        translation.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                        if context is not None
                        else translation.ngettext(entry["msgid"], entry["msgid_plural"], n)
                    )
                    if got != entry["msgstr[0]"]:
                        stale.append((entry["msgid"], got))
            else:
                got = (
                    translation.pgettext(context, entry["msgid"])
                    if context is not None
                    else translation.gettext(entry["msgid"])
                )
                if got != entry["msgstr"]:
                    stale.append((entry["msgid"], got))
    assert stale == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Org chart", "组织架构"),
        ("vacant", "空缺"),
        ("%(h)d h %(m)d min", "%(h)d 小时 %(m)d 分"),
        ("%(m)d min", "%(m)d 分"),
        ("Only the people this case is with can do that.", "只有当前负责这件事项的人才能这样做。"),
        ("Sign in", "登录"),
        ("Sign out", "退出登录"),
    ],
)
def test_the_shop_words(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_holds_posts_plural():
    with translation.override("zh-hans"):
        for n in (1, 2, 5):
            text = translation.ngettext("holds %(counter)s post", "holds %(counter)s posts", n) % {"counter": n}
            assert text == f"兼任 {n} 个岗位"


def test_the_case_vocabulary_is_consistent():
    """A case is 事项, never 案件, 问题单 or 工单; the shop manager is 店长."""
    for entry in MESSAGES:
        for text in translations(entry):
            assert "案件" not in text and "问题单" not in text and "工单" not in text, entry["msgid"]
            if "Case #%(id)s" in entry["msgid"]:
                assert "事项 #%(id)s" in text, entry["msgid"]
            if re.search(r"\bshop manager\b", entry["msgid"]):
                assert "店长" in text, entry["msgid"]
