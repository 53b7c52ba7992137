"""`casebook generate --format parquet` writes a generator's order table month by month (bounded memory):
the files must hold exactly the rows the one-shot path writes, and really be written in pieces."""

import itertools
import threading
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generators.common import PiecesVoid
from helpers.app import datasets
from helpers.app.datasets import _write_parquet_chunks, generate_case
from helpers.io.tables import write_case_data
from helpers.workbooks.cases import CASES, case_schema, generator


@pytest.mark.parametrize("case", CASES)
def test_chunked_parquet_equals_the_one_shot_tables(case, tmp_path, capsys):
    generate_case(case, tmp_path / "chunked", seed=3, orders=3_000, fmt="parquet")
    module = generator(case)
    tables = module.generate(module.Config(seed=3, scale=3_000 / 50_000))
    write_case_data(tables, tmp_path / "whole", {}, "parquet")
    for name, frame in tables.items():
        chunked = pd.read_parquet(tmp_path / "chunked" / f"{name}.parquet")
        pd.testing.assert_frame_equal(chunked, pd.read_parquet(tmp_path / "whole" / f"{name}.parquet"))
        assert len(chunked) == len(frame)
    assert "orders" in capsys.readouterr().err  # the progress bar


@pytest.mark.parametrize("case", ["pinduoduo", "jd"])
def test_pieces_are_gathered_into_row_groups_of_the_given_size(case, tmp_path):
    # The generator hands over a piece per month; pieces are gathered until a row group holds `row_group_bytes`.
    module = generator(case)
    pieces = list(module.generate_in_chunks(module.Config(seed=3, scale=0.2)))
    months = sum(name == "orders" and len(frame) > 0 for name, frame in pieces)
    assert months > 6
    _write_parquet_chunks(iter(pieces), tmp_path / "whole", None)
    _write_parquet_chunks(iter(pieces), tmp_path / "small", None, unique={"orders": ["order_id"]}, row_group_bytes=1)
    assert pq.ParquetFile(tmp_path / "whole" / "orders.parquet").metadata.num_row_groups == 1
    small = pq.ParquetFile(tmp_path / "small" / "orders.parquet")
    assert small.metadata.num_row_groups == months  # each piece fills a row group of one byte
    order_ids = small.metadata.row_group(0).column(small.schema_arrow.get_field_index("order_id"))
    assert "RLE_DICTIONARY" not in order_ids.encodings  # distinct ids are stored plainly
    times = [i for i, field in enumerate(small.schema_arrow) if str(field.type).startswith("timestamp")]
    assert times and all("RLE_DICTIONARY" not in small.metadata.row_group(0).column(i).encodings for i in times)
    group = small.metadata.row_group(0)
    for index, field in enumerate(small.schema_arrow):  # min/max only where a reader could use them: not on text
        assert group.column(index).is_stats_set == (field.type != "string"), field.name
    category = group.column(small.schema_arrow.get_field_index("category"))
    assert "RLE_DICTIONARY" in category.encodings  # a label's codes are written as they are, not re-encoded
    for name in {name for name, _ in pieces}:
        whole = pd.read_parquet(tmp_path / "whole" / f"{name}.parquet")
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "small" / f"{name}.parquet"), whole)
        text = [f.name for f in pq.read_schema(tmp_path / "whole" / f"{name}.parquet") if f.type == "string"]
        for column in text:  # read back as Python strings, as every reader of the tables expects
            assert whole[column].dtype == object
            assert whole[column].map(lambda v: v is None or type(v) is str).all(), (name, column)


def test_an_empty_piece_does_not_break_the_column_types(tmp_path):
    # An empty piece (a month without orders) types its text columns as null: the writer must wait for rows.
    orders = generator("your_shop").generate(generator("your_shop").Config(seed=1, scale=20 / 50_000))["orders"]
    pieces = [("orders", orders.iloc[:0]), ("orders", orders), ("nothing", orders.iloc[:0])]
    written = _write_parquet_chunks(iter(pieces), tmp_path, None)
    table = pq.read_table(tmp_path / "orders.parquet")
    assert str(table.schema.field("order_id").type) == "string" and table.num_rows == len(orders) > 0
    assert written["orders"]["rows"] == len(orders) and written["nothing"]["rows"] == 0
    assert pq.read_table(tmp_path / "nothing.parquet").num_rows == 0  # a table with no rows still has its file


def test_months_without_any_link_and_a_case_without_teams_are_written(tmp_path):
    # Seed 2: in some month no user was referred, so that piece's `referred_by` has no value at all.
    generate_case("pinduoduo", tmp_path, seed=2, orders=2_000, fmt="parquet")
    users = pq.read_table(tmp_path / "users.parquet")
    assert str(users.schema.field("referred_by").type) == "string" and users.num_rows > 0
    module = generator("pinduoduo")
    config = module.Config(seed=2, scale=0.04, group_discount=0.0)  # no discount: nobody opens a team
    names = [name for name, _ in module.generate_in_chunks(config, as_it_runs=False)]
    assert "teams" in names and len(module.generate(config)["teams"]) == 0


