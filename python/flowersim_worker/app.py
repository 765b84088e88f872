"""Finds and imports a Flower App's ClientApp (and its evaluateFn), as spec.flowerApp names them.

Every problem is an ``AppProblem`` naming the spec.flowerApp field, so that ``flowersim validate``
refuses the app with one line per problem before anything runs.
"""

import os
import sys
import traceback

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from flwr.clientapp import ClientApp
from flwr.common.config import flatten_dict

FIELD = "spec.flowerApp"

LEGACY = "legacy"  # ClientApp(client_fn=...): Flower's NumPyClient/Client API
MESSAGE = "message"  # ClientApp() with @app.train / @app.evaluate: the Message API


class AppProblem(Exception):
    """A spec.flowerApp field that cannot work, and why (one line)."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class LoadedApp:
    """The imported ClientApp, which API it uses, its run config and initial arrays (if named)."""

    def __init__(self, app, kind, ref, run_config, initial_arrays):
        self.app = app
        self.kind = kind
        self.ref = ref
        self.run_config = run_config
        self.initial_arrays = initial_arrays


def pyproject(app_dir):
    path = os.path.join(app_dir, "pyproject.toml")
    if not os.path.isdir(app_dir):
        raise AppProblem(f"{FIELD}.path", f"no such directory: {app_dir}")
    if not os.path.isfile(path):
        raise AppProblem(
            f"{FIELD}.path",
            f"{app_dir} has no pyproject.toml (a Flower App directory, as `flwr new` makes it)",
        )
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise AppProblem(f"{FIELD}.path", f"{path} is not valid TOML: {e}") from None


def flwr_app_table(config):
    return config.get("tool", {}).get("flwr", {}).get("app", {})


def client_app_ref(app_dir, config, ref):
    if ref:
        return ref
    ref = flwr_app_table(config).get("components", {}).get("clientapp")
    if not ref:
        raise AppProblem(
            f"{FIELD}.clientApp",
            f"not set, and {os.path.join(app_dir, 'pyproject.toml')} has no clientapp in "
            "[tool.flwr.app.components] (set clientApp: module:attribute)",
        )
    return ref


def run_config(config, overrides):
    """Flower's run config: [tool.flwr.app.config], flattened, with spec.flowerApp.runConfig over it."""
    defaults = flatten_dict(flwr_app_table(config).get("config", {}))
    fused = dict(defaults)
    for key, value in (overrides or {}).items():
        if key not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            raise AppProblem(
                f"{FIELD}.runConfig.{key}",
                f"not a key of [tool.flwr.app.config] in pyproject.toml (keys: {known})",
            )
        fused[key] = value
    return fused


def import_ref(app_dir, ref, field):
    """The object ``module:attribute`` names, importing from ``app_dir`` first."""
    module_name, sep, attributes = ref.partition(":")
    if not sep or not module_name or not attributes:
        raise AppProblem(field, f'must be "module:attribute" (e.g. my_app.client_app:app), got "{ref}"')
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    try:
        obj = __import__(module_name, fromlist=["_"])
        for name in attributes.split("."):
            obj = getattr(obj, name)
        return obj
    except AttributeError as e:
        raise AppProblem(field, f"cannot load {ref}: {e}") from None
    except BaseException as e:  # the app's own import-time code may raise anything
        # Where in the app it failed, if in the app's own code.
        frames = [f for f in traceback.extract_tb(e.__traceback__)
                  if os.path.abspath(f.filename).startswith(app_dir + os.sep)]
        where = (f" ({os.path.relpath(frames[-1].filename, app_dir)}:{frames[-1].lineno})"
                 if frames else "")
        raise AppProblem(
            field, f"cannot import {ref}: {type(e).__name__}: {e}{where}"
        ) from None


def load(app_dir, ref, overrides, initial_arrays_ref):
    """Imports the app once; raises AppProblem for what spec.flowerApp gets wrong."""
    app_dir = os.path.abspath(app_dir)
    config = pyproject(app_dir)
    ref = client_app_ref(app_dir, config, ref)
    fused = run_config(config, overrides)
    app = import_ref(app_dir, ref, f"{FIELD}.clientApp")
    if not isinstance(app, ClientApp):
        raise AppProblem(
            f"{FIELD}.clientApp",
            f"{ref} is a {type(app).__name__}, not a flwr.clientapp.ClientApp",
        )
    # flwr 1.42: a ClientApp made from a client_fn routes every message through it (_call); one of
    # the Message API has registered functions instead.
    kind = LEGACY if getattr(app, "_call", None) is not None else MESSAGE
    initial = None
    if initial_arrays_ref:
        initial = import_ref(app_dir, initial_arrays_ref, f"{FIELD}.initialArrays")
        if not callable(initial):
            raise AppProblem(f"{FIELD}.initialArrays", f"{initial_arrays_ref} is not callable")
    elif kind == MESSAGE:
        raise AppProblem(
            f"{FIELD}.initialArrays",
            f"required for {ref}, a ClientApp of the Message API: its ServerApp makes the "
            "initial arrays, and flowersim's server does not run it; name what makes them, "
            "e.g. my_app.task:Net (a torch Module, an ArrayRecord or a list of NumPy arrays)",
        )
    return LoadedApp(app, kind, ref, fused, initial)


def load_evaluate_fn(app_dir, ref):
    """The callable spec.flowerApp.evaluateFn names (Flower's evaluate_fn); raises AppProblem."""
    app_dir = os.path.abspath(app_dir)
    field = f"{FIELD}.evaluateFn"
    evaluate_fn = import_ref(app_dir, ref, field)
    if not callable(evaluate_fn):
        raise AppProblem(
            field,
            f"{ref} is not callable (Flower's evaluate_fn: (server_round: int, arrays: "
            "ArrayRecord) -> MetricRecord)",
        )
    return evaluate_fn
