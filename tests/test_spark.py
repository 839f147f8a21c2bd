"""PySpark: History and Team read a Spark DataFrame as they read every other engine.

A local Spark session (one core, no web UI) runs the same comparisons as the
other engines' tests in ``test_history.py``: every History result from a
Spark DataFrame equals the result from the CSV, the event-log reader agrees,
and a Team read from Spark equals the team read from records.  Spark needs
Java; without it these tests are skipped, saying so.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from salesmath import History, Team
from test_history import CRM, DATES, KEYWORDS, STAGES, _results

pytest.importorskip("pyspark")

# py4j leaves its sockets to the garbage collector: its warnings, not salesmath's
pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)
if shutil.which("java") is None:  # pragma: no cover - depends on the machine
    pytest.skip("PySpark needs Java, and this machine has none", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("salesmath-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_frame(spark: Any, frame: pd.DataFrame) -> Any:
    """A Spark DataFrame of `frame`'s rows, made from Python values.

    PySpark's own pandas conversion calls pandas APIs that pandas deprecates
    (warnings are errors here), so the rows go over as plain Python values:
    timestamps as datetimes, missing values as None.
    """
    from pyspark.sql import Row

    def python(value: Any) -> Any:
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
        return None if pd.isna(value) else value

    rows = frame.astype(object).to_dict("records")
    return spark.createDataFrame([Row(**{k: python(v) for k, v in row.items()}) for row in rows])


@pytest.fixture(scope="module")
def expected() -> History:
    return History.from_csv(CRM / "opportunities.csv", **KEYWORDS)


def test_a_spark_frame_gives_every_result_the_csv_gives(spark: Any, expected: History) -> None:
    frame = pd.read_csv(CRM / "opportunities.csv")
    for column in DATES:
        frame[column] = pd.to_datetime(frame[column])
    history = History.from_frame(spark_frame(spark, frame), **KEYWORDS)
    want = _results(expected)
    got = _results(history)
    for key, value in want.items():
        assert got[key] == value, key


def test_a_spark_event_log_reads_as_the_csv(spark: Any, expected: History) -> None:
    events = pd.read_csv(CRM / "events.csv")
    events["at"] = pd.to_datetime(events["at"])
    records = pd.read_csv(CRM / "opportunities.csv").drop(columns=DATES)
    built = History.from_events(
        spark_frame(spark, events),
        id="opportunity_id",
        stage="stage",
        at="at",
        stages=STAGES,
        lost="lost",
        records=spark_frame(spark, records),
        rep="rep",
        amount="amount",
        attributes=["office"],
    )
    assert built.funnel() == expected.funnel()
    assert built.team() == expected.team()
    assert built.pipeline("M", by="office") == expected.pipeline("M", by="office")


def test_a_team_from_a_spark_frame_equals_the_team_from_records(spark: Any) -> None:
    records = [
        {"rep": "ana", "demos": 24, "won": 11, "bookings": 1_760_000.5, "quota": None},
        {"rep": "bo", "demos": 20, "won": 5, "bookings": 350_000.0, "quota": 1_500_000.0},
        {"rep": "cy", "demos": 30, "won": 0, "bookings": 0.0, "quota": 1_000_000.0},
    ]
    team = Team.from_frame(spark_frame(spark, pd.DataFrame(records)), stages=["demos", "won"])
    assert team == Team.from_records(records, stages=["demos", "won"])
