"""Turning planned work into the immutable records of ``world.visit``: labor lines, jobs, visits.

Per (operation, fitment) the parts tuple is built once; a labor line only adds the technician
and the pay type's book hours. Book hours per (operations, pay type) are summed once and kept:
every planned visit asks for them.
"""

from __future__ import annotations

from world.catalog import Catalog
from world.visit import Job, LaborOp, PartUse

FITMENTS = 12


class JobAssembler:
    __slots__ = ("_ops", "_parts", "_hours")

    def __init__(self, catalog: Catalog) -> None:
        self._ops = catalog.operations
        self._hours: dict[tuple[tuple[str, ...], bool], int] = {}
        self._parts: dict[tuple[str, int], tuple[PartUse, ...]] = {}
        for op in catalog.operations.values():
            for fitment in range(FITMENTS):
                self._parts[op.operation_id, fitment] = tuple(
                    PartUse(use.choices[fitment % len(use.choices)], use.quantity) for use in op.parts
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
        lines = []
        for op_id in op_ids:
            op = self._ops[op_id]
            hours = op.hours_warranty if pay_type == "warranty" else op.hours_customer
            lines.append(
                LaborOp(
                    op_id,
                    op.op_code,
                    op.description,
                    hours,
                    technician,
                    self._parts[op_id, fitment],
                    op.hazmat,
                )
            )
        return Job(pay_type, kind, concern, symptom, tuple(lines), campaign)