@pytest.mark.parametrize(
    ("case", "config"),
    [
        ("pinduoduo", {"seed": 3, "scale": 0.3, "team_size": 3, "team_window_hours": 200}),  # partners months later
        ("pinduoduo", {"seed": 5, "scale": 0.4, "bargain_enabled": False, "months": 30}),
        ("pinduoduo", {"seed": 7, "scale": 0.2, "subsidy_rate": 0.0}),
        ("jd", {"seed": 3, "scale": 0.3}),
        ("jd", {"seed": 7, "scale": 0.05}),
    ],
)
def test_pieces_made_as_it_runs_are_written_as_those_made_after_the_run(tmp_path, case, config):
    # Order tables (and Pinduoduo's teams and shares) are numbered month by month while the simulation runs:
    # the files must be the very bytes of the pieces made after the whole run, with ids numbered across all of it.
    module = generator(case)
    unique = {t.name: [c.name for c in t.columns if c.unique] for t in case_schema(case).values()}
    for as_it_runs in (True, False):
        pieces = module.generate_in_chunks(module.Config(**config), as_it_runs=as_it_runs)
        _write_parquet_chunks(
            pieces, tmp_path / str(as_it_runs), None, unique=unique, in_pieces=module.TABLES_IN_PIECES
        )
    names = sorted(path.name for path in (tmp_path / "False").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "True").iterdir()) and len(names) == len(module.SCHEMA)
    for name in names:
        assert (tmp_path / "True" / name).read_bytes() == (tmp_path / "False" / name).read_bytes(), name


@pytest.mark.parametrize(
    ("config", "why"),
    [
        ({"seed": 2, "scale": 0.04, "group_discount": 0.0}, "0 T ids"),  # no team: a dictionary of no ids
        ({"seed": 2, "scale": 0.05, "months": 1}, "3 U ids"),  # one month: as many orders as buyers, and more
        ({"seed": 2, "scale": 0.05, "digits": 7}, "digits, not 7"),  # ids one digit too wide
    ],
)
def test_pinduoduo_pieces_made_on_a_wrong_guess_are_void(monkeypatch, config, why):
    module = generator("pinduoduo")
    digits = config.pop("digits", None)
    if digits:
        monkeypatch.setattr(module, "_guessed_digits", lambda config: dict.fromkeys("UTSO", digits))
    with pytest.raises(PiecesVoid, match=why):
        list(module.generate_in_chunks(module.Config(**config)))


@pytest.mark.parametrize(
    ("case", "guess"), [("pinduoduo", ("_guessed_digits", dict.fromkeys("UTSO", 9))), ("jd", ("_guessed_width", 9))]
)
def test_a_dataset_whose_pieces_proved_void_is_made_again_after_the_run(tmp_path, monkeypatch, case, guess):
    # `casebook generate` throws the files of the void pieces away and writes those made after the whole run.
    module = generator(case)
    unique = {t.name: [c.name for c in t.columns if c.unique] for t in case_schema(case).values()}
    after = module.generate_in_chunks(module.Config(seed=2, scale=2_500 / 50_000), as_it_runs=False)
    _write_parquet_chunks(after, tmp_path / "after", None, unique=unique, in_pieces=module.TABLES_IN_PIECES)
    monkeypatch.setattr(module, guess[0], lambda config: guess[1])
    with pytest.raises(PiecesVoid, match="digits"):
        list(module.generate_in_chunks(module.Config(seed=2, scale=2_500 / 50_000)))
    generate_case(case, tmp_path / "run", seed=2, orders=2_500, fmt="parquet")
    files = sorted(path.name for path in (tmp_path / "after").iterdir())
    assert sorted(path.name for path in (tmp_path / "run").iterdir()) == sorted([*files, "manifest.json"])
    for name in files:
        assert (tmp_path / "run" / name).read_bytes() == (tmp_path / "after" / name).read_bytes(), name


