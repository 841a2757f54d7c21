"""signrate from Python: the CLI's run, sweep, fit and verify, with the same names, SPEC strings,
checks and JSON, bit for bit.

    import signrate
    r = signrate.run(problem="quadratic", oracle="gaussian:sigma=1", method="smm",
                     schedule="theorem1", d=256, T=4096, replicates=16, seed=1)
    r.metrics["M1"]            # {"mean": ..., "stderr": ...}
    r.per_replicate["M1"]      # numpy array, one value per replicate
    s = signrate.sweep(d=[16, 64, 256], T="1024:16384:x4", replicates=8)
    signrate.fit(s).exponents  # {"T": {"estimate", "ci_low", "ci_high"}, "d": ...}
    v = signrate.verify("thm1", d=[16, 64], T=[1024, 4096], replicates=4)
    v.verdict, v.exit_code

Bad input raises ValueError, a failed run RuntimeError, each with the CLI's one-line message; a
long call releases the GIL and stops on Ctrl-C (KeyboardInterrupt, nothing returned).
docs/python.md is the reference.
"""
import json as _json

import numpy as _np

from . import _signrate

__version__ = _signrate.__version__
__all__ = ["run", "sweep", "fit", "verify", "problems", "oracles", "methods", "distributed_methods",
           "schedules", "Run", "Sweep", "Fit", "Verification"]


def _word(value):
    """A keyword's value as the command line's word: lists joined by commas, booleans as 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple, _np.ndarray)):
        return ",".join(_word(v) for v in value)
    return str(value)


def _words(options):
    return {key: _word(value) for key, value in options.items() if value is not None}


def _call(name, args, options):
    """signrate.run(d=64, T=1024) as the `command` the JSON records."""
    parts = [repr(a) for a in args] + ["%s=%r" % (k, v) for k, v in options.items() if v is not None]
    return "signrate.%s(%s)" % (name, ", ".join(parts))


class _Output:
    """A result with the CLI's JSON: .json (the parsed document) and .to_json() (its exact text)."""

    def __init__(self, text):
        self._text = text
        self.json = _json.loads(text)

    def to_json(self):
        """The JSON the CLI writes for the same options, byte for byte (its `command` names this call)."""
        return self._text

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self._text)


def _columns(rows):
    """A list of flat dicts as a dict of NumPy columns."""
    keys = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    return {k: _np.array([row.get(k, _np.nan) for row in rows]) for k in keys}


class Run(_Output):
    """One experiment: .spec, .metrics (name -> {"mean", "stderr"}), .per_replicate (name -> NumPy
    array), .checkpoints (column -> NumPy array: t, M1, M1_stderr, ...)."""

    def __init__(self, text):
        super().__init__(text)
        self.spec = self.json["spec"]
        self.metrics = self.json["metrics"]
        self.per_replicate = {k: _np.array(v, dtype=float) for k, v in self.json["per_replicate"].items()}
        self.checkpoints = _columns(self.json["checkpoints"])

    def __repr__(self):
        m, s = self.metrics["M1"], self.spec
        return "<signrate.Run %s, d=%d, T=%d, %d replicates: M1 = %.5g +- %.2g>" % (
            s["method"]["name"], s["d"], s["T"], s["replicates"], m["mean"], m["stderr"])


class Sweep(_Output):
    """A grid of runs: .points, a tidy table (column -> NumPy array): point, d, T, n, seed, the varied
    parameters, and each metric's mean and stderr (M1_mean, M1_stderr, ...)."""

    def __init__(self, text):
        super().__init__(text)
        rows = []
        for k, p in enumerate(self.json["points"]):
            row = {"point": k, "d": p["d"], "T": p["T"], "n": p.get("n", 1), "seed": p["seed"]}
            row.update(p.get("vary", {}))
            for name, m in p["metrics"].items():
                row[name + "_mean"] = m["mean"]
                row[name + "_stderr"] = _np.nan if m["stderr"] is None else m["stderr"]
            rows.append(row)
        self.points = _columns(rows)

    def to_pandas(self):
        """.points as a pandas DataFrame (pandas must be importable)."""
        import pandas
        return pandas.DataFrame(self.points)

    def __repr__(self):
        return "<signrate.Sweep: %d points>" % len(self.json["points"])


