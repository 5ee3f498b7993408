"""Common random numbers: uniforms addressed by (key, stream, counter), not by call order.

A vehicle's draws for one purpose (a component's lives, its notice delays, its comebacks...) are
a pure function of the vehicle's key, the purpose and how many times that purpose has come up for
that vehicle. So raising one component's hazard cannot shift the draws of any other component or
vehicle, which is what makes "what if" runs comparable. The vehicle key itself comes from a
``world.seeding.Seeds`` stream; this module only mixes it (the SplitMix64 finaliser, a standard
counter-based generator), at about a microsecond per draw and no stored state.

A purpose (stream) is addressed by a stable name, e.g. ``stream("component", "battery", "life")``
or ``stream("visit", "shop_choice")``, hashed with blake2b (never the salted built-in ``hash``):
adding a catalog entry adds names and leaves every other entity's draws unchanged. The n-th
occurrence of the purpose is the counter. Names are hashed once, when a model is built, never
per draw.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

_MASK = (1 << 64) - 1
_STREAM_STEP = 0x9E3779B97F4A7C15
_COUNTER_STEP = 0xD1B54A32D192ED03
_UNIT = 2.0**-53


def stream(*name: str | int) -> int:
    """The 64-bit address of the stream with this name (a path of strings and integers)."""
    encoded = json.dumps(name, separators=(",", ":")).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(encoded, digest_size=8).digest(), "big")


def uniform(key: int, stream: int, counter: int = 0) -> float:
    """A uniform in (0, 1), fixed by (key, stream, counter)."""
    # Both finaliser rounds inlined: a few hundred thousand calls per simulated year of a region.
    z = (key + stream) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 31)) + counter * _COUNTER_STEP) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return (((z ^ (z >> 31)) >> 11) + 0.5) * _UNIT


def decision(key: int, stream: int, counter: int) -> int:
    """The address of one decision's sub-draws for (key, stream, counter): ``sub_uniform(address,
    i)`` is ``uniforms(key, stream, counter, count)[i]``, so a decision draws only the sub-draws
    its branches read."""
    # the finaliser inlined throughout: this is the hottest path of the world
    z = (key + stream) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 31)) + counter * _COUNTER_STEP) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def sub_uniform(address: int, index: int) -> float:
    """Sub-draw ``index`` (from 0) of the decision at ``address`` (``decision``): a uniform in (0, 1)."""
    z = (address + index * _STREAM_STEP) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return (((z ^ (z >> 31)) >> 11) + 0.5) * _UNIT


def uniforms(key: int, stream: int, counter: int, count: int) -> list[float]:
    """``count`` independent uniforms for one (key, stream, counter): sub-draws of one decision."""
    address = decision(key, stream, counter)
    return [sub_uniform(address, index) for index in range(count)]


_U64 = np.uint64
_MIX_A, _MIX_B = _U64(0xBF58476D1CE4E5B9), _U64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = _U64(30), _U64(27), _U64(31), _U64(11)


def _mix_array(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> _S30)) * _MIX_A  # uint64 arrays wrap modulo 2**64, like the masked ints above
    z = (z ^ (z >> _S27)) * _MIX_B
    return z ^ (z >> _S31)


def uniforms_array(
    key: int | np.ndarray, streams: np.ndarray, counters: np.ndarray, count: int
) -> list[np.ndarray]:
    """``uniforms`` for many (key, stream, counter) addresses at once (one key, or a uint64 array
    of keys): ``count`` arrays holding the values the scalar function gives."""
    addresses = _mix_array(_mix_array(_U64(key) + streams) + counters * _U64(_COUNTER_STEP))
    # All sub-draws in one pass along a new first axis: numpy's cost here is per call, not per
    # element, and a vehicle entering the world alone draws a few dozen values.
    offsets = (np.arange(count, dtype=np.uint64) * _U64(_STREAM_STEP)).reshape(
        (count,) + (1,) * addresses.ndim
    )
    return list(((_mix_array(addresses + offsets) >> _S11) + 0.5) * _UNIT)


def uniform_array(key: int | np.ndarray, streams: np.ndarray, counters: np.ndarray) -> np.ndarray:
    """``uniform`` for many (key, stream, counter) addresses at once (one key or an array of keys)."""
    z = _mix_array(_mix_array(_U64(key) + streams) + counters * _U64(_COUNTER_STEP))
    return ((z >> _S11) + 0.5) * _UNIT
