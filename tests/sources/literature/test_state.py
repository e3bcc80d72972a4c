"""Incremental state is a plain JSON object the caller persists."""

import json

import pytest

from sources.literature.state import STATE_FILE, QueryState, StateFile


def test_state_round_trips_through_json():
    state = QueryState(
        "openalex", "lesson_study", updated_since="2026-03-01T00:00:00", resume_at="c9"
    )
    again = QueryState.from_dict(
        json.loads(json.dumps(state.to_dict())), source="openalex", query_id="lesson_study"
    )
    assert again == state


def test_no_state_means_a_first_run():
    state = QueryState.from_dict(None, source="eric", query_id="q")
    assert (state.updated_since, state.resume_at) == (None, None)


def test_state_of_another_query_is_refused():
    data = QueryState("openalex", "a").to_dict()
    with pytest.raises(ValueError, match="openalex/a"):
        QueryState.from_dict(data, source="openalex", query_id="b")


def test_state_file_round_trips_and_starts_empty(tmp_path):
    states = StateFile.in_store(tmp_path / "raw")
    assert states.load() == {}
    saved = {"openalex/a": QueryState("openalex", "a", resume_at="c2").to_dict()}
    states.save(saved)
    assert StateFile.in_store(tmp_path / "raw").load() == saved
    assert not list((tmp_path / "raw").glob("*.tmp"))


def test_a_damaged_state_file_is_named(tmp_path):
    path = tmp_path / STATE_FILE
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=STATE_FILE):
        StateFile(path).load()
