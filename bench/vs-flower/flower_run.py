"""flower_run.py WORKDIR KEY=VALUE...: runs one workload of the Flower app (flowerapp/fsbench) the
way Flower recommends for simulations: `flwr run APP local --stream` against a local SuperLink in
simulation mode (Ray backend). The app dir (pyproject.toml + package) and FLWR_HOME are generated
under WORKDIR. The SuperLink is started here (same command line that `flwr run` would use for its
managed local SuperLink) so that it and the simulation it spawns stay in this process tree and
are measured, and stopped, with it.

Workload pytorch-app (e) runs examples/flower-pytorch-fmnist's ClientApp unchanged, with
flowerapp/app_server.py as its ServerApp and the example's run config under the keys given here.

Keys: workload (noop|mlp|cnn|pytorch-app), clients, per-round, rounds, floats, export-dir, lr, batch-size,
local-epochs, seed, result-file, cpus (Ray's CPUs), client-cpus (per client)."""
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PORT_HTTP, PORT_CONTROL = "39091", "39093"


def toml_value(v):
    try:
        int(v)
        return v
    except ValueError:
        try:
            float(v)
            return v
        except ValueError:
            return '"' + v + '"'


PYPROJECT = """[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "1.0.0"
dependencies = ["flwr[simulation]"]

[tool.hatch.build.targets.wheel]
packages = ["."]

[tool.flwr.app]
publisher = "flowersim"

[tool.flwr.app.components]
serverapp = "{serverapp}"
clientapp = "{clientapp}"

[tool.flwr.app.config]
{run_config}
"""
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "flower-pytorch-fmnist")


def make_example_app(app, cfg):
    """(e): the example's package as it is, plus the bench's ServerApp; the example's run config
    with this run's keys over it."""
    shutil.copytree(os.path.join(EXAMPLE, "flower_pytorch_fmnist"),
                    os.path.join(app, "flower_pytorch_fmnist"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(HERE, "flowerapp", "app_server.py"),
                os.path.join(app, "flower_pytorch_fmnist", "bench_server.py"))
    with open(os.path.join(EXAMPLE, "pyproject.toml"), "rb") as f:
        merged = {k: str(v) for k, v in tomllib.load(f)["tool"]["flwr"]["app"]["config"].items()}
    merged.update((k, v) for k, v in cfg.items() if k not in ("cpus", "client-cpus"))
    with open(os.path.join(app, "pyproject.toml"), "w") as f:
        f.write(PYPROJECT.format(
            name="flower-pytorch-fmnist", serverapp="flower_pytorch_fmnist.bench_server:app",
            clientapp="flower_pytorch_fmnist.client_app:app",
            run_config="\n".join(f"{k} = {toml_value(v)}" for k, v in merged.items())))
    return app


def make_app(workdir, cfg):
    app = os.path.join(workdir, "app")
    shutil.rmtree(app, ignore_errors=True)
    if cfg["workload"] == "pytorch-app":
        return make_example_app(app, cfg)
    shutil.copytree(os.path.join(HERE, "flowerapp", "fsbench"), os.path.join(app, "fsbench"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(HERE, "fmnist.py"), os.path.join(app, "fsbench", "fmnist.py"))
    run_config = "\n".join(f"{k} = {toml_value(v)}" for k, v in cfg.items()
                           if k not in ("cpus", "client-cpus"))
    with open(os.path.join(app, "pyproject.toml"), "w") as f:
        f.write(PYPROJECT.format(name="fsbench", serverapp="fsbench.server_app:app",
                                 clientapp="fsbench.client_app:app", run_config=run_config))
    return app


def healthy():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT_HTTP}/health", timeout=0.5) as r:
            return r.status == 200
    except OSError:
        return False


def main():
    workdir = os.path.abspath(sys.argv[1])
    cfg = dict(a.split("=", 1) for a in sys.argv[2:])
    os.makedirs(workdir, exist_ok=True)
    app = make_app(workdir, cfg)
    home = os.path.join(workdir, "flwr-home")
    shutil.rmtree(home, ignore_errors=True)
    bindir = os.path.dirname(sys.executable)
    # the SuperLink starts flower-superexec and flwr-simulation by name
    env = dict(os.environ, FLWR_HOME=home, FLWR_DISABLE_UPDATE_CHECK="1",
               FLWR_TELEMETRY_ENABLED="0", PATH=bindir + os.pathsep + os.environ["PATH"])
    if healthy():
        sys.exit(f"flower_run: a SuperLink already listens on 127.0.0.1:{PORT_HTTP}; stop it first")
    os.makedirs(os.path.join(home, "local-superlink"), exist_ok=True)
    superlink = subprocess.Popen(
        [os.path.join(bindir, "flower-superlink"), "--insecure", "--simulation",
         "--isolation", "subprocess", "--control-api-address", f"127.0.0.1:{PORT_CONTROL}",
         "--host", "127.0.0.1", "--port", PORT_HTTP,
         "--database", os.path.join(home, "local-superlink", "state.db")],
        env=env, stdout=open(os.path.join(workdir, "superlink.log"), "w"),
        stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not healthy():
            if superlink.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"flower_run: flower-superlink did not start; see {workdir}/superlink.log")
            time.sleep(0.2)
        fed = (f"num-supernodes={cfg['clients']} backend=\"ray\" "
               f"client-resources-num-cpus={cfg.get('client-cpus', '1')} "
               f"client-resources-num-gpus=0.0 init-args-num-cpus={cfg.get('cpus', '2')} "
               f"init-args-num-gpus=0")
        code = subprocess.call([os.path.join(bindir, "flwr"), "run", app, "local", "--stream",
                                "--federation-config", fed], env=env)
        if code != 0:
            sys.exit(f"flower_run: flwr run exited with {code}")
        if not os.path.exists(cfg["result-file"]):
            sys.exit(f"flower_run: the run wrote no {cfg['result-file']}; see {workdir}/superlink.log")
    finally:
        superlink.send_signal(signal.SIGTERM)
        try:
            superlink.wait(20)
        except subprocess.TimeoutExpired:
            superlink.kill()


if __name__ == "__main__":
    main()
