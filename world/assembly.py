"""Turning planned work into the immutable records of ``world.visit``: labor lines, jobs, visits.

Per (operation, fitment, warranty or not) everything of a labor line but its technician is built
once, when a build first needs it (the operation as done on that build, its parts, the book hours);
a labor line only adds the technician. Book hours per (operations, pay type, fitment) are summed
once and kept: every planned visit asks for them.
"""

from __future__ import annotations

from world.fitment import Fitter
from world.visit import Job, LaborOp, PartUse

# operation id, code, text, hours, parts, hazmat, and who does it: "lube", "diagnosis" or "line"
Line = tuple[str, str, str, int, tuple[PartUse, ...], bool, str]
ROLES = ("lube", "diagnosis", "line")


class JobAssembler:
    __slots__ = ("fitter", "_lube_ops", "_lines", "_hours")

    def __init__(self, fitter: Fitter, lube_ops: frozenset[str]) -> None:
        """``lube_ops``: the express work a lube technician does (bundles.yaml)."""
        self.fitter = fitter
        self._lube_ops = lube_ops
        self._hours: dict[tuple[tuple[str, ...], bool, int], tuple[int, int, int]] = {}
        self._lines: dict[tuple[str, int, bool], Line] = {}

    def _line(self, op_id: str, fitment: int, warranty: bool) -> Line:
        line = self._lines.get((op_id, fitment, warranty))
        if line is None:
            fitter = self.fitter
            op = fitter.operation(op_id, fitment)
            customer, warranty_hours = fitter.hours(op, fitment)
            parts = fitter.parts(op, fitment)
            if op.operation_id in self._lube_ops:
                role = "lube"
            else:
                role = "diagnosis" if op.category == "diagnosis" else "line"
            for paid_by_warranty, hours in ((True, warranty_hours), (False, customer)):
                line = (op.operation_id, op.op_code, op.description, hours, parts, op.hazmat, role)
                self._lines[op_id, fitment, paid_by_warranty] = line
            line = self._lines[op_id, fitment, warranty]
        return line

    def role_hours(self, op_ids: tuple[str, ...], pay_type: str, fitment: int) -> tuple[int, int, int]:
        """Book hours (tenths) of a list of operations for a pay type on a build: (lube, diagnosis,
        line), by who does them."""
        warranty = pay_type == "warranty"
        hours = self._hours.get((op_ids, warranty, fitment))
        if hours is None:
            by_role = dict.fromkeys(ROLES, 0)
            for op_id in op_ids:
                line = self._line(op_id, fitment, warranty)
                by_role[line[6]] += line[3]
            hours = (by_role["lube"], by_role["diagnosis"], by_role["line"])
            self._hours[op_ids, warranty, fitment] = hours
        return hours

    def job(
        self,
        pay_type: str,
        kind: str,
        concern: str,
        symptom: str | None,
        op_ids: tuple[str, ...],
        technicians: dict[str, str],
        fitment: int,
        campaign: str | None = None,
    ) -> Job:
        """``technicians``: who did each role's work on this visit (every role named)."""
        warranty = pay_type == "warranty"
        labor = []
        for op_id in op_ids:
            operation_id, op_code, description, hours, parts, hazmat, role = self._line(
                op_id, fitment, warranty
            )
            labor.append(LaborOp(operation_id, op_code, description, hours, technicians[role], parts, hazmat))
        return Job(pay_type, kind, concern, symptom, tuple(labor), campaign)
