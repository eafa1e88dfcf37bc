"""Realistic synthetic STB activity, generated a day at a time with numpy (no per-event
Python work): viewing sessions peaking in prime time (local time), channel popularity
following a Zipf law, zapping bursts at the start of a session, heartbeats every 5 minutes,
VOD sessions with Zipf-popular titles, and errors concentrated on a few firmware versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from imbplus.telemetry.store import EVENT_SCHEMA

LOCAL = ZoneInfo("Europe/Warsaw")
CHANNELS = [
    "tvp1",
    "tvp2",
    "polsat",
    "tvn",
    "tvn24",
    "tvp-info",
    "tv4",
    "ttv",
    "polsat-news",
    "tvn7",
    "tv-puls",
    "tvp-sport",
    "polsat-sport",
    "canal-plus",
    "eleven-sports",
    "discovery",
    "national-geographic",
    "animal-planet",
    "hbo",
    "cinemax",
    "ale-kino",
    "tvp-kultura",
    "tvp-historia",
    "cartoon-network",
    "disney-channel",
    "nickelodeon",
    "mtv",
    "eska-tv",
    "polo-tv",
    "tlc",
    "travel-channel",
    "food-network",
    "hgtv",
    "comedy-central",
    "axn",
    "fox",
    "tvp-abc",
    "minimini",
    "teletoon",
    "tvn-style",
    "tvn-turbo",
    "polsat-cafe",
    "polsat-play",
    "stopklatka",
    "kino-polska",
    "tvp-seriale",
] + [f"ch-{i:03d}" for i in range(47, 121)]
FIRMWARE = {  # model -> versions, share of the fleet per version
    "IMB-HD-200": (["3.9.6", "3.9.7", "3.9.8"], [0.2, 0.5, 0.3]),
    "IMB-4K-100": (["4.2.1", "4.2.3", "4.3.0"], [0.3, 0.4, 0.3]),
    "IMB-4K-300": (["5.0.1", "5.0.2-rc1"], [0.85, 0.15]),
}
MODEL_SHARE = {"IMB-HD-200": 0.35, "IMB-4K-100": 0.45, "IMB-4K-300": 0.20}
ERROR_RATE = {"3.9.7": 0.04, "5.0.2-rc1": 0.08}  # per event; others get the base rate
BASE_ERROR_RATE = 0.002
ERROR_CODES = np.array(["E1001", "E1002", "E2010", "E3100", "E4040", "E5001"])
REGIONS = np.array(
    [
        "Warszawa",
        "Olsztyn-Białystok",
        "Lublin",
        "Kraków-Rzeszów",
        "Katowice-Opole",
        "Wrocław",
        "Poznań",
        "Szczecin",
        "Gdańsk-Bydgoszcz",
        "Łódź",
    ]
)
REGION_SHARE = np.array([0.16, 0.08, 0.07, 0.13, 0.14, 0.10, 0.10, 0.06, 0.09, 0.07])
VOD_TITLES = 2000
# Local hour of the day a viewing session starts: morning bump, prime time 19-22.
HOUR_WEIGHT = np.array(
    [
        0.3,
        0.15,
        0.1,
        0.05,
        0.05,
        0.1,
        0.6,
        1.2,
        1.0,
        0.7,
        0.6,
        0.6,
        0.8,
        0.9,
        0.9,
        1.0,
        1.3,
        1.8,
        2.6,
        3.8,
        4.6,
        4.2,
        2.6,
        1.0,
    ]
)
HEARTBEAT_S = 300


def zipf_weights(n: int, s: float = 1.1) -> np.ndarray:
    w: np.ndarray = 1.0 / np.arange(1, n + 1) ** s
    return w / float(w.sum())


@dataclass
class Fleet:
    pseudonym: np.ndarray  # int64
    model: np.ndarray  # str
    firmware: np.ndarray  # str
    region: np.ndarray  # str (object)

    def __len__(self) -> int:
        return len(self.pseudonym)


def synthetic_fleet(n: int, rng: np.random.Generator) -> Fleet:
    """Boxes that exist only in the generated data (benchmarks)."""
    models = np.array(list(MODEL_SHARE))
    model = rng.choice(models, size=n, p=list(MODEL_SHARE.values()))
    firmware = np.empty(n, dtype=object)
    for name, (versions, share) in FIRMWARE.items():
        mask = model == name
        firmware[mask] = rng.choice(versions, size=int(mask.sum()), p=share)
    region = rng.choice(REGIONS, size=n, p=REGION_SHARE)
    pseudonym = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64)
    return Fleet(pseudonym, model.astype(object), firmware, region.astype(object))


def pick_firmware(model: str, rng: np.random.Generator) -> str:
    versions, share = FIRMWARE[model]
    return str(rng.choice(versions, p=share))


def _utc_ms(day: date, local_seconds: np.ndarray) -> np.ndarray:
    midnight_ms = int(datetime.combine(day, time(0), tzinfo=LOCAL).timestamp() * 1000)
    return midnight_ms + (local_seconds * 1000).astype(np.int64)


class _Parts:
    """Events of a day by kind, gathered before they are put in time order."""

    def __init__(self) -> None:
        self.rows: list[tuple[np.ndarray, np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]]
        self.rows = []

    def add(
        self,
        sess: np.ndarray,
        at: np.ndarray,
        kind: int,
        channel: np.ndarray | None = None,
        content: np.ndarray | None = None,
        duration: np.ndarray | None = None,
    ) -> None:
        k = len(sess)
        none = np.full(k, -1)
        self.rows.append(
            (
                sess,
                at,
                kind,
                channel if channel is not None else none,
                content if content is not None else none,
                duration if duration is not None else none,
            )
        )

    def column(self, i: int) -> np.ndarray:
        return np.concatenate([p[i] for p in self.rows])

    def kinds(self) -> np.ndarray:
        return np.concatenate([np.full(len(p[0]), p[2], dtype=np.int8) for p in self.rows])


@dataclass(frozen=True)
class _Sessions:
    """A day's viewing sessions: the box of each, when it starts and ends, VOD or live."""

    dev: np.ndarray
    start: np.ndarray
    end: np.ndarray
    length: np.ndarray
    vod: np.ndarray

    @property
    def idx(self) -> np.ndarray:
        return np.arange(len(self.dev))


