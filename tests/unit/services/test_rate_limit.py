"""The send rate limiter with an injected clock: exact waits, no real sleeping."""

from iprodash.integrations.rate_limit import SendRateLimiter


class Clock:
    def __init__(self):
        self.t = 0.0
        self.sleeps = []

    def monotonic(self):
        return self.t

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.t += seconds


def test_per_key_spacing_and_the_slowest_key_wins():
    clock = Clock()
    limiter = SendRateLimiter(monotonic=clock.monotonic, sleep=clock.sleep)
    limits = [("account", 50), ("number:A", 1)]
    assert [limiter.wait(limits) for _ in range(3)] == [0.0, 1.0, 1.0]
    # Another number is free of A's 1/s, but the account still spaces calls 0.02 s apart.
    assert round(limiter.wait([("account", 50), ("number:B", 1)]), 3) == 0.02
    clock.t += 0.005
    assert round(limiter.wait([("account", 50), ("number:C", 1)]), 3) == 0.015


def test_time_passing_on_its_own_means_no_wait():
    clock = Clock()
    limiter = SendRateLimiter(monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.wait([("resend", 2)])
    clock.t += 0.6
    assert limiter.wait([("resend", 2)]) == 0.0
    assert clock.sleeps == []
