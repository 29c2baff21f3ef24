"""Builds the ``partnerd`` wheel from the already-built binary (dist/build-binary.sh), with the
standard library alone: no second compile (maturin's ``bin`` bindings would run cargo again)
and no build backend to install. See docs/decisions.md.

    python3 dist/python/build_wheel.py --binary target/dist/partnerd --out target/wheels

The wheel holds the binary as a script (pip puts it on PATH, executable), the ``partnerd``
Python package with its pytest plugin, and the metadata. Prints the wheel's path.
"""

import argparse
import base64
import hashlib
import io
import os
import re
import stat
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The binary links glibc statically: it needs no libraries, so any x86_64 Linux will do.
TAGS = ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "musllinux_1_1_x86_64"]
# Fixed times and modes: the same binary gives the same wheel, byte for byte.
EPOCH = (2020, 1, 1, 0, 0, 0)


def version():
    """The workspace's version, from the root Cargo.toml."""
    with open(os.path.join(ROOT, "Cargo.toml")) as f:
        text = f.read()
    section = text.split("[workspace.package]", 1)[1]
    return re.search(r'^version\s*=\s*"([^"]+)"', section, re.M).group(1)


def metadata(ver):
    with open(os.path.join(HERE, "README.md")) as f:
        readme = f.read()
    head = [
        "Metadata-Version: 2.1",
        "Name: partnerd",
        f"Version: {ver}",
        "Summary: A self-hostable Partner Center Customers API, with a pytest plugin that starts it",
        "License: MIT",
        "Requires-Python: >=3.8",
        "Classifier: Framework :: Pytest",
        "Classifier: Operating System :: POSIX :: Linux",
        "Description-Content-Type: text/markdown",
    ]
    return "\n".join(head) + "\n\n" + readme


def build(binary, out):
    ver = version()
    dist_info = f"partnerd-{ver}.dist-info"
    files = []  # (name in the wheel, bytes, executable)
    for name in sorted(os.listdir(os.path.join(HERE, "partnerd"))):
        if name.endswith(".py"):
            with open(os.path.join(HERE, "partnerd", name), "rb") as f:
                files.append((f"partnerd/{name}", f.read(), False))
    with open(binary, "rb") as f:
        files.append((f"partnerd-{ver}.data/scripts/partnerd", f.read(), True))
    wheel = "Wheel-Version: 1.0\nGenerator: partnerd build_wheel.py\nRoot-Is-Purelib: false\n"
    wheel += "".join(f"Tag: py3-none-{tag}\n" for tag in TAGS)
    files.append((f"{dist_info}/WHEEL", wheel.encode(), False))
    files.append((f"{dist_info}/METADATA", metadata(ver).encode(), False))
    entry_points = "[pytest11]\npartnerd = partnerd.pytest_plugin\n"
    files.append((f"{dist_info}/entry_points.txt", entry_points.encode(), False))
    record = "".join(f"{name},sha256={digest(data)},{len(data)}\n" for name, data, _ in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode(), False))

    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"partnerd-{ver}-py3-none-{'.'.join(TAGS)}.whl")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, executable in files:
            info = zipfile.ZipInfo(name, EPOCH)
            mode = 0o755 if executable else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    return path


def digest(data):
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the static release binary")
    parser.add_argument("--out", required=True, help="the directory to write the wheel to")
    args = parser.parse_args()
    print(build(args.binary, args.out))
