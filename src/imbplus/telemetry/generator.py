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


def day_events(
    fleet: Fleet, day: date, rng: np.random.Generator, not_after_ms: int | None = None
) -> pa.Table:
    """One day of activity for the whole fleet, as a table in the store's schema."""
    n = len(fleet)
    weekend = day.weekday() >= 5
    sessions = rng.poisson(2.0 if weekend else 1.6, n) * (rng.random(n) > 0.08)
    dev = np.repeat(np.arange(n), sessions)
    s = len(dev)
    hour = rng.choice(24, size=s, p=HOUR_WEIGHT / HOUR_WEIGHT.sum())
    start = np.minimum(hour * 3600 + rng.random(s) * 3600, 86_000.0)
    length = np.clip(rng.lognormal(np.log(70 * 60), 0.8, s), 300, 6 * 3600)
    end = np.minimum(start + length, 86_399.0)
    length = end - start
    vod = rng.random(s) < 0.18

    parts: list[tuple[np.ndarray, np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(
        sess: np.ndarray,
        at: np.ndarray,
        kind: int,
        channel: np.ndarray | None = None,
        content: np.ndarray | None = None,
        duration: np.ndarray | None = None,
    ) -> None:
        k = len(sess)
        parts.append(
            (
                sess,
                at,
                kind,
                channel if channel is not None else np.full(k, -1),
                content if content is not None else np.full(k, -1),
                duration if duration is not None else np.full(k, -1),
            )
        )

    idx = np.arange(s)
    add(idx, start, 0)  # power_on
    add(idx, end, 1)  # power_off
    beats = (length // HEARTBEAT_S).astype(np.int64)
    hb_sess = np.repeat(idx, beats)
    hb_k = np.arange(len(hb_sess)) - np.repeat(np.cumsum(beats) - beats, beats) + 1
    add(hb_sess, start[hb_sess] + hb_k * HEARTBEAT_S, 2)  # heartbeat
    # live TV: a zapping burst, then a few longer stays
    live = idx[~vod]
    zaps = rng.geometric(0.3, len(live))
    z_sess = np.repeat(live, zaps)
    z_k = np.arange(len(z_sess)) - np.repeat(np.cumsum(zaps) - zaps, zaps)
    gap = rng.integers(3, 20, len(z_sess))
    channel_p = zipf_weights(len(CHANNELS))
    add(
        z_sess,
        start[z_sess] + 2 + z_k * 12,
        3,
        rng.choice(len(CHANNELS), len(z_sess), p=channel_p),
        duration=gap,
    )
    stays = 1 + rng.poisson(length[live] / 1800)
    st_sess = np.repeat(live, stays)
    st_at = start[st_sess] + rng.random(len(st_sess)) * length[st_sess]
    st_len = (length[st_sess] / np.repeat(stays, stays)).astype(np.int64)
    add(st_sess, st_at, 3, rng.choice(len(CHANNELS), len(st_sess), p=channel_p), duration=st_len)
    # VOD sessions: one or two titles
    vods = idx[vod]
    titles = 1 + (rng.random(len(vods)) < 0.3)
    v_sess = np.repeat(vods, titles)
    add(
        v_sess,
        start[v_sess] + 30 + rng.random(len(v_sess)) * 600,
        4,
        content=rng.choice(VOD_TITLES, len(v_sess), p=zipf_weights(VOD_TITLES, 0.9)),
        duration=np.minimum(length[v_sess], rng.integers(1200, 7200, len(v_sess))).astype(np.int64),
    )
    # errors, concentrated on some firmware versions
    rate = np.array([ERROR_RATE.get(f, BASE_ERROR_RATE) for f in fleet.firmware])
    per_session = beats + zaps_per_session(s, live, zaps) + 2
    errs = rng.poisson(rate[dev] * per_session)
    e_sess = np.repeat(idx, errs)
    add(e_sess, start[e_sess] + rng.random(len(e_sess)) * length[e_sess], 5)

    sess = np.concatenate([p[0] for p in parts])
    at = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int8) for p in parts])
    channel = np.concatenate([p[3] for p in parts])
    content = np.concatenate([p[4] for p in parts])
    duration = np.concatenate([p[5] for p in parts])
    box = dev[sess]
    ts = _utc_ms(day, at)
    # sorted by box, then time: a box's constant columns compress to runs and per-box
    # aggregates (health, regions) read far less
    order = np.lexsort((ts, fleet.pseudonym[box]))
    if not_after_ms is not None:
        order = order[ts[order] <= not_after_ms]
    return _table(
        fleet,
        ts[order],
        box[order],
        kind[order],
        channel[order],
        content[order],
        duration[order],
        len(e_sess),
        rng,
    )


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
