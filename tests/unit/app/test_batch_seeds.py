"""Batch seeds come from trainee names alone; collisions, clashes and bad values are refused before any run."""

import hashlib
import unicodedata

import pytest
import yaml

from helpers.app import batch
from helpers.app.batch import expand, load_scenario, trainee_seed, validate
from helpers.core.errors import ParameterError, UsageError


def write(tmp_path, scenario):
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    return str(path)


def blake2b_seed(name):
    """The documented formula, written out independently of the module."""
    data = unicodedata.normalize("NFC", name).encode("utf-8")
    return int(hashlib.blake2b(data, digest_size=8).hexdigest(), 16) % 2_147_483_648


@pytest.mark.parametrize("name", ["Li Lei", "韩梅梅", "Zoë", "=cmd"])
def test_a_trainee_seed_is_the_documented_hash_of_the_name(name):
    assert trainee_seed(name) == blake2b_seed(name)
    assert 0 <= trainee_seed(name) < 2**31


def test_a_seed_does_not_depend_on_the_order_or_the_other_trainees(tmp_path):
    first = expand(
        load_scenario(write(tmp_path, {"notebooks": ["00_case_review_method"], "trainees": ["Li Lei", "Han Meimei"]}))
    )
    second = expand(
        load_scenario(
            write(tmp_path, {"notebooks": ["00_case_review_method"], "trainees": ["Wang Fang", "Han Meimei", "Li Lei"]})
        )
    )
    assert {r.trainee: r.seed for r in first}.items() <= {r.trainee: r.seed for r in second}.items()
    assert {r.trainee: r.parameters["seed"] for r in second} == {
        "Wang Fang": 1021927920,
        "Han Meimei": 1873667365,
        "Li Lei": 921457847,
    }


def test_a_name_typed_in_two_unicode_forms_is_one_trainee_and_listing_it_twice_is_refused(tmp_path):
    composed, decomposed = "Zo\u00eb", "Zoe\u0308"
    assert composed != decomposed and trainee_seed(composed) == trainee_seed(decomposed)
    with pytest.raises(UsageError, match="trainee 'Zoe\u0308' is listed twice"):
        load_scenario(write(tmp_path, {"trainees": [composed, decomposed]}))


def test_two_names_with_one_seed_are_refused_naming_both(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "trainee_seed", lambda name: 7)  # force the (astronomically rare) collision
    with pytest.raises(UsageError, match="'Han Meimei' gets the same seed 7 as 'Li Lei'"):
        load_scenario(write(tmp_path, {"trainees": ["Li Lei", "Han Meimei"]}))


def test_seeds_instead_of_names(tmp_path):
    runs = expand(
        load_scenario(
            write(
                tmp_path, {"notebooks": ["00_case_review_method"], "seeds": [7, 8], "grid": {"promo_discount": [0.1]}}
            )
        )
    )
    assert [(r.run_id, r.trainee, r.parameters["seed"]) for r in runs] == [
        ("seed=7__promo_discount=0.1", None, 7),
        ("seed=8__promo_discount=0.1", None, 8),
    ]


@pytest.mark.parametrize(
    ("scenario", "words"),
    [
        ({"trainees": ["A"], "seeds": [1]}, "either 'trainees'"),
        ({"seeds": [1, 1]}, "more than once"),
        ({"seeds": [-1]}, "seed -1 must be an integer from 0 to 2147483647"),
        ({"seeds": ["x"]}, "seed 'x' must be an integer"),
        ({"trainees": [""]}, "trainee '' must be a non-empty name"),
        ({"trainees": ["A"], "grid": {"seed": [1, 2]}}, "'seed' is set by 'trainees'/'seeds'"),
        ({"seed_base": 100}, "unknown key\\(s\\) seed_base"),
    ],
)
def test_bad_people_are_refused_with_the_value_named(tmp_path, scenario, words):
    with pytest.raises(UsageError, match=words):
        load_scenario(write(tmp_path, scenario))


def test_names_that_would_share_a_folder_are_refused(tmp_path):
    scenario = load_scenario(write(tmp_path, {"trainees": ["Li Lei", "Li/Lei"]}))
    with pytest.raises(UsageError, match="would share the folder 'Li_Lei'"):
        expand(scenario)


def test_chinese_names_keep_their_letters_in_the_run_id(tmp_path):
    runs = expand(load_scenario(write(tmp_path, {"trainees": ["李雷", "韩梅梅"]})))
    assert [r.run_id for r in runs] == ["李雷", "韩梅梅"]


def test_an_invalid_value_is_refused_naming_the_run_parameter_value_and_range(tmp_path):
    runs = expand(
        load_scenario(
            write(
                tmp_path,
                {
                    "notebooks": ["00_case_review_method"],
                    "trainees": ["Li Lei"],
                    "grid": {"promo_discount": [0.1, 2.0]},
                },
            )
        )
    )
    with pytest.raises(ParameterError) as caught:
        validate(runs)
    message = str(caught.value)
    assert message.startswith("run 'Li_Lei__promo_discount=2.0': ") and "'promo_discount' = 2.0" in message
    assert "0.9" in message  # what is allowed
