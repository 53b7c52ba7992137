"""Item 17 of issue 13 (the 03 example): with the private domain off there is no coupon test, and the prose and
the card say so in words instead of printing "n/a" inside sentences (a run of the generator, both languages)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generators import perfect_diary as generator
from helpers.core import language
from helpers.workbooks.perfect_diary import case

VALUES = {"coupon_control": 5.0, "coupon_treatment": 15.0, "data_dir": ""}


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_coupon_test_is_said_in_words(lang):
    language.use(lang)
    config = replace(generator.Config(scale=0.05), private_domain_enabled=False)
    test = case.coupon_test(generator.generate(config), VALUES)
    assert not test.ran
    sentence = case.ab_text(test)
    assert sentence == case.text("ab.no_test")
    assert "n/a" not in sentence and "—" not in sentence.replace("——", "") and "nan" not in sentence
