"""Message catalogs: both languages hold the same keys and placeholders; numbers follow each language's style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from support import ROOT

from helpers.core import fmt, language, messages

CATALOGS = ROOT / "helpers" / "catalogs"


def _flat(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        out.update(_flat(value, key + ".") if isinstance(value, dict) else {key: str(value)})
    return out


def _read(lang: str) -> dict[str, dict[str, str]]:
    return {
        path.stem: _flat(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        for path in sorted((CATALOGS / lang).glob("*.yaml"))
    }


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def test_every_catalog_file_and_key_exists_in_both_languages():
    en, zh = _read("en"), _read("zh")
    assert sorted(en) == sorted(zh), "the same catalog files in en/ and zh/"
    for domain in en:
        assert sorted(en[domain]) == sorted(zh[domain]), f"{domain}.yaml: keys differ between en and zh"


def test_both_languages_ask_for_the_same_placeholders():
    field = re.compile(r"\{(\w+)(?::[^}]*)?\}")
    en, zh = _read("en"), _read("zh")
    for domain, texts in en.items():
        for key, text in texts.items():
            assert set(field.findall(text)) == set(field.findall(zh[domain][key])), f"{domain}.{key}"


def test_chinese_catalog_texts_are_written_in_chinese():
    han = re.compile(r"[\u4e00-\u9fff]")
    for domain, texts in _read("zh").items():
        for key, text in texts.items():
            assert han.search(text), f"zh {domain}.{key} has no Chinese: {text!r}"


def test_message_fills_typed_placeholders_in_the_current_language():
    assert messages.message("common.review.cannot_conclude", reason="no data") == "Cannot conclude: no data."
    language.use("zh")
    assert messages.message("common.review.cannot_conclude", reason="无数据") == "尚无定论：无数据。"
    with pytest.raises(KeyError, match=r"no message 'common\.nope'"):
        messages.message("common.nope")


def test_chinese_amounts_use_wan_and_yi():
    language.use("zh")
    assert fmt.yuan(2_534_000) == "¥253.4万"  # 2,534,000 / 10,000 = 253.4
    assert fmt.yuan(102_000_000) == "¥1.02亿"  # 102,000,000 / 100,000,000 = 1.02
    assert fmt.yuan(-41_250) == "−¥4.1万"
    assert fmt.yuan(89.5) == "¥89.50"
    assert fmt.days(31.2) == "31.2 天"
    assert fmt.na() == "—"
    assert messages.message("common.review.interval", low=fmt.yuan(-12_000), high=fmt.yuan(5)) == (
        "95% 置信区间 −¥1.2万 至 ¥5.00"
    )


def test_english_amounts_stay_compact_and_every_kind_uses_one_minus_sign():
    assert fmt.yuan(2_534_000) == "¥2.53M"
    for text in (fmt.yuan(-41_250), fmt.pct(-0.94), fmt.pp(-0.021), fmt.num(-1234), fmt.ratio(-0.42), fmt.days(-3)):
        assert "-" not in text and "−" in text, text


def test_format_spec_names_a_kind_and_its_digits():
    formatter = messages._FORMATTER
    assert formatter.format("{x:pct.2}", x=0.12345) == "12.35%"
    assert formatter.format("{x:yuan}", x=1500) == "¥1.50k"
    assert formatter.format("{x:.1f}", x=2.25) == "2.2"


def test_labels_fall_back_to_the_raw_name_only_when_unlisted():
    assert messages.label("parameter") == "Parameter"
    assert messages.label("some_column") == "some_column"
    language.use("zh")
    assert messages.label("parameter") == "参数"


def test_the_edition_folder_sets_the_language():
    assert language.of_folder(Path("/x/notebooks/zh")) == "zh"
    assert language.of_folder(Path("/x/notebooks")) == "en"
    with pytest.raises(ValueError, match="'fr'"):
        language.use("fr")