def test_a_failed_write_leaves_no_file_behind(tmp_path, monkeypatch):
    # Row groups are written on a pool of threads: an error there must still fail the run and discard the files.
    module = generator("jd")
    pieces = list(module.generate_in_chunks(module.Config(seed=3, scale=0.2)))

    def full_disk(self, table, row_group_size=None):
        raise OSError("No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full_disk)
    with pytest.raises(OSError, match="No space left"):
        _write_parquet_chunks(iter(pieces), tmp_path / "out", None, row_group_bytes=1)
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    ("order", "in_pieces", "written_at", "groups"),
    [
        # a table given piece after piece is written when the next table begins; alternating ones when a new
        # table begins, and at the end without one
        ("aaabcbcdd", None, {"a": [4], "b": [8], "c": [8], "d": [9]}, {"a": [30], "b": [20], "c": [20], "d": [20]}),
        ("aaabcbc", None, {"a": [4], "b": [7], "c": [7]}, {"a": [30], "b": [20], "c": [20]}),
        # a table that comes back after it seemed complete starts a new row group, whatever the timing
        ("aabab", None, {"a": [3, 5], "b": [5]}, {"a": [20, 10], "b": [20]}),
        # tables known to come whole are written as soon as they come, the others as before
        ("abbbcd", "b", {"a": [1], "b": [5], "c": [5], "d": [6]}, {"a": [10], "b": [30], "c": [10], "d": [10]}),
        ("abbbcd", None, {"a": [6], "b": [5], "c": [6], "d": [6]}, {"a": [10], "b": [30], "c": [10], "d": [10]}),
    ],
)
def test_a_table_given_piece_after_piece_is_written_when_the_next_begins(
    tmp_path, monkeypatch, order, in_pieces, written_at, groups
):
    frame = pd.DataFrame({"x": np.arange(10), "label": ["a", "b"] * 5})
    handed, submitted = [], {}
    submit = datasets._ParquetFiles._submit

    def noting(self, name, pieces):
        if pieces:
            submitted.setdefault(name, []).append(len(handed))  # pieces handed over when the write was asked
        submit(self, name, pieces)

    monkeypatch.setattr(datasets._ParquetFiles, "_submit", noting)

    def pieces():
        for name in order:
            handed.append(name)
            yield name, frame

    _write_parquet_chunks(pieces(), tmp_path, None, in_pieces=in_pieces)
    assert submitted == written_at
    for name, rows in groups.items():
        metadata = pq.ParquetFile(tmp_path / f"{name}.parquet").metadata
        assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == rows


def test_the_last_row_groups_go_first_to_the_files_that_are_free(tmp_path, monkeypatch):
    # "aaba" in row groups of two pieces: a's first group is still being written when the pieces end, so a's
    # last group has to wait for its file; b's must not wait behind it (each write may only start once b's last
    # group has been handed over, which a flush that waits for a first would never do before a is written).
    frame = pd.DataFrame({"x": np.arange(10), "label": ["a", "b"] * 5})
    asked, b_asked = [], threading.Event()
    submit, write_group = datasets._ParquetFiles._submit, datasets._ParquetFiles._write_group

    def noting(self, name, pieces):
        if pieces:
            asked.append(name)
            if name == "b":
                b_asked.set()
        submit(self, name, pieces)

    def held_until_b_is_asked(writer, pieces):
        b_asked.wait(timeout=10)
        write_group(writer, pieces)

    monkeypatch.setattr(datasets._ParquetFiles, "_submit", noting)
    monkeypatch.setattr(datasets._ParquetFiles, "_write_group", staticmethod(held_until_b_is_asked))
    piece_bytes = pa.Table.from_pandas(frame, preserve_index=False).nbytes
    _write_parquet_chunks(((name, frame) for name in "aaba"), tmp_path, None, row_group_bytes=2 * piece_bytes)
    assert asked == ["a", "b", "a"]
    metadata = pq.ParquetFile(tmp_path / "a.parquet").metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [20, 10]


def test_pieces_are_converted_without_a_pool_of_threads_each(tmp_path, monkeypatch):
    # pyarrow converts a long frame's columns on a new pool of threads unless told otherwise; for a month's piece,
    # already on a writer thread, starting them cost more than the conversion.
    frame = pd.DataFrame({"x": np.arange(1000), "y": np.arange(1000) * 0.5, "label": ["a", "b"] * 500})
    started, start = [], threading.Thread.start

    def noting(thread):
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", noting)
    _write_parquet_chunks(((name, frame) for name in "aaab"), tmp_path, None)
    assert any(name.startswith("parquet") for name in started)  # the writer's own pool (and tqdm's monitor) only
    assert [name for name in started if not name.startswith(("parquet", "tqdm"))] == []
    assert pq.read_table(tmp_path / "a.parquet").num_rows == 3000


@pytest.mark.parametrize("case", ["pinduoduo", "jd", "perfect_diary", "your_shop"])
def test_only_the_tables_named_in_pieces_come_in_more_than_one(case):
    # A table missing from TABLES_IN_PIECES would be written a row group per piece.
    module = generator(case)
    names = [name for name, _ in module.generate_in_chunks(module.Config(seed=3, scale=0.2))]
    assert {name for name in names if names.count(name) > 1} <= module.TABLES_IN_PIECES
    assert set(names) >= module.TABLES_IN_PIECES


@pytest.mark.parametrize("case", ["pinduoduo", "jd"])
def test_pieces_made_as_it_runs_come_in_the_same_order_whatever_the_timing(monkeypatch, case):
    # Where a table's row groups end depends on the order of the pieces (a table given piece after piece is
    # complete when another begins), so the order must not depend on how fast the second thread makes them.
    module = generator(case)
    config = module.Config(seed=3, scale=0.1)
    quick = [name for name, _ in module.generate_in_chunks(config)]
    maker = (module._RunningTables, "month") if case == "pinduoduo" else (module, "_month_tables")
    made = getattr(*maker)

    def slow(*args):
        time.sleep(0.05)
        return made(*args)

    monkeypatch.setattr(*maker, slow)
    assert [name for name, _ in module.generate_in_chunks(config)] == quick
    assert ("inventory_daily", "inventory_daily") not in set(itertools.pairwise(quick))
