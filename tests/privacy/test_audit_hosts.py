"""P11 with several hosts: each host's checkpoint guards what that host appended, and
`audit verify` holds the chain to the other hosts' checkpoints too, so the newest records
are guarded whichever host wrote them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from imbplus.privacy import audit
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.privacy.test_audit import _delete_newest, _fill


@pytest.fixture
def host_b(settings: Settings, rt: Runtime, tmp_path: Path) -> Iterator[Runtime]:
    data_b = tmp_path / "host-b"
    shutil.copytree(settings.data_dir, data_b)  # the same keys, its own checkpoint file
    other = Runtime(Settings(data_dir=data_b, database_url=settings.db_url))
    yield other
    other.dispose()


def _verify(rt: Runtime, *peers: Path) -> audit.VerifyResult:
    checkpoint = audit.Checkpoint(rt.checkpoint.path, rt.checkpoint.key_path, peers)
    with rt.sessions() as s:
        return audit.verify(s, checkpoint)


def test_p11_each_host_checkpoints_what_it_appended(rt: Runtime, host_b: Runtime) -> None:
    _fill(rt, 2)
    _fill(host_b, 3)
    mine, theirs = rt.checkpoint.read()[0], host_b.checkpoint.read()[0]
    assert mine < theirs
    assert _verify(rt).ok and _verify(host_b).ok
    assert _verify(rt, host_b.checkpoint.path).ok and _verify(host_b, rt.checkpoint.path).ok


def test_p11_the_newest_records_another_host_wrote_are_guarded_by_its_checkpoint(
    rt: Runtime, host_b: Runtime
) -> None:
    _fill(rt, 2)
    _fill(host_b, 3)
    _delete_newest(rt, keep=rt.checkpoint.read()[0])  # what host B appended, gone
    assert _verify(rt).ok  # host A's own checkpoint cannot know of them
    result = _verify(rt, host_b.checkpoint.path)
    assert not result.ok
    assert f"newest records deleted: the checkpoint of {host_b.checkpoint.path}" in (
        result.problem or ""
    )
    assert not _verify(host_b).ok


def test_p11_a_missing_or_forged_checkpoint_of_another_host_fails_verify(
    rt: Runtime, host_b: Runtime
) -> None:
    _fill(host_b, 1)
    missing = host_b.checkpoint.path.with_name("elsewhere.head")
    result = _verify(rt, missing)
    assert not result.ok and f"the checkpoint of another host ({missing})" in (result.problem or "")
    host_b.checkpoint.path.write_text(
        host_b.checkpoint.path.read_text().replace('"seq": ', '"seq": 1')
    )
    result = _verify(rt, host_b.checkpoint.path)
    assert not result.ok and "signature does not match" in (result.problem or "")
