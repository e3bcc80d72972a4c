"""The resilience tests start from a private copy of the session's sample run (its warehouse,
landing folder and Dagster instance) and drive the real command in subprocesses."""

import os

import pytest


@pytest.fixture
def env(sample_copy):
    return {**os.environ, **sample_copy, "LT_LOCK_WAIT_SECONDS": "120"}
