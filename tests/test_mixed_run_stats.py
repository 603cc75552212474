"""The soak's counter processes (benchmarks/soak.py) send their figures back to the parent, which adds them up
before the invariants of tests/mixed_run.py are checked on the sum. No database: this runs everywhere."""

import pickle

from tests import mixed_run


def test_a_counter_process_figures_add_up_in_the_parent():
    """The soak's counter processes send their Stats back as plain data, which the parent adds up: money per
    line, outcomes and keys of every process (the invariants are checked on the sum). Spawning processes
    here would cost the suite about 20 s; the soak runs that path."""
    parts = []
    for rep, amount in ((1, "10.00"), (2, "20.00")):
        part = mixed_run.Stats()
        part.record("fee", "done", 0.5)
        part.record("fee:post", 201, 0.4)
        part.fee_paid["13700000001"] += mixed_run.D(amount)
        part.fee_paid[("opening", f"1390000000{rep}")] += mixed_run.D("150.00")
        part.accepted.append((rep, f"key{rep}", "lines.payment", ("payment", rep)))
        parts.append(pickle.loads(pickle.dumps(part.portable())))
    total = mixed_run.Stats()
    for part in parts:
        total.merge(part)
    assert total.done() == 2 and total.outcomes[("fee:post", 201)] == 2
    assert total.fee_paid["13700000001"] == mixed_run.D("30.00")
    openings = {k for k in total.fee_paid if isinstance(k, tuple)}
    assert openings == {("opening", "13900000001"), ("opening", "13900000002")}
    assert [a[1] for a in total.accepted] == ["key1", "key2"] and total.latencies["fee"] == [0.5, 0.5]
