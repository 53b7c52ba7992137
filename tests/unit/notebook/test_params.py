import json

import pytest

from helpers.core import language
from helpers.core.errors import ParameterError
from helpers.core.paths import notebooks_dir
from helpers.notebook import params
from helpers.notebook.files import notebook_path
from helpers.notebook.params import parse_cell

CELL = """seed: int = 42  # random seed, ≥ 0
group_discount: float = 0.25  # price cut for a 2-person group, 0–0.9
team_size: int = 2  # people per team, 2-5
mode: str = "fast"  # how to run, one of fast|slow
enabled: bool = True  # switch the campaign on
data_dir: str = ""  # empty: generate, a folder: load your CSVs
"""


def spec():
    return parse_cell(CELL, "demo")


def test_cell_is_parsed_into_typed_parameters_with_ranges_and_help():
    s = spec()
    assert list(s.params) == ["seed", "group_discount", "team_size", "mode", "enabled", "data_dir"]
    g = s.params["group_discount"]
    assert (g.type, g.default, g.low, g.high, g.help) == ("float", 0.25, 0.0, 0.9, "price cut for a 2-person group")
    assert s.params["seed"].low == 0 and s.params["seed"].high is None
    assert s.params["team_size"].high == 5
    assert s.params["mode"].choices == ("fast", "slow")
    assert s.params["data_dir"].help == "empty: generate, a folder: load your CSVs"


def test_values_from_the_command_line_are_coerced():
    assert spec().validate({"group_discount": "0.3", "team_size": "3", "enabled": "false", "mode": "slow"}) == {
        "group_discount": 0.3,
        "team_size": 3,
        "enabled": False,
        "mode": "slow",
    }


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("group_discount", 1.5, "from 0 to 0.9"),
        ("group_discount", "abc", "a number"),
        ("group_discount", float("nan"), "a number"),
        ("team_size", 1, "from 2 to 5"),
        ("team_size", 2.5, "not a whole number"),
        ("team_size", True, "a whole number"),
        ("seed", -1, "≥ 0"),
        ("mode", "medium", "one of 'fast', 'slow'"),
        ("enabled", "maybe", "True or False"),
        ("data_dir", 3, "text"),
    ],
)
def test_bad_values_name_the_parameter_the_value_and_what_is_allowed(name, value, words):
    with pytest.raises(ParameterError) as error:
        spec().validate({name: value})
    message = str(error.value)
    assert f"'{name}'" in message and repr(value) in message and words in message
    assert "\n" not in message


def test_unknown_names_get_a_did_you_mean():
    with pytest.raises(ParameterError, match="did you mean 'group_discount'"):
        spec().validate({"group_discout": 0.2})


def test_a_default_outside_its_own_range_is_a_broken_cell():
    with pytest.raises(ParameterError):
        parse_cell("x: float = 2.0  # share, 0–1\n")
    with pytest.raises(ValueError, match="name: type = value"):
        parse_cell("print('hi')\n")
    with pytest.raises(ValueError, match="has type list"):
        parse_cell("x: list = []\n")
    with pytest.raises(ValueError, match="papermill"):
        parse_cell("x: int = 1  # a >= b, ≥ 0\n")


def test_every_committed_notebook_has_a_parseable_parameters_cell():
    for path in notebooks_dir().glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in cells) == 1, path.name
        s = params.read_spec(path.stem)
        assert {"seed", "scale"} <= set(s.params), path.name
        assert {"data_dir", "transactions_csv"} & set(s.params), f"{path.name}: how to bring your own data?"
        assert all(p.help for p in s), f"{path.name}: every parameter needs help text"


def test_missing_notebook_lists_the_known_ones():
    with pytest.raises(ParameterError, match="00_case_review_method"):
        notebook_path("99_nothing")


def test_papermill_help_notebook_reads_every_parameter_with_its_help():
    import papermill

    for path in notebooks_dir().glob("*.ipynb"):
        metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        assert metadata["kernelspec"]["name"] == "python3", f"{path.name}: JupyterLab needs a kernel to open it with"
        found = papermill.inspect_notebook(str(path))
        spec = params.read_spec(path.stem)
        assert list(found) == list(spec.params), path.name
        assert all(found[name]["help"] for name in found), path.name


ZH_CELL = """seed: int = 42  # 随机种子，≥ 0
group_discount: float = 0.25  # 两人团的降价幅度，0–0.9
team_size: int = 2  # 每团人数，2 至 5
mode: str = "fast"  # 运行方式，可选 fast|slow
"""


@pytest.fixture
def chinese():
    language.use("zh")
    yield parse_cell(ZH_CELL, "演示")
    language.use("en")


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        (
            "group_discount",
            1.5,
            "参数 'group_discount' = 1.5 不可用：应为介于 0 与 0.9 之间的数值。说明：两人团的降价幅度",
        ),
        ("team_size", 2.5, "参数 'team_size' = 2.5 不可用（原因：不是整数）：应为介于 2 与 5 之间的整数"),
        ("seed", -1, "应为不小于 0 的整数"),
        ("mode", "medium", "应为可选值之一：'fast', 'slow'"),
    ],
)
def test_in_chinese_the_refusal_is_one_chinese_line_with_the_chinese_help(chinese, name, value, words):
    with pytest.raises(ParameterError) as error:
        chinese.validate({name: value})
    assert words in str(error.value) and "\n" not in str(error.value)
    assert "not allowed" not in str(error.value)


def test_in_chinese_an_unknown_name_gets_a_chinese_hint(chinese):
    with pytest.raises(ParameterError) as error:
        chinese.validate({"group_discout": 0.2})
    refusal = "演示 中没有参数 'group_discout'（取值 0.2）：是不是想写 'group_discount'？可用的参数名：seed, "
    assert str(error.value).startswith(refusal)