def _sessions(n: int, day: date, rng: np.random.Generator) -> _Sessions:
    weekend = day.weekday() >= 5
    sessions = rng.poisson(2.0 if weekend else 1.6, n) * (rng.random(n) > 0.08)
    dev = np.repeat(np.arange(n), sessions)
    s = len(dev)
    hour = rng.choice(24, size=s, p=HOUR_WEIGHT / HOUR_WEIGHT.sum())
    start = np.minimum(hour * 3600 + rng.random(s) * 3600, 86_000.0)
    length = np.clip(rng.lognormal(np.log(70 * 60), 0.8, s), 300, 6 * 3600)
    end = np.minimum(start + length, 86_399.0)
    return _Sessions(dev, start, end, end - start, rng.random(s) < 0.18)


def _power_and_heartbeats(parts: _Parts, ss: _Sessions) -> np.ndarray:
    """Power on, power off and the heartbeats between; the heartbeats per session."""
    idx = ss.idx
    parts.add(idx, ss.start, 0)  # power_on
    parts.add(idx, ss.end, 1)  # power_off
    beats = (ss.length // HEARTBEAT_S).astype(np.int64)
    hb_sess = np.repeat(idx, beats)
    hb_k = np.arange(len(hb_sess)) - np.repeat(np.cumsum(beats) - beats, beats) + 1
    parts.add(hb_sess, ss.start[hb_sess] + hb_k * HEARTBEAT_S, 2)  # heartbeat
    return beats


def _live_tv(
    parts: _Parts, ss: _Sessions, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Live TV: a zapping burst, then a few longer stays; the live sessions and their zaps."""
    live = ss.idx[~ss.vod]
    zaps = rng.geometric(0.3, len(live))
    z_sess = np.repeat(live, zaps)
    z_k = np.arange(len(z_sess)) - np.repeat(np.cumsum(zaps) - zaps, zaps)
    gap = rng.integers(3, 20, len(z_sess))
    channel_p = zipf_weights(len(CHANNELS))
    zapped = rng.choice(len(CHANNELS), len(z_sess), p=channel_p)
    parts.add(z_sess, ss.start[z_sess] + 2 + z_k * 12, 3, zapped, duration=gap)
    stays = 1 + rng.poisson(ss.length[live] / 1800)
    st_sess = np.repeat(live, stays)
    st_at = ss.start[st_sess] + rng.random(len(st_sess)) * ss.length[st_sess]
    st_len = (ss.length[st_sess] / np.repeat(stays, stays)).astype(np.int64)
    stayed = rng.choice(len(CHANNELS), len(st_sess), p=channel_p)
    parts.add(st_sess, st_at, 3, stayed, duration=st_len)
    return live, zaps


def _vod(parts: _Parts, ss: _Sessions, rng: np.random.Generator) -> None:
    """VOD sessions: one or two titles."""
    vods = ss.idx[ss.vod]
    titles = 1 + (rng.random(len(vods)) < 0.3)
    v_sess = np.repeat(vods, titles)
    at = ss.start[v_sess] + 30 + rng.random(len(v_sess)) * 600
    content = rng.choice(VOD_TITLES, len(v_sess), p=zipf_weights(VOD_TITLES, 0.9))
    watched = np.minimum(ss.length[v_sess], rng.integers(1200, 7200, len(v_sess)))
    parts.add(v_sess, at, 4, content=content, duration=watched.astype(np.int64))


def day_events(
    fleet: Fleet, day: date, rng: np.random.Generator, not_after_ms: int | None = None
) -> pa.Table:
    """One day of activity for the whole fleet, as a table in the store's schema."""
    ss = _sessions(len(fleet), day, rng)
    parts = _Parts()
    beats = _power_and_heartbeats(parts, ss)
    live, zaps = _live_tv(parts, ss, rng)
    _vod(parts, ss, rng)
    # errors, concentrated on some firmware versions
    rate = np.array([ERROR_RATE.get(f, BASE_ERROR_RATE) for f in fleet.firmware])
    per_session = beats + zaps_per_session(len(ss.dev), live, zaps) + 2
    errs = rng.poisson(rate[ss.dev] * per_session)
    e_sess = np.repeat(ss.idx, errs)
    parts.add(e_sess, ss.start[e_sess] + rng.random(len(e_sess)) * ss.length[e_sess], 5)

    box = ss.dev[parts.column(0)]
    ts = _utc_ms(day, parts.column(1))
    # sorted by box, then time: a box's constant columns compress to runs and per-box
    # aggregates (health, regions) read far less
    order = np.lexsort((ts, fleet.pseudonym[box]))
    if not_after_ms is not None:
        order = order[ts[order] <= not_after_ms]
    columns = (parts.kinds(), parts.column(3), parts.column(4), parts.column(5))
    kind, channel, content, duration = (c[order] for c in columns)
    return _table(fleet, ts[order], box[order], kind, channel, content, duration, len(e_sess), rng)


def zaps_per_session(s: int, live: np.ndarray, zaps: np.ndarray) -> np.ndarray:
    out = np.zeros(s, dtype=np.int64)
    out[live] = zaps
    return out


_TYPES = pa.array(["power_on", "power_off", "heartbeat", "channel_play", "vod_play", "error"])


def _table(
    fleet: Fleet,
    ts: np.ndarray,
    box: np.ndarray,
    kind: np.ndarray,
    channel: np.ndarray,
    content: np.ndarray,
    duration: np.ndarray,
    _errors: int,
    rng: np.random.Generator,
) -> pa.Table:
    n = len(ts)

    def dict_col(indices: np.ndarray, values: pa.Array) -> pa.Array:
        mask = indices < 0
        arr = pa.DictionaryArray.from_arrays(
            pa.array(np.where(mask, 0, indices).astype(np.int32), mask=mask), values
        )
        return arr.cast(pa.string())

    channels = pa.array(CHANNELS)
    titles = pa.array([f"vod-{i:05d}" for i in range(VOD_TITLES)])
    err_idx = np.where(kind == 5, rng.choice(len(ERROR_CODES), n, p=zipf_weights(6, 1.3)), -1)
    models, model_idx = np.unique(fleet.model.astype(str), return_inverse=True)
    firmwares, fw_idx = np.unique(fleet.firmware.astype(str), return_inverse=True)
    regions, region_idx = np.unique(fleet.region.astype(str), return_inverse=True)
    return pa.Table.from_arrays(
        [
            pa.array(ts, type=pa.timestamp("ms")),
            pa.array(fleet.pseudonym[box]),
            dict_col(kind.astype(np.int32), _TYPES),
            dict_col(channel, channels),
            dict_col(content, titles),
            pa.array(duration.astype(np.int32), mask=duration < 0),
            dict_col(err_idx, pa.array(ERROR_CODES)),
            dict_col(fw_idx[box], pa.array(firmwares)),
            dict_col(model_idx[box], pa.array(models)),
            dict_col(region_idx[box], pa.array(regions)),
        ],
        schema=EVENT_SCHEMA,
    )
