"""The Python module (CTest PythonModule): the same numbers and JSON as the CLI, bit for bit; the
CLI's errors as ValueError and RuntimeError; the GIL released during a run; Ctrl-C stops a run.

Run by CTest with PYTHONPATH=<build>/python and SIGNRATE_CLI=<build>/signrate."""
import json
import os
import signal
import subprocess
import tempfile
import threading
import time

import numpy as np
import pytest

import signrate

CLI = os.environ.get("SIGNRATE_CLI", "build/signrate")


def cli_json(*args):
    """The JSON the CLI writes for these arguments."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        subprocess.run([CLI, *args, "--out", out, "-q"] if args[0] in ("run", "sweep") else [CLI, *args, "--out", out],
                       check=True, capture_output=True)
        with open(out, encoding="utf-8") as f:
            return json.load(f)


def without(doc, *keys):
    return {k: v for k, v in doc.items() if k not in keys}


def test_run_is_the_cli_run_bit_for_bit():
    args = dict(problem="diag-quadratic:l1=1", oracle="student-t:nu=3", method="smm", schedule="theorem2", d=64,
                T=512, replicates=5, seed=7, threads=2)
    r = signrate.run(**args)
    words = ["run"] + [w for k, v in args.items() for w in ("--" + k, str(v))]
    expected = cli_json(*words)
    # Everything but the command line and the engine's timings, which say how it ran.
    assert without(r.json, "command", "engine") == without(expected, "command", "engine")
    assert r.json["engine"]["threads"] == expected["engine"]["threads"]
    np.testing.assert_array_equal(r.per_replicate["M1"], np.array(expected["per_replicate"]["M1"]))
    assert r.metrics["M1"]["mean"] == expected["metrics"]["M1"]["mean"]
    assert r.checkpoints["t"][0] == 1 and r.checkpoints["t"][-1] == 512
    assert r.json["command"].startswith("signrate.run(problem='diag-quadratic:l1=1'")
    assert json.loads(r.to_json()) == r.json and r.to_json().endswith("}\n")


def test_sweep_and_fit_are_the_cli_ones():
    s = signrate.sweep(d=[16, 64], T="256:4096:x4", replicates=4, seed=3)
    expected = cli_json("sweep", "--d", "16,64", "--T", "256:4096:x4", "--replicates", "4", "--seed", "3")
    assert without(s.json, "command") == without(expected, "command")
    assert list(s.points["d"]) == [16, 16, 16, 64, 64, 64]
    assert list(s.points["T"]) == [256, 1024, 4096] * 2
    assert s.points["M1_mean"][0] == expected["points"][0]["metrics"]["M1"]["mean"]
    f = signrate.fit(s, bootstrap=200)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.json")
        s.save(path)
        expected_fit = cli_json("fit", path, "--bootstrap", "200")
        assert f.json == expected_fit
        assert signrate.fit(path, bootstrap=200).json == expected_fit
    assert f.exponents["T"]["ci_low"] <= f.exponents["T"]["estimate"] <= f.exponents["T"]["ci_high"]
    assert set(f.exponents) == {"T", "d"}


def test_verify_gives_the_cli_verdict_and_exit_code():
    v = signrate.verify("thm1", d=[16, 64], T=[256, 1024, 4096], replicates=4, bootstrap=100)
    expected = cli_json("verify", "thm1", "--d", "16,64", "--T", "256,1024,4096", "--replicates", "4",
                        "--bootstrap", "100")
    assert without(v.json, "command") == without(expected, "command")
    assert v.verdict == expected["verdict"]
    assert v.exit_code in (0, 3, 4) and "verdict:" in v.table


def test_bad_input_is_a_value_error_with_the_cli_message():
    with pytest.raises(ValueError, match="unknown method 'nope'"):
        signrate.run(method="nope", d=4, T=4)
    with pytest.raises(ValueError, match="sigma"):
        signrate.run(oracle="gaussian:sigma=-1", d=4, T=4)
    with pytest.raises(ValueError, match="unknown theorem 'thm9'"):
        signrate.verify("thm9")


def test_a_failed_run_is_a_runtime_error_with_the_cli_message():
    with pytest.raises(RuntimeError, match="the run diverged"):
        signrate.run(d=4, T=100, schedule="constant:eta=1e308,beta=1", replicates=1)


def test_the_tables_list_every_component_with_its_parameters():
    names = [m["name"] for m in signrate.methods()]
    assert "smm" in names and "signsgd" in names
    assert "mvsm-v2" in [m["name"] for m in signrate.distributed_methods()]
    student = next(o for o in signrate.oracles() if o["name"] == "student-t")
    assert any(p["key"] == "nu" for p in student["params"])
    assert "theorem1" in [s["name"] for s in signrate.schedules()]
    assert "quadratic" in [p["name"] for p in signrate.problems()]


def test_a_run_releases_the_gil():
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        before = len(ticks)
        signrate.run(d=4096, T=4096, replicates=4, threads=1)
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    assert during > 20, "the other thread ran %d times during the run" % during


def test_ctrl_c_stops_a_run_with_keyboard_interrupt():
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        signrate.run(d=100000, T=100000, replicates=64, threads=1)  # minutes, unless stopped
    assert time.monotonic() - start < 10