class Fit(_Output):
    """Fitted exponents: .exponents (axis -> {"estimate", "ci_low", "ci_high"}) of the joint fit (of
    the first group where a --vary sweep has several; .json["groups"] holds them all)."""

    def __init__(self, text):
        super().__init__(text)
        joint = self.json["groups"][0] if "groups" in self.json else self.json
        self.exponents = {axis: {"estimate": e["estimate"], "ci_low": e["ci"][0], "ci_high": e["ci"][1]}
                          for axis, e in joint["exponents"].items()}

    def __repr__(self):
        return "<signrate.Fit %s>" % ", ".join("%s: %.4g" % (a, e["estimate"]) for a, e in self.exponents.items())


class Verification(_Output):
    """A theorem checked on its families: .verdict, .exit_code (the CLI's: 0 holds, 3 exceeded or
    violated, 4 inconclusive), .strict_exit_code (with --strict), .families, .table (the text the
    CLI prints)."""

    def __init__(self, text, table, exit_code, strict_exit_code):
        super().__init__(text)
        self.table = table
        self.exit_code = exit_code
        self.strict_exit_code = strict_exit_code
        self.verdict = self.json["verdict"]
        self.families = self.json["families"]

    def __repr__(self):
        return "<signrate.Verification %s: %s>" % (self.json["theorem"], self.verdict)


def run(problem=None, oracle=None, method=None, schedule=None, d=None, T=None, replicates=None, seed=None,
        batch=None, nodes=None, byzantine=None, checkpoints_per_decade=None, spec=None, threads=None,
        block=None, device=None, max_memory=None):
    """One experiment, as `signrate run` (the same options and defaults; spec: a --spec file)."""
    options = dict(locals())
    return Run(_signrate.run(_words(options), _call("run", [], options)))


def sweep(d, T, problem=None, oracle=None, method=None, schedule=None, replicates=None, seed=None, batch=None,
          nodes=None, byzantine=None, checkpoints_per_decade=None, vary=None, spec=None, threads=None,
          block=None, device=None, max_memory=None):
    """A grid of d, T (and n), as `signrate sweep`: a grid is a list ([16, 64]) or the CLI's text
    ("1024:65536:x4"); vary: a list of "component.key=values" (as --vary)."""
    options = dict(locals())
    vary_list = [vary] if isinstance(vary, str) else list(vary or [])
    options_without_vary = {k: v for k, v in options.items() if k != "vary"}
    return Sweep(_signrate.sweep(_words(options_without_vary), vary_list, _call("sweep", [], options)))


def fit(sweep, measure=None, part=None, bootstrap=None, level=None, seed=None, family=None):
    """Fitted exponents of a sweep (a Sweep, a Verification, a parsed JSON dict, or a JSON file's
    path), as `signrate fit`."""
    if isinstance(sweep, _Output):
        text = sweep.to_json()
    elif isinstance(sweep, dict):
        text = _json.dumps(sweep)
    else:
        with open(sweep, encoding="utf-8") as f:
            text = f.read()
    options = {"measure": measure, "part": part, "bootstrap": bootstrap, "level": level, "seed": seed,
               "family": family}
    return Fit(_signrate.fit(text, _words(options)))


def verify(theorem, family=None, problem=None, oracle=None, method=None, schedule=None, compare=None, d=None,
           T=None, nodes=None, replicates=None, seed=None, batch=None, tolerance=None, dominance=None,
           bootstrap=None, allow_violations=None, threads=None, block=None, device=None):
    """A theorem's rate and bound checked on its canonical family, as `signrate verify`; the exit
    code the CLI would give is .exit_code (nothing is raised for a violated theorem)."""
    options = dict(locals())
    text, table, code, strict_code = _signrate.verify(_words(options), _call("verify", [], options))
    return Verification(text, table, code, strict_code)


_COMPONENTS = None


def _table(family):
    global _COMPONENTS
    if _COMPONENTS is None:
        _COMPONENTS = _json.loads(_signrate.components())
    return [dict(c) for c in _COMPONENTS[family]]


def problems():
    """The problems: each {"name", "summary", "aliases", "params": [{"key", "default", "allowed", "help"}]}."""
    return _table("problems")


def oracles():
    """The noise oracles, as problems() lists the problems."""
    return _table("oracles")


def methods():
    """The single-node methods, as problems() lists the problems."""
    return _table("methods")


def distributed_methods():
    """The n-node methods (nodes > 1), as problems() lists the problems."""
    return _table("distributed_methods")


def schedules():
    """The step-size and momentum schedules, as problems() lists the problems."""
    return _table("schedules")
