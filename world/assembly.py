"""Turning planned work into the immutable records of ``world.visit``: labor lines, jobs, visits.

Per (operation, fitment, warranty or not) everything of a labor line but its technician is built
once (the parts tuple, the book hours); a labor line only adds the technician. Book hours per
(operations, pay type) are summed once and kept: every planned visit asks for them.
"""

from __future__ import annotations

from world.catalog import Catalog
from world.visit import Job, LaborOp, PartUse

FITMENTS = 12


class JobAssembler:
    __slots__ = ("_ops", "_lines", "_hours")

    def __init__(self, catalog: Catalog) -> None:
        self._ops = catalog.operations
        self._hours: dict[tuple[tuple[str, ...], bool], int] = {}
        # (op_code, description, hours, parts, hazmat) by (operation, fitment, warranty pay)
        self._lines: dict[tuple[str, int, bool], tuple[str, str, int, tuple[PartUse, ...], bool]] = {}
        for op in catalog.operations.values():
            for fitment in range(FITMENTS):
                parts = tuple(
                    PartUse(use.choices[fitment % len(use.choices)], use.quantity) for use in op.parts
                )
                for warranty, hours in ((True, op.hours_warranty), (False, op.hours_customer)):
                    self._lines[op.operation_id, fitment, warranty] = (
                        op.op_code,
                        op.description,
                        hours,
                        parts,
                        op.hazmat,
                    )

    def hours(self, op_ids: tuple[str, ...], pay_type: str) -> int:
        """Book hours (tenths) of a list of operations for a pay type."""
        warranty = pay_type == "warranty"
        hours = self._hours.get((op_ids, warranty))
        if hours is None:
            ops = self._ops
            if warranty:
                hours = sum(ops[op_id].hours_warranty for op_id in op_ids)
            else:
                hours = sum(ops[op_id].hours_customer for op_id in op_ids)
            self._hours[op_ids, warranty] = hours
        return hours

    def job(
        self,
        pay_type: str,
        kind: str,
        concern: str,
        symptom: str | None,
        op_ids: tuple[str, ...],
        technician: str,
        fitment: int,
        campaign: str | None = None,
    ) -> Job:
        warranty = pay_type == "warranty"
        lines = self._lines
        labor = []
        for op_id in op_ids:
            op_code, description, hours, parts, hazmat = lines[op_id, fitment % FITMENTS, warranty]
            labor.append(LaborOp(op_id, op_code, description, hours, technician, parts, hazmat))
        return Job(pay_type, kind, concern, symptom, tuple(labor), campaign)
