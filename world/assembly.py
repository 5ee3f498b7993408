"""Turning planned work into the immutable records of ``world.visit``: labor lines, jobs, visits.

Everything of a labor line but its technician (the operation as done on the build, its parts, the
book hours for customer and warranty pay) is built once per operation and the build's facts it
depends on (``Fitter.facts``), shared by every build with those facts; a labor line only adds the
technician. A job's work per (operations, pay type, fitment) — its
lines and their book hours by role — is put together once and kept: planning times the visit by
it and the workshop writes the same lines up, so neither looks an operation up again.
"""

from __future__ import annotations

from world.fitment import Fitter
from world.visit import Job, LaborOp, PartUse

# operation id, code, text, hours, parts, hazmat, and who does it: "lube", "diagnosis" or "line"
Line = tuple[str, str, str, int, tuple[PartUse, ...], bool, str]
# book hours (tenths) by who does them: lube, diagnosis, line; and the job's lines
Work = tuple[int, int, int, tuple[Line, ...]]
ROLES = ("lube", "diagnosis", "line")


class JobAssembler:
    __slots__ = ("fitter", "_lube_ops", "_lines", "_work", "_distinct_work")

    def __init__(self, fitter: Fitter, lube_ops: frozenset[str]) -> None:
        """``lube_ops``: the express work a lube technician does (bundles.yaml)."""
        self.fitter = fitter
        self._lube_ops = lube_ops
        self._work: dict[tuple[tuple[str, ...], bool, int], Work] = {}
        # the ids of a work's lines (kept alive by ``_lines``) -> that work, shared by every key
        self._distinct_work: dict[tuple[int, ...], Work] = {}
        # (operation id, the build's facts it depends on) -> its (customer, warranty) lines
        self._lines: dict[tuple[str, tuple[str, ...]], tuple[Line, Line]] = {}

    def _line(self, op_id: str, fitment: int, warranty: bool) -> Line:
        fitter = self.fitter
        facts = fitter.facts(op_id, fitment)
        lines = self._lines.get((op_id, facts))
        if lines is None:
            op = fitter.operation(op_id, fitment)
            customer, warranty_hours = fitter.hours(op, fitment)
            parts = fitter.parts(op, fitment)
            if op.operation_id in self._lube_ops:
                role = "lube"
            else:
                role = "diagnosis" if op.category == "diagnosis" else "line"
            lines = tuple(
                (op.operation_id, op.op_code, op.description, hours, parts, op.hazmat, role)
                for hours in (customer, warranty_hours)
            )
            self._lines[op_id, facts] = lines
        return lines[warranty]

    def work(self, op_ids: tuple[str, ...], pay_type: str, fitment: int) -> Work:
        """A job's lines for a pay type on a build and their book hours (tenths) by who does them."""
        warranty = pay_type == "warranty"
        work = self._work.get((op_ids, warranty, fitment))
        if work is None:
            lines = tuple(self._line(op_id, fitment, warranty) for op_id in op_ids)
            # Builds with the same facts get the very same lines (``_line``), so the few hundred
            # distinct works serve the thousands of (operations, pay type, build) keys.
            same_lines = tuple(map(id, lines))
            work = self._distinct_work.get(same_lines)
            if work is None:
                by_role = dict.fromkeys(ROLES, 0)
                for line in lines:
                    by_role[line[6]] += line[3]
                work = (by_role["lube"], by_role["diagnosis"], by_role["line"], lines)
                self._distinct_work[same_lines] = work
            self._work[op_ids, warranty, fitment] = work
        return work


def job(
    pay_type: str,
    kind: str,
    concern: str,
    symptom: str | None,
    lines: tuple[Line, ...],
    technicians: dict[str, str],
    campaign: str | None = None,
) -> Job:
    """``lines``: the job's work (``JobAssembler.work``); ``technicians``: who did each role's work
    on this visit (every role named)."""
    return Job(
        pay_type,
        kind,
        concern,
        symptom,
        tuple(
            [
                LaborOp(operation_id, op_code, description, hours, technicians[role], parts, hazmat)
                for operation_id, op_code, description, hours, parts, hazmat, role in lines
            ]
        ),
        campaign,
    )
