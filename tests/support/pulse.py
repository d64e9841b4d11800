"""A private PulseAudio daemon for tests: null sinks stand in for the softphone and headset.

Its sinks outlive the test that made them: give each test its own sink names."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Pulse:
    env: dict[str, str]

    def pactl(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10, check=check
        )
        return done.stdout.strip()

    def add_sink(self, name: str) -> str:
        return self.pactl("load-module", "module-null-sink", f"sink_name={name}")

    def add_microphone(self, name: str, sink: str) -> str:
        """A non-loopback source that hears what is played into ``sink`` (a stand-in headset)."""
        return self.pactl(
            "load-module", "module-remap-source", f"master={sink}.monitor", f"source_name={name}"
        )

    def play(self, sink: str, wav: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(["paplay", f"--device={sink}", str(wav)], env=self.env)


# One daemon for the whole session: soundcard binds to the first PulseAudio server a process
# uses and aborts the process once that server is gone, so the server must outlive every test.
@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pulse]:
    daemon = shutil.which("pulseaudio")
    assert daemon and shutil.which("paplay"), (
        "PulseAudio is needed for capture tests (Debian: pulseaudio pulseaudio-utils; "
        ".ci/run installs them)"
    )
    runtime = tmp_path_factory.mktemp("pulse")
    socket = runtime / "native"
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime), "PULSE_SERVER": f"unix:{socket}"}
    process = subprocess.Popen(
        [
            daemon,
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert socket.exists(), "PulseAudio did not start"
    saved = {k: os.environ.get(k) for k in ("PULSE_RUNTIME_PATH", "PULSE_SERVER")}
    os.environ.update({k: env[k] for k in saved})
    try:
        yield Pulse(env)
    finally:
        process.terminate()
        process.wait(10)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
