"""Brent's root finder (Brent 1973, ch. 4), step for step as ``scipy.optimize.brentq`` runs it.

The world solves one scrappage date per vehicle and owner (``world.lifespans``); importing
``scipy.optimize`` for that cost every process about a second and 50 MB. This is the same
algorithm in the same floating-point operations, in the same order, so every root it returns is
the float scipy returns (``tests/world/test_roots.py`` compares them), and the datasets' bytes
stay what they were.
"""

from __future__ import annotations

from collections.abc import Callable

RELATIVE_TOLERANCE = 4 * 2.220446049250313e-16  # scipy's default rtol: four machine epsilons
MAX_ITERATIONS = 100  # scipy's default maxiter


def brent_root(f: Callable[[float], float], a: float, b: float, xtol: float) -> float:
    """A root of f in [a, b], within ``xtol + RELATIVE_TOLERANCE * |root|``; f(a) and f(b) must
    not have the same sign."""
    previous, current = a, b
    f_previous, f_current = f(previous), f(current)
    if f_previous * f_current > 0:
        raise ValueError(f"f({a}) and f({b}) have the same sign: no root is bracketed")
    if f_previous == 0:
        return previous
    if f_current == 0:
        return current
    # ``block`` is the other end of the bracket; ``step`` and ``step_before`` the last two steps.
    block = f_block = step_before = step = 0.0
    for _ in range(MAX_ITERATIONS):
        # signs compared, not their product, which underflows to zero for tiny values
        if f_previous != 0 and f_current != 0 and (f_previous < 0) != (f_current < 0):
            block, f_block = previous, f_previous
            step_before = step = current - previous
        if abs(f_block) < abs(f_current):  # keep the better estimate as ``current``
            previous, current, block = current, block, current
            f_previous, f_current, f_block = f_current, f_block, f_current
        delta = (xtol + RELATIVE_TOLERANCE * abs(current)) / 2
        bisection = (block - current) / 2
        if f_current == 0 or abs(bisection) < delta:
            return current
        if abs(step_before) > delta and abs(f_current) < abs(f_previous):
            if previous == block:  # secant
                trial = -f_current * (current - previous) / (f_current - f_previous)
            else:  # inverse quadratic extrapolation
                slope_previous = (f_previous - f_current) / (previous - current)
                slope_block = (f_block - f_current) / (block - current)
                trial = (
                    -f_current
                    * (f_block * slope_block - f_previous * slope_previous)
                    / (slope_block * slope_previous * (f_block - f_previous))
                )
            if 2 * abs(trial) < min(abs(step_before), 3 * abs(bisection) - delta):
                step_before, step = step, trial
            else:
                step_before = step = bisection
        else:
            step_before = step = bisection
        previous, f_previous = current, f_current
        if abs(step) > delta:
            current += step
        else:
            current += delta if bisection > 0 else -delta
        f_current = f(current)
    raise ArithmeticError(f"no root of f in [{a}, {b}] after {MAX_ITERATIONS} steps")
