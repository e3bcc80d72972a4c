"""A fake clock for the polite HTTP client: time moves only when the client sleeps."""


class FakeTime:
    """A clock that only moves when the client sleeps; records every sleep."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.now = start
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
