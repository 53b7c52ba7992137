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


def test_a_scope_overrides_a_shared_label_only_inside_it():
    # 03's shared `tier` is a KOL tier; 04 means a lifecycle tier and says so in its own scope
    assert messages.label("tier") == "KOL tier"
    assert messages.label("tier", scope="your_shop") == "Lifecycle tier"
    assert messages.label("p_alive", scope="your_shop") == "Probability still active (%)"
    assert messages.label("p_alive") == "p_alive"  # a scoped name is invisible outside its scope
    language.use("zh")
    assert messages.label("tier") == "达人层级"
    assert messages.label("tier", scope="your_shop") == "生命周期分层"
    assert messages.label("revenue", scope="your_shop") == "销售额（¥）"  # a shop's sales, not a platform's
    assert messages.label("revenue") == "营业收入（¥）"


def test_a_scope_falls_back_to_the_shared_labels_in_both_languages():
    assert messages.label("orders", scope="your_shop") == messages.label("orders") == "Orders"
    assert messages.label("parameter", scope="your_shop") == "Parameter"
    assert messages.label("not_a_column", scope="your_shop") == "not_a_column"
    language.use("zh")
    assert messages.label("orders", scope="your_shop") == "订单数"
    assert messages.label("meaning", scope="your_shop") == "含义"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_scope_is_an_error_naming_it_and_the_known_ones(lang):
    language.use(lang)
    assert "your_shop" in messages.scopes() and "tier" not in messages.scopes()
    with pytest.raises(
        KeyError, match=rf"no label scope 'your_shop_' in the {lang} catalog: known scopes are [a-z_, ]*\byour_shop\b"
    ):
        messages.label("tier", scope="your_shop_")


def test_a_scoped_label_differs_from_the_shared_one_it_overrides():
    """A scope holds a shared name only when it means something else there (else the shared label is enough)."""
    texts = {lang: messages.catalog(lang) for lang in ("en", "zh")}
    for scope in messages.scopes():
        prefix = f"labels.{scope}."
        for key in (k for k in texts["en"] if k.startswith(prefix)):
            shared = "labels." + key[len(prefix) :]
            if shared in texts["en"]:
                assert any(texts[lang][key] != texts[lang][shared] for lang in texts), f"{key} repeats {shared}"


def _catalog_from(folder: Path, files: dict[str, str], monkeypatch) -> dict[str, str]:
    (folder / "en").mkdir(parents=True)
    for name, text in files.items():
        (folder / "en" / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(messages, "CATALOGS", folder)
    return messages.catalog.__wrapped__("en")  # uncached: these files only


def test_a_scope_lives_in_its_own_file_and_a_shared_name_has_one_meaning(tmp_path, monkeypatch):
    texts = _catalog_from(
        tmp_path,
        {"labels.yaml": "tier: KOL tier\n", "labels_shop.yaml": "shop:\n  tier: Lifecycle tier\n"},
        monkeypatch,
    )
    assert texts == {"labels.tier": "KOL tier", "labels.shop.tier": "Lifecycle tier"}
    with pytest.raises(ValueError, match=r"the label scope 'shop' belongs in labels_shop\.yaml"):
        _catalog_from(tmp_path / "a", {"labels_jd.yaml": "shop:\n  tier: Lifecycle tier\n"}, monkeypatch)
    with pytest.raises(ValueError, match=r"labels\.tier is already defined as 'KOL tier'"):
        _catalog_from(
            tmp_path / "b", {"labels.yaml": "tier: KOL tier\n", "labels_jd.yaml": "tier: Tier\n"}, monkeypatch
        )
