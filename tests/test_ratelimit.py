"""web/ratelimit.py's token buckets, on a clock the test moves (the 429 itself: tests/test_api.py)."""

from __future__ import annotations

from web.ratelimit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_the_wait_is_the_time_to_the_next_token() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=6, clock=clock)
    assert [buckets.take("a") for _ in range(6)] == [0.0] * 6
    assert buckets.take("a") == 10.0  # 6 a minute: one every 10 s
    clock.now = 10.0
    assert buckets.take("a") == 0.0


def test_clients_are_limited_separately() -> None:
    buckets = TokenBuckets(per_minute=1, clock=Clock())
    assert buckets.take("a") == 0.0 and buckets.take("a") > 0
    assert buckets.take("b") == 0.0
