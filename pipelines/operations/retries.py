"""How a source step that touches the network or waits on the warehouse retries: Dagster's own
retry policy, exponential backoff with jitter. A failure that another try cannot mend (a failed
audit, an unknown plan) raises `dg.Failure(allow_retries=False)` and is not retried."""

import dagster as dg

SOURCE_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3,
    delay=30,
    backoff=dg.Backoff.EXPONENTIAL,
    jitter=dg.Jitter.PLUS_MINUS,
)
"""Tries after 30 s, 60 s, 120 s (±jitter): a network blip or a warehouse held past
LT_LOCK_WAIT_SECONDS clears without a person."""
