"""Opens damaged session files one after another in one pvpython process, as a user would, and reports
each outcome as one JSON line. Run by test_damaged_files.py, which restarts it after a crash or a hang
and blames the file it was on.

    pvpython damage_worker.py LIST_FILE FIRST_INDEX
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Python"))
from paraview import simple  # noqa: E402

from neuroplayback import SessionError  # noqa: E402
from neuroplayback.paraview import open_session, overlay_problems, session_info, show_session  # noqa: E402


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def try_file(path, view):
    before = digest(path)
    result = {"path": path}
    reader = None
    try:
        reader = open_session(path)
        first, last = session_info(reader)["time_range"]
        show_session(reader, view, time_series=False, video=False)
        for t in (first, 0.5 * (first + last), last):
            reader.UpdatePipeline(t)  # every output port
        simple.GetAnimationScene().AnimationTime = last
        simple.Render(view)
        result["outcome"] = "opened"
        result["message"] = "\n".join(overlay_problems(reader)[0])
    except SessionError as error:
        result["outcome"] = "refused"
        result["message"] = str(error)
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        result["outcome"] = "error"
        result["message"] = "%s: %s" % (type(error).__name__, error)
    result["message_is_str"] = isinstance(result["message"], str)
    if not result["message_is_str"]:
        result["message"] = repr(result["message"])
    result["modified"] = digest(path) != before
    for source in list(simple.GetSources().values()):
        simple.Delete(source)
    del reader
    return result


def main():
    with open(sys.argv[1]) as handle:
        paths = [line.rstrip("\n") for line in handle if line.strip()]
    view = simple.CreateRenderView()
    view.ViewSize = [300, 300]
    simple.Render(view)
    print("READY", flush=True)  # the display works: a death from here on is a file's doing
    for index in range(int(sys.argv[2]), len(paths)):
        print("START %d" % index, flush=True)
        print("DONE " + json.dumps(try_file(paths[index], view)), flush=True)


if __name__ == "__main__":
    main()
