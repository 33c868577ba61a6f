"""What the Python benchmark scripts share: dropping the page cache, resident memory, the machine, and the
median / min / max report they print and write as JSON."""
import json
import os
import platform
import statistics


def drop_caches():
    """Drops the (guest's) page cache for a cold measurement; False when not allowed (not root)."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def rss_mb():
    """This process's resident memory, MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def machine():
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "load": os.getloadavg()}


def summary(results):
    """{name: {median, min, max, runs}} for every measurement list that has values."""
    return {key: {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}
            for key, values in results.items() if values}


def print_run(run, results, unit=""):
    print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.1f}{unit}" for k, v in results.items() if v), flush=True)


def finish(report, out):
    """Prints the report and writes it to `out` (a JSON path) when given."""
    print(json.dumps(report, indent=2))
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as f:
            json.dump(report, f, indent=2)
