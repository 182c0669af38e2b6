"""Every message the UI shows exists in Danish and Norwegian, and the .mo files are current."""

import re
from pathlib import Path

import pytest

from kiosk import i18n

ROOT = Path(__file__).resolve().parents[1]
MSG = re.compile(r"""\b(?:tr|N_)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def used_messages() -> set[str]:
    found = set()
    for f in (ROOT / "kiosk").rglob("*"):
        if f.suffix in (".py", ".kv"):
            for m in MSG.finditer(f.read_text(encoding="utf-8")):
                found.add(m.group(1) if m.group(1) is not None else m.group(2))
    return found


def test_the_code_uses_messages_at_all():
    used = used_messages()
    assert {"Start a workshop", "Next step", "Over time"} <= used


@pytest.mark.parametrize("lang", ["da", "nb"])
def test_every_message_is_translated(lang):
    po = i18n.parse_po((i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "kiosk.po").read_text(encoding="utf-8"))
    missing = sorted(used_messages() - set(po))
    assert missing == [], f"{lang}: untranslated {missing}"


@pytest.mark.parametrize("lang", ["da", "nb"])
def test_placeholders_survive_translation(lang):
    po = i18n.parse_po((i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "kiosk.po").read_text(encoding="utf-8"))
    for msgid, msgstr in po.items():
        if msgid:
            assert set(re.findall(r"{\w+}", msgid)) == set(re.findall(r"{\w+}", msgstr)), msgid


def test_compiled_catalogues_are_up_to_date():
    for lang, po in i18n.catalogues().items():
        expected = i18n.compile_mo(i18n.parse_po(po.read_text(encoding="utf-8")))
        assert po.with_suffix(".mo").read_bytes() == expected, f"run python -m kiosk.i18n ({lang})"


def test_switching_language_and_fallback():
    try:
        assert i18n.set_language("nb") == "nb"
        assert i18n.tr("Next step") == "Neste steg"
        assert i18n.set_language("da") == "da"
        assert i18n.tr("Next step") == "Næste trin"
        assert i18n.set_language("en") == "en"
        assert i18n.tr("Next step") == "Next step"
        assert i18n.set_language("xx") == i18n.DEFAULT
    finally:
        i18n.set_language(i18n.DEFAULT)


def test_po_parser_handles_continuations_and_fuzzy():
    text = '\n'.join([
        'msgid ""', 'msgstr ""', '"Language: da\\n"', '',
        'msgid "a"', 'msgstr ""', '"b"', '"c"', '',
        '#, fuzzy', 'msgid "skip"', 'msgstr "me"', '',
        'msgid "quote \\"x\\""', 'msgstr "citat \\"x\\""',
    ])
    po = i18n.parse_po(text)
    assert po["a"] == "bc" and "skip" not in po and po['quote "x"'] == 'citat "x"'
